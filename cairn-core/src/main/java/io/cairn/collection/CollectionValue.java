package io.cairn.collection;

import io.cairn.index.Cells;

/**
 * A collection's elements in a mutable in-memory structure: how a large collection lives (referenced from its cell by
 * a handle), and how a small one is changed (decoded from its cell's compact encoding, changed, encoded again).
 * Changed only by the store's one mutation path, under its write lock; read under the same lock.
 */
public abstract sealed class CollectionValue permits HashValue, SetValue, ListValue, ZSetValue {
    /** The log sequence of the last record that changed it. */
    public long seq;

    /** {@link Cells#HASH}, {@link Cells#LIST}, {@link Cells#SET} or {@link Cells#ZSET}. */
    public abstract int type();

    /** Entries: fields, elements or members. */
    public abstract int size();

    /** An independent copy. */
    public abstract CollectionValue copy();

    /** Writes every entry into {@code w}. */
    public abstract void encode(Compact.Writer w);

    /** The compact encoding of every entry. */
    public final byte[] encode() {
        Compact.Writer w = new Compact.Writer(64);
        encode(w);
        return w.toBytes();
    }

    /**
     * Bytes it holds on the heap (its structure and elements, estimated as {@link io.cairn.index.Memory} does), kept
     * up to date as it changes: reading it is O(1).
     */
    public abstract long memory();

    /** Roughly the bytes its elements take, for the store's statistics. */
    public abstract long bytes();

    /** An empty value of {@code type}. */
    public static CollectionValue empty(int type) {
        return switch (type) {
            case Cells.HASH -> new HashValue();
            case Cells.SET -> new SetValue();
            case Cells.LIST -> new ListValue();
            case Cells.ZSET -> new ZSetValue();
            default -> throw new IllegalArgumentException("not a collection type: " + type);
        };
    }

    /** The value a compact encoding holds. */
    public static CollectionValue decode(int type, byte[] a, int off, int len) {
        CollectionValue v = empty(type);
        Compact.Reader r = new Compact.Reader(a, off, len);
        while (r.more()) {
            switch (type) {
                case Cells.HASH -> {
                    byte[] f = r.next().bytes();
                    ((HashValue) v).put(f, r.next().bytes());
                }
                case Cells.SET -> ((SetValue) v).add(r.next().bytes());
                case Cells.LIST -> ((ListValue) v).addLast(r.next().bytes());
                default -> {
                    byte[] m = r.next().bytes();
                    ((ZSetValue) v).add(m, r.score());
                }
            }
        }
        return v;
    }

    /** The value a compact collection cell holds. */
    public static CollectionValue decode(byte[] cell) {
        int off = Cells.payloadOffset(cell);
        CollectionValue v = decode(Cells.type(cell), cell, off, cell.length - off);
        v.seq = Cells.seq(cell);
        return v;
    }
}
