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

    private static final byte[] REMOVED = new byte[0];
    /** While {@link #deferred}: the fields this block changed, to their values or {@link #REMOVED}. */
    private java.util.HashMap<ByteBuffer, byte[]> overlay;

    @Override
    void dropOverlay() {
        overlay = null;
    }

    public byte[] get(byte[] field) {
        txn.check();
        if (deferred()) {
            byte[] v = overlay == null ? null : overlay.get(ByteBuffer.wrap(field));
            if (v != null) return v == REMOVED ? null : v;
            return ((HashValue) base()).get(field);
        }
        HashValue h = value();
        return h == null ? null : h.get(field);
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    /** Sets fields: {@code pairs} is field, value, field, value...; returns how many fields are new. */
    public int put(byte[]... pairs) {
        if (pairs.length == 0 || pairs.length % 2 != 0) throw new IllegalArgumentException("field-value pairs expected");
        Set<ByteBuffer> seen = new HashSet<>();
        int added = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (!contains(pairs[i]) && seen.add(ByteBuffer.wrap(pairs[i]))) added++;
        }
        change(CollectionOps.HSET, 0, 0, pairs, added);
        if (deferred()) {
            if (overlay == null) overlay = new java.util.HashMap<>();
            for (int i = 0; i < pairs.length; i += 2) overlay.put(ByteBuffer.wrap(pairs[i]), pairs[i + 1]);
        }
        return added;
    }

    /** Removes fields; returns how many were present. */
    public int remove(byte[]... fields) {
        Set<ByteBuffer> seen = new HashSet<>();
        java.util.List<byte[]> present = new java.util.ArrayList<>();
        for (byte[] f : fields) if (contains(f) && seen.add(ByteBuffer.wrap(f))) present.add(f);
        if (present.isEmpty()) return 0;
        change(CollectionOps.HDEL, 0, 0, present.toArray(new byte[0][]), -present.size());
        if (deferred()) {
            if (overlay == null) overlay = new java.util.HashMap<>();
            for (byte[] f : present) overlay.put(ByteBuffer.wrap(f), REMOVED);
        }
        return present.size();
    }
}
