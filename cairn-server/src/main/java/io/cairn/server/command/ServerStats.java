package io.cairn.server.command;

import java.util.concurrent.atomic.LongAdder;

/** Counters INFO reports; CONFIG RESETSTAT zeroes them. Updated from every event loop without locks. */
public final class ServerStats {
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder keyspaceHits = new LongAdder();
    public final LongAdder keyspaceMisses = new LongAdder();
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
        keyspaceHits.reset();
        keyspaceMisses.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        errorReplies.reset();
        protocolErrors.reset();
        expiredKeys.reset();
        unexpectedErrorReplies.reset();
        readsProcessed.reset();
        writesProcessed.reset();
    }
}
