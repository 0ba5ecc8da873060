package io.cairn.server.command;

import java.util.concurrent.atomic.LongAdder;

/** Counters INFO reports; CONFIG RESETSTAT zeroes them. Updated from every event loop without locks. */
public final class ServerStats {
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    /** The store's counts when CONFIG RESETSTAT last ran: INFO and /metrics report what came since. */
    private volatile long hitsAtReset, missesAtReset, expiredAtReset;
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder errorReplies = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    /** Error replies that were not the command's answer but a failure of the server (Redis's unexpected_error_replies). */
    public final LongAdder unexpectedErrorReplies = new LongAdder();
    /** Reads from client sockets (each a batch of requests) and chunks of replies handed to them. */
    public final LongAdder readsProcessed = new LongAdder();
    public final LongAdder writesProcessed = new LongAdder();

    /**
     * CONFIG RESETSTAT: zeroes the counters, and starts keyspace_hits, keyspace_misses and expired_keys again from
     * zero. The store counts those (every read command's lookups, as Redis counts them, and the expired keys it
     * removes); the server reports them from {@code store}, its stats now, on.
     */
    public void reset(io.cairn.Stats store) {
        connectionsReceived.reset();
        commandsProcessed.reset();
        rejectedConnections.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        errorReplies.reset();
        protocolErrors.reset();
        unexpectedErrorReplies.reset();
        readsProcessed.reset();
        writesProcessed.reset();
        hitsAtReset = store.keyspaceHits();
        missesAtReset = store.keyspaceMisses();
        expiredAtReset = store.expiredReclaimed();
    }

    /** INFO's expired_keys: keys the store's expiry cycle removed, since start or CONFIG RESETSTAT. */
    public long expiredKeys(io.cairn.Stats store) {
        return Math.max(0, store.expiredReclaimed() - expiredAtReset);
    }

    /** INFO's keyspace_hits: lookups by read commands that found their key, since start or CONFIG RESETSTAT. */
    public long keyspaceHits(io.cairn.Stats store) {
        return Math.max(0, store.keyspaceHits() - hitsAtReset);
    }

    /** INFO's keyspace_misses: lookups by read commands that found no key. */
    public long keyspaceMisses(io.cairn.Stats store) {
        return Math.max(0, store.keyspaceMisses() - missesAtReset);
    }
}
