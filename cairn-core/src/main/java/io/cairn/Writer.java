package io.cairn;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Writes that are applied at once and leave the caller to choose when to wait for durability: for a server that answers
 * many clients from a few threads and must never block one of them on an fsync. Obtain one per thread from
 * {@link Cairn#writer()}; it is not thread-safe, but any number may be used at once.
 *
 * <p>A write made through a writer is visible to every reader as soon as the call returns, before it is durable (as
 * with Redis's {@code appendfsync always}); {@link #lastSequence()} names its log record, and
 * {@link #whenDurable(long)} tells when that record, and every earlier one, is durable under the store's policy. A
 * caller that acknowledges writes must do so only then.
 */
public final class Writer {
    private final Engine engine;
    private long lastSequence;

    Writer(Engine engine) {
        this.engine = engine;
    }

    /** Runs {@code op} as {@link Cairn#atomically} does, but returns without waiting for durability. */
    public <R> R atomically(Atomic<R> op) {
        Engine.Done<R> d = engine.atomic(op);
        if (d.seq() > 0) lastSequence = d.seq();
        return d.result();
    }

    /**
     * Runs {@code body} with the store to this thread alone, as {@link Cairn#exclusively} does, but returns once the
     * group's one record is appended, without waiting for durability; {@link #lastSequence()} then names that record.
     * If {@code body} throws, what it wrote is logged all the same and {@link #lastSequence()} names it before the
     * exception comes out. This is how a server runs a Redis {@code EXEC}.
     */
    public <R> R exclusive(Supplier<R> body) {
        return engine.exclusive(body, seq -> lastSequence = seq);
    }

    /** Sets {@code key}, removing any expiry; returns without waiting for durability. */
    public void put(Keyspace ks, byte[] key, byte[] value) {
        long seq = engine.putNoWait(engine.stateOf(ks), key, value, 0);
        if (seq > 0) lastSequence = seq;
    }

    /** {@link Cairn#swapKeyspaces}, returning without waiting for durability. */
    public void swapKeyspaces(Keyspace a, Keyspace b) {
        long seq = engine.swapKeyspacesNoWait(a, b);
        if (seq > 0) lastSequence = seq;
    }

    /**
     * The log sequence of the last record this writer wrote, {@code 0} if none. Sequences grow: a record is durable
     * once every record up to it is.
     */
    public long lastSequence() {
        return lastSequence;
    }

    /** Whether record {@code seq} is durable under the policy now. */
    public boolean isDurable(long seq) {
        return engine.isDurable(seq);
    }

    /**
     * Completes once record {@code seq} is durable under the store's policy (at once under {@code everysec} and
     * {@code no}); fails with {@link CairnException.Code#READ_ONLY} if the fsync that should have made it durable
     * failed. It may complete on a thread of the store's, which must not be blocked.
     */
    public CompletableFuture<Void> whenDurable(long seq) {
        return engine.whenDurable(seq);
    }
}
