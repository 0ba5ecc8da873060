package io.cairn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A list stored at one key, the value LPUSH and LRANGE work on over the server. Each call is one atomic, durable
 * operation; indexes are 0-based from the head and negative ones count from the tail, as in Redis. A key holding
 * another type is refused with {@link CairnException.Code#WRONG_TYPE}. Get one with {@link Keyspace#list}.
 */
public final class ListView {
    private final Keyspace ks;
    private final byte[] key;

    ListView(Keyspace ks, byte[] key) {
        this.ks = ks;
        this.key = Objects.requireNonNull(key, "key").clone();
    }

    private <R> R run(Atomic<R> op) {
        return ks.engine().atomically(op);
    }

    private static byte[][] copies(byte[]... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) out[i] = Objects.requireNonNull(values[i], "value").clone();
        return out;
    }

    /** Pushes values at the head one after another (the last ends first, as LPUSH); returns the new length. */
    public int pushFirst(byte[]... values) {
        byte[][] v = copies(values);
        return run(tx -> {
            TxnList l = tx.list(ks, key);
            l.push(true, v);
            return l.size();
        });
    }

    /** Pushes values at the tail (RPUSH); returns the new length. */
    public int pushLast(byte[]... values) {
        byte[][] v = copies(values);
        return run(tx -> {
            TxnList l = tx.list(ks, key);
            l.push(false, v);
            return l.size();
        });
    }

    public int pushLast(String... values) {
        byte[][] v = new byte[values.length][];
        for (int i = 0; i < values.length; i++) v[i] = Keyspace.utf8(values[i]);
        return pushLast(v);
    }

    public int pushFirst(String... values) {
        byte[][] v = new byte[values.length][];
        for (int i = 0; i < values.length; i++) v[i] = Keyspace.utf8(values[i]);
        return pushFirst(v);
    }

    /** Removes and returns the head, or null if the list is absent. */
    public byte[] popFirst() {
        List<byte[]> p = run(tx -> tx.list(ks, key).pop(true, 1));
        return p.isEmpty() ? null : p.get(0);
    }

    /** Removes and returns the tail, or null if the list is absent. */
    public byte[] popLast() {
        List<byte[]> p = run(tx -> tx.list(ks, key).pop(false, 1));
        return p.isEmpty() ? null : p.get(0);
    }

    /** The element at {@code index} (negative: from the tail), or null if out of range. */
    public byte[] get(long index) {
        return run(tx -> {
            io.cairn.collection.ListValue v = tx.list(ks, key).value();
            if (v == null) return null;
            long i = index < 0 ? v.size() + index : index;
            return i < 0 || i >= v.size() ? null : v.get((int) i).clone();
        });
    }

    /** Replaces the element at {@code index}; refused with INVALID_ARGUMENT if out of range. */
    public void set(long index, byte[] value) {
        byte[] v = Objects.requireNonNull(value, "value").clone();
        run(tx -> {
            TxnList l = tx.list(ks, key);
            int size = l.size();
            long i = index < 0 ? size + index : index;
            if (i < 0 || i >= size) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "index " + index + " is out of range");
            l.set((int) i, v);
            return null;
        });
    }

    /** Elements {@code start..stop}, inclusive, Redis's LRANGE rules for negative and out-of-range indexes. */
    public List<byte[]> range(long start, long stop) {
        return run(tx -> {
            List<byte[]> out = new ArrayList<>();
            io.cairn.collection.ListValue v = tx.list(ks, key).value();
            if (v == null) return out;
            int n = v.size();
            long s = start < 0 ? Math.max(0, n + start) : start;
            long e = stop < 0 ? n + stop : Math.min(stop, n - 1L);
            for (long i = s; i <= e; i++) out.add(v.get((int) i).clone());
            return out;
        });
    }

    /** Every element, head first. */
    public List<byte[]> toList() {
        return range(0, -1);
    }

    /** Removes elements equal to {@code value}: the first {@code count} from the head, -count from the tail, 0 all. */
    public int remove(long count, byte[] value) {
        byte[] v = value.clone();
        return run(tx -> tx.list(ks, key).removeOccurrences(count, v));
    }

    /** Keeps only elements {@code start..stop} (LTRIM's rules). */
    public void trim(long start, long stop) {
        run(tx -> {
            TxnList l = tx.list(ks, key);
            int n = l.size();
            long s = start < 0 ? Math.max(0, n + start) : start;
            long e = stop < 0 ? n + stop : Math.min(stop, n - 1L);
            if (s > e || s >= n) l.trim(1, 0);
            else l.trim(s, e);
            return null;
        });
    }

    public int size() {
        return run(tx -> tx.list(ks, key).size());
    }
}
