package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.cairn.CairnException.Code.INVALID_ARGUMENT;
import static io.cairn.CairnException.Code.KEYSPACE_EXISTS;
import static io.cairn.CairnException.Code.NO_SUCH_KEYSPACE;
import static io.cairn.CairnException.Code.WRONG_INDEX_KIND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Keyspaces: creating, listing, dropping, renaming, copying, converting, and their handles, across reopen. */
class KeyspaceTest {
    @TempDir
    Path dir;

    final ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);

    CairnOptions options() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).clock(clock)
                .expiryInterval(Duration.ofHours(1)).build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static CairnException expectCode(CairnException.Code code, Executable call) {
        CairnException e = assertThrows(CairnException.class, call);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    static List<String> names(Cairn db) {
        return db.keyspaces().stream().map(k -> k.name() + ":" + k.kind()).collect(Collectors.toList());
    }

    static List<String> entries(Keyspace ks) {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = ks.iterator()) {
            it.forEachRemaining(e -> out.add(e.keyString() + "=" + e.valueString() + (e.expiresAtMillis() == 0 ? "" : "@" + e.expiresAtMillis())));
        }
        out.sort(null);
        return out;
    }

    @Test
    void createListFindAndDrop() {
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(names(db)).containsExactly("default:HASH");
            Keyspace users = db.createKeyspace("users", IndexKind.HASH);
            Keyspace events = db.createKeyspace("events", IndexKind.ORDERED);
            assertThat(users.name()).isEqualTo("users");
            assertThat(events.kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(names(db)).containsExactly("default:HASH", "events:ORDERED", "users:HASH");
            assertThat(db.stats().keyspaces()).isEqualTo(3);

            users.put(b("u1"), b("alice"));
            events.put(b("e1"), b("login"));
            db.put("d", "x");
            assertThat(users.get(b("d"))).as("keyspaces are separate").isNull();
            assertThat(db.get(b("u1"))).isNull();
            assertThat(db.keyspace("users").get(b("u1"))).isEqualTo(b("alice"));
            assertThat(db.findKeyspace("users")).isPresent();
            assertThat(db.findKeyspace("nope")).isEmpty();

            Keyspace again = db.keyspace("users", IndexKind.ORDERED);
            assertThat(again.kind()).as("an existing keyspace keeps its kind").isEqualTo(IndexKind.HASH);
            Keyspace created = db.keyspace("made", IndexKind.ORDERED);
            assertThat(created.kind()).isEqualTo(IndexKind.ORDERED);

            assertThat(db.dropKeyspace("users")).isTrue();
            assertThat(db.dropKeyspace("users")).as("dropping a missing keyspace").isFalse();
            assertThat(names(db)).containsExactly("default:HASH", "events:ORDERED", "made:ORDERED");
            assertThat(db.stats().keys()).as("a dropped keyspace's keys are gone").isEqualTo(2);

            // the name is free again, and the new keyspace starts empty
            Keyspace fresh = db.createKeyspace("users", IndexKind.ORDERED);
            assertThat(fresh.get(b("u1"))).isNull();
            assertThat(fresh.size()).isZero();
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(names(db)).containsExactly("default:HASH", "events:ORDERED", "made:ORDERED", "users:ORDERED");
            assertThat(db.keyspace("users").size()).isZero();
            assertThat(db.keyspace("events").get(b("e1"))).isEqualTo(b("login"));
            assertThat(db.getString("d")).isEqualTo("x");
        }
    }

    @Test
    void namesAreCheckedAndErrorsHaveCodes() {
        try (Cairn db = Cairn.open(dir, options())) {
            CairnException e = expectCode(INVALID_ARGUMENT, () -> db.createKeyspace("", IndexKind.HASH));
            assertThat(e.getMessage()).contains("1 to 255 bytes");
            String max = "é".repeat(127) + "x"; // 255 bytes of UTF-8
            assertThat(max.getBytes(StandardCharsets.UTF_8)).hasSize(255);
            Keyspace longest = db.createKeyspace(max, IndexKind.HASH);
            longest.put(b("k"), b("v"));
            String tooLong = "é".repeat(128); // 256 bytes
            e = expectCode(INVALID_ARGUMENT, () -> db.createKeyspace(tooLong, IndexKind.HASH));
            assertThat(e.getMessage()).contains("256 bytes");
            expectCode(INVALID_ARGUMENT, () -> db.keyspace(""));
            expectCode(INVALID_ARGUMENT, () -> db.renameKeyspace(max, tooLong));
            expectCode(INVALID_ARGUMENT, () -> db.copyKeyspace(max, ""));

            db.createKeyspace("a", IndexKind.HASH);
            e = expectCode(KEYSPACE_EXISTS, () -> db.createKeyspace("a", IndexKind.ORDERED));
            assertThat(e.getMessage()).contains("'a'");
            expectCode(KEYSPACE_EXISTS, () -> db.createKeyspace(Cairn.DEFAULT_KEYSPACE, IndexKind.HASH));
            expectCode(KEYSPACE_EXISTS, () -> db.renameKeyspace("a", max));
            expectCode(KEYSPACE_EXISTS, () -> db.copyKeyspace("a", Cairn.DEFAULT_KEYSPACE));

            e = expectCode(NO_SUCH_KEYSPACE, () -> db.keyspace("missing"));
            assertThat(e.getMessage()).contains("'missing'");
            expectCode(NO_SUCH_KEYSPACE, () -> db.renameKeyspace("missing", "b"));
            expectCode(NO_SUCH_KEYSPACE, () -> db.copyKeyspace("missing", "b"));
            expectCode(NO_SUCH_KEYSPACE, () -> db.convertKeyspace("missing", IndexKind.ORDERED));

            expectCode(INVALID_ARGUMENT, () -> db.dropKeyspace(Cairn.DEFAULT_KEYSPACE));
            expectCode(INVALID_ARGUMENT, () -> db.renameKeyspace(Cairn.DEFAULT_KEYSPACE, "other"));
            assertThat(db.defaultKeyspace().name()).isEqualTo(Cairn.DEFAULT_KEYSPACE);

            db.renameKeyspace("a", "a"); // to itself: nothing to do
            assertThat(names(db)).contains("a:HASH");
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(db.keyspace("é".repeat(127) + "x").get(b("k"))).isEqualTo(b("v"));
        }
    }

    @Test
    void handlesSurviveRenameAndConvertButNotDrop() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace h = db.createKeyspace("old", IndexKind.HASH);
            h.put(b("k1"), b("v1"));
            db.renameKeyspace("old", "new");
            assertThat(h.name()).isEqualTo("new");
            assertThat(h.get(b("k1"))).isEqualTo(b("v1"));
            h.put(b("k2"), b("v2"));
            assertThat(db.keyspace("new").get(b("k2"))).isEqualTo(b("v2"));
            expectCode(NO_SUCH_KEYSPACE, () -> db.keyspace("old"));
            db.createKeyspace("old", IndexKind.HASH); // the old name is free
            assertThat(db.keyspace("old").size()).isZero();

            db.convertKeyspace("new", IndexKind.ORDERED);
            assertThat(h.kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(h.get(b("k2"))).isEqualTo(b("v2"));
            try (CloseableIterator<Entry> it = h.scan().iterator()) {
                assertThat(it.next().keyString()).isEqualTo("k1");
            }

            Keyspace other = db.keyspace("new");
            assertThat(db.dropKeyspace("new")).isTrue();
            for (Keyspace dropped : List.of(h, other)) {
                List<Executable> calls = List.of(() -> dropped.get(b("k1")), () -> dropped.put(b("k"), b("v")),
                        () -> dropped.delete(b("k1")), () -> dropped.size(), () -> dropped.contains(b("k1")),
                        () -> dropped.increment(b("n"), 1), () -> dropped.ttlMillis(b("k1")),
                        () -> dropped.expiresAt(b("k1")), () -> dropped.expire(b("k1"), Duration.ofSeconds(1)),
                        () -> dropped.persist(b("k1")), () -> dropped.putIfAbsent(b("k"), b("v")),
                        () -> dropped.compareAndSet(b("k1"), null, b("v")), () -> dropped.getAll(List.of(b("k1"))),
                        () -> dropped.iterator(), () -> dropped.scan().iterator(), () -> dropped.clear(),
                        () -> db.write(new WriteBatch().put(dropped, b("k"), b("v"))));
                for (Executable call : calls) {
                    CairnException e = expectCode(NO_SUCH_KEYSPACE, call);
                    assertThat(e.getMessage()).contains("new");
                }
                CairnException async = assertThrows(java.util.concurrent.CompletionException.class,
                        () -> dropped.putAsync(b("k"), b("v")).join()).getCause() instanceof CairnException ce ? ce : null;
                assertThat(async).isNotNull();
                assertThat(async.code()).isEqualTo(NO_SUCH_KEYSPACE);
            }
            // a dropped name taken again does not revive old handles
            db.createKeyspace("new", IndexKind.HASH).put(b("k1"), b("fresh"));
            expectCode(NO_SUCH_KEYSPACE, () -> h.get(b("k1")));
            assertThat(db.keyspace("new").get(b("k1"))).isEqualTo(b("fresh"));
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void convertInPlaceKeepsContentsAndExpiries(IndexKind from) {
        IndexKind to = from == IndexKind.HASH ? IndexKind.ORDERED : IndexKind.HASH;
        List<String> expected;
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace ks = db.createKeyspace("ks", from);
            for (int i = 0; i < 500; i++) ks.put(b("k" + i), b("v" + i));
            ks.put(b("ttl"), b("t"), Duration.ofSeconds(30));
            ks.put(new byte[0], b("empty key"));
            ks.put(new byte[]{(byte) 0xFF}, b("ff"));
            ks.put(b("gone"), b("g"), Duration.ofSeconds(1));
            clock.advance(1000);
            expected = entries(ks);
            assertThat(expected).hasSize(503);
            long bytes = db.stats().bytes();

            db.convertKeyspace("ks", to);
            assertThat(ks.kind()).isEqualTo(to);
            assertThat(entries(ks)).isEqualTo(expected);
            assertThat(ks.ttlMillis(b("ttl"))).isEqualTo(29_000);
            assertThat(ks.get(b("gone"))).isNull();
            assertThat(ks.size()).isEqualTo(503);
            // memory held is unchanged, less the expired "gone" entry if the background reclaimer took it meanwhile
            assertThat(db.stats().bytes()).isIn(bytes, bytes - ("gone".length() + 1));
            long seq = db.stats().lastSequence();
            db.convertKeyspace("ks", to); // already of that kind
            assertThat(db.stats().lastSequence()).as("a no-op convert logs nothing").isEqualTo(seq);

            if (to == IndexKind.HASH) {
                expectCode(WRONG_INDEX_KIND, () -> ks.scan().iterator());
                expectCode(WRONG_INDEX_KIND, () -> ks.scanPrefix(b("k")));
            } else {
                try (var s = ks.scan().prefix(b("k49")).stream()) {
                    assertThat(s.map(Entry::keyString).collect(Collectors.toList()))
                            .containsExactly("k49", "k490", "k491", "k492", "k493", "k494", "k495", "k496", "k497", "k498", "k499");
                }
            }
            // still writable after the convert
            ks.put(b("after"), b("a"));
            ks.delete(b("k0"));
        }
        expected.remove("k0=v0");
        expected.add("after=a");
        expected.sort(null);
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace ks = db.keyspace("ks");
            assertThat(ks.kind()).isEqualTo(to);
            assertThat(entries(ks)).isEqualTo(expected);
            assertThat(ks.ttlMillis(b("ttl"))).isEqualTo(29_000);
            clock.advance(29_000);
            assertThat(ks.get(b("ttl"))).isNull();
        }
    }

    @Test
    void copyIsIndependentAndKeepsExpiries() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace src = db.createKeyspace("src", IndexKind.ORDERED);
            src.put(b("a"), b("1"));
            src.put(b("b"), b("2"), Duration.ofSeconds(10));
            Keyspace same = db.copyKeyspace("src", "same");
            Keyspace hash = db.copyKeyspace("src", "hash", IndexKind.HASH);
            assertThat(same.kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(hash.kind()).isEqualTo(IndexKind.HASH);
            assertThat(entries(same)).isEqualTo(entries(src));
            assertThat(entries(hash)).isEqualTo(entries(src));
            assertThat(hash.ttlMillis(b("b"))).isEqualTo(10_000);

            // independent afterwards, both ways
            src.put(b("a"), b("changed"));
            src.delete(b("b"));
            same.put(b("c"), b("3"));
            assertThat(same.get(b("a"))).isEqualTo(b("1"));
            assertThat(same.get(b("b"))).isEqualTo(b("2"));
            assertThat(src.get(b("c"))).isNull();
            assertThat(db.stats().keys()).isEqualTo(1 + 3 + 2);

            Keyspace ofDefault = db.copyKeyspace(Cairn.DEFAULT_KEYSPACE, "copy-of-default");
            assertThat(ofDefault.kind()).isEqualTo(IndexKind.HASH);
        }
        clock.advance(10_000);
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.keyspace("src"))).containsExactly("a=changed");
            assertThat(entries(db.keyspace("same"))).containsExactly("a=1", "c=3");
            assertThat(entries(db.keyspace("hash"))).containsExactly("a=1");
        }
    }

    @Test
    void batchesSpanKeyspacesAndEverythingSurvivesReopen() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.createKeyspace("a", IndexKind.HASH);
            Keyspace o = db.createKeyspace("o", IndexKind.ORDERED);
            db.write(new WriteBatch().put(a, b("k"), b("in a")).put(o, b("k"), b("in o")).put(b("k"), b("in default")));
            assertThat(a.get(b("k"))).isEqualTo(b("in a"));
            assertThat(o.get(b("k"))).isEqualTo(b("in o"));
            assertThat(db.get(b("k"))).isEqualTo(b("in default"));
            db.renameKeyspace("a", "a2");
            db.convertKeyspace("o", IndexKind.HASH);
            db.copyKeyspace("a2", "a3", IndexKind.ORDERED);
            a.clear();
            assertThat(a.isEmpty()).isTrue();
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(names(db)).containsExactly("a2:HASH", "a3:ORDERED", "default:HASH", "o:HASH");
            assertThat(db.keyspace("a2").size()).isZero();
            assertThat(db.keyspace("a3").get(b("k"))).isEqualTo(b("in a"));
            assertThat(db.keyspace("o").get(b("k"))).isEqualTo(b("in o"));
            // ids of dropped and created keyspaces keep counting correctly after replay
            db.dropKeyspace("a3");
            Keyspace n = db.createKeyspace("n", IndexKind.ORDERED);
            n.put(b("x"), b("y"));
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(names(db)).containsExactly("a2:HASH", "default:HASH", "n:ORDERED", "o:HASH");
            assertThat(db.keyspace("n").get(b("x"))).isEqualTo(b("y"));
            assertThat(db.keyspace("o").get(b("k"))).isEqualTo(b("in o"));
        }
    }

    @Test
    void defaultIndexKindAppliesOnlyWhenTheStoreIsCreated() {
        try (Cairn db = Cairn.open(dir, options().toBuilder().defaultIndexKind(IndexKind.ORDERED).build())) {
            assertThat(db.defaultKeyspace().kind()).isEqualTo(IndexKind.ORDERED);
            db.put("b", "2");
            db.put("a", "1");
            try (CloseableIterator<Entry> it = db.iterator()) {
                assertThat(it.next().keyString()).isEqualTo("a");
            }
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(db.defaultKeyspace().kind()).isEqualTo(IndexKind.ORDERED);
            db.convertKeyspace(Cairn.DEFAULT_KEYSPACE, IndexKind.HASH);
            assertThat(db.defaultKeyspace().kind()).isEqualTo(IndexKind.HASH);
            expectCode(WRONG_INDEX_KIND, () -> db.defaultKeyspace().scan().iterator());
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(db.defaultKeyspace().kind()).isEqualTo(IndexKind.HASH);
            assertThat(db.getString("a")).isEqualTo("1");
        }
    }

    /** Reads count the keys they found and missed (Redis's keyspace_hits and _misses); writes' lookups do not. */
    @Test
    void readsCountHitsAndMisses_writesDoNot() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace ks = db.defaultKeyspace();
            byte[] k = "k".getBytes(StandardCharsets.UTF_8);
            byte[] none = "none".getBytes(StandardCharsets.UTF_8);
            ks.put(k, "v".getBytes(StandardCharsets.UTF_8));
            db.hash("h").put("f", "1");
            Stats before = db.stats();
            ks.get(k);
            ks.get(none);
            ks.getAll(List.of(k, none, none));
            db.atomically(tx -> tx.hash(ks, "h".getBytes(StandardCharsets.UTF_8)).get("f".getBytes(StandardCharsets.UTF_8)));
            db.atomically(tx -> tx.contains(ks, none));
            db.atomically(tx -> { // reads, then writes: a write's lookups are not counted
                tx.get(ks, k);
                tx.put(ks, none, k, 0);
                return null;
            });
            Stats after = db.stats();
            assertThat(after.keyspaceHits() - before.keyspaceHits()).isEqualTo(3);
            assertThat(after.keyspaceMisses() - before.keyspaceMisses()).isEqualTo(4);
        }
    }
}
