package io.cairn.collection;

import io.cairn.index.Cells;
import io.cairn.index.HashIndex;

import java.util.Iterator;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/** A set of byte strings: each member one cell of an open-addressing table. */
public final class SetValue extends CollectionValue {
    private static final byte[] NONE = new byte[0];
    private final HashIndex map = new HashIndex();
    private long bytes;

    @Override
    public int type() {
        return Cells.SET;
    }

    @Override
    public int size() {
        return map.size();
    }

    public boolean contains(byte[] member) {
        return map.get(member) != null;
    }

    /** Adds a member; returns whether it is new. */
    public boolean add(byte[] member) {
        if (map.get(member) != null) return false;
        map.put(member, NONE, 0);
        bytes += member.length;
        return true;
    }

    public boolean remove(byte[] member) {
        if (map.remove(member) == null) return false;
        bytes -= member.length;
        return true;
    }

    public void forEach(Consumer<byte[]> action) {
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) action.accept(Cells.key(it.next()));
    }

    /** One step of a cursor scan (Redis's SSCAN); returns the next cursor, 0 at the end. */
    public long scan(long cursor, int count, Consumer<byte[]> action) {
        return map.scan(cursor, count, c -> action.accept(Cells.key(c)));
    }

    /** A member picked at random, or null if empty. */
    public byte[] random(RandomGenerator random) {
        byte[] c = map.random(random);
        return c == null ? null : Cells.key(c);
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue();
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            s.map.replace(Cells.key(c), c);
        }
        s.bytes = bytes;
        s.seq = seq;
        return s;
    }

    @Override
    public void encode(Compact.Writer w) {
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            w.element(c, Cells.keyOffsetOf(c), Cells.keyLengthOf(c)).entry();
        }
    }

    @Override
    public long memory() {
        return 32 + map.memory();
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
