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
    }
}
