package io.cairn.collection;

import io.cairn.index.Cells;

/** A sorted set: an indexable skip list with a member table ({@link ZSetIndex}). */
public final class ZSetValue extends CollectionValue {
    private final ZSetIndex index;
    private long bytes;

    public ZSetValue() {
        this(new ZSetIndex());
    }

    private ZSetValue(ZSetIndex index) {
        this.index = index;
    }

    @Override
    public int type() {
        return Cells.ZSET;
    }

    @Override
    public int size() {
        return index.size();
    }

    /** The members, to read (changes go through this class, which keeps the byte count). */
    public ZSetIndex index() {
        return index;
    }

    /** Adds a member or moves it to {@code score}; returns whether it is new. */
    public boolean add(byte[] member, double score) {
        boolean added = index.add(member, score);
        if (added) bytes += member.length + 8;
        return added;
    }

    public boolean remove(byte[] member) {
        boolean removed = index.remove(member);
        if (removed) bytes -= member.length + 8;
        return removed;
    }

    @Override
    public ZSetValue copy() {
        ZSetValue z = new ZSetValue(index.copy());
        z.bytes = bytes;
        z.seq = seq;
        return z;
    }

    @Override
    public void encode(Compact.Writer w) {
        index.forEach((m, s) -> {
            w.element(m).score(s).entry();
            return true;
        });
    }

    @Override
    public long memory() {
        return 32 + index.memory();
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
