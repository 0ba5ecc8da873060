package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Time to live with a clock the test moves: visibility, Redis's TTL conventions, persistence, reclamation. */
class ExpiryTest {
    /** A clock that stands still until the test moves it. Thread-safe. */
    static final class TestClock extends Clock {
        private final AtomicLong now;
        /** Runs on every read of the clock, on the reading thread, if set. */
        volatile Runnable onRead;

        TestClock(long startMillis) {
            this.now = new AtomicLong(startMillis);
        }

        void advance(long millis) {
            now.addAndGet(millis);
        }

        void set(long millis) {
            now.set(millis);
        }

        @Override
        public long millis() {
            Runnable hook = onRead;
            if (hook != null) hook.run();
            return now.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    final TestClock clock = new TestClock(T0);

    /** No background reclamation during the test (it runs once at open, then waits an hour). */
    CairnOptions quiet(IndexKind kind) {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).clock(clock).expiryInterval(Duration.ofHours(1))
                .defaultIndexKind(kind).segmentSize(64 * 1024).build();
    }

    CairnOptions reclaiming(IndexKind kind) {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).clock(clock).expiryInterval(Duration.ofMillis(2))
                .defaultIndexKind(kind).segmentSize(64 * 1024).build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> keys(CloseableIterator<Entry> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(e.keyString()));
        }
        return out;
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("gave up waiting for " + what);
            Thread.yield();
        }
    }

    // ------------------------------------------------------------------ visibility

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void anExpiredKeyIsInvisibleAtOnceEverywhere(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("a-live", "1");
            db.put("b-short", "2", Duration.ofMillis(1000));
            db.put("c-long", "3", Duration.ofMillis(5000));

            clock.advance(999);
            assertThat(db.getString("b-short")).isEqualTo("2");
            assertThat(db.ttlMillis("b-short")).isEqualTo(1);
            assertThat(db.size()).isEqualTo(3);

            clock.advance(1); // exactly at the expiry: gone
            assertThat(db.get("b-short")).isNull();
            assertThat(db.contains("b-short")).isFalse();
            assertThat(db.ttlMillis("b-short")).isEqualTo(-2);
            assertThat(ks.expiresAt(b("b-short"))).isEmpty();
            assertThat(db.size()).isEqualTo(2);
            assertThat(db.stats().keys()).isEqualTo(2);
            assertThat(keys(db.iterator())).containsExactlyInAnyOrder("a-live", "c-long");
            try (var s = db.stream()) {
                assertThat(s.map(Entry::keyString).collect(Collectors.toList())).containsExactlyInAnyOrder("a-live", "c-long");
            }
            List<byte[]> all = ks.getAll(List.of(b("a-live"), b("b-short"), b("c-long")));
            assertThat(all).hasSize(3);
            assertThat(all.get(0)).isEqualTo(b("1"));
            assertThat(all.get(1)).as("expired: absent").isNull();
            assertThat(all.get(2)).isEqualTo(b("3"));
            if (kind == IndexKind.ORDERED) {
                assertThat(keys(ks.scan().iterator())).containsExactly("a-live", "c-long");
                assertThat(keys(ks.scan().reverse().iterator())).containsExactly("c-long", "a-live");
                assertThat(keys(ks.scanPrefix(b("b")))).isEmpty();
                assertThat(keys(ks.scan().from(b("b")).limit(1).iterator())).containsExactly("c-long");
            }

            clock.advance(4000);
            assertThat(db.get("c-long")).isNull();
            assertThat(db.size()).isEqualTo(1);
            assertThat(keys(db.iterator())).containsExactly("a-live");
        }
    }

    @Test
    void anExpiredKeyIsAbsentForEveryWrite() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            for (String k : List.of("d", "e", "c1", "c2", "i", "p", "x", "pa")) db.put(k, "5", Duration.ofSeconds(1));
            clock.advance(1000);
            long seq = db.stats().lastSequence();
            // writes that find nothing to change log nothing
            assertThat(db.delete("d")).isNull();
            assertThat(db.expire("e", Duration.ofSeconds(10))).isFalse();
            assertThat(db.persist("p")).isFalse();
            assertThat(db.compareAndSet("c1", "5", "6")).isFalse();
            assertThat(db.stats().lastSequence()).isEqualTo(seq);
            assertThat(db.get("e")).isNull();

            assertThat(db.compareAndSet("c2", null, "new")).isTrue();
            assertThat(db.getString("c2")).isEqualTo("new");
            assertThat(db.ttlMillis("c2")).isEqualTo(-1);

            assertThat(db.increment("i", 3)).as("an expired counter counts as absent").isEqualTo(3);
            assertThat(db.ttlMillis("i")).as("and the new value does not inherit the old expiry").isEqualTo(-1);

            assertThat(db.putIfAbsent("pa", "fresh")).isNull();
            assertThat(db.getString("pa")).isEqualTo("fresh");

            assertThat(db.put("x", "again")).as("put reports no previous value for an expired key").isNull();
            assertThat(ks.size()).isEqualTo(4); // c2, i, pa, x
        }
    }

    // ------------------------------------------------------------------ Redis's conventions

    @Test
    void ttlExpirePersistFollowRedis() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            assertThat(db.ttlMillis("missing")).isEqualTo(-2);
            assertThat(db.expire("missing", Duration.ofSeconds(5))).isFalse();
            assertThat(db.persist("missing")).isFalse();
            assertThat(ks.expireAt(b("missing"), Instant.ofEpochMilli(T0 + 10))).isFalse();
            assertThat(db.get("missing")).isNull();

            db.put("k", "v");
            assertThat(db.ttlMillis("k")).isEqualTo(-1);
            assertThat(ks.expiresAt(b("k"))).isEmpty();
            assertThat(db.persist("k")).as("persist of a key without expiry").isFalse();

            assertThat(db.expire("k", Duration.ofSeconds(5))).isTrue();
            assertThat(db.ttlMillis("k")).isEqualTo(5000);
            assertThat(ks.expiresAt(b("k"))).contains(Instant.ofEpochMilli(T0 + 5000));
            clock.advance(1234);
            assertThat(db.ttlMillis("k")).isEqualTo(5000 - 1234);

            assertThat(ks.expireAt(b("k"), Instant.ofEpochMilli(T0 + 100_000))).isTrue();
            assertThat(ks.expiresAt(b("k"))).contains(Instant.ofEpochMilli(T0 + 100_000));

            assertThat(db.persist("k")).isTrue();
            assertThat(db.ttlMillis("k")).isEqualTo(-1);
            assertThat(db.persist("k")).isFalse();

            // a ttl of zero or less, or an expiry time already past, deletes the key (and says it existed)
            db.put("z", "v");
            assertThat(db.expire("z", Duration.ZERO)).isTrue();
            assertThat(db.get("z")).isNull();
            db.put("n", "v");
            assertThat(db.expire("n", Duration.ofSeconds(-3))).isTrue();
            assertThat(db.ttlMillis("n")).isEqualTo(-2);
            db.put("p", "v", Duration.ofSeconds(50));
            assertThat(ks.expireAt(b("p"), Instant.ofEpochMilli(clock.millis() - 1))).isTrue();
            assertThat(db.contains("p")).isFalse();
            db.put("q", "v");
            assertThat(ks.expireAt(b("q"), Instant.ofEpochMilli(clock.millis()))).as("expiry == now is past").isTrue();
            assertThat(db.contains("q")).isFalse();

            // put with a ttl: positive only; a sub-millisecond ttl still lives one millisecond
            assertThatThrownBy(() -> db.put("t", "v", Duration.ZERO)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
            assertThatThrownBy(() -> db.put("t", "v", Duration.ofMillis(-1))).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
            assertThat(db.get("t")).isNull();
            db.put("t", "v", Duration.ofNanos(1));
            assertThat(db.ttlMillis("t")).isEqualTo(1);
            clock.advance(1);
            assertThat(db.get("t")).isNull();

            // put with an absolute time: a past time stores nothing visible but reports the previous value
            db.put("at", "old");
            assertThat(ks.put(b("at"), b("new"), Instant.ofEpochMilli(clock.millis() - 5))).isEqualTo(b("old"));
            assertThat(db.get("at")).isNull();
            assertThat(ks.put(b("at"), b("new2"), Instant.ofEpochMilli(clock.millis() + 70))).isNull();
            assertThat(db.ttlMillis("at")).isEqualTo(70);
            assertThatThrownBy(() -> ks.put(b("at"), b("x"), Instant.EPOCH)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
        }
    }

    /**
     * A time to live too large for epoch milliseconds is refused, as put(key, value, ttl) refuses it, on every path:
     * added to the clock unchecked it wraps into the past, and the key would vanish instead of living long.
     */
    @Test
    void hugeTimesToLiveAreRefusedNotWrappedIntoThePast() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("a", "1");
            long seq = db.stats().lastSequence();
            for (Duration huge : List.of(Duration.ofMillis(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE))) {
                for (Runnable call : List.<Runnable>of(
                        () -> db.put("p", "1", huge),
                        () -> db.expire("a", huge),
                        () -> db.write(new WriteBatch().put(ks, b("x"), b("1")).put(ks, b("b"), b("1"), huge)),
                        () -> db.write(new WriteBatch().expire(ks, b("a"), huge)),
                        () -> db.write(new WriteBatch().expire(ks, b("absent"), huge)))) {
                    assertThatThrownBy(call::run).as(huge.toString()).isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
                }
            }
            assertThatThrownBy(() -> ks.expireAt(b("a"), Instant.MAX)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
            assertThatThrownBy(() -> ks.put(b("e"), b("1"), Instant.MAX)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT));
            assertThat(db.stats().lastSequence()).as("nothing was logged").isEqualTo(seq);
            assertThat(db.getString("a")).isEqualTo("1");
            assertThat(db.ttlMillis("a")).isEqualTo(-1);
            assertThat(db.get("x")).as("a refused batch applies nothing").isNull();

            // long, but representable: fine
            Duration millennium = Duration.ofDays(365_000);
            assertThat(db.expire("a", millennium)).isTrue();
            assertThat(db.ttlMillis("a")).isEqualTo(millennium.toMillis());
            db.write(new WriteBatch().put(ks, b("b"), b("2"), millennium));
            assertThat(db.ttlMillis("b")).isEqualTo(millennium.toMillis());
            // and a time too far back to count is simply past
            assertThat(ks.expireAt(b("a"), Instant.MIN)).isTrue();
            assertThat(db.get("a")).isNull();
        }
    }

    @Test
    void whichWritesKeepAndWhichClearTheExpiry() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.ORDERED))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("n", "10", Duration.ofSeconds(10));
            assertThat(db.increment("n", 5)).isEqualTo(15);
            assertThat(db.ttlMillis("n")).as("increment keeps the expiry (INCRBY)").isEqualTo(10_000);
            assertThat(ks.incrementAsync(b("n"), -20).join()).isEqualTo(-5);
            assertThat(db.ttlMillis("n")).isEqualTo(10_000);

            assertThat(db.putIfAbsent("n", "other")).isEqualTo("-5");
            assertThat(db.ttlMillis("n")).as("a failed putIfAbsent changes nothing").isEqualTo(10_000);

            db.put("n", "1");
            assertThat(db.ttlMillis("n")).as("put clears the expiry (SET)").isEqualTo(-1);

            db.put("l", "1", Duration.ofSeconds(10));
            db.putLong("l", 7);
            assertThat(db.ttlMillis("l")).as("putLong is a put").isEqualTo(-1);

            db.put("c", "a", Duration.ofSeconds(10));
            assertThat(db.compareAndSet("c", "zzz", "b")).isFalse();
            assertThat(db.ttlMillis("c")).isEqualTo(10_000);
            assertThat(db.compareAndSet("c", "a", "b")).isTrue();
            assertThat(db.ttlMillis("c")).as("a replaced key loses its expiry").isEqualTo(-1);

            db.put("w", "a", Duration.ofSeconds(10));
            db.write(new WriteBatch().put(b("w"), b("b")));
            assertThat(db.ttlMillis("w")).as("a batch put without ttl clears it").isEqualTo(-1);
            db.write(new WriteBatch().put(null, b("w"), b("c"), Duration.ofSeconds(3)));
            assertThat(db.ttlMillis("w")).isEqualTo(3000);
        }
    }

    @Test
    void batchExpireSetsPresentKeysDeletesOnNonPositiveAndLeavesAbsentAlone() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("a", "1");
            db.put("b", "2");
            db.write(new WriteBatch()
                    .expire(ks, b("a"), Duration.ofSeconds(7))
                    .expire(ks, b("b"), Duration.ZERO)
                    .expire(ks, b("absent"), Duration.ofSeconds(7))
                    .put(ks, b("later"), b("3"))
                    .expire(ks, b("later"), Duration.ofSeconds(2)));
            assertThat(db.ttlMillis("a")).isEqualTo(7000);
            assertThat(db.get("b")).isNull();
            assertThat(db.get("absent")).isNull();
            assertThat(db.ttlMillis("later")).as("an expire sees a put earlier in the same batch").isEqualTo(2000);
        }
    }

    /**
     * A batch's EXPIRE of a key that has expired but is not yet reclaimed must leave it absent, not bring it back: the
     * key is absent to every reader, and WriteBatch.expire leaves absent keys alone.
     */
    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void batchExpireDoesNotResurrectAnExpiredKey(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("k", "secret", Duration.ofSeconds(1));
            clock.advance(2000);
            assertThat(db.get("k")).isNull();
            db.write(new WriteBatch().expire(ks, b("k"), Duration.ofMinutes(1)).put(ks, b("other"), b("x")));
            assertThat(db.get("k")).as("expired key brought back by a batch expire").isNull();
            assertThat(db.size()).isEqualTo(1);
        }
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            assertThat(db.get("k")).as("after replay").isNull();
            assertThat(db.getString("other")).isEqualTo("x");
        }
    }

    /**
     * The same, when the expired key was already reclaimed from memory before the batch: live, the batch finds nothing;
     * on replay (where nothing was reclaimed) the logged EXPIRE must not find it either. Recovery must rebuild exactly
     * what readers saw.
     */
    @Test
    void batchExpireOfAReclaimedKeyReplaysTheSame() {
        try (Cairn db = Cairn.open(dir, reclaiming(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            db.put("k", "secret", Duration.ofSeconds(1));
            clock.advance(2000);
            awaitTrue("the expired key to be reclaimed", () -> db.stats().expiredReclaimed() >= 1);
            db.write(new WriteBatch().expire(ks, b("k"), Duration.ofMinutes(1)).put(ks, b("other"), b("x")));
            assertThat(db.get("k")).isNull();
        }
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            assertThat(db.get("k")).as("the recovered store differs from the one that was closed").isNull();
            assertThat(db.size()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ persistence

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void expiryIsStoredAsAnAbsoluteTime(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            db.put("k", "v", Duration.ofSeconds(10));
            db.put("forever", "v");
            db.put("p", "v", Duration.ofSeconds(10));
            db.persist("p");
        }
        clock.set(T0 + 5_000);
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            assertThat(db.getString("k")).isEqualTo("v");
            assertThat(db.ttlMillis("k")).isEqualTo(5_000);
            assertThat(db.ttlMillis("p")).isEqualTo(-1);
        }
        // a clock set back shows the expiry was stored as a time, not as a remaining duration
        TestClock earlier = new TestClock(T0 - 1_000);
        try (Cairn db = Cairn.open(dir, quiet(kind).toBuilder().clock(earlier).build())) {
            assertThat(db.ttlMillis("k")).isEqualTo(11_000);
        }
        clock.set(T0 + 9_999);
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            assertThat(db.ttlMillis("k")).isEqualTo(1);
            assertThat(db.size()).isEqualTo(3);
        }
        clock.set(T0 + 10_000);
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            assertThat(db.get("k")).isNull();
            assertThat(db.ttlMillis("k")).isEqualTo(-2);
            assertThat(db.size()).isEqualTo(2);
            assertThat(db.stats().keys()).isEqualTo(2);
            assertThat(keys(db.iterator())).containsExactlyInAnyOrder("forever", "p");
            assertThat(db.getString("p")).isEqualTo("v");
        }
    }

    // ------------------------------------------------------------------ reclamation

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void expiredEntriesAreReclaimedInTheBackground(IndexKind kind) {
        int expiring = 3000;
        try (Cairn db = Cairn.open(dir, reclaiming(kind))) {
            Keyspace ks = db.defaultKeyspace();
            Keyspace other = db.createKeyspace("other", kind == IndexKind.HASH ? IndexKind.ORDERED : IndexKind.HASH);
            long liveBytes = 0;
            for (int i = 0; i < 10; i++) {
                byte[] k = b("keep-" + i);
                byte[] v = new byte[50];
                ks.put(k, v);
                liveBytes += k.length + v.length;
            }
            for (int i = 0; i < expiring; i++) {
                Keyspace target = i % 2 == 0 ? ks : other;
                target.put(b("tmp-" + i), new byte[100], Duration.ofMillis(1000 + i % 7));
            }
            Stats before = db.stats();
            assertThat(before.keys()).isEqualTo(10 + expiring);
            assertThat(before.expiredReclaimed()).isZero();
            assertThat(before.bytes()).isGreaterThan(liveBytes + expiring * 100L);

            clock.advance(1007);
            assertThat(db.stats().keys()).as("invisible at once, before reclamation").isEqualTo(10);
            awaitTrue("reclamation of " + expiring + " entries", () -> db.stats().expiredReclaimed() >= expiring);
            Stats after = db.stats();
            assertThat(after.expiredReclaimed()).isEqualTo(expiring);
            assertThat(after.bytes()).as("memory held after reclamation").isEqualTo(liveBytes);
            assertThat(after.keys()).isEqualTo(10);
            assertThat(ks.size()).isEqualTo(10);
            assertThat(other.size()).isZero();
        }
    }

    /**
     * While the reclaimer removes expired entries, size() must keep counting the live keys only: it may never count a
     * key twice or not at all because it raced with the removal of an expired one.
     */
    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void sizeStaysExactWhileExpiredEntriesAreReclaimed(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, reclaiming(kind))) {
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 5; i++) ks.put(b("keep-" + i), b("v"));
            for (int round = 0; round < 4; round++) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 20_000; i++) batch.put(ks, b("tmp-" + round + "-" + i), b("x"), Duration.ofMillis(10));
                db.write(batch);
                long reclaimed = db.stats().expiredReclaimed();
                clock.advance(10);
                long target = reclaimed + 20_000;
                List<Long> wrong = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (db.stats().expiredReclaimed() < target) {
                    if (System.nanoTime() - deadline > 0) throw new AssertionError("gave up waiting for reclamation, round " + round);
                    long n = ks.size();
                    long k = db.stats().keys();
                    if (n != 5) wrong.add(n);
                    if (k != 5) wrong.add(k);
                }
                assertThat(wrong).as("size() and stats().keys() read while reclaiming, round " + round).isEmpty();
            }
        }
    }

    @Test
    void copiedAndConvertedKeyspacesKeepTheirExpiries() {
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            Keyspace src = db.createKeyspace("src", IndexKind.HASH);
            src.put(b("a"), b("1"), Duration.ofSeconds(5));
            src.put(b("gone"), b("2"), Duration.ofSeconds(1));
            src.put(b("b"), b("3"));
            clock.advance(1000);
            Keyspace copy = db.copyKeyspace("src", "copy", IndexKind.ORDERED);
            assertThat(copy.size()).isEqualTo(2);
            assertThat(keys(copy.scan().iterator())).containsExactly("a", "b");
            assertThat(copy.ttlMillis(b("a"))).isEqualTo(4000);
            db.convertKeyspace("src", IndexKind.ORDERED);
            assertThat(src.ttlMillis(b("a"))).isEqualTo(4000);
            assertThat(src.get(b("gone"))).isNull();
            clock.advance(4000);
            assertThat(copy.get(b("a"))).isNull();
            assertThat(src.get(b("a"))).isNull();
            assertThat(copy.size()).isEqualTo(1);
            assertThat(src.size()).isEqualTo(1);
            assertThat(db.stats().keys()).isEqualTo(2);
        }
        try (Cairn db = Cairn.open(dir, quiet(IndexKind.HASH))) {
            assertThat(keys(db.keyspace("copy").iterator())).containsExactly("b");
            assertThat(keys(db.keyspace("src").iterator())).containsExactly("b");
            assertThat(db.keyspace("src").kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(Optional.of(db.keyspace("copy").kind())).contains(IndexKind.ORDERED);
        }
    }

    /**
     * The expiry cycle's time budget bounds its work: a cycle whose deadline has passed removes one chunk and stops,
     * the entries it left are counted as stale, a cycle without a deadline removes the rest, and the listener hears of
     * every removed key once, with its keyspace.
     */
    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void theExpiryCycleStopsAtItsDeadlineAndAnnouncesEachKeyOnce(IndexKind kind) {
        int expiring = 5 * Engine.EXPIRE_CHUNK;
        try (Cairn db = Cairn.open(dir, quiet(kind))) {
            Keyspace ks = db.defaultKeyspace();
            ks.put(b("keep"), b("v"));
            for (int i = 0; i < expiring; i++) ks.put(b("tmp-" + i), b("v"), Duration.ofMillis(10 + i % 5));
            List<String> told = java.util.Collections.synchronizedList(new ArrayList<>());
            db.onExpiry((keyspace, key) -> told.add(keyspace + "/" + new String(key, StandardCharsets.UTF_8)));

            assertThat(db.stats().expiredStale()).isZero();
            clock.advance(20);
            assertThat(db.stats().expiredStale()).isEqualTo(expiring);
            assertThat(db.stats().keys()).isEqualTo(1);

            Engine engine = ks.engine();
            assertThat(engine.reclaimExpired(System.nanoTime())).as("a cycle past its deadline: one chunk")
                    .isEqualTo(Engine.EXPIRE_CHUNK);
            assertThat(db.stats().expiredStale()).isEqualTo(expiring - Engine.EXPIRE_CHUNK);
            assertThat(db.stats().expiredReclaimed()).isEqualTo(Engine.EXPIRE_CHUNK);
            assertThat(told).hasSize(Engine.EXPIRE_CHUNK);

            assertThat(engine.reclaimExpired()).isEqualTo(expiring - Engine.EXPIRE_CHUNK);
            Stats after = db.stats();
            assertThat(after.expiredStale()).isZero();
            assertThat(after.expiredReclaimed()).isEqualTo(expiring);
            assertThat(after.keys()).isEqualTo(1);
            assertThat(told).hasSize(expiring).doesNotHaveDuplicates().allMatch(t -> t.startsWith("default/tmp-"));
        }
    }

    /** The background cycle runs on its own, counts its cycles and their time, and leaves no stale entry behind. */
    @Test
    void theBackgroundCycleCountsItsWork() {
        try (Cairn db = Cairn.open(dir, reclaiming(IndexKind.HASH))) {
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 20_000; i++) ks.put(b("tmp-" + i), b("v"), Duration.ofMillis(5));
            clock.advance(10);
            awaitTrue("every expired entry reclaimed", () -> db.stats().expiredReclaimed() == 20_000);
            Stats s = db.stats();
            assertThat(s.expiredStale()).isZero();
            assertThat(s.expireCycles()).isPositive();
            assertThat(s.expireCycleTime()).isPositive();
            assertThat(s.expireCyclesCapped()).isLessThanOrEqualTo(s.expireCycles());
        }
    }
}
