package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.SetValue;
import io.cairn.index.Cells;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A set inside an {@link Atomic} block: see {@link TxnCollection}. */
public final class TxnSet extends TxnCollection {
    TxnSet(Txn txn, KeyspaceState ks, byte[] key, CollectionValue value, boolean shared) {
        super(txn, ks, key, Cells.SET, value, shared);
    }

    /** The members, to read only; null if the key is absent. */
    public SetValue value() {
        return (SetValue) current();
    }

    /** While {@link #deferred}: the members this block added (true) or removed (false). */
    private java.util.HashMap<ByteBuffer, Boolean> overlay;

    @Override
    void dropOverlay() {
        overlay = null;
    }

    public boolean contains(byte[] member) {
        txn.check();
        if (deferred()) {
            Boolean o = overlay == null ? null : overlay.get(ByteBuffer.wrap(member));
            return o != null ? o : ((SetValue) base()).contains(member);
        }
        SetValue s = value();
        return s != null && s.contains(member);
    }

    /** Adds members; returns how many are new. */
    public int add(byte[]... members) {
        Set<ByteBuffer> seen = new HashSet<>();
        List<byte[]> added = new ArrayList<>();
        for (byte[] m : members) if (!contains(m) && seen.add(ByteBuffer.wrap(m))) added.add(m);
        if (added.isEmpty()) return 0;
        change(CollectionOps.SADD, 0, 0, added.toArray(new byte[0][]), added.size());
        note(added, true);
        return added.size();
    }

    /** Removes members; returns how many were present. */
    public int remove(byte[]... members) {
        Set<ByteBuffer> seen = new HashSet<>();
        List<byte[]> present = new ArrayList<>();
        for (byte[] m : members) if (contains(m) && seen.add(ByteBuffer.wrap(m))) present.add(m);
        if (present.isEmpty()) return 0;
        change(CollectionOps.SREM, 0, 0, present.toArray(new byte[0][]), -present.size());
        note(present, false);
        return present.size();
    }

    private void note(List<byte[]> members, boolean in) {
        if (!deferred()) return;
        if (overlay == null) overlay = new java.util.HashMap<>();
        for (byte[] m : members) overlay.put(ByteBuffer.wrap(m), in);
    }
}
