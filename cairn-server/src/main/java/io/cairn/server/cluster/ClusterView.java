package io.cairn.server.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the server needs to know about the replicated group it belongs to; null in
 * {@link io.cairn.server.command.ServerContext#cluster()} when not clustered.
 *
 * <p>The group shows itself to clients as a Redis Cluster of one shard owning all 16384 slots: the Raft leader is the
 * master, the followers its replicas ({@link ClusterRouting}, {@link ClusterCommands}). Implementations are called from
 * the event loops, so every method but {@link #addNode} and {@link #removeNode} answers at once from state the
 * implementation keeps (no I/O, no waiting); those two return a future and do their work elsewhere.
 */
public interface ClusterView {
    /**
     * A member.
     *
     * @param id        Redis's 40-hex node id: {@link #idOf} of the name
     * @param name      {@code "host:port"}, the Raft peer id
     * @param host      the address clients reach it at
     * @param port      its Redis-protocol port
     * @param busPort   its Raft port
     * @param self      whether it is this server
     * @param leader    whether it is the leader this server knows of
     * @param reachable whether this server hears from it (false: CLUSTER NODES shows it failed)
     */
    record Node(String id, String name, String host, int port, int busPort, boolean self, boolean leader, boolean reachable) {
    }

    Node self();

    /** Every voting member, self included, in a stable order. */
    List<Node> nodes();

    /** Empty while there is no known leader (an election). */
    Optional<Node> leader();

    /** The Raft term: CLUSTER INFO's current_epoch and the config epochs. */
    long epoch();

    default boolean isLeader() {
        return leader().map(Node::self).orElse(false);
    }

    /** Adds a member through Raft's configuration change; completes when the new configuration is committed. */
    CompletableFuture<Void> addNode(String host, int port, int busPort);

    /** Removes the member with this 40-hex id (self allowed: it steps down first); completes when committed. */
    CompletableFuture<Void> removeNode(String id);

    /** The Raft log's commit index, for CLUSTER INFO and INFO replication. */
    long commitIndex();

    /** The Raft log's last index applied to the store: CLUSTER SHARDS' replication-offset. */
    long appliedIndex();

    /** How the members talk to each other (INFO cluster's {@code cairn_cluster_transport}); empty if not known. */
    default String transport() {
        return "";
    }

    /**
     * On the leader, how far member {@code id} is known to hold the committed log (the commit index it last reported),
     * for INFO replication's {@code slaveN:...,offset=} and CLUSTER SHARDS' replication-offset; -1 when not known (on
     * a follower, or not reported by the implementation).
     */
    default long replicatedIndex(String id) {
        return -1;
    }

    /**
     * The node id of the member named {@code name} ({@code "host:port"}): the lower-case hex SHA-1 of its UTF-8 bytes,
     * 40 characters as Redis's node ids, so every member computes every other's id alike without asking.
     */
    static String idOf(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
