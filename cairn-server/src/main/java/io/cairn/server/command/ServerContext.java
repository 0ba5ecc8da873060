package io.cairn.server.command;

import io.cairn.Cairn;
import io.cairn.Keyspace;
import io.cairn.server.config.ServerConfig;
import io.cairn.server.pubsub.PubSub;

import java.util.Collection;

/** What commands may use of the running server. Implemented by {@code io.cairn.server.CairnServer}. */
public interface ServerContext {
    Cairn store();

    /** Database {@code index} (0 to {@link #databases()}-1): db 0 is the store's default keyspace. */
    Keyspace db(int index);

    int databases();

    /** The database number of {@code ks}, or -1 for a named keyspace outside the numbered ones. */
    int dbIndexOf(Keyspace ks);

    ServerConfig config();

    CommandTable commands();

    /** Every connected client. */
    Collection<Client> clients();

    ServerStats stats();

    /** Milliseconds since the epoch when the server started. */
    long startedAt();

    String runId();

    /** The TCP port clients connect to (the actual one if configured as 0). */
    int port();

    /**
     * Stops the server as SIGTERM does: stop accepting, finish in-flight commands, fsync, take a checkpoint if
     * {@code checkpoint}, close. Returns at once.
     */
    void shutdownAsync(String reason, boolean checkpoint);

    /** Whether a shutdown that names neither SAVE nor NOSAVE takes a checkpoint: when timed checkpoints are on. */
    boolean checkpointOnShutdown();

    /** Pub/sub: subscriptions, PUBLISH, and keyspace notifications ({@link PubSub#notify}) for commands that write. */
    PubSub pubsub();

    /** Checkpoints: LASTSAVE, SAVE, BGSAVE and INFO persistence. */
    Saves saves();

    /** The keys clients WATCH, and the marks writes leave on them. */
    Watches watches();

    /** The replicated group this server belongs to, presented as a one-shard Redis Cluster; null when not clustered. */
    default io.cairn.server.cluster.ClusterView cluster() {
        return null;
    }
}
