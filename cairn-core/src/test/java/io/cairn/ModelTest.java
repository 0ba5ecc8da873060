package io.cairn;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.cairn.CairnException.Code.CLOSED;
import static io.cairn.CairnException.Code.INVALID_ARGUMENT;
import static io.cairn.CairnException.Code.KEYSPACE_EXISTS;
import static io.cairn.CairnException.Code.NOT_A_NUMBER;
import static io.cairn.CairnException.Code.NO_SUCH_KEYSPACE;
import static io.cairn.CairnException.Code.WRONG_INDEX_KIND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded random run of every operation against a model: one {@code TreeMap} per keyspace holding values and absolute
 * expiry times, with a clock the test controls. The store is closed and reopened twice midway (once with a fresh clock
 * object moved forward, once with the same clock) and at the end, and its full contents compared with the model each
 * time.
 *
 * <p>Every failure names the seed and the operation; rerun one seed with {@code -Dcairn.model.seed=N} (and optionally
 * {@code -Dcairn.model.ops=N}, {@code -Dcairn.model.fsync=never}).
 */
class ModelTest {
    static final int OPS = Integer.getInteger("cairn.model.ops", 3000);
    static final String DEFAULT = Cairn.DEFAULT_KEYSPACE;
    /** Keyspace names the run creates, drops, renames and copies among (one non-ASCII). */
    static final String[] NAMES = {"alpha", "beta", "gamma", "δέλτα", "e"};

    static Stream<Arguments> runs() {
        String fixed = System.getProperty("cairn.model.seed");
        if (fixed != null && !fixed.isBlank()) {
            return Stream.of(Arguments.of(Long.parseLong(fixed.trim()), System.getProperty("cairn.model.fsync", "always")));
        }
        Random r = new Random();
        List<Arguments> out = new ArrayList<>();
        // fsync ALWAYS for one seed (real group-commit path, ~3 ms per write here), NEVER for the rest (speed)
        for (int i = 0; i < 5; i++) out.add(Arguments.of(r.nextLong(), i == 0 ? "always" : "never"));
        return out.stream();
    }

    @ParameterizedTest(name = "seed={0} fsync={1}")
    @MethodSource("runs")
    void randomOperationsMatchTheModel(long seed, String fsync, @TempDir Path dir) {
        System.out.println("ModelTest: seed=" + seed + " fsync=" + fsync + " ops=" + OPS
                + " (rerun with -Dcairn.model.seed=" + seed + " -Dcairn.model.fsync=" + fsync + ")");
        new Run(seed, FsyncPolicy.parse(fsync), dir, OPS).go();
    }

    // ================================================================== model types

    record ByteKey(byte[] b) implements Comparable<ByteKey> {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(b, k.b);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(b);
        }

        @Override
        public int compareTo(ByteKey o) {
            return Arrays.compareUnsigned(b, o.b);
        }

