package io.cairn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A sorted set stored at one key, the value ZADD and ZRANGE work on over the server: members ordered by score, then
 * by member bytes. Each call is one atomic, durable operation. A key holding another type is refused with
 * {@link CairnException.Code#WRONG_TYPE}. Get one with {@link Keyspace#sortedSet}.
 */
public final class SortedSetView {
    private final Keyspace ks;
    private final byte[] key;

    /** One member and its score. */
    public record Scored(byte[] member, double score) {
        public String memberString() {
            return Keyspace.str(member);
        }
    }

    SortedSetView(Keyspace ks, byte[] key) {
        this.ks = ks;
        this.key = Objects.requireNonNull(key, "key").clone();
    }

    private <R> R run(Atomic<R> op) {
        return ks.engine().atomically(op);
    }

    /** Adds a member or moves it to {@code score}; returns whether it is new. NaN is refused. */
    public boolean add(byte[] member, double score) {
        byte[] m = Objects.requireNonNull(member, "member").clone();
        return run(tx -> tx.sortedSet(ks, key).set(new byte[][]{m}, new double[]{score})) == 1;
    }

    public boolean add(String member, double score) {
        return add(Keyspace.utf8(member), score);
    }

    /** Adds {@code delta} to a member's score (absent counts as 0); returns the new score. */
    public double increment(String member, double delta) {
        byte[] m = Keyspace.utf8(member);
        return run(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, key);
            double cur = z.score(m);
            double next = (Double.isNaN(cur) ? 0 : cur) + delta;
            if (Double.isNaN(next)) throw new CairnException(CairnException.Code.NOT_A_NUMBER, "resulting score is not a number (NaN)");
            z.set(new byte[][]{m}, new double[]{next});
            return next;
        });
    }

    public OptionalDouble score(String member) {
        byte[] m = Keyspace.utf8(member);
        double s = run(tx -> tx.sortedSet(ks, key).score(m));
        return Double.isNaN(s) ? OptionalDouble.empty() : OptionalDouble.of(s);
    }

    /** The member's 0-based rank by ascending score, if present. */
    public OptionalLong rank(String member) {
        byte[] m = Keyspace.utf8(member);
        long r = run(tx -> {
            io.cairn.collection.ZSetValue v = tx.sortedSet(ks, key).value();
            return v == null ? -1 : v.index().rank(m);
        });
        return r < 0 ? OptionalLong.empty() : OptionalLong.of(r);
    }

    public int remove(String... members) {
        byte[][] m = new byte[members.length][];
        for (int i = 0; i < m.length; i++) m[i] = Keyspace.utf8(members[i]);
        return run(tx -> tx.sortedSet(ks, key).remove(m));
    }

    public int size() {
        return run(tx -> tx.sortedSet(ks, key).size());
    }

    /** Members ranked {@code start..stop} (inclusive; negative from the end), ascending, as ZRANGE. */
    public List<Scored> range(long start, long stop) {
        return run(tx -> {
            List<Scored> out = new ArrayList<>();
            io.cairn.collection.ZSetValue v = tx.sortedSet(ks, key).value();
            if (v == null) return out;
            long n = v.size();
            long s = start < 0 ? Math.max(0, n + start) : start;
            long e = stop < 0 ? n + stop : Math.min(stop, n - 1);
            if (s <= e) v.index().range(s, e, false, (m, sc) -> out.add(new Scored(m.clone(), sc)));
            return out;
        });
    }

    /** Members with {@code min <= score <= max}, ascending. */
    public List<Scored> rangeByScore(double min, double max) {
        return run(tx -> {
            List<Scored> out = new ArrayList<>();
            io.cairn.collection.ZSetValue v = tx.sortedSet(ks, key).value();
            if (v == null || min > max) return out;
            v.index().rangeByScore(new io.cairn.collection.ZSetIndex.ScoreRange(min, false, max, false), false, 0, -1,
                    (m, sc) -> out.add(new Scored(m.clone(), sc)));
            return out;
        });
    }

    /** Removes and returns up to {@code count} members with the lowest scores (ZPOPMIN). */
    public List<Scored> popMin(int count) {
        return run(tx -> {
            List<Scored> out = new ArrayList<>();
            TxnSortedSet z = tx.sortedSet(ks, key);
            io.cairn.collection.ZSetValue v = z.value();
            if (v == null || count <= 0) return out;
            v.index().range(0, Math.min(count, v.size()) - 1L, false, (m, sc) -> out.add(new Scored(m, sc)));
            byte[][] ms = new byte[out.size()][];
            for (int i = 0; i < ms.length; i++) ms[i] = out.get(i).member();
            z.remove(ms);
            return out;
        });
    }
}
