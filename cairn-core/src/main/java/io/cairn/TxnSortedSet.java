package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.ZSetValue;
import io.cairn.index.Cells;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A sorted set inside an {@link Atomic} block: see {@link TxnCollection}. */
public final class TxnSortedSet extends TxnCollection {
    TxnSortedSet(Txn txn, KeyspaceState ks, byte[] key, CollectionValue value, boolean shared) {
        super(txn, ks, key, Cells.ZSET, value, shared);
    }

    /** The members and scores, to read only; null if the key is absent. */
    public ZSetValue value() {
        return (ZSetValue) current();
    }

    /** While {@link #deferred}: the members this block changed, to their scores (NaN: removed). */
    private java.util.HashMap<ByteBuffer, Double> overlay;

    @Override
    void dropOverlay() {
        overlay = null;
    }

    /** The member's score, or NaN if absent. */
    public double score(byte[] member) {
        txn.check();
        if (deferred()) {
            Double o = overlay == null ? null : overlay.get(ByteBuffer.wrap(member));
            return o != null ? o : ((ZSetValue) base()).index().score(member);
        }
        ZSetValue z = value();
        return z == null ? Double.NaN : z.index().score(member);
    }

    public boolean contains(byte[] member) {
        return !Double.isNaN(score(member));
    }

    /**
     * Sets members to scores (added or moved; decide NX, XX, GT, LT and INCR before calling); returns how many are
     * new. A NaN score is refused.
     */
    public int set(byte[][] members, double[] scores) {
        if (members.length != scores.length) throw new IllegalArgumentException("one score per member");
        if (members.length == 0) return 0;
        Set<ByteBuffer> seen = new HashSet<>();
        int added = 0;
        byte[][] items = new byte[members.length * 2][];
        for (int i = 0; i < members.length; i++) {
            if (Double.isNaN(scores[i])) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "a score is NaN");
            if (!contains(members[i]) && seen.add(ByteBuffer.wrap(members[i]))) added++;
            items[2 * i] = members[i];
            items[2 * i + 1] = CollectionOps.score(scores[i]);
        }
        change(CollectionOps.ZADD, 0, 0, items, added);
        if (deferred()) {
            if (overlay == null) overlay = new java.util.HashMap<>();
            for (int i = 0; i < members.length; i++) overlay.put(ByteBuffer.wrap(members[i]), scores[i] + 0.0);
        }
        return added;
    }

    /** Removes members; returns how many were present. */
    public int remove(byte[]... members) {
        Set<ByteBuffer> seen = new HashSet<>();
        List<byte[]> present = new ArrayList<>();
        for (byte[] m : members) if (contains(m) && seen.add(ByteBuffer.wrap(m))) present.add(m);
        if (present.isEmpty()) return 0;
        change(CollectionOps.ZREM, 0, 0, present.toArray(new byte[0][]), -present.size());
        if (deferred()) {
            if (overlay == null) overlay = new java.util.HashMap<>();
            for (byte[] m : present) overlay.put(ByteBuffer.wrap(m), Double.NaN);
        }
        return present.size();
    }
}
