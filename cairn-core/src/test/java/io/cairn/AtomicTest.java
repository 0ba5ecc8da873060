package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.cairn.KeyspaceTest.b;
import static io.cairn.KeyspaceTest.entries;
import static io.cairn.KeyspaceTest.expectCode;
import static org.assertj.core.api.Assertions.assertThat;

/** Atomic blocks (Txn), Writer, keyspace swaps, cursor scans and random keys: what the server builds on. */
class AtomicTest {
    @TempDir
    Path dir;

    final ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);

    CairnOptions options() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).clock(clock)
                .expiryInterval(Duration.ofHours(1)).build();
    }

    @Test
    void atomically_seesItsOwnWrites_andAppliesAllTogether_acrossReopen() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            Keyspace other = db.createKeyspace("other", IndexKind.ORDERED);
            a.put("gone", "x");
            String r = db.atomically(tx -> {
                assertThat(tx.get(a, b("k"))).isNull();
                tx.put(a, b("k"), b("1"), 0);
                assertThat(tx.get(a, b("k"))).isEqualTo(b("1"));
                tx.put(other, b("moved"), tx.get(a, b("k")), tx.now() + 60_000);
                assertThat(tx.delete(a, b("gone"))).isTrue();
                assertThat(tx.delete(a, b("gone"))).isFalse();
                assertThat(tx.contains(a, b("gone"))).isFalse();
                assertThat(tx.expiresAt(other, b("moved"))).isEqualTo(tx.now() + 60_000);
                assertThat(tx.expiresAt(a, b("nope"))).isEqualTo(Txn.ABSENT);
                return "done";
            });
            assertThat(r).isEqualTo("done");
            assertThat(entries(a)).containsExactly("k=1");
            assertThat(entries(other)).containsExactly("moved=1@" + (ExpiryTest.T0 + 60_000));
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.defaultKeyspace())).containsExactly("k=1");
            assertThat(entries(db.keyspace("other"))).containsExactly("moved=1@" + (ExpiryTest.T0 + 60_000));
        }
    }

    @Test
    void atomically_thatThrows_changesNothing() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            a.put("k", "before");
            long appends = db.stats().lastSequence();
            try {
                db.atomically(tx -> {
                    tx.put(a, b("k"), b("after"), 0);
                    tx.put(a, b("k2"), b("x"), 0);
                    throw new IllegalStateException("decided against it");
                });
            } catch (IllegalStateException expected) {
                assertThat(expected).hasMessage("decided against it");
            }
            assertThat(a.getString("k")).isEqualTo("before");
            assertThat(a.contains("k2")).isFalse();
            assertThat(db.stats().lastSequence()).isEqualTo(appends);
        }
    }

    @Test
    void txn_expiry_and_clear() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            a.put("e", "v", Duration.ofSeconds(10));
            a.put("p", "v");
            db.atomically(tx -> {
                assertThat(tx.expireAt(a, b("p"), tx.now() + 5000)).isTrue();
                assertThat(tx.persist(a, b("e"))).isTrue();
                assertThat(tx.persist(a, b("e"))).isFalse(); // no expiry left
                assertThat(tx.expireAt(a, b("missing"), tx.now() + 5000)).isFalse();
                return null;
            });
            assertThat(a.ttlMillis(b("p"))).isEqualTo(5000);
            assertThat(a.ttlMillis(b("e"))).isEqualTo(-1);
            db.atomically(tx -> {
                assertThat(tx.expireAt(a, b("p"), tx.now())).isTrue(); // in the past: deleted
                tx.clear(a);
                assertThat(tx.get(a, b("e"))).isNull();
                tx.put(a, b("after-clear"), b("1"), 0);
                return null;
            });
            assertThat(entries(a)).containsExactly("after-clear=1");
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.defaultKeyspace())).containsExactly("after-clear=1");
        }
    }

    @Test
    void txn_refusesUseOutsideItsBlock_andOversizedValues() {
        CairnOptions small = CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).maxValueSize(10).build();
        try (Cairn db = Cairn.open(dir, small)) {
            Keyspace a = db.defaultKeyspace();
            Txn[] leaked = new Txn[1];
            db.atomically(tx -> leaked[0] = tx);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> leaked[0].get(a, b("k")));
            expectCode(CairnException.Code.TOO_LARGE, () -> db.atomically(tx -> {
                tx.put(a, b("k"), new byte[11], 0);
                return null;
            }));
            assertThat(a.contains("k")).isFalse();
        }
    }

    @Test
    void writer_appliesAtOnce_andReportsDurability() throws Exception {
        CairnOptions always = CairnOptions.builder().fsyncPolicy(FsyncPolicy.ALWAYS).build();
        try (Cairn db = Cairn.open(dir, always)) {
            Writer w = db.writer();
            assertThat(w.lastSequence()).isZero();
            w.put(db.defaultKeyspace(), b("k"), b("v"));
            long seq = w.lastSequence();
            assertThat(seq).isPositive();
            assertThat(db.get("k")).isEqualTo(b("v")); // visible before durable
            CompletableFuture<Void> f = w.whenDurable(seq);
            f.get(10, TimeUnit.SECONDS);
            assertThat(w.isDurable(seq)).isTrue();
            Boolean wrote = w.atomically(tx -> tx.delete(db.defaultKeyspace(), b("nothing")));
            assertThat(wrote).isFalse();
            assertThat(w.lastSequence()).isEqualTo(seq); // nothing logged
        }
        try (Cairn db = Cairn.open(dir, always)) {
            assertThat(db.get("k")).isEqualTo(b("v"));
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void swapKeyspaces_exchangesContents_keepsNames_andReplays(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace x = db.createKeyspace("x", kind);
            Keyspace y = db.createKeyspace("y", IndexKind.HASH);
            x.put("in-x", "1", Duration.ofSeconds(30));
            y.put("in-y", "2");
            db.swapKeyspaces(x, y);
            assertThat(entries(x)).containsExactly("in-y=2");
            assertThat(entries(y)).containsExactly("in-x=1@" + (ExpiryTest.T0 + 30_000));
            assertThat(x.kind()).isEqualTo(IndexKind.HASH);
            assertThat(y.kind()).isEqualTo(kind);
            assertThat(y.expiringCount()).isEqualTo(1);
            assertThat(x.expiringCount()).isZero();
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.keyspace("x"))).containsExactly("in-y=2");
            assertThat(entries(db.keyspace("y"))).containsExactly("in-x=1@" + (ExpiryTest.T0 + 30_000));
        }
    }

    @Test
    void scanKeys_visitsEveryKeyPresentThroughout_evenWhileTheIndexGrows() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                a.put("stable-" + i, "v");
                stable.add("stable-" + i);
            }
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            int steps = 0;
            int added = 0;
            do {
                List<byte[]> got = new ArrayList<>();
                cursor = a.scanKeys(cursor, 10, got::add);
                got.forEach(k -> seen.add(new String(k)));
                // grow the table between steps, as concurrent writers would
                for (int i = 0; i < 40; i++) a.put("new-" + added++, "v");
                steps++;
            } while (cursor != 0 && steps < 100_000);
            assertThat(cursor).isZero();
            assertThat(seen).containsAll(stable);
        }
    }

    @Test
    void scanKeys_skipsExpired_andRefusesOrdered() {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            a.put("live", "v");
            a.put("dying", "v", Duration.ofSeconds(1));
            clock.advance(2000);
            List<String> seen = new ArrayList<>();
            long c = 0;
            do {
                c = a.scanKeys(c, 100, k -> seen.add(new String(k)));
            } while (c != 0);
            assertThat(seen).containsExactly("live");
            Keyspace o = db.createKeyspace("o", IndexKind.ORDERED);
            expectCode(CairnException.Code.WRONG_INDEX_KIND, () -> o.scanKeys(0, 10, k -> { }));
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void randomKey_returnsLiveKeys_orNull(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace k = db.createKeyspace("r", kind);
            assertThat(k.randomKey()).isNull();
            for (int i = 0; i < 50; i++) k.put("k" + i, "v");
            k.put("dying", "v", Duration.ofSeconds(1));
            clock.advance(2000);
            Set<String> picked = new HashSet<>();
            for (int i = 0; i < 500; i++) picked.add(new String(k.randomKey()));
            assertThat(picked).doesNotContain("dying").hasSizeGreaterThan(30);
        }
    }
}
