package io.cairn.collection;

import io.cairn.collection.ZSetIndex.LexBound;
import io.cairn.collection.ZSetIndex.LexRange;
import io.cairn.collection.ZSetIndex.ScoreRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded random run of every {@link ZSetIndex} operation against a simple model: a {@link TreeMap} from member to
 * score and a sorted list of entries, where ranks are binary searches and ranges are sublists. Run with
 * {@code -Dseed=N} to replay a failure; the seed is in every assertion message.
 */
class ZSetIndexModelTest {
    private static final int STEPS = 200_000;

    /** Few distinct scores, so ties (and the member order that breaks them) are common. */
    private static final double[] SCORES = {
            Double.NEGATIVE_INFINITY, -1e300, -2.5, -1, -0.0, 0.0, Double.MIN_VALUE, 0.5, 1, 1, 2, 3.25, 1e300,
            Double.POSITIVE_INFINITY};

    /** An element; equal by member contents and exact score, so a stored {@code -0.0} would show. */
    record E(byte[] member, double score) {
        @Override
        public boolean equals(Object o) {
            return o instanceof E e && Arrays.equals(member, e.member) && Double.compare(score, e.score) == 0;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(member) * 31 + Double.hashCode(score);
        }

        @Override
        public String toString() {
            return Arrays.toString(member) + "=" + score;
        }
    }

    private static final Comparator<E> ORDER = (a, b) -> {
        int c = Double.compare(a.score + 0.0, b.score + 0.0);
        return c != 0 ? c : Arrays.compareUnsigned(a.member, b.member);
    };

    /** The model: member -> score, and the same entries in set order. */
    private final TreeMap<byte[], Double> scores = new TreeMap<>(Arrays::compareUnsigned);
    private final List<E> sorted = new ArrayList<>();
    private String seedText;

