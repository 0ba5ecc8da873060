package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.HashValue;
import io.cairn.index.Cells;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/** A hash inside an {@link Atomic} block: see {@link TxnCollection}. */
public final class TxnHash extends TxnCollection {
    TxnHash(Txn txn, KeyspaceState ks, byte[] key, CollectionValue value, boolean shared) {
        super(txn, ks, key, Cells.HASH, value, shared);
    }

    /** The fields and values, to read only; null if the key is absent. */
    public HashValue value() {
        return (HashValue) current();
    }

    public byte[] get(byte[] field) {
        HashValue h = value();
        return h == null ? null : h.get(field);
    }

    /** Sets fields: {@code pairs} is field, value, field, value...; returns how many fields are new. */
    public int put(byte[]... pairs) {
        if (pairs.length == 0 || pairs.length % 2 != 0) throw new IllegalArgumentException("field-value pairs expected");
        HashValue h = value();
        Set<ByteBuffer> seen = new HashSet<>();
        int added = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if ((h == null || !h.contains(pairs[i])) && seen.add(ByteBuffer.wrap(pairs[i]))) added++;
        }
        change(CollectionOps.HSET, 0, 0, pairs);
        return added;
    }

    /** Removes fields; returns how many were present. */
    public int remove(byte[]... fields) {
        HashValue h = value();
        if (h == null) return 0;
        Set<ByteBuffer> seen = new HashSet<>();
        java.util.List<byte[]> present = new java.util.ArrayList<>();
        for (byte[] f : fields) if (h.contains(f) && seen.add(ByteBuffer.wrap(f))) present.add(f);
        if (present.isEmpty()) return 0;
        change(CollectionOps.HDEL, 0, 0, present.toArray(new byte[0][]));
        return present.size();
    }
}
