package io.cairn.collection;

import io.cairn.index.Cells;
import io.cairn.index.HashIndex;

import java.util.Iterator;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/** A hash: fields to values, each pair one cell of an open-addressing table (no boxed keys, no map nodes). */
public final class HashValue extends CollectionValue {
    private final HashIndex map = new HashIndex();
    private long bytes;

    @Override
    public int type() {
        return Cells.HASH;
    }

    @Override
    public int size() {
        return map.size();
    }

    public byte[] get(byte[] field) {
        byte[] c = map.get(field);
        return c == null ? null : Cells.value(c);
    }

    public boolean contains(byte[] field) {
        return map.get(field) != null;
    }

    /** Sets a field; returns whether it is new. */
    public boolean put(byte[] field, byte[] value) {
        byte[] prev = map.put(field, value, 0);
        bytes += value.length + (prev == null ? field.length : -Cells.valueLength(prev));
        return prev == null;
    }

    public boolean remove(byte[] field) {
        byte[] prev = map.remove(field);
        if (prev == null) return false;
        bytes -= field.length + Cells.valueLength(prev);
        return true;
    }

    public void forEach(BiConsumer<byte[], byte[]> action) {
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            action.accept(Cells.key(c), Cells.value(c));
        }
    }

    /** One step of a cursor scan (Redis's HSCAN); passes field, value; returns the next cursor, 0 at the end. */
    public long scan(long cursor, int count, BiConsumer<byte[], byte[]> action) {
        return map.scan(cursor, count, c -> action.accept(Cells.key(c), Cells.value(c)));
    }

    /** A field-value cell picked at random: {@link Cells#key} and {@link Cells#value} read it. */
    public byte[] randomCell(RandomGenerator random) {
        return map.random(random);
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            h.map.replace(Cells.key(c), c); // cells are immutable: shared
        }
        h.bytes = bytes;
        h.seq = seq;
        return h;
    }

    @Override
    public void encode(Compact.Writer w) {
        for (Iterator<byte[]> it = map.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            w.element(c, Cells.keyOffsetOf(c), Cells.keyLengthOf(c));
            int vo = Cells.valueOffset(c);
            w.element(c, vo, c.length - vo).entry();
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
