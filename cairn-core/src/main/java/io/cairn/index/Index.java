package io.cairn.index;

import io.cairn.IndexKind;

import java.util.Iterator;

/**
 * A keyspace's in-memory index from key to {@link Cells cell}.
 *
 * <p>Single writer, many readers: every mutating method is called under the store's write lock; reads may run on any
 * thread at any time, take no lock, and see each key either before or after a concurrent change, never a torn value.
 */
public interface Index {
    IndexKind kind();

    /** The cell for {@code key}, expired or not, or {@code null}. */
    byte[] get(byte[] key);

    /** Stores a new cell for {@code key}; returns the previous cell or {@code null}. */
    byte[] put(byte[] key, byte[] value, long expireAt);

    /** Replaces the cell of a present key with {@code cell} (same key); returns the previous cell. */
    byte[] replace(byte[] key, byte[] cell);

    /** Removes {@code key}; returns the previous cell or {@code null}. */
    byte[] remove(byte[] key);

    /**
     * {@link #put} for a caller that has the key's {@link HashIndex#hashOf hash} already (the store computes it for
     * every write, to mark what a snapshot must rewrite), so a hash index need not compute it again.
     */
    default byte[] put(byte[] key, byte[] value, long expireAt, int hash) {
        return put(key, value, expireAt);
    }

    /** {@link #remove} with the key's hash worked out already; see {@link #put(byte[], byte[], long, int)}. */
    default byte[] remove(byte[] key, int hash) {
        return remove(key);
    }

    /** Entries held, expired ones included. */
    int size();

    void clear();

    /** Every entry, weakly consistent; for ORDERED in key order. */
    Iterator<Slot> iterator();

    /**
     * Every cell, expired ones included, for a snapshot: a key present from the call to the end of the walk is seen
     * exactly once; keys changed meanwhile may show either state. For ORDERED in key order.
     */
    Iterator<byte[]> cells();

    /**
     * Entries in a key range, for ORDERED. {@code from}/{@code to} may be null (unbounded).
     */
    Iterator<Slot> range(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean reverse);

    /**
     * Gives the index the store's {@link Access} clock: from now on it stamps each entry when created, replaced or
     * {@link #touch touched}. Writer only. Without it an index keeps no stamps (a large collection's fields).
     */
    void access(Access access);

    /** {@link #get}, counting the read as an access of the entry (LRU and LFU). Any thread. */
    byte[] touch(byte[] key);

    /** The access stamp of {@code key} ({@link Access}), 0 if absent or not kept. Any thread. */
    int stamp(byte[] key);

    /** Receives sampled entries: a held cell (perhaps expired) and its access stamp. */
    @FunctionalInterface
    interface Sampler {
        void accept(byte[] cell, int stamp);
    }

    /** Passes up to {@code count} entries picked at random (perhaps repeated) to {@code sampler}. Writer only. */
    void sample(java.util.random.RandomGenerator random, int count, Sampler sampler);

    /**
     * Bytes this index holds on the heap: its own structure, every cell, and the expiry-set entry of every cell that
     * expires (which the store keeps beside the index). Kept up to date by every change; any thread.
     */
    long memory();

    /**
     * Adds {@code delta} to {@link #memory}: what the store holds for the index's entries outside it (the large
     * collections its cells refer to), kept by the store as they grow and shrink. Writer only.
     */
    void addExternal(long delta);

    /** The part of {@link #memory} that its entries account for (cells, expiry entries, external), not its structure. */
    long entriesMemory();

    /** One entry as an iterator yields it: the key and its cell. */
    record Slot(byte[] key, byte[] cell) {
    }

    /** An empty index of {@code kind}. */
    static Index create(IndexKind kind) {
        return kind == IndexKind.HASH ? new HashIndex() : new OrderedIndex();
    }
}
