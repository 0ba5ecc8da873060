package io.cairn.cluster;

import io.cairn.CairnOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a node joins its group.
 *
 * @param self             this node
 * @param members          the group's initial members; a node not among them starts empty and waits to be added
 *                         (CLUSTER MEET on the leader, {@link ClusterNode#addMember})
 * @param dir              the node's data directory: the Raft log and the store's snapshots live under it
 * @param groupName        names the group (its Raft group id is derived from it); nodes of one group share it
 * @param electionTimeout  the shortest election timeout; the longest is twice it. A leader that dies is replaced within
 *                         about 1-2 of these
 * @param snapshotEntries  the group's log entries after which a node takes a snapshot and purges its log up to it,
 *                         keeping this many entries before it: a member that was away for less than that catches up
 *                         from the log, one further behind receives the leader's snapshot
 * @param leaseReads       serve linearizable reads on the leader's lease instead of a heartbeat round (faster; relies
 *                         on clocks that run at about the same rate)
 * @param bootstrap        the keyspaces every replica of a new group starts with (the server's databases)
 * @param store            the store's options (memory limits, eviction, index kind...); those of its own log (fsync,
 *                         segments, checkpoints, log retention) do not apply: the group's log and snapshots replace them
 * @param logSegmentBytes  the size of the Raft log's segment files; the log is purged a whole closed segment at a time
 * @param transport        how the members talk to each other on their bus ports; every member of a group must use the
 *                         same one
 */
public record ClusterOptions(Member self, List<Member> members, Path dir, String groupName, Duration electionTimeout,
                             long snapshotEntries, boolean leaseReads, List<String> bootstrap,
                             CairnOptions store, long logSegmentBytes, Transport transport) {
    public ClusterOptions {
        Objects.requireNonNull(self, "self");
        members = List.copyOf(members);
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(groupName, "groupName");
        if (electionTimeout.toMillis() < 50) throw new IllegalArgumentException("electionTimeout below 50 ms");
        if (snapshotEntries < 1) throw new IllegalArgumentException("snapshotEntries must be positive");
        bootstrap = List.copyOf(bootstrap);
        Objects.requireNonNull(store, "store");
        if (logSegmentBytes < 1024) throw new IllegalArgumentException("logSegmentBytes below 1 KiB");
        Objects.requireNonNull(transport, "transport");
    }

    /** Ratis's transports between the members of a group. */
    public enum Transport {
        /**
         * gRPC (the default): the leader streams entries to each follower with several requests in flight. Needed to
         * serve linearizable reads on followers, which Cairn does not do (its followers answer READONLY reads only).
         */
        GRPC,
        /**
         * Ratis's own Netty transport: one request in flight per follower, each carrying every entry queued since the
         * last; fewer thread hand-offs per write (docs/benchmarks.md compares the two).
         */
        NETTY
    }

    /** Defaults: group "cairn", election timeout 1 s, a snapshot every 100,000 entries, ReadIndex reads, gRPC. */
    public static ClusterOptions of(Member self, List<Member> members, Path dir) {
        return new ClusterOptions(self, members, dir, "cairn", Duration.ofSeconds(1), 100_000, false,
                List.of(io.cairn.Cairn.DEFAULT_KEYSPACE), CairnOptions.defaults(), 64L << 20, Transport.GRPC);
    }

    public ClusterOptions withElectionTimeout(Duration d) {
        return new ClusterOptions(self, members, dir, groupName, d, snapshotEntries, leaseReads, bootstrap, store, logSegmentBytes, transport);
    }

    public ClusterOptions withSnapshotEntries(long n) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, n, leaseReads, bootstrap, store, logSegmentBytes, transport);
    }

    public ClusterOptions withLeaseReads(boolean on) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, snapshotEntries, on, bootstrap, store, logSegmentBytes, transport);
    }

    public ClusterOptions withBootstrap(List<String> keyspaces) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, snapshotEntries, leaseReads, keyspaces, store, logSegmentBytes, transport);
    }

    public ClusterOptions withLogSegmentBytes(long n) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, snapshotEntries, leaseReads, bootstrap, store, n, transport);
    }

    public ClusterOptions withTransport(Transport t) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, snapshotEntries, leaseReads, bootstrap, store, logSegmentBytes, t);
    }

    public ClusterOptions withStore(CairnOptions s) {
        return new ClusterOptions(self, members, dir, groupName, electionTimeout, snapshotEntries, leaseReads, bootstrap, s, logSegmentBytes, transport);
    }
}