        @Override
        public String toString() {
            return hex(b);
        }
    }

    /** A stored value and its absolute expiry (0 = none). */
    record MVal(byte[] value, long expireAt) {
    }

    static final class MKs {
        IndexKind kind;
        final TreeMap<ByteKey, MVal> map;

        MKs(IndexKind kind, TreeMap<ByteKey, MVal> map) {
            this.kind = kind;
            this.map = map;
        }
    }

    static String hex(byte[] b) {
        return b == null ? "null" : "x'" + HexFormat.of().formatHex(b) + "'";
    }

    /** An entry as text; long values are abbreviated to a prefix, their length and a content hash. */
    static String fmt(byte[] key, byte[] value, long expireAt) {
        String v = value.length <= 48 ? hex(value)
                : hex(Arrays.copyOf(value, 16)) + "...(" + value.length + " bytes, hash " + Arrays.hashCode(value) + ")";
        return hex(key) + "=" + v + (expireAt == 0 ? "" : "@" + expireAt);
    }

    static CairnException expectCode(CairnException.Code code, Runnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CairnException ce && ce.code() == code) return ce;
            throw new AssertionError("expected CairnException " + code + " but got " + e.getCause(), e);
        } catch (CairnException e) {
            if (e.code() != code) throw new AssertionError("expected " + code + " but got " + e.code() + ": " + e.getMessage(), e);
            return e;
        }
        throw new AssertionError("expected CairnException " + code + " but nothing was thrown");
    }

    /** The model's own reading of an integer (Redis rules), independent of {@link Values}. */
    static Long parseLong(byte[] v) {
        String s = new String(v, StandardCharsets.ISO_8859_1);
        if (!s.matches("0|-?[1-9][0-9]*")) return null;
        BigInteger b = new BigInteger(s);
        if (b.bitLength() > 63) return null;
        return b.longValue();
    }

    // ================================================================== one run

    static final class Run {
        final long seed;
        final Random rnd;
        final Path dir;
        final FsyncPolicy policy;
        final int ops;
        final IndexKind defaultKind;
        ExpiryTest.TestClock clock;
        Cairn db;
        final TreeMap<String, MKs> model = new TreeMap<>();
        final Map<String, Keyspace> handles = new HashMap<>();
        final List<Keyspace> dropped = new ArrayList<>();
        final List<byte[]> universe = new ArrayList<>();
        final List<byte[]> specials = new ArrayList<>();
        int op;
        String desc = "open";

        Run(long seed, FsyncPolicy policy, Path dir, int ops) {
            this.seed = seed;
            this.rnd = new Random(seed);
            this.dir = dir;
            this.policy = policy;
            this.ops = ops;
            this.defaultKind = rnd.nextBoolean() ? IndexKind.HASH : IndexKind.ORDERED;
        }

        CairnOptions options() {
            return CairnOptions.builder()
                    .fsyncPolicy(policy)
                    .segmentSize(64 * 1024)
                    .clock(clock)
                    .expiryInterval(Duration.ofMillis(2)) // the background reclaimer runs throughout: it must not matter
                    .defaultIndexKind(defaultKind)
                    .build();
        }

        String ctx() {
            return "[seed=" + seed + " (rerun: -Dcairn.model.seed=" + seed + ") op#" + op + " now=" + clock.millis()
                    + " " + desc + "]";
        }

        void go() {
            makeUniverse();
            clock = new ExpiryTest.TestClock(1_600_000_000_000L + rnd.nextInt(1_000_000_000));
            try {
                db = Cairn.open(dir, options());
                model.put(DEFAULT, new MKs(defaultKind, new TreeMap<>()));
                handles.put(DEFAULT, db.defaultKeyspace());
                for (op = 0; op < ops; op++) {
                    if (op == ops / 3) reopen(false);
                    if (op == 2 * ops / 3) reopen(true);
                    step();
                    if (op % 250 == 249) {
                        desc = "compare all";
                        compareAll();
                    }
                }
                desc = "final compare";
                compareAll();
                reopen(true);
            } catch (Throwable t) {
                throw new AssertionError(ctx() + " " + t, t);
            } finally {
                if (db != null) db.close();
            }
        }

        void makeUniverse() {
            byte ff = (byte) 0xFF;
            byte[][] sp = {{}, {0}, {ff}, {ff, ff}, {ff, ff, ff}, {0x7F}, {(byte) 0x80}, {ff, 0}, {0, ff}, {0, 0},
                    "a".getBytes(StandardCharsets.UTF_8), "ab".getBytes(StandardCharsets.UTF_8),
                    "b".getBytes(StandardCharsets.UTF_8)};
            Set<ByteKey> seen = new LinkedHashSet<>();
            for (byte[] s : sp) {
                specials.add(s);
                seen.add(new ByteKey(s));
            }
            byte[] alphabet = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, ff, 'a', 'b'};
            while (seen.size() < 170) {
                byte[] k = new byte[1 + rnd.nextInt(5)];
                for (int i = 0; i < k.length; i++) {
                    k[i] = rnd.nextInt(10) < 7 ? alphabet[rnd.nextInt(alphabet.length)] : (byte) rnd.nextInt(256);
                }
                seen.add(new ByteKey(k));
            }
            for (ByteKey k : seen) universe.add(k.b());
        }

        // ------------------------------------------------------------ random choices

        byte[] key() {
            List<byte[]> from = rnd.nextInt(4) == 0 ? specials : universe;
            return from.get(rnd.nextInt(from.size())).clone();
        }

        byte[] value() {
            int r = rnd.nextInt(1000);
            if (r < 300) return Long.toString(rnd.nextInt(2001) - 1000).getBytes(StandardCharsets.US_ASCII);
            if (r < 340) {
                long v = rnd.nextBoolean() ? Long.MAX_VALUE - rnd.nextInt(50) : Long.MIN_VALUE + rnd.nextInt(50);
                return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            }
            if (r < 380) {
                String[] bad = {"007", "-0", "+5", " 5", "5 ", "1.5", "", "abc", "-", "9223372036854775808",
                        "-9223372036854775809", "1e3", "0x10"};
                return bad[rnd.nextInt(bad.length)].getBytes(StandardCharsets.US_ASCII);
            }
            if (r == 999 && rnd.nextInt(3) == 0) return randomBytes(70_000); // larger than a segment
            if (r >= 990) return randomBytes(3000 + rnd.nextInt(6000));
            return randomBytes(rnd.nextInt(33));
        }

        byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }

        String ksName() {
            List<String> names = new ArrayList<>(model.keySet());
            return names.get(rnd.nextInt(names.size()));
        }

        IndexKind kind() {
            return rnd.nextBoolean() ? IndexKind.HASH : IndexKind.ORDERED;
        }

        /** Overwrites an array we handed to the store: the store must have kept its own copy. */
        static void scribble(byte[] b) {
            Arrays.fill(b, (byte) 0x5A);
        }

        // ------------------------------------------------------------ model access

        long now() {
            return clock.millis();
        }

        boolean expired(MVal v) {
            return v.expireAt() != 0 && v.expireAt() <= now();
        }

        MVal live(String ks, byte[] k) {
            MKs m = model.get(ks);
            MVal v = m.map.get(new ByteKey(k));
            if (v != null && expired(v)) {
                m.map.remove(new ByteKey(k)); // the clock only moves forward: invisible for good
                return null;
            }
            return v;
        }

        byte[] visible(String ks, byte[] k) {
            MVal v = live(ks, k);
            return v == null ? null : v.value();
        }

        void set(String ks, byte[] k, byte[] v, long expireAt) {
            model.get(ks).map.put(new ByteKey(k.clone()), new MVal(v.clone(), expireAt));
        }

        void remove(String ks, byte[] k) {
            model.get(ks).map.remove(new ByteKey(k));
        }

        List<String> expectedEntries(String ks) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<ByteKey, MVal> e : model.get(ks).map.entrySet()) {
                if (!expired(e.getValue())) out.add(fmt(e.getKey().b(), e.getValue().value(), e.getValue().expireAt()));
            }
            return out;
        }

        long visibleCount(String ks) {
            return model.get(ks).map.values().stream().filter(v -> !expired(v)).count();
        }

        void checkBytes(byte[] actual, byte[] expected, String what) {
            assertThat(hex(actual)).as(what).isEqualTo(hex(expected));
        }

        // ------------------------------------------------------------ the operations

        void step() {
            int r = rnd.nextInt(1000);
            if (r < 120) opPut();
            else if (r < 170) opPutTtl();
            else if (r < 190) opPutAt();
            else if (r < 230) opPutIfAbsent();
            else if (r < 300) opCompareAndSet();
            else if (r < 360) opDelete();
            else if (r < 440) opGet();
            else if (r < 455) opSize();
            else if (r < 500) opExpire();
            else if (r < 520) opExpireAt();
            else if (r < 545) opPersist();
            else if (r < 580) opTtl();
            else if (r < 650) opIncrement();
            else if (r < 715) opBatch();
            else if (r < 750) opGetAll();
            else if (r < 770) opIterate();
            else if (r < 840) opScan();
            else if (r < 865) opKeyspace();
            else if (r < 870) opClear();
            else if (r < 875) opStale();
            else opAdvanceClock();
        }

        void opPut() {
            String n = ksName();
            byte[] k = key();
            byte[] v = value();
            desc = "put " + n + " " + hex(k) + " " + (v.length > 40 ? v.length + " bytes" : hex(v));
            byte[] expectPrev = visible(n, k);
            byte[] kk = k.clone();
            byte[] vv = v.clone();
            byte[] prev;
            int how = rnd.nextInt(6);
            if (how == 0 && n.equals(DEFAULT)) prev = db.put(kk, vv);
            else if (how == 1) prev = handles.get(n).putAsync(kk, vv).join();
            else prev = handles.get(n).put(kk, vv);
            scribble(kk);
            scribble(vv);
            checkBytes(prev, expectPrev, "previous value");
            set(n, k, v, 0);
        }

        void opPutTtl() {
            String n = ksName();
            byte[] k = key();
            byte[] v = value();
            Duration ttl = rnd.nextInt(10) == 0 ? Duration.ofNanos(1 + rnd.nextInt(2_500_000))
                    : Duration.ofMillis(1 + rnd.nextInt(10_000));
            desc = "put " + n + " " + hex(k) + " ttl " + ttl;
            byte[] expectPrev = visible(n, k);
            byte[] kk = k.clone();
            byte[] prev = rnd.nextInt(4) == 0 ? handles.get(n).putAsync(kk, v.clone(), ttl).join()
                    : n.equals(DEFAULT) && rnd.nextBoolean() ? db.put(kk, v.clone(), ttl) : handles.get(n).put(kk, v.clone(), ttl);
            scribble(kk);
            checkBytes(prev, expectPrev, "previous value");
            set(n, k, v, now() + Math.max(1, ttl.toMillis()));
        }

        void opPutAt() {
            String n = ksName();
            byte[] k = key();
            byte[] v = value();
            long at = now() + rnd.nextInt(12_000) - 2_000; // sometimes already past: stored invisible
            desc = "put " + n + " " + hex(k) + " expiresAt " + at;
            byte[] expectPrev = visible(n, k);
            byte[] prev = handles.get(n).put(k.clone(), v.clone(), Instant.ofEpochMilli(at));
            checkBytes(prev, expectPrev, "previous value");
            set(n, k, v, at);
        }

        void opPutIfAbsent() {
            String n = ksName();
            byte[] k = key();
            byte[] v = value();
            desc = "putIfAbsent " + n + " " + hex(k);
            byte[] cur = visible(n, k);
            byte[] got = n.equals(DEFAULT) && rnd.nextBoolean() ? db.putIfAbsent(k.clone(), v.clone())
                    : handles.get(n).putIfAbsent(k.clone(), v.clone());
            checkBytes(got, cur, "putIfAbsent result");
            if (cur == null) set(n, k, v, 0);
        }

        void opCompareAndSet() {
            String n = ksName();
            byte[] k = key();
            byte[] cur = visible(n, k);
            byte[] expected;
            int variant = rnd.nextInt(4);
            if (variant == 0) expected = null;
            else if (variant == 1 && cur != null) expected = cur.clone(); // match
            else if (variant == 2 && cur != null && cur.length > 0) {       // near miss
                expected = cur.clone();
                expected[rnd.nextInt(expected.length)] ^= 1;
            } else expected = value();
            byte[] newValue = rnd.nextInt(5) == 0 ? null : value();
            desc = "compareAndSet " + n + " " + hex(k) + " expected " + hex(expected) + " new " + hex(newValue);
            boolean match = expected == null ? cur == null : cur != null && Arrays.equals(cur, expected);
            boolean got;
            int how = rnd.nextInt(5);
            if (how == 0) got = handles.get(n).compareAndSetAsync(k.clone(), expected, newValue).join();
            else if (how == 1 && n.equals(DEFAULT)) got = db.compareAndSet(k.clone(), expected, newValue);
            else got = handles.get(n).compareAndSet(k.clone(), expected, newValue);
            assertThat(got).as("swapped").isEqualTo(match);
            if (match) {
                if (newValue != null) set(n, k, newValue, 0);
                else remove(n, k);
            }
        }

        void opDelete() {
            String n = ksName();
            byte[] k = key();
            desc = "delete " + n + " " + hex(k);
            byte[] cur = visible(n, k);
            long seq = db.stats().lastSequence();
            byte[] got;
            int how = rnd.nextInt(4);
            if (how == 0) got = handles.get(n).deleteAsync(k.clone()).join();
            else if (how == 1 && n.equals(DEFAULT)) got = db.delete(k.clone());
            else got = handles.get(n).delete(k.clone());
            checkBytes(got, cur, "deleted value");
            if (cur == null) {
                assertThat(db.stats().lastSequence()).as("a delete of a missing key logs nothing").isEqualTo(seq);
            }
            remove(n, k);
        }

        void opGet() {
            String n = ksName();
            byte[] k = key();
            desc = "get " + n + " " + hex(k);
            byte[] cur = visible(n, k);
            Keyspace ks = handles.get(n);
            checkBytes(ks.get(k), cur, "get");
            assertThat(ks.contains(k)).as("contains").isEqualTo(cur != null);
            if (n.equals(DEFAULT)) {
                checkBytes(db.get(k), cur, "Cairn.get");
                assertThat(db.contains(k)).as("Cairn.contains").isEqualTo(cur != null);
            }
        }

        void opSize() {
            String n = ksName();
            desc = "size " + n;
            long expect = visibleCount(n);
            assertThat(handles.get(n).size()).as("size").isEqualTo(expect);
            assertThat(handles.get(n).isEmpty()).as("isEmpty").isEqualTo(expect == 0);
            if (n.equals(DEFAULT)) assertThat(db.size()).as("Cairn.size").isEqualTo(expect);
        }

        void opExpire() {
            String n = ksName();
            byte[] k = key();
            long ttl = rnd.nextInt(11_000) - 1_000;
            desc = "expire " + n + " " + hex(k) + " " + ttl + "ms";
            MVal cur = live(n, k);
            boolean got = n.equals(DEFAULT) && rnd.nextBoolean() ? db.expire(k.clone(), Duration.ofMillis(ttl))
                    : handles.get(n).expire(k.clone(), Duration.ofMillis(ttl));
            assertThat(got).as("expire result").isEqualTo(cur != null);
            if (cur != null) {
                long at = now() + ttl;
                if (at <= now()) remove(n, k);
                else set(n, k, cur.value(), at);
            }
        }

        void opExpireAt() {
            String n = ksName();
            byte[] k = key();
            long at = now() + rnd.nextInt(11_000) - 1_000;
            desc = "expireAt " + n + " " + hex(k) + " " + at;
            MVal cur = live(n, k);
            boolean got = handles.get(n).expireAt(k.clone(), Instant.ofEpochMilli(at));
            assertThat(got).as("expireAt result").isEqualTo(cur != null);
            if (cur != null) {
                if (at <= now()) remove(n, k);
                else set(n, k, cur.value(), at);
            }
        }

        void opPersist() {
            String n = ksName();
            byte[] k = key();
            desc = "persist " + n + " " + hex(k);
            MVal cur = live(n, k);
            boolean expect = cur != null && cur.expireAt() != 0;
            boolean got = n.equals(DEFAULT) && rnd.nextBoolean() ? db.persist(k.clone()) : handles.get(n).persist(k.clone());
            assertThat(got).as("persist result").isEqualTo(expect);
            if (expect) set(n, k, cur.value(), 0);
        }

        void opTtl() {
            String n = ksName();
            byte[] k = key();
            desc = "ttl " + n + " " + hex(k);
            checkTtl(n, k);
        }

        void checkTtl(String n, byte[] k) {
            MVal cur = live(n, k);
            long expect = cur == null ? -2 : cur.expireAt() == 0 ? -1 : cur.expireAt() - now();
            assertThat(handles.get(n).ttlMillis(k)).as("ttlMillis").isEqualTo(expect);
            if (n.equals(DEFAULT)) assertThat(db.ttlMillis(k)).as("Cairn.ttlMillis").isEqualTo(expect);
            Optional<Instant> at = cur == null || cur.expireAt() == 0 ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(cur.expireAt()));
            assertThat(handles.get(n).expiresAt(k)).as("expiresAt").isEqualTo(at);
        }

        void opIncrement() {
            String n = ksName();
            byte[] k = key();
            long delta;
            int r = rnd.nextInt(20);
            if (r == 0) delta = Long.MAX_VALUE - rnd.nextInt(10);
            else if (r == 1) delta = Long.MIN_VALUE + rnd.nextInt(10);
            else delta = rnd.nextInt(201) - 100;
            desc = "increment " + n + " " + hex(k) + " by " + delta;
            MVal cur = live(n, k);
            Long base = cur == null ? Long.valueOf(0) : parseLong(cur.value());
            Long next = null;
            if (base != null) {
                try {
                    next = Math.addExact(base, delta);
                } catch (ArithmeticException e) {
                    next = null;
                }
            }
            Keyspace ks = handles.get(n);
            boolean async = rnd.nextInt(4) == 0;
            Supplier<Long> call = () -> async ? ks.incrementAsync(k.clone(), delta).join() : ks.increment(k.clone(), delta);
            if (next == null) {
                long seq = db.stats().lastSequence();
                CairnException e = expectCode(NOT_A_NUMBER, call::get);
                if (base == null) assertThat(e.getMessage()).as("message").contains("not an integer");
                else assertThat(e.getMessage()).as("message").contains("overflow");
                assertThat(db.stats().lastSequence()).as("a failed increment logs nothing").isEqualTo(seq);
            } else {
                assertThat(call.get()).as("increment result").isEqualTo(next);
                set(n, k, Long.toString(next).getBytes(StandardCharsets.US_ASCII), cur == null ? 0 : cur.expireAt());
            }
        }

        void opBatch() {
            WriteBatch batch = new WriteBatch();
            int count = rnd.nextInt(7);
            List<byte[]> used = new ArrayList<>();
            List<Runnable> apply = new ArrayList<>(); // the model's effects, in order
            boolean[] logged = {false}; // whether the batch has anything to log (an EXPIRE of an absent key has not)
            StringBuilder d = new StringBuilder("batch[");
            long now = now();
            for (int i = 0; i < count; i++) {
                String n = ksName();
                Keyspace ks = n.equals(DEFAULT) && rnd.nextBoolean() ? null : handles.get(n);
                byte[] k = !used.isEmpty() && rnd.nextInt(3) == 0 ? used.get(rnd.nextInt(used.size())).clone() : key();
                used.add(k);
                int kind = rnd.nextInt(20);
                if (kind < 10) {
                    byte[] v = value();
                    batch.put(ks, k.clone(), v.clone());
                    d.append(" put ").append(n).append(' ').append(hex(k));
                    apply.add(() -> {
                        logged[0] = true;
                        set(n, k, v, 0);
                    });
                } else if (kind < 13) {
                    byte[] v = value();
                    Duration ttl = Duration.ofMillis(1 + rnd.nextInt(10_000));
                    batch.put(ks, k.clone(), v.clone(), ttl);
                    d.append(" put ").append(n).append(' ').append(hex(k)).append(" ttl ").append(ttl.toMillis());
                    apply.add(() -> {
                        logged[0] = true;
                        set(n, k, v, now + ttl.toMillis());
                    });
                } else if (kind < 17) {
                    batch.delete(ks, k.clone());
                    d.append(" delete ").append(n).append(' ').append(hex(k));
                    apply.add(() -> {
                        logged[0] = true;
                        remove(n, k);
                    });
                } else {
                    long ttl = rnd.nextInt(11_000) - 1_000;
                    batch.expire(ks, k.clone(), Duration.ofMillis(ttl));
                    d.append(" expire ").append(n).append(' ').append(hex(k)).append(' ').append(ttl);
                    apply.add(() -> {
                        if (ttl <= 0) {
                            logged[0] = true;
                            remove(n, k);
                            return;
                        }
                        MVal cur = live(n, k);
                        if (cur != null) {
                            logged[0] = true;
                            set(n, k, cur.value(), now + ttl);
                        }
                    });
                }
            }
            boolean stale = !dropped.isEmpty() && rnd.nextInt(20) == 0;
            if (stale) {
                batch.put(dropped.get(rnd.nextInt(dropped.size())), key(), value());
                d.append(" put <dropped keyspace>");
            }
            desc = d.append(" ]").toString();
            assertThat(batch.size()).as("batch size").isEqualTo(count + (stale ? 1 : 0));
            long seq = db.stats().lastSequence();
            if (stale) {
                expectCode(NO_SUCH_KEYSPACE, () -> db.write(batch));
                assertThat(db.stats().lastSequence()).as("a failed batch logs nothing").isEqualTo(seq);
                return; // and applies nothing: the next comparison checks that
            }
            if (rnd.nextBoolean()) db.write(batch);
            else db.writeAsync(batch).join();
            apply.forEach(Runnable::run);
            assertThat(db.stats().lastSequence()).as("a batch is one record, or none if it changes nothing")
                    .isEqualTo(seq + (logged[0] ? 1 : 0));
        }

        void opGetAll() {
            String n = ksName();
            int count = rnd.nextInt(9);
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                keys.add(!keys.isEmpty() && rnd.nextInt(5) == 0 ? keys.get(rnd.nextInt(keys.size())).clone() : key());
            }
            desc = "getAll " + n + " " + keys.stream().map(ModelTest::hex).collect(Collectors.toList());
            List<String> expect = new ArrayList<>();
            for (byte[] k : keys) expect.add(hex(visible(n, k)));
            List<byte[]> got = handles.get(n).getAll(keys);
            List<String> actual = got.stream().map(ModelTest::hex).collect(Collectors.toList());
            assertThat(actual).as("getAll: one value per key, in order, null where absent").isEqualTo(expect);
        }

        void opIterate() {
            String n = ksName();
            desc = "iterate " + n;
            checkContents(n, rnd.nextInt(3));
        }

        /** Compares a keyspace's entries, read by iterator (0), stream (1) or forEach (2), with the model. */
        void checkContents(String n, int how) {
            Keyspace ks = handles.get(n);
            List<Entry> got = new ArrayList<>();
            if (how == 0) {
                try (CloseableIterator<Entry> it = n.equals(DEFAULT) && rnd.nextBoolean() ? db.iterator() : ks.iterator()) {
                    it.forEachRemaining(got::add);
                }
            } else if (how == 1) {
                try (Stream<Entry> s = ks.stream()) {
                    s.forEach(got::add);
                }
            } else {
                ks.forEach((k, v) -> got.add(new Entry(k, v, ks.expiresAt(k).map(Instant::toEpochMilli).orElse(0L))));
            }
            if (model.get(n).kind == IndexKind.HASH) got.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
            List<String> actual = got.stream().map(e -> fmt(e.key(), e.value(), e.expiresAtMillis())).collect(Collectors.toList());
            assertThat(actual).as("entries of " + n + " (" + model.get(n).kind + ")").isEqualTo(expectedEntries(n));
        }

        void opScan() {
            String n = ksName();
            Keyspace ks = handles.get(n);
            if (model.get(n).kind == IndexKind.HASH) {
                desc = "scan on HASH " + n;
                expectCode(WRONG_INDEX_KIND, () -> ks.scan().iterator());
                return;
            }
            Scan s = ks.scan();
            byte[] prefix = null;
            byte[] lo = null;
            byte[] hi = null;
            boolean loInc = true;
            boolean hiInc = false;
            StringBuilder d = new StringBuilder("scan " + n);
            if (rnd.nextInt(4) == 0) {
                byte[] k = key();
                prefix = rnd.nextInt(5) == 0 ? new byte[]{(byte) 0xFF} : Arrays.copyOf(k, Math.min(k.length, rnd.nextInt(3)));
                s.prefix(prefix.clone());
                d.append(" prefix ").append(hex(prefix));
            } else {
                int f = rnd.nextInt(3);
                if (f == 1) {
                    lo = key();
                    s.from(lo.clone());
                    d.append(" from ").append(hex(lo));
                } else if (f == 2) {
                    lo = key();
                    loInc = false;
                    s.after(lo.clone());
                    d.append(" after ").append(hex(lo));
                }
                int t = rnd.nextInt(3);
                if (t == 1) {
                    hi = key();
                    s.to(hi.clone());
                    d.append(" to ").append(hex(hi));
                } else if (t == 2) {
                    hi = key();
                    hiInc = true;
                    s.toInclusive(hi.clone());
                    d.append(" toInclusive ").append(hex(hi));
                }
            }
            boolean reverse = rnd.nextInt(3) == 0;
            if (reverse) {
                s.reverse();
                d.append(" reverse");
            }
            long limit = Long.MAX_VALUE;
            if (rnd.nextInt(3) == 0) {
                limit = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : rnd.nextInt(60);
                s.limit(limit);
                d.append(" limit ").append(limit);
            }
            desc = d.toString();

            List<String> expect = new ArrayList<>();
            for (Map.Entry<ByteKey, MVal> e : model.get(n).map.entrySet()) {
                byte[] k = e.getKey().b();
                if (expired(e.getValue())) continue;
                if (prefix != null) {
                    if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) continue;
                } else {
                    if (lo != null) {
                        int c = Arrays.compareUnsigned(k, lo);
                        if (c < 0 || (c == 0 && !loInc)) continue;
                    }
                    if (hi != null) {
                        int c = Arrays.compareUnsigned(k, hi);
                        if (c > 0 || (c == 0 && !hiInc)) continue;
                    }
                }
                expect.add(fmt(k, e.getValue().value(), e.getValue().expireAt()));
            }
            if (reverse) Collections.reverse(expect);
            if (limit < expect.size()) expect = new ArrayList<>(expect.subList(0, (int) limit));

            List<String> actual = new ArrayList<>();
            if (rnd.nextBoolean()) {
                try (CloseableIterator<Entry> it = s.iterator()) {
                    it.forEachRemaining(e -> actual.add(fmt(e.key(), e.value(), e.expiresAtMillis())));
                }
            } else {
                try (Stream<Entry> st = s.stream()) {
                    st.forEach(e -> actual.add(fmt(e.key(), e.value(), e.expiresAtMillis())));
                }
            }
            assertThat(actual).as("scan result").isEqualTo(expect);
        }

        void opClear() {
            String n = ksName();
            desc = "clear " + n;
            handles.get(n).clear();
            model.get(n).map.clear();
            assertThat(handles.get(n).size()).as("size after clear").isZero();
        }

        void opStale() {
            if (dropped.isEmpty()) return;
            Keyspace ks = dropped.get(rnd.nextInt(dropped.size()));
            byte[] k = key();
            desc = "use dropped handle " + ks;
            expectCode(NO_SUCH_KEYSPACE, () -> ks.get(k));
            expectCode(NO_SUCH_KEYSPACE, () -> ks.put(k, value()));
            expectCode(NO_SUCH_KEYSPACE, () -> ks.size());
            expectCode(NO_SUCH_KEYSPACE, () -> ks.increment(k, 1));
            expectCode(NO_SUCH_KEYSPACE, () -> ks.ttlMillis(k));
            expectCode(NO_SUCH_KEYSPACE, () -> ks.iterator());
        }

        void opAdvanceClock() {
            long by = rnd.nextInt(50) == 0 ? 20_000 : rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3_000);
            desc = "advance clock by " + by;
            clock.advance(by);
        }

        void opKeyspace() {
            int r = rnd.nextInt(8);
            String a = rnd.nextInt(8) == 0 ? DEFAULT : NAMES[rnd.nextInt(NAMES.length)];
            String b = rnd.nextInt(8) == 0 ? DEFAULT : NAMES[rnd.nextInt(NAMES.length)];
            if (r == 0 && model.size() > 4) r = 1; // keep the count moderate: prefer dropping
            IndexKind kind = kind();
            switch (r) {
                case 0: {
                    desc = "createKeyspace " + a + " " + kind;
                    if (model.containsKey(a)) {
                        expectCode(KEYSPACE_EXISTS, () -> db.createKeyspace(a, kind));
                    } else {
                        Keyspace ks = db.createKeyspace(a, kind);
                        assertThat(ks.name()).isEqualTo(a);
                        assertThat(ks.kind()).isEqualTo(kind);
                        assertThat(ks.size()).isZero();
                        model.put(a, new MKs(kind, new TreeMap<>()));
                        handles.put(a, ks);
                    }
                    break;
                }
                case 1: {
                    desc = "dropKeyspace " + a;
                    if (a.equals(DEFAULT)) {
                        expectCode(INVALID_ARGUMENT, () -> db.dropKeyspace(a));
                    } else {
                        boolean existed = model.containsKey(a);
                        assertThat(db.dropKeyspace(a)).as("dropKeyspace result").isEqualTo(existed);
                        if (existed) {
                            model.remove(a);
                            dropped.add(handles.remove(a));
                        }
                    }
                    break;
                }
                case 2: {
                    desc = "renameKeyspace " + a + " -> " + b;
                    if (a.equals(DEFAULT)) {
                        expectCode(INVALID_ARGUMENT, () -> db.renameKeyspace(a, b));
                    } else if (!model.containsKey(a)) {
                        expectCode(NO_SUCH_KEYSPACE, () -> db.renameKeyspace(a, b));
                    } else if (a.equals(b)) {
                        db.renameKeyspace(a, b);
                    } else if (model.containsKey(b)) {
                        expectCode(KEYSPACE_EXISTS, () -> db.renameKeyspace(a, b));
                    } else {
                        Keyspace h = handles.remove(a);
                        db.renameKeyspace(a, b);
                        assertThat(h.name()).as("the handle follows the rename").isEqualTo(b);
                        handles.put(b, h);
                        model.put(b, model.remove(a));
                        assertThat(db.findKeyspace(a)).isEmpty();
                    }
                    break;
                }
                case 3: {
                    boolean withKind = rnd.nextBoolean();
                    desc = "copyKeyspace " + a + " -> " + b + (withKind ? " as " + kind : "");
                    if (!model.containsKey(a)) {
                        expectCode(NO_SUCH_KEYSPACE, () -> db.copyKeyspace(a, b));
                    } else if (model.containsKey(b)) {
                        expectCode(KEYSPACE_EXISTS, () -> db.copyKeyspace(a, b, kind));
                    } else {
                        Keyspace copy = withKind ? db.copyKeyspace(a, b, kind) : db.copyKeyspace(a, b);
                        IndexKind k = withKind ? kind : model.get(a).kind;
                        assertThat(copy.kind()).isEqualTo(k);
                        assertThat(copy.name()).isEqualTo(b);
                        model.put(b, new MKs(k, new TreeMap<>(model.get(a).map)));
                        handles.put(b, copy);
                        checkContents(b, 0);
                    }
                    break;
                }
                case 4:
                case 5: {
                    desc = "convertKeyspace " + a + " " + kind;
                    if (!model.containsKey(a)) {
                        expectCode(NO_SUCH_KEYSPACE, () -> db.convertKeyspace(a, kind));
                    } else {
                        db.convertKeyspace(a, kind);
                        model.get(a).kind = kind;
                        assertThat(handles.get(a).kind()).as("the handle sees the new kind").isEqualTo(kind);
                        checkContents(a, 0);
                    }
                    break;
                }
                case 6: {
                    desc = "keyspace(name, kind) " + a + " " + kind;
                    Keyspace ks = db.keyspace(a, kind);
                    if (!model.containsKey(a)) {
                        model.put(a, new MKs(kind, new TreeMap<>()));
                        handles.put(a, ks);
                    }
                    assertThat(ks.kind()).as("an existing keyspace keeps its kind").isEqualTo(model.get(a).kind);
                    break;
                }
                default: {
                    desc = "find/keyspace " + a;
                    assertThat(db.findKeyspace(a).map(Keyspace::name)).isEqualTo(model.containsKey(a) ? Optional.of(a) : Optional.empty());
                    if (model.containsKey(a)) assertThat(db.keyspace(a).kind()).isEqualTo(model.get(a).kind);
                    else expectCode(NO_SUCH_KEYSPACE, () -> db.keyspace(a));
                }
            }
            checkKeyspaceList();
        }

        void checkKeyspaceList() {
            List<String> names = db.keyspaces().stream().map(k -> k.name() + ":" + k.kind()).collect(Collectors.toList());
            List<String> expect = model.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue().kind).collect(Collectors.toList());
            assertThat(names).as("keyspaces").isEqualTo(expect);
        }

        // ------------------------------------------------------------ whole-store checks

        void compareAll() {
            checkKeyspaceList();
            long total = 0;
            long liveBytes = 0;
            for (String n : model.keySet()) {
                Keyspace ks = handles.get(n);
                assertThat(ks.name()).isEqualTo(n);
                assertThat(ks.kind()).as("kind of " + n).isEqualTo(model.get(n).kind);
                checkContents(n, 0);
                long count = visibleCount(n);
                assertThat(ks.size()).as("size of " + n).isEqualTo(count);
                total += count;
                for (Map.Entry<ByteKey, MVal> e : model.get(n).map.entrySet()) {
                    if (expired(e.getValue())) continue;
                    checkBytes(ks.get(e.getKey().b()), e.getValue().value(), "get " + n + " " + e.getKey());
                    liveBytes += e.getKey().b().length + e.getValue().value().length;
                }
                for (byte[] k : specials) checkTtl(n, k);
            }
            Stats st = db.stats();
            assertThat(st.keys()).as("stats().keys").isEqualTo(total);
            assertThat(st.keyspaces()).as("stats().keyspaces").isEqualTo(model.size());
            assertThat(st.bytes()).as("stats().bytes counts at least the live entries").isGreaterThanOrEqualTo(liveBytes);
        }

        void reopen(boolean sameClock) {
            desc = "reopen (" + (sameClock ? "same clock" : "new clock") + ")";
            long seq = db.stats().lastSequence();
            Keyspace old = handles.get(DEFAULT);
            db.close();
            db.close(); // harmless
            expectCode(CLOSED, () -> old.get(new byte[0]));
            if (!sameClock) clock = new ExpiryTest.TestClock(clock.millis() + rnd.nextInt(5_000));
            db = Cairn.open(dir, options());
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.corruptionDetected()).as("corruption after a clean close").isFalse();
            assertThat(ri.bytesTruncated()).isZero();
            assertThat(ri.lastSequence()).as("recovered last sequence").isEqualTo(seq);
            handles.clear();
            for (String n : model.keySet()) handles.put(n, db.keyspace(n));
            dropped.clear();
            compareAll();
        }
    }
}
