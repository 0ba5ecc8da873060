package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.index.Cells;

import java.util.ArrayList;
import java.util.List;

/**
 * A collection as an {@link Atomic} block sees it, and the one way the block changes it. Reads see the store as it was
 * when the block started plus the block's own changes; each change becomes one {@link Mutation.Collection} record,
 * applied with the block's other writes when it returns.
 *
 * <p>Read through {@code value()}: the structure must not be changed by the caller (a large collection's is the live
 * one). Arrays handed to a change are kept, not copied: do not modify them afterwards.
 */
public abstract sealed class TxnCollection permits TxnHash, TxnList, TxnSet, TxnSortedSet {
    final Txn txn;
    final KeyspaceState ks;
    final byte[] key;
    final int type;
    /** What the block sees, null if absent. */
    private CollectionValue value;
    /** Whether {@link #value} is the live large structure, which this block must not change. */
    private boolean shared;
    /** Changes made since, not yet applied to a shared value (copied only if the block reads again). */
    private List<Mutation.Collection> pending;
    /** Whether the next change starts afresh (the key was absent when it was decided). */
    private boolean fresh;
    /** While changes are pending on a shared value: how they change its size. */
    private int sizeDelta;

    TxnCollection(Txn txn, KeyspaceState ks, byte[] key, int type, CollectionValue value, boolean shared) {
        this.txn = txn;
        this.ks = ks;
        this.key = key;
        this.type = type;
        this.value = value;
        this.shared = shared;
        this.fresh = value == null;
    }

    /** The collection's current contents as this block sees them, or null if the key is absent. */
    CollectionValue current() {
        txn.check();
        if (pending != null) {
            sizeDelta = 0;
            dropOverlay();
            CollectionValue copy = value.copy();
            for (Mutation.Collection m : pending) CollectionOps.apply(copy, m.op(), m.a(), m.b(), m.items());
            pending = null;
            shared = false;
            value = copy.size() == 0 ? null : copy;
        }
        return value;
    }

    /** Whether the key holds this collection (a collection is never empty: its last element removed, it is gone). */
    public boolean exists() {
        return size() > 0;
    }

    public int size() {
        txn.check();
        if (deferred()) return value.size() + sizeDelta;
        CollectionValue v = current();
        return v == null ? 0 : v.size();
    }

    /**
     * Whether the block has changed a large value it has not copied: the live structure plus {@code pending}. Point
     * reads then look at the subclass's overlay of changed elements first, so a block that changes a large
     * collection many times (a bulk load) never copies it; only a read of the whole value does.
     */
    boolean deferred() {
        return shared && pending != null;
    }

    /** The live value under a deferred block's changes. */
    CollectionValue base() {
        return value;
    }

    /** Forgets the subclass's overlay of changed elements (the value has been copied with them applied). */
    void dropOverlay() {
    }

    /** When the key expires: epoch milliseconds, 0 if never, {@link Txn#ABSENT} if absent. */
    public long expiresAt() {
        if (!exists()) return Txn.ABSENT;
        return txn.expiryOf(ks, key);
    }

    /** Records one change and makes it visible to the rest of the block. */
    void change(int op, long a, long b, byte[][] items) {
        change(op, a, b, items, 0);
    }

    /** {@link #change}, with how it changes the size (needed only for a change a subclass can overlay). */
    void change(int op, long a, long b, byte[][] items, int delta) {
        txn.check();
        txn.engine.checkKey(key);
        for (byte[] x : items) txn.engine.checkValue(x);
        Mutation.Collection m = new Mutation.Collection(ks.id, key, op | (fresh ? CollectionOps.FRESH : 0), a, b, items);
        txn.record(ks, key, m);
        fresh = false;
        if (shared) {
            if (pending == null) pending = new ArrayList<>(2);
            pending.add(m);
            sizeDelta += delta;
            return;
        }
        if (value == null) value = CollectionValue.empty(type);
        CollectionOps.apply(value, op, a, b, items);
        if (value.size() == 0) {
            value = null;
            fresh = true;
        }
    }

    /** The block replaced or deleted the key: this view no longer says what it holds. */
    void invalidate() {
        dropOverlay();
        sizeDelta = 0;
        value = null;
        shared = false;
        pending = null;
        fresh = true;
    }

    /** Whether the collection is held in a large structure (past the compact encoding's limits). */
    boolean isLarge() {
        CollectionValue v = current();
        if (v == null) return false;
        if (shared) return true;
        io.cairn.collection.Compact.Writer w = new io.cairn.collection.Compact.Writer(64);
        v.encode(w);
        return !io.cairn.collection.Compact.fits(type, w.entries(), w.largest(), w.bytes());
    }

    /** After a whole-value write: the block now sees {@code v}, which it owns. */
    void reset(CollectionValue v) {
        value = v;
        shared = false;
        pending = null;
        fresh = false;
    }

    /** A Redis type code of {@link Cells}. */
    int type() {
        return type;
    }
}
