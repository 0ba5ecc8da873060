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

    /** One entry as an iterator yields it: the key and its cell. */
    record Slot(byte[] key, byte[] cell) {
    }

    /** An empty index of {@code kind}. */
    static Index create(IndexKind kind) {
        return kind == IndexKind.HASH ? new HashIndex() : new OrderedIndex();
    }
}
