package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.HashValue;
import io.cairn.collection.ListValue;
import io.cairn.collection.SetValue;
import io.cairn.collection.ZSetValue;
import io.cairn.index.Cells;

/**
 * The changes a {@link Mutation.Collection} record can make, and the one function that makes them: live, on recovery
 * and on a block's private working copy alike. Every change is fully resolved when it is decided (list positions are
 * absolute, scores are final, a random pop names its members), so applying it depends only on the value it meets.
 */
final class CollectionOps {
    /** With an op: the key was absent when the change was decided, so it starts from an empty value. */
    static final int FRESH = 0x8000;
    static final int OP_MASK = 0x7FFF;

    /** items: field, value, ... */
    static final int HSET = 1;
    /** items: fields */
    static final int HDEL = 2;
    /** items: members */
    static final int SADD = 3;
    static final int SREM = 4;
    /** items: member, score (8 bytes, big-endian IEEE 754), ... */
    static final int ZADD = 5;
    /** items: members */
    static final int ZREM = 6;
    /** b: 0 head, 1 tail; items: elements, each pushed in turn */
    static final int LPUSH = 7;
    /** b: 0 head, 1 tail; a: count */
    static final int LPOP = 8;
    /** a: index (0-based, in range); items[0]: element */
    static final int LSET = 9;
    /** a: index the element goes to (0..size); items[0]: element */
    static final int LINSERT = 10;
    /** a: count (Redis's LREM sign convention); items[0]: element */
    static final int LREM = 11;
    /** a: first index kept, b: last index kept (0 <= a <= b < size) */
    static final int LTRIM = 12;

    private CollectionOps() {
    }

    /** The type code a change applies to. */
    /** Whether an op can grow a collection (removals, pops and trims cannot). */
    static boolean grows(int op) {
        int o = op & OP_MASK;
        return o != HDEL && o != SREM && o != ZREM && o != LPOP && o != LREM && o != LTRIM;
    }

    static int typeOf(int op) {
        return switch (op & OP_MASK) {
            case HSET, HDEL -> Cells.HASH;
            case SADD, SREM -> Cells.SET;
            case ZADD, ZREM -> Cells.ZSET;
            case LPUSH, LPOP, LSET, LINSERT, LREM, LTRIM -> Cells.LIST;
            default -> throw new IllegalArgumentException("unknown collection change " + op);
        };
    }

    static byte[] score(double s) {
        long v = Double.doubleToLongBits(s == 0.0 ? 0.0 : s);
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (56 - 8 * i));
        return b;
    }

    static double score(byte[] b) {
        if (b.length != 8) throw new IllegalArgumentException("a score is 8 bytes");
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[i] & 0xFF);
        return Double.longBitsToDouble(v);
    }

    /** Applies one change to {@code v} (of the change's type). */
    static void apply(CollectionValue v, int op, long a, long b, byte[][] items) {
        switch (op & OP_MASK) {
            case HSET -> {
                HashValue h = (HashValue) v;
                for (int i = 0; i + 1 < items.length; i += 2) h.put(items[i], items[i + 1]);
            }
            case HDEL -> {
                HashValue h = (HashValue) v;
                for (byte[] f : items) h.remove(f);
            }
            case SADD -> {
                SetValue s = (SetValue) v;
                for (byte[] m : items) s.add(m);
            }
            case SREM -> {
                SetValue s = (SetValue) v;
                for (byte[] m : items) s.remove(m);
            }
            case ZADD -> {
                ZSetValue z = (ZSetValue) v;
                for (int i = 0; i + 1 < items.length; i += 2) {
                    double s = score(items[i + 1]);
                    if (Double.isNaN(s)) throw new IllegalArgumentException("a NaN score");
                    z.add(items[i], s);
                }
            }
            case ZREM -> {
                ZSetValue z = (ZSetValue) v;
                for (byte[] m : items) z.remove(m);
            }
            case LPUSH -> {
                ListValue l = (ListValue) v;
                for (byte[] e : items) {
                    if (b == 0) l.addFirst(e);
                    else l.addLast(e);
                }
            }
            case LPOP -> {
                ListValue l = (ListValue) v;
                for (long i = 0; i < a && l.size() > 0; i++) {
                    if (b == 0) l.pollFirst();
                    else l.pollLast();
                }
            }
            case LSET -> {
                ListValue l = (ListValue) v;
                if (a >= 0 && a < l.size()) l.set((int) a, items[0]);
            }
            case LINSERT -> {
                ListValue l = (ListValue) v;
                if (a >= 0 && a <= l.size()) l.insert((int) a, items[0]);
            }
            case LREM -> ((ListValue) v).removeOccurrences(a, items[0]);
            case LTRIM -> {
                ListValue l = (ListValue) v;
                l.trim((int) Math.max(0, a), (int) Math.min(b, l.size() - 1L));
            }
            default -> throw new IllegalArgumentException("unknown collection change " + op);
        }
    }
}
