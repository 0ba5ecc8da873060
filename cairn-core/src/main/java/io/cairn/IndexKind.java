package io.cairn;

/** How a keyspace indexes its keys. A keyspace can be converted to the other kind in place. */
public enum IndexKind {
    /** An open-addressing hash table: the fastest point operations and the least memory per key; no order. */
    HASH,
    /**
     * A concurrent skip list in unsigned-lexicographic key order: point operations in O(log n), plus range and prefix
     * scans forward and backward.
     */
    ORDERED
}
