package io.cairn.index;

import io.cairn.IndexKind;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A skip list in unsigned-lexicographic key order; the key is the map's key, the cell holds the value and expiry. */
final class OrderedIndex implements Index {
    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public IndexKind kind() {
        return IndexKind.ORDERED;
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public byte[] put(byte[] key, byte[] value, long expireAt) {
        // the map keeps the key array: it must be ours, not the caller's
        return map.put(key.clone(), Cells.make(key, false, value, expireAt));
    }

    @Override
    public byte[] replace(byte[] key, byte[] cell) {
        return map.put(key, cell);
    }

    @Override
    public byte[] remove(byte[] key) {
        return map.remove(key);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public Iterator<Slot> iterator() {
        return range(null, true, null, false, false);
    }

    @Override
    public Iterator<Slot> range(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean reverse) {
        NavigableMap<byte[], byte[]> m = map;
        if (from != null && to != null) {
            if (Arrays.compareUnsigned(from, to) > 0) return java.util.Collections.emptyIterator();
            m = map.subMap(from, fromInclusive, to, toInclusive);
        } else if (from != null) {
            m = map.tailMap(from, fromInclusive);
        } else if (to != null) {
            m = map.headMap(to, toInclusive);
        }
        if (reverse) m = m.descendingMap();
        Iterator<java.util.Map.Entry<byte[], byte[]>> it = m.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Slot next() {
                java.util.Map.Entry<byte[], byte[]> e = it.next();
                return new Slot(e.getKey(), e.getValue());
            }
        };
    }
}