    @Test
    void randomOperations_matchTheModel() {
        long seed = Long.getLong("seed", new Random().nextLong());
        seedText = "seed " + seed + " (rerun with -Dseed=" + seed + ")";
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            System.err.println("ZSetIndexModelTest failed with " + seedText);
            throw e;
        }
    }

    private void run(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ZSetIndex z = new ZSetIndex();
        int pool = 50;
        boolean sameScore = false;
        for (int step = 0; step < STEPS; step++) {
            if (step % 20_000 == 0) {
                // Phases: small and large member pools, and stretches where every score is 0 so lex ranges mean what
                // Redis means by them.
                pool = r.nextInt(3) == 0 ? 2_000 : 4 + r.nextInt(120);
                sameScore = r.nextInt(3) == 0;
                if (sameScore) {
                    z.removeRangeByRank(0, Long.MAX_VALUE, null);
                    scores.clear();
                    sorted.clear();
                }
            }
            String at = seedText + " step " + step;
            byte[] m = member(r, pool);
            double s = sameScore ? (r.nextBoolean() ? 0.0 : -0.0) : SCORES[r.nextInt(SCORES.length)];
            int op = r.nextInt(100);
            if (op < 30) {
                check(z.add(m, s), modelAdd(m, s), at);
            } else if (op < 40) {
                check(z.remove(m), modelRemove(m), at);
            } else if (op < 45) {
                Double expected = scores.get(m);
                assertSameDouble(z.score(m), expected == null ? Double.NaN : expected + 0.0, at);
                check(z.contains(m), expected != null, at);
            } else if (op < 52) {
                long rank = modelRank(m);
                check(z.rank(m), rank, at);
                check(z.reverseRank(m), rank < 0 ? -1 : sorted.size() - 1 - rank, at);
            } else if (op < 55) {
                if (!sorted.isEmpty()) {
                    int rank = r.nextInt(sorted.size());
                    check(z.memberAt(rank), sorted.get(rank).member(), at);
                    assertSameDouble(z.scoreAt(rank), sorted.get(rank).score(), at);
                }
            } else if (op < 62) {
                long start = r.nextInt(-2, sorted.size() + 3);
                long stop = r.nextInt(-2, sorted.size() + 3);
                boolean reverse = r.nextBoolean();
                int stopAfter = r.nextInt(4) == 0 ? r.nextInt(1, 5) : Integer.MAX_VALUE;
                List<E> all = reverse ? reversed(sorted) : sorted;
                int lo = (int) Math.max(start, 0);
                int hi = (int) Math.min(stop, sorted.size() - 1);
                List<E> expected = lo > hi ? List.of() : all.subList(lo, hi + 1);
                check(collect(stopAfter, v -> z.range(start, stop, reverse, v)), limit(expected, stopAfter),
                        () -> String.format("%s range %d %d reverse=%s", at, start, stop, reverse));
            } else if (op < 72) {
                ScoreRange range = scoreRange(r);
                boolean reverse = r.nextBoolean();
                long offset = r.nextInt(8) == 0 ? -1 : r.nextInt(4) == 0 ? r.nextInt(6) : 0;
                long limit = r.nextInt(3) == 0 ? r.nextInt(6) : -1;
                List<E> in = inScore(range);
                check(z.countInScore(range), (long) in.size(), () -> String.format("%s count %s", at, range));
                check(collect(Integer.MAX_VALUE, v -> z.rangeByScore(range, reverse, offset, limit, v)),
                        page(reverse ? reversed(in) : in, offset, limit),
                        () -> String.format("%s %s reverse=%s offset=%d limit=%d", at, range, reverse, offset, limit));
            } else if (op < 80) {
                Bounds bounds = lexRange(r, pool);
                LexRange range = bounds.toIndex();
                boolean reverse = r.nextBoolean();
                long offset = r.nextInt(4) == 0 ? r.nextInt(6) : 0;
                long limit = r.nextInt(3) == 0 ? r.nextInt(6) : -1;
                List<E> in = inLex(bounds);
                check(z.countInLex(range), (long) in.size(), () -> String.format("%s count %s", at, range));
                check(collect(Integer.MAX_VALUE, v -> z.rangeByLex(range, reverse, offset, limit, v)),
                        page(reverse ? reversed(in) : in, offset, limit),
                        () -> String.format("%s %s reverse=%s offset=%d limit=%d", at, range, reverse, offset, limit));
            } else if (op < 83) {
                int count = r.nextInt(4);
                boolean max = r.nextBoolean();
                List<E> expected = new ArrayList<>(limit(max ? reversed(sorted) : sorted, count));
                List<E> got = collect(Integer.MAX_VALUE, v -> max ? z.popMax(count, v) : z.popMin(count, v));
                check(got, expected, () -> String.format("%s pop%s %d", at, max ? "max" : "min", count));
                expected.forEach(e -> modelRemove(e.member()));
            } else if (op < 85) {
                long start = r.nextInt(-1, sorted.size() + 2);
                long stop = start + r.nextInt(-1, 4);
                int lo = (int) Math.max(start, 0);
                int hi = (int) Math.min(stop, sorted.size() - 1);
                List<E> expected = lo > hi ? List.of() : new ArrayList<>(sorted.subList(lo, hi + 1));
                check(collect(Integer.MAX_VALUE, v -> z.removeRangeByRank(start, stop, v)), expected,
                        () -> String.format("%s remrangebyrank %d %d", at, start, stop));
                expected.forEach(e -> modelRemove(e.member()));
            } else if (op < 87) {
                ScoreRange range = scoreRange(r);
                List<E> expected = inScore(range);
                check(collect(Integer.MAX_VALUE, v -> z.removeRangeByScore(range, v)), expected,
                        () -> String.format("%s remrangebyscore %s", at, range));
                expected.forEach(e -> modelRemove(e.member()));
            } else if (op < 89) {
                Bounds bounds = lexRange(r, pool);
                LexRange range = bounds.toIndex();
                List<E> expected = inLex(bounds);
                check(collect(Integer.MAX_VALUE, v -> z.removeRangeByLex(range, v)), expected,
                        () -> String.format("%s remrangebylex %s", at, range));
                expected.forEach(e -> modelRemove(e.member()));
            } else if (op < 92) {
                long pick = r.nextLong();
                byte[] got = z.randomMember(new SplittableRandom(pick));
                if (sorted.isEmpty()) {
                    check(got, null, at);
                } else {
                    check(got, sorted.get((int) new SplittableRandom(pick).nextLong(sorted.size())).member(), at);
                }
            } else if (op < 93) {
                ZSetIndex copy = z.copy();
                if (step % 8 == 0) copy.checkInvariants();
                check(collect(Integer.MAX_VALUE, v -> { copy.forEach(v); return 0; }), sorted, at);
                copy.add(m, 42); // the copy is independent of the original
                copy.remove(m);
            } else if (op < 94) {
                check(collect(Integer.MAX_VALUE, v -> { z.forEach(v); return 0; }), sorted, at);
            } else {
                // Bulk growth so the larger phases actually get large.
                for (int i = 0; i < 8; i++) {
                    byte[] k = member(r, pool);
                    double ks = sameScore ? 0.0 : SCORES[r.nextInt(SCORES.length)] + r.nextInt(3);
                    check(z.add(k, ks), modelAdd(k, ks), at);
                }
            }
            check(z.size(), sorted.size(), at);
            if (step % 2_000 == 0) z.checkInvariants();
        }
        z.checkInvariants();
        // Drain to empty and check the empty set behaves.
        z.removeRangeByScore(ScoreRange.ALL, null);
        z.checkInvariants();
        assertThat(z.size()).as(seedText).isZero();
        assertThat(z.randomMember(new SplittableRandom(1))).isNull();
        assertThat(z.countInLex(new LexRange(LexBound.MIN, LexBound.MAX))).isZero();
    }

    // ---- the model ----

    private boolean modelAdd(byte[] m, double s) {
        Double old = scores.put(m, s);
        if (old != null) sorted.remove(Collections.binarySearch(sorted, new E(m, old), ORDER));
        E e = new E(m, s + 0.0);
        sorted.add(-Collections.binarySearch(sorted, e, ORDER) - 1, e);
        return old == null;
    }

    private boolean modelRemove(byte[] m) {
        Double old = scores.remove(m);
        if (old == null) return false;
        sorted.remove(Collections.binarySearch(sorted, new E(m, old), ORDER));
        return true;
    }

    private long modelRank(byte[] m) {
        Double s = scores.get(m);
        return s == null ? -1 : Collections.binarySearch(sorted, new E(m, s), ORDER);
    }

    private List<E> inScore(ScoreRange range) {
        List<E> out = new ArrayList<>();
        for (E e : sorted) {
            boolean aboveMin = range.minExclusive() ? e.score() > range.min() : e.score() >= range.min();
            boolean belowMax = range.maxExclusive() ? e.score() < range.max() : e.score() <= range.max();
            if (aboveMin && belowMax) out.add(e);
        }
        return out;
    }

    /**
     * The documented lex semantics, written as a filter: the lower bound is the key {@code (lowest score, min)}, the
     * upper one {@code (highest score, max)}. With equal scores this is plain member order, as in Redis.
     */
    private List<E> inLex(Bounds range) {
        if (sorted.isEmpty()) return List.of();
        double low = sorted.get(0).score();
        double high = sorted.get(sorted.size() - 1).score();
        List<E> out = new ArrayList<>();
        for (E e : sorted) {
            if (aboveLexMin(e, range.min, low) && belowLexMax(e, range.max, high)) out.add(e);
        }
        return out;
    }

    private static boolean aboveLexMin(E e, Bound b, double low) {
        return switch (b.kind) {
            case '-' -> true;
            case '+' -> false;
            default -> {
                int c = ORDER.compare(e, new E(b.member, low));
                yield b.kind == '[' ? c >= 0 : c > 0;
            }
        };
    }

    private static boolean belowLexMax(E e, Bound b, double high) {
        return switch (b.kind) {
            case '+' -> true;
            case '-' -> false;
            default -> {
                int c = ORDER.compare(e, new E(b.member, high));
                yield b.kind == '[' ? c <= 0 : c < 0;
            }
        };
    }

    // ---- generators ----

    /** Members of 0 to 2 bytes, including bytes >= 0x80 (unsigned order) and the empty member. */
    private static byte[] member(SplittableRandom r, int pool) {
        int i = r.nextInt(pool);
        if (i == 0) return new byte[0];
        if (i < 40) return new byte[] {(byte) (i * 7)};
        return new byte[] {(byte) (i >>> 8), (byte) i};
    }

    private static ScoreRange scoreRange(SplittableRandom r) {
        double a = SCORES[r.nextInt(SCORES.length)];
        double b = r.nextInt(4) == 0 ? a : SCORES[r.nextInt(SCORES.length)];
        if (r.nextInt(5) != 0 && a > b) {
            double t = a;
            a = b;
            b = t;
        }
        return new ScoreRange(a, r.nextBoolean(), b, r.nextBoolean());
    }

    /** A lex bound as the test sees it: kind {@code - + [ (} and member. */
    record Bound(char kind, byte[] member) {
        LexBound toIndex() {
            return switch (kind) {
                case '-' -> LexBound.MIN;
                case '+' -> LexBound.MAX;
                case '[' -> LexBound.inclusive(member);
                default -> LexBound.exclusive(member);
            };
        }
    }

    record Bounds(Bound min, Bound max) {
        LexRange toIndex() {
            return new LexRange(min.toIndex(), max.toIndex());
        }

        @Override
        public String toString() {
            return toIndex().min() + " " + toIndex().max();
        }
    }

    private static Bounds lexRange(SplittableRandom r, int pool) {
        Bound a = lexBound(r, pool);
        Bound b = r.nextInt(8) == 0 ? a : lexBound(r, pool);
        return new Bounds(a, b);
    }

    private static Bound lexBound(SplittableRandom r, int pool) {
        int k = r.nextInt(10);
        if (k == 0) return new Bound('-', null);
        if (k == 1) return new Bound('+', null);
        return new Bound(k < 6 ? '[' : '(', member(r, pool));
    }

    // ---- helpers ----

    interface Walk {
        long run(ZSetIndex.Visitor v);
    }

    /** Runs a walk with a visitor that stops after {@code stopAfter} elements; checks the walk's returned count. */
    private List<E> collect(int stopAfter, Walk walk) {
        List<E> out = new ArrayList<>();
        long n = walk.run((member, score) -> {
            out.add(new E(member, score));
            return out.size() < stopAfter;
        });
        if (n != 0) check(n, (long) out.size(), () -> seedText + " visited count");
        return out;
    }

    /** Deep equality, checked cheaply; AssertJ only builds its message on a mismatch. */
    private static void check(Object actual, Object expected, Supplier<String> what) {
        if (!Objects.deepEquals(actual, expected)) {
            assertThat(actual).as(what).isEqualTo(expected);
            throw new AssertionError(what.get() + ": " + actual + " but expected " + expected);
        }
    }

    private static void check(Object actual, Object expected, String what) {
        check(actual, expected, () -> what);
    }

    /** Exact equality: NaN equals NaN, and -0.0 differs from +0.0. */
    private static void assertSameDouble(double actual, double expected, String at) {
        check(Double.doubleToLongBits(actual), Double.doubleToLongBits(expected),
                () -> String.format("%s: %s but expected %s", at, actual, expected));
    }

    private static List<E> limit(List<E> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }

    private static List<E> page(List<E> l, long offset, long limit) {
        if (offset < 0 || offset >= l.size()) return List.of();
        List<E> rest = l.subList((int) offset, l.size());
        return limit < 0 ? rest : rest.subList(0, (int) Math.min(limit, rest.size()));
    }

    private static List<E> reversed(List<E> l) {
        List<E> out = new ArrayList<>(l);
        Collections.reverse(out);
        return out;
    }
}
