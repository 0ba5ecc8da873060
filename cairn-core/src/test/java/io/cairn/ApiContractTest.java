package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static io.cairn.CairnException.Code.CLOSED;
import static io.cairn.CairnException.Code.LOCKED;
import static io.cairn.CairnException.Code.NOT_A_NUMBER;
import static io.cairn.CairnException.Code.TOO_LARGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The edges of the public API: bad input, typed values, a closed store, the async API, figures, options. */
class ApiContractTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static CairnOptions fast() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).build();
    }

    static CairnException expectCode(CairnException.Code code, Executable call) {
        CairnException e = assertThrows(CairnException.class, call);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.getMessage()).isNotBlank();
        return e;
    }

    /** An async call rejects either by throwing or with a failed future; either way with {@code code}. */
    static CairnException expectAsyncCode(CairnException.Code code, Supplier<? extends CompletableFuture<?>> call) {
        Throwable failure;
        try {
            CompletableFuture<?> f = call.get();
            failure = assertThrows(CompletionException.class, f::join).getCause();
        } catch (CairnException e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(CairnException.class);
        assertThat(((CairnException) failure).code()).as(failure.getMessage()).isEqualTo(code);
        return (CairnException) failure;
    }

    static void expectNpe(String argument, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertThat(e.getMessage()).as("the NPE names the argument").isEqualTo(argument);
    }

    // ------------------------------------------------------------------ null and oversized input

    @Test
    void nullArgumentsAreNullPointerExceptionsNamingTheArgument() {
        try (Cairn db = Cairn.open(dir, fast())) {
            Keyspace ks = db.defaultKeyspace();
            long seq = db.stats().lastSequence();
            byte[] k = b("k");
            byte[] v = b("v");
            expectNpe("key", () -> db.put(null, v));
            expectNpe("value", () -> db.put(k, null));
            expectNpe("key", () -> db.put(null, v, Duration.ofSeconds(1)));
            expectNpe("ttl", () -> db.put(k, v, (Duration) null));
            expectNpe("key", () -> db.get((byte[]) null));
            expectNpe("key", () -> db.delete((byte[]) null));
            expectNpe("key", () -> db.contains((byte[]) null));
            expectNpe("key", () -> db.putIfAbsent(null, v));
            expectNpe("value", () -> db.putIfAbsent(k, null));
            expectNpe("key", () -> db.compareAndSet((byte[]) null, null, v));
            expectNpe("key", () -> ks.increment((byte[]) null, 1));
            expectNpe("key", () -> db.expire((byte[]) null, Duration.ofSeconds(1)));
            expectNpe("ttl", () -> db.expire(k, null));
            expectNpe("key", () -> db.ttlMillis((byte[]) null));
            expectNpe("key", () -> db.persist((byte[]) null));
            expectNpe("keys", () -> ks.getAll(null));
            expectNpe("key", () -> ks.getAll(Arrays.asList(k, null)));
            expectNpe("batch", () -> db.write(null));
            expectNpe("key", () -> new WriteBatch().put((byte[]) null, v));
            expectNpe("value", () -> new WriteBatch().put(k, null));
            expectNpe("key", () -> new WriteBatch().delete((byte[]) null));
            expectNpe("ttl", () -> new WriteBatch().expire(ks, k, null));
            expectNpe("from", () -> ks.scan().from(null));
            expectNpe("after", () -> ks.scan().after(null));
            expectNpe("to", () -> ks.scan().to(null));
            expectNpe("toInclusive", () -> ks.scan().toInclusive(null));
            expectNpe("prefix", () -> ks.scan().prefix(null));
            expectNpe("name", () -> db.createKeyspace(null, IndexKind.HASH));
            expectNpe("kind", () -> db.createKeyspace("x", null));
            expectNpe("kind", () -> db.copyKeyspace(Cairn.DEFAULT_KEYSPACE, "x", null));
            expectNpe("dir", () -> Cairn.open(null));
            expectNpe("options", () -> Cairn.open(dir.resolve("other"), null));
            assertThrows(NullPointerException.class, () -> db.putAsync(null, v).join());
            // the String forms say "key or value"
            assertThatThrownBy(() -> db.put((String) null, "v")).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
            assertThatThrownBy(() -> db.put("k", (String) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
            assertThat(db.stats().lastSequence()).as("nothing was logged").isEqualTo(seq);
            assertThat(db.size()).isZero();
        }
    }

    @Test
    void keysAndValuesOverTheLimitsAreRejectedAndNothingIsLogged() {
        CairnOptions small = fast().toBuilder().maxKeySize(16).maxValueSize(64).build();
        try (Cairn db = Cairn.open(dir, small)) {
            Keyspace ks = db.createKeyspace("ordered", IndexKind.ORDERED);
            byte[] key16 = new byte[16];
            byte[] key17 = new byte[17];
            byte[] val64 = new byte[64];
            byte[] val65 = new byte[65];
            db.put(key16, val64); // exactly at the limits: fine
            ks.put(key16, val64);
            Stats before = db.stats();

            CairnException e = expectCode(TOO_LARGE, () -> db.put(key17, b("v")));
            assertThat(e.getMessage()).contains("17").contains("16").contains("maxKeySize");
            e = expectCode(TOO_LARGE, () -> ks.put(b("k"), val65));
            assertThat(e.getMessage()).contains("65").contains("64").contains("maxValueSize");
            expectCode(TOO_LARGE, () -> db.put(key17, b("v"), Duration.ofSeconds(5)));
            expectCode(TOO_LARGE, () -> db.putIfAbsent(b("new"), val65));
            expectCode(TOO_LARGE, () -> db.compareAndSet(key16, val64, val65));
            expectCode(TOO_LARGE, () -> ks.increment(key17, 1));
            expectAsyncCode(TOO_LARGE, () -> ks.putAsync(b("k"), val65));
            expectAsyncCode(TOO_LARGE, () -> ks.compareAndSetAsync(key17, null, b("v")));
            WriteBatch batch = new WriteBatch().put(b("ok-1"), b("v")).put(ks, b("ok-2"), val65).put(b("ok-3"), b("v"));
            expectCode(TOO_LARGE, () -> db.write(batch));
            expectAsyncCode(TOO_LARGE, () -> db.writeAsync(batch));

            Stats after = db.stats();
            assertThat(after.lastSequence()).as("nothing was logged").isEqualTo(before.lastSequence());
            assertThat(after.writes()).isEqualTo(before.writes());
            assertThat(after.keys()).isEqualTo(2);
            assertThat(db.get(b("ok-1"))).as("a rejected batch applies nothing").isNull();
            assertThat(db.get(key16)).isEqualTo(val64);

            CairnOptions empty = small.toBuilder().maxValueSize(0).build();
            assertThat(empty.maxValueSize()).isZero();
        }
    }

    // ------------------------------------------------------------------ typed values

    @Test
    void typedValuesRoundTripAndAreStoredAsRedisText() {
        try (Cairn db = Cairn.open(dir, fast())) {
            Keyspace ks = db.defaultKeyspace();
            db.putLong("l", 42);
            assertThat(db.getString("l")).isEqualTo("42");
            assertThat(db.getLong("l")).isEqualTo(OptionalLong.of(42));
            for (long v : new long[]{0, -17, Long.MAX_VALUE, Long.MIN_VALUE}) {
                db.putLong("l", v);
                assertThat(db.getString("l")).isEqualTo(Long.toString(v));
                assertThat(db.getLong("l")).hasValue(v);
            }
            assertThat(db.getLong("absent")).isEmpty();

            ks.putDouble("d", 3.0);
            assertThat(db.getString("d")).as("integral doubles as longs").isEqualTo("3");
            ks.putDouble("d", 2.5);
            assertThat(db.getString("d")).isEqualTo("2.5");
            assertThat(ks.getDouble("d")).isEqualTo(OptionalDouble.of(2.5));
            ks.putDouble("d", 1e300);
            assertThat(db.getString("d")).isEqualTo("1.0E300");
            assertThat(ks.getDouble("d")).hasValue(1e300);
            ks.putDouble("d", Double.POSITIVE_INFINITY);
            assertThat(db.getString("d")).isEqualTo("inf");
            assertThat(ks.getDouble("d")).hasValue(Double.POSITIVE_INFINITY);
            ks.putDouble("d", Double.NEGATIVE_INFINITY);
            assertThat(db.getString("d")).isEqualTo("-inf");
            ks.putDouble("d", 9007199254740992.0); // 2^53: still written as a long
            assertThat(db.getString("d")).isEqualTo("9007199254740992");
            ks.putDouble("d", 9007199254740994.0); // beyond 2^53: Double.toString
            assertThat(db.getString("d")).isEqualTo("9.007199254740994E15");
            ks.putDouble("d", -0.5);
            assertThat(ks.getDouble("d")).hasValue(-0.5);
            CairnException nan = expectCode(NOT_A_NUMBER, () -> ks.putDouble("d", Double.NaN));
            assertThat(nan.getMessage()).contains("NaN");
            assertThat(ks.getDouble("d")).as("a rejected NaN stores nothing").hasValue(-0.5);
            assertThat(ks.getDouble("absent")).isEmpty();

            ks.putBoolean("t", true);
            ks.putBoolean("f", false);
            assertThat(db.getString("t")).isEqualTo("true");
            assertThat(db.getString("f")).isEqualTo("false");
            assertThat(ks.getBoolean("t")).contains(true);
            assertThat(ks.getBoolean("f")).contains(false);
            assertThat(ks.getBoolean("absent")).isEmpty();
            db.put("t", "1");
            assertThat(ks.getBoolean("t")).contains(true);
            db.put("t", "FALSE");
            assertThat(ks.getBoolean("t")).contains(false);

            // what SET k 42 would store is read back by getLong, and INCR works on putLong's text
            db.put("counter", "10");
            assertThat(db.getLong("counter")).hasValue(10);
            db.putLong("counter", 5);
            assertThat(db.increment("counter", 1)).isEqualTo(6);

            db.put("text", "hello");
            CairnException e = expectCode(NOT_A_NUMBER, () -> db.getLong("text"));
            assertThat(e.getMessage()).isEqualTo("value is not an integer: 'hello'");
            e = expectCode(NOT_A_NUMBER, () -> ks.getDouble("text"));
            assertThat(e.getMessage()).isEqualTo("value is not a float: 'hello'");
            e = expectCode(NOT_A_NUMBER, () -> ks.getBoolean("text"));
            assertThat(e.getMessage()).isEqualTo("value is not a boolean: 'hello'");
        }
    }

    @Test
    void valuesParseExactlyWhatTheDocumentationSays() {
        for (String ok : List.of("0", "-1", "42", "9223372036854775807", "-9223372036854775808")) {
            assertThat(Values.toLong(b(ok))).as(ok).isEqualTo(Long.parseLong(ok));
        }
        for (String bad : List.of("", "-", "+1", " 1", "1 ", "007", "-0", "00", "1.0", "1e3", "abc", "0x1",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901")) {
            CairnException e = expectCode(NOT_A_NUMBER, () -> Values.toLong(b(bad)));
            assertThat(e.getMessage()).as(bad).isEqualTo("value is not an integer: '" + bad + "'");
        }
        String longText = "x".repeat(100);
        CairnException e = expectCode(NOT_A_NUMBER, () -> Values.toLong(b(longText)));
        assertThat(e.getMessage()).as("long values are cut in the message").isEqualTo("value is not an integer: '" + "x".repeat(64) + "...'");

        assertThat(Values.toDouble(b("2.5"))).isEqualTo(2.5);
        assertThat(Values.toDouble(b("-3"))).isEqualTo(-3.0);
        assertThat(Values.toDouble(b("1e3"))).isEqualTo(1000.0);
        assertThat(Values.toDouble(b("1.0E300"))).isEqualTo(1e300);
        assertThat(Values.toDouble(b("inf"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Values.toDouble(b("+inf"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Values.toDouble(b("-inf"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Values.toDouble(b("Infinity"))).isEqualTo(Double.POSITIVE_INFINITY);
        for (String bad : List.of("", " 1", "1 ", "nan", "NaN", "1d", "2f", "0x10", "abc", "1..2", "1".repeat(5001))) {
            expectCode(NOT_A_NUMBER, () -> Values.toDouble(b(bad)));
        }

        assertThat(Values.ofLong(-17)).isEqualTo(b("-17"));
        assertThat(Values.ofDouble(3.0)).isEqualTo(b("3"));
        assertThat(Values.ofDouble(-2.0)).isEqualTo(b("-2"));
        assertThat(Values.ofDouble(0.1)).isEqualTo(b("0.1"));
        assertThat(Values.ofBoolean(true)).isEqualTo(b("true"));
        for (String t : List.of("true", "TRUE", "True", "1")) assertThat(Values.toBoolean(b(t))).as(t).isTrue();
        for (String f : List.of("false", "FALSE", "0")) assertThat(Values.toBoolean(b(f))).as(f).isFalse();
        for (String bad : List.of("", "yes", "no", "2", " true")) expectCode(NOT_A_NUMBER, () -> Values.toBoolean(b(bad)));
    }

    @Test
    void incrementCountsFromZeroAndRefusesNonIntegersAndOverflow() {
        try (Cairn db = Cairn.open(dir, fast())) {
            Keyspace ks = db.defaultKeyspace();
            assertThat(db.increment("c", 5)).isEqualTo(5);
            assertThat(db.increment("c", -15)).isEqualTo(-10);
            assertThat(db.getString("c")).isEqualTo("-10");

            db.putLong("max", Long.MAX_VALUE);
            db.putLong("min", Long.MIN_VALUE);
            db.put("word", "abc");
            db.put("float", "1.5");
            long seq = db.stats().lastSequence();
            CairnException e = expectCode(NOT_A_NUMBER, () -> db.increment("max", 1));
            assertThat(e.getMessage()).contains("overflow");
            expectCode(NOT_A_NUMBER, () -> db.increment("min", -1));
            expectCode(NOT_A_NUMBER, () -> db.increment("max", Long.MAX_VALUE));
            e = expectCode(NOT_A_NUMBER, () -> db.increment("word", 1));
            assertThat(e.getMessage()).isEqualTo("value is not an integer: 'abc'");
            expectCode(NOT_A_NUMBER, () -> db.increment("float", 1));
            expectAsyncCode(NOT_A_NUMBER, () -> ks.incrementAsync(b("word"), 1));
            assertThat(db.stats().lastSequence()).as("failed increments log nothing").isEqualTo(seq);
            assertThat(db.getLong("max")).hasValue(Long.MAX_VALUE);
            assertThat(db.getLong("min")).hasValue(Long.MIN_VALUE);
            assertThat(db.increment("max", 0)).isEqualTo(Long.MAX_VALUE);
            assertThat(db.increment("min", Long.MAX_VALUE)).isEqualTo(-1);
            assertThat(db.increment("absent", Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
            expectCode(NOT_A_NUMBER, () -> db.increment("absent", -1));
            assertThat(db.getString("word")).isEqualTo("abc");
            assertThat(db.getLong("absent")).hasValue(Long.MIN_VALUE);
        }
    }

    // ------------------------------------------------------------------ a closed store

    @Test
    void everyCallAfterCloseFailsWithClosedAndCloseIsIdempotent() {
        Cairn db = Cairn.open(dir, fast());
        Keyspace ks = db.createKeyspace("o", IndexKind.ORDERED);
        db.put("k", "v");
        db.close();
        assertThat(db.isClosed()).isTrue();
        db.close(); // harmless
        byte[] k = b("k");
        List<Executable> calls = List.of(
                () -> db.get(k), () -> db.getString("k"), () -> db.put(k, k), () -> db.put("k", "v"), () -> db.delete(k),
                () -> db.contains(k), () -> db.size(), () -> db.putIfAbsent(k, k), () -> db.compareAndSet(k, null, k),
                () -> db.increment("k", 1), () -> db.expire(k, Duration.ofSeconds(1)), () -> db.ttlMillis(k),
                () -> db.persist(k), () -> db.iterator(), () -> db.stream(), () -> db.stats(), () -> db.sync(),
                () -> db.write(new WriteBatch().put(k, k)), () -> db.keyspace("o"), () -> db.keyspaces(),
                () -> db.findKeyspace("o"), () -> db.createKeyspace("n", IndexKind.HASH), () -> db.dropKeyspace("o"),
                () -> db.renameKeyspace("o", "p"), () -> db.copyKeyspace("o", "p"), () -> db.convertKeyspace("o", IndexKind.HASH),
                () -> db.keyspace("x", IndexKind.HASH), () -> ks.get(k), () -> ks.put(k, k), () -> ks.size(),
                () -> ks.getAll(List.of(k)), () -> ks.scan().iterator(), () -> ks.clear(), () -> ks.expiresAt(k),
                () -> ks.getLong("k"), () -> ks.putLong("k", 1));
        for (int i = 0; i < calls.size(); i++) {
            CairnException e = expectCode(CLOSED, calls.get(i));
            assertThat(e.getMessage()).as("call " + i).contains("closed");
        }
        expectAsyncCode(CLOSED, () -> db.putAsync(k, k));
        expectAsyncCode(CLOSED, () -> db.deleteAsync(k));
        expectAsyncCode(CLOSED, () -> db.writeAsync(new WriteBatch().put(k, k)));
        expectAsyncCode(CLOSED, () -> ks.incrementAsync(k, 1));
        expectAsyncCode(CLOSED, () -> ks.compareAndSetAsync(k, null, k));

        // the directory was released: it opens again, with everything in it
        try (Cairn again = Cairn.open(dir, fast())) {
            assertThat(again.getString("k")).isEqualTo("v");
            assertThat(again.keyspace("o").kind()).isEqualTo(IndexKind.ORDERED);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsWithLocked() {
        try (Cairn db = Cairn.open(dir, fast())) {
            CairnException e = expectCode(LOCKED, () -> Cairn.open(dir, fast()));
            assertThat(e.getMessage()).contains(dir.toAbsolutePath().toString());
            db.put("still", "works");
            assertThat(db.getString("still")).isEqualTo("works");
        }
        try (Cairn db = Cairn.open(dir, fast())) {
            assertThat(db.getString("still")).isEqualTo("works");
        }
    }

    private static Set<Thread> threadsNamed(String name) {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals(name)) out.add(t);
        return out;
    }

    /**
     * close() must stop the expirer even when the expirer is queued on the store's write lock at that moment. Arranged
     * on purpose: the store is reopened holding an expired entry, so the expirer's first pass needs the write lock; the
     * test holds that lock (inside a batch, which reads the clock under it) until the expirer queues behind it, then
     * closes at once. The write lock's own parking must not eat close()'s wake-up, leaving the expirer asleep for a
     * whole expiry interval (and close() waiting for it in vain).
     */
    @Test
    void closeStopsTheExpirerEvenWhenItIsWaitingForTheWriteLock() {
        int arranged = 0;
        for (int attempt = 0; attempt < 20 && arranged < 3; attempt++) {
            Path d = dir.resolve("store-" + attempt);
            ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);
            CairnOptions options = fast().toBuilder().clock(clock).expiryInterval(Duration.ofHours(1)).build();
            try (Cairn db = Cairn.open(d, options)) {
                db.put(b("old"), b("v"), Duration.ofSeconds(1));
            }
            clock.advance(2000); // "old" is due for reclamation when the store opens again

            Set<Thread> before = threadsNamed("cairn-expirer");
            Thread me = Thread.currentThread();
            AtomicReference<Thread> expirer = new AtomicReference<>();
            AtomicReference<Boolean> queued = new AtomicReference<>(false);
            Cairn db = Cairn.open(d, options);
            clock.onRead = () -> {
                if (Thread.currentThread() != me) return;
                clock.onRead = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() - deadline < 0) {
                    Set<Thread> now = threadsNamed("cairn-expirer");
                    now.removeAll(before);
                    Thread e = now.isEmpty() ? null : now.iterator().next();
                    if (e != null) {
                        expirer.set(e);
                        Object blocker = LockSupport.getBlocker(e);
                        if (e.getState() == Thread.State.WAITING && blocker instanceof AbstractQueuedSynchronizer) {
                            queued.set(true); // the expirer waits for the write lock we hold
                            return;
                        }
                        if (e.getState() == Thread.State.TIMED_WAITING && !(blocker instanceof AbstractQueuedSynchronizer)) {
                            return; // it finished its first pass before we took the lock: not arranged this time
                        }
                    }
                    Thread.onSpinWait();
                }
            };
            // a batch put with a ttl reads the clock under the write lock, to make the expiry absolute
            db.write(new WriteBatch().put(null, b("k"), b("v"), Duration.ofMinutes(1)));
            clock.onRead = null;
            db.close();
            if (queued.get()) {
                arranged++;
                assertThat(expirer.get().isAlive()).as("the expirer outlived close() (attempt " + attempt + ")").isFalse();
            }
        }
        assertThat(arranged).as("times the race was arranged (the test needs a batch to read the clock under the write"
                + " lock, and the expirer's first pass to start meanwhile)").isPositive();
    }

    // ------------------------------------------------------------------ async

    @Test
    void asyncWritesCompleteWithTheirResultsAndAreVisibleAtOnce() {
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().segmentSize(64 * 1024).build())) { // fsync ALWAYS
            Keyspace ks = db.defaultKeyspace();
            CompletableFuture<byte[]> first = db.putAsync(b("k"), b("1"));
            assertThat(db.get(b("k"))).as("applied before putAsync returns").isEqualTo(b("1"));
            assertThat(first.join()).isNull();
            assertThat(db.putAsync(b("k"), b("2")).join()).isEqualTo(b("1"));
            assertThat(ks.putAsync(b("t"), b("x"), Duration.ofMinutes(1)).join()).isNull();
            assertThat(ks.ttlMillis(b("t"))).isPositive();
            assertThat(ks.compareAndSetAsync(b("k"), b("wrong"), b("3")).join()).isFalse();
            assertThat(ks.compareAndSetAsync(b("k"), b("2"), b("3")).join()).isTrue();
            assertThat(ks.incrementAsync(b("n"), 7).join()).isEqualTo(7);
            assertThat(ks.incrementAsync(b("n"), -2).join()).isEqualTo(5);
            assertThat(db.deleteAsync(b("k")).join()).isEqualTo(b("3"));
            assertThat(db.deleteAsync(b("k")).join()).isNull();
            assertThat(db.writeAsync(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2"))).join()).isNull();
            assertThat(db.writeAsync(new WriteBatch()).join()).as("an empty batch").isNull();
            Stats st = db.stats();
            assertThat(st.fsyncs()).isPositive();
        }
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().segmentSize(64 * 1024).build())) {
            assertThat(db.get(b("k"))).isNull();
            assertThat(db.getString("a")).isEqualTo("1");
            assertThat(db.getLong("n")).hasValue(5);
        }
    }

    // ------------------------------------------------------------------ figures

    @Test
    void statsUnderNeverCountRecordsBytesSegmentsAndExplicitSyncs() {
        CairnOptions opts = CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).build();
        try (Cairn db = Cairn.open(dir, opts)) {
            Stats fresh = db.stats();
            assertThat(fresh.keys()).isZero();
            assertThat(fresh.bytes()).isZero();
            assertThat(fresh.keyspaces()).isEqualTo(1);
            assertThat(fresh.lastSequence()).as("the default keyspace's creation").isEqualTo(1);
            assertThat(fresh.writes()).isEqualTo(1);
            assertThat(fresh.fsyncs()).isZero();
            assertThat(fresh.walSegments()).isEqualTo(1);
            assertThat(fresh.expiredReclaimed()).isZero();
            assertThat(fresh.p99Fsync()).isEqualTo(Duration.ZERO);

            long bytes = 0;
            byte[] value = new byte[1000];
            for (int i = 0; i < 400; i++) {
                byte[] k = b("key-" + i);
                db.put(k, value);
                bytes += k.length + value.length;
            }
            db.put(b("key-0"), new byte[10]); // overwrite: smaller value
            bytes -= 990;
            db.delete(b("key-1"));
            bytes -= "key-1".length() + 1000;
            Keyspace other = db.createKeyspace("other", IndexKind.ORDERED);
            other.put(b("x"), b("yz"));
            bytes += 3;

            Stats st = db.stats();
            assertThat(st.keys()).isEqualTo(400);
            assertThat(st.bytes()).isEqualTo(bytes);
            assertThat(st.keyspaces()).isEqualTo(2);
            assertThat(st.lastSequence()).isEqualTo(1 + 400 + 1 + 1 + 1 + 1);
            assertThat(st.writes()).isEqualTo(st.lastSequence());
            assertThat(st.walBytes()).as("at least the values written").isGreaterThan(400_000);
            assertThat(st.walSegments()).as("64 KiB segments").isGreaterThanOrEqualTo((int) (st.walBytes() / (64 * 1024)));
            assertThat(st.walBytes()).isLessThanOrEqualTo((long) st.walSegments() * 64 * 1024);
            assertThat(st.fsyncs()).as("under NEVER only sealing a full segment forces the log")
                    .isLessThan(st.walSegments());

            db.sync();
            assertThat(db.stats().fsyncs()).isEqualTo(st.fsyncs() + 1);
            db.sync();
            assertThat(db.stats().fsyncs()).as("nothing new to force").isEqualTo(st.fsyncs() + 1);
            assertThat(db.stats().lastFsync()).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(db.stats().p99Fsync()).isGreaterThanOrEqualTo(Duration.ZERO);

            // writes that change nothing log nothing
            long seq = db.stats().lastSequence();
            db.delete(b("missing"));
            db.putIfAbsent(b("key-2"), b("other"));
            db.compareAndSet(b("key-2"), b("not it"), b("x"));
            db.persist(b("key-2"));
            db.expire(b("missing"), Duration.ofSeconds(1));
            db.write(new WriteBatch());
            assertThat(db.stats().lastSequence()).isEqualTo(seq);
        }
    }

    @Test
    void statsUnderAlwaysShowGroupCommitFigures() {
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().segmentSize(64 * 1024).build())) {
            for (int i = 0; i < 20; i++) db.put("k" + i, "v" + i);
            Stats st = db.stats();
            assertThat(st.fsyncs()).isPositive();
            assertThat(st.fsyncs()).as("never more fsyncs than records").isLessThanOrEqualTo(st.writes());
            assertThat(st.lastFsync()).isPositive();
            assertThat(st.p99Fsync()).isPositive();
            assertThat(st.keys()).isEqualTo(20);
        }
    }

    @Test
    void recoveryInfoDescribesACleanReopen() {
        CairnOptions opts = CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).build();
        long seq;
        int segments;
        try (Cairn db = Cairn.open(dir, opts)) {
            RecoveryInfo fresh = db.recoveryInfo();
            assertThat(fresh.recordsReplayed()).isZero();
            assertThat(fresh.lastSequence()).isZero();
            assertThat(fresh.corruptionDetected()).isFalse();
            for (int i = 0; i < 200; i++) db.put(b("k" + i), new byte[1000]);
            seq = db.stats().lastSequence();
            segments = db.stats().walSegments();
            assertThat(segments).isGreaterThan(1);
        }
        try (Cairn db = Cairn.open(dir, opts)) {
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.recordsReplayed()).isEqualTo(seq);
            assertThat(ri.lastSequence()).isEqualTo(seq);
            assertThat(ri.segmentsScanned()).isEqualTo(segments);
            assertThat(ri.bytesTruncated()).isZero();
            assertThat(ri.corruptionDetected()).isFalse();
            assertThat(ri.damagedFile()).isNull();
            assertThat(ri.damagedOffset()).isEqualTo(-1);
            assertThat(ri.salvagedTo()).isNull();
            assertThat(ri.took()).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(ri.toString()).contains(seq + " records replayed").contains("no corruption");
            assertThat(db.stats().lastSequence()).isEqualTo(seq);
            assertThat(db.stats().writes()).as("appends since this open").isZero();
            assertThat(db.size()).isEqualTo(200);
            assertThat(db.directory()).isEqualTo(dir.toAbsolutePath());
            assertThat(db.options()).isSameAs(opts);
        }
    }

    // ------------------------------------------------------------------ options

    @Test
    void optionsRejectBadSettingsWithClearMessages() {
        CairnOptions.Builder b = CairnOptions.builder();
        assertThatThrownBy(() -> b.segmentSize(4095)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segment size must be between 4096 bytes and 1 GiB, was 4095");
        assertThatThrownBy(() -> b.segmentSize((1L << 30) + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was " + ((1L << 30) + 1));
        assertThatThrownBy(() -> b.maxKeySize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max key size must be at least 1 byte, was 0");
        assertThatThrownBy(() -> b.maxValueSize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max value size must not be negative, was -1");
        assertThatThrownBy(() -> b.expiryInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expiry interval must be at least 1 ms");
        assertThatThrownBy(() -> b.expiryInterval(Duration.ofNanos(999_999))).isInstanceOf(IllegalArgumentException.class);
        expectNpe("fsyncPolicy", () -> b.fsyncPolicy(null));
        expectNpe("clock", () -> b.clock(null));
        expectNpe("expiryInterval", () -> b.expiryInterval(null));
        expectNpe("defaultIndexKind", () -> b.defaultIndexKind(null));

        CairnOptions d = CairnOptions.defaults();
        assertThat(d.fsyncPolicy()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(d.segmentSize()).isEqualTo(CairnOptions.DEFAULT_SEGMENT_SIZE).isEqualTo(64L << 20);
        assertThat(d.preallocate()).isTrue();
        assertThat(d.maxKeySize()).isEqualTo(512 << 20);
        assertThat(d.maxValueSize()).isEqualTo(512 << 20);
        assertThat(d.salvage()).isFalse();
        assertThat(d.expiryInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.defaultIndexKind()).isEqualTo(IndexKind.HASH);

        Clock clock = new ExpiryTest.TestClock(5);
        CairnOptions o = CairnOptions.builder().segmentSize(4096).maxKeySize(1).maxValueSize(0).preallocate(false)
                .salvage(true).clock(clock).expiryInterval(Duration.ofMillis(1)).fsyncPolicy(FsyncPolicy.NEVER)
                .defaultIndexKind(IndexKind.ORDERED).build();
        CairnOptions copy = o.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(o.toString());
        assertThat(copy.clock()).isSameAs(clock);
        assertThat(copy.segmentSize()).isEqualTo(4096);
        assertThat(copy.maxKeySize()).isEqualTo(1);
        assertThat(copy.preallocate()).isFalse();
        assertThat(copy.salvage()).isTrue();
        assertThat(copy.defaultIndexKind()).isEqualTo(IndexKind.ORDERED);
        assertThat(CairnOptions.builder().segmentSize(1L << 30).build().segmentSize()).isEqualTo(1L << 30);
    }

    @Test
    void fsyncPolicyParsesRedisAndCairnWords() {
        assertThat(FsyncPolicy.parse("always")).isSameAs(FsyncPolicy.ALWAYS);
        assertThat(FsyncPolicy.parse(" ALWAYS ")).isSameAs(FsyncPolicy.ALWAYS);
        assertThat(FsyncPolicy.parse("no")).isSameAs(FsyncPolicy.NEVER);
        assertThat(FsyncPolicy.parse("Never")).isSameAs(FsyncPolicy.NEVER);
        FsyncPolicy everysec = FsyncPolicy.parse("everysec");
        assertThat(everysec.mode()).isEqualTo(FsyncPolicy.Mode.INTERVAL);
        assertThat(everysec.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(everysec).isEqualTo(FsyncPolicy.interval(Duration.ofSeconds(1))).hasSameHashCodeAs(FsyncPolicy.parse("1s"));
        assertThat(FsyncPolicy.parse("250ms").interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(FsyncPolicy.parse("250ms").toString()).isEqualTo("INTERVAL(250ms)");
        assertThat(FsyncPolicy.parse("2s").interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(FsyncPolicy.ALWAYS.interval()).isEqualTo(Duration.ZERO);
        assertThat(FsyncPolicy.NEVER.toString()).isEqualTo("NEVER");
        for (String bad : List.of("", "sometimes", "ms", "s", "1.5s", "10 ms", "5m", "5 s")) {
            assertThatThrownBy(() -> FsyncPolicy.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("always, everysec, no, never");
        }
        for (String tooShort : List.of("0ms", "-5ms", "0s")) {
            assertThatThrownBy(() -> FsyncPolicy.parse(tooShort)).as(tooShort).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1 ms");
        }
        assertThatThrownBy(() -> FsyncPolicy.parse("sometimes")).hasMessageContaining("'sometimes'");
        expectNpe("text", () -> FsyncPolicy.parse(null));
        assertThatThrownBy(() -> FsyncPolicy.interval(Duration.ofNanos(10))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void entriesAreValuesWithReadableText() {
        Entry a = new Entry(b("k"), b("v"), 0);
        Entry same = new Entry(b("k"), b("v"), 0);
        Entry later = new Entry(b("k"), b("v"), 77);
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(later);
        assertThat(a.keyString()).isEqualTo("k");
        assertThat(a.valueString()).isEqualTo("v");
        assertThat(a.toString()).isEqualTo("Entry[k=v]");
        assertThat(later.toString()).isEqualTo("Entry[k=v, expiresAt=77]");
    }

    @Test
    void binaryKeysAndValuesAreStoredExactly() {
        try (Cairn db = Cairn.open(dir, fast())) {
            List<byte[]> keys = new ArrayList<>();
            keys.add(new byte[0]);
            keys.add(new byte[]{0});
            keys.add(new byte[]{(byte) 0xFF, 0, (byte) 0xFF});
            keys.add(new byte[]{(byte) 0xC3, (byte) 0x28}); // not UTF-8
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) all[i] = (byte) i;
            keys.add(all);
            for (byte[] k : keys) db.put(k, all);
            db.put(b("empty-value"), new byte[0]);
            for (byte[] k : keys) assertThat(db.get(k)).isEqualTo(all);
            assertThat(db.get(b("empty-value"))).isEmpty();
            assertThat(db.contains(b("empty-value"))).isTrue();
            List<byte[]> got = db.defaultKeyspace().getAll(keys);
            assertThat(got).hasSize(keys.size()).allSatisfy(v -> assertThat(v).isEqualTo(all));
            assertThat(Optional.ofNullable(db.delete(new byte[0]))).contains(all);
        }
        try (Cairn db = Cairn.open(dir, fast())) {
            assertThat(db.get(new byte[0])).isNull();
            assertThat(db.get(new byte[]{(byte) 0xC3, (byte) 0x28})).hasSize(256);
            assertThat(db.size()).isEqualTo(5);
        }
    }
}
