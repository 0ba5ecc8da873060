package io.cairn;

import java.util.concurrent.CompletableFuture;

/**
 * The log of a replicated store: the group's Raft log, which cairn-cluster provides
 * ({@link CairnOptions.Builder#replicatedLog}). The store decides a write and applies it at once, as always; the record
 * goes here instead of to a write-ahead log, and the write is acknowledged once this log says it is committed.
 *
 * <p>Only the group's leader decides writes ({@link #writable}); every other replica changes only through
 * {@link Replica#apply}, in log order. A leader that loses its leadership while records it applied are not committed
 * must throw its state away and reload ({@link Replica#reload}): those records may never commit.
 */
public interface ReplicatedLog {
    /**
     * Takes the record with sequence {@code seq}, which the store decided and is about to apply. Called under the
     * store's write lock, in sequence order; {@code buf[off..off+len)} is valid only during the call.
     */
    void append(long seq, byte[] buf, int off, int len);

    /**
     * The sequence the next record this replica decides gets, after {@code last}: at least {@code last + 1}. A replica
     * that lost records it decided but never committed answers past them, so that no wait on one of those can ever be
     * completed by a new record given the same number (sequences in the group's log may therefore skip numbers).
     */
    default long nextSequence(long last) {
        return last + 1;
    }

    /** Whether this replica may decide writes now (it leads the group). Asked before each write decides. */
    boolean writable();

    /** Every record up to this sequence is committed. */
    long committedSequence();

    /** Blocks until record {@code seq} is committed; throws {@link CairnException} (NOT_LEADER) if it cannot be. */
    void awaitCommitted(long seq);

    /** Completes when record {@code seq} is committed; exceptionally (NOT_LEADER) if it cannot be. */
    CompletableFuture<Void> whenCommitted(long seq);
}
