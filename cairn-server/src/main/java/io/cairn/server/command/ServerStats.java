package io.cairn.server.command;

import java.util.concurrent.atomic.LongAdder;

/** Counters INFO reports; CONFIG RESETSTAT zeroes them. Updated from every event loop without locks. */
public final class ServerStats {
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    /** The store's read counts when CONFIG RESETSTAT last ran: INFO reports what came since. */
    private volatile long hitsAtReset, missesAtReset;
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder errorReplies = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    public final LongAdder expiredKeys = new LongAdder();
    /** Error replies that were not the command's answer but a failure of the server (Redis's unexpected_error_replies). */
    public final LongAdder unexpectedErrorReplies = new LongAdder();
    /** Reads from client sockets (each a batch of requests) and chunks of replies handed to them. */
    public final LongAdder readsProcessed = new LongAdder();
    public final LongAdder writesProcessed = new LongAdder();

    public void reset() {
        connectionsReceived.reset();
        commandsProcessed.reset();
        rejectedConnections.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        errorReplies.reset();
        protocolErrors.reset();
        expiredKeys.reset();
        unexpectedErrorReplies.reset();
        readsProcessed.reset();
        writesProcessed.reset();
    }

    /**
     * Starts keyspace_hits and keyspace_misses again from zero: the store counts its reads (all of them, as Redis
     * counts every read command's lookups), and the server reports them from {@code store} now on.
     */
    public void resetKeyspaceStats(io.cairn.Stats store) {
        hitsAtReset = store.keyspaceHits();
        missesAtReset = store.keyspaceMisses();
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
