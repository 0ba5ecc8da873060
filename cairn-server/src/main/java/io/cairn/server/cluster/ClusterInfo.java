package io.cairn.server.cluster;

import io.cairn.server.command.ServerContext;

import java.util.Optional;

/**
 * The texts of CLUSTER INFO and of INFO's replication section in cluster mode, in Redis 7.0's fields and order: the
 * leader reports itself as a master with its followers as replicas, a follower as a replica of the leader.
 */
public final class ClusterInfo {
    private static final String NO_ID = "0000000000000000000000000000000000000000";

    private ClusterInfo() {
    }

    /**
     * CLUSTER INFO. The state is {@code ok} while a leader is known, else {@code fail} with every slot counted failed;
     * both epochs are the Raft term; the message counters of Redis's gossip bus are 0 (Raft has no such bus).
     */
    public static String clusterInfo(ClusterView v) {
        boolean ok = v.leader().isPresent();
        StringBuilder out = new StringBuilder();
        line(out, "cluster_state", ok ? "ok" : "fail");
        line(out, "cluster_slots_assigned", KeySlot.SLOTS);
        line(out, "cluster_slots_ok", ok ? KeySlot.SLOTS : 0);
        line(out, "cluster_slots_pfail", 0);
        line(out, "cluster_slots_fail", ok ? 0 : KeySlot.SLOTS);
        line(out, "cluster_known_nodes", v.nodes().size());
        line(out, "cluster_size", 1);
        line(out, "cluster_current_epoch", v.epoch());
        line(out, "cluster_my_epoch", v.epoch());
        line(out, "cluster_stats_messages_sent", 0);
        line(out, "cluster_stats_messages_received", 0);
        line(out, "total_cluster_links_buffer_limit_exceeded", 0);
        return out.toString();
    }

    /**
     * INFO replication for a member. The replication ids are the leader's node id (a new leader, a new id, as a Redis
     * failover makes a new replid); offsets are Raft log indexes: master_repl_offset the applied index, a follower's
     * slave_read_repl_offset the commit index it knows. While no leader is known, a follower reports an empty
     * master_host, port 0 and the link down.
     */
    public static void replication(StringBuilder out, ServerContext s) {
        ClusterView v = s.cluster();
        Optional<ClusterView.Node> leader = v.leader();
        out.append("# Replication\r\n");
        if (v.isLeader()) {
            line(out, "role", "master");
            int i = 0;
            StringBuilder slaves = new StringBuilder();
            for (ClusterView.Node n : v.nodes()) {
                if (n.self() || !n.reachable()) continue;
                slaves.append("slave").append(i++).append(":ip=").append(n.host()).append(",port=").append(n.port())
                        .append(",state=online,offset=").append(Math.max(0, v.replicatedIndex(n.id()))).append(",lag=0\r\n");
            }
            line(out, "connected_slaves", i);
            out.append(slaves);
        } else {
            boolean up = leader.isPresent() && leader.get().reachable();
            line(out, "role", "slave");
            line(out, "master_host", leader.map(ClusterView.Node::host).orElse(""));
            line(out, "master_port", leader.map(ClusterView.Node::port).orElse(0));
            line(out, "master_link_status", up ? "up" : "down");
            line(out, "master_last_io_seconds_ago", up ? 0 : -1);
            line(out, "master_sync_in_progress", 0);
            line(out, "slave_read_repl_offset", v.commitIndex());
            line(out, "slave_repl_offset", v.appliedIndex());
            line(out, "slave_priority", 100);
            line(out, "slave_read_only", 1);
            line(out, "replica_announced", 1);
            line(out, "connected_slaves", 0);
        }
        line(out, "master_failover_state", "no-failover");
        line(out, "master_replid", leader.map(ClusterView.Node::id).orElse(NO_ID));
        line(out, "master_replid2", NO_ID);
        line(out, "master_repl_offset", v.appliedIndex());
        line(out, "second_repl_offset", -1);
        line(out, "repl_backlog_active", 0);
        line(out, "repl_backlog_size", s.config().get("repl-backlog-size"));
        line(out, "repl_backlog_first_byte_offset", 0);
        line(out, "repl_backlog_histlen", 0);
    }

    private static void line(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }
}
