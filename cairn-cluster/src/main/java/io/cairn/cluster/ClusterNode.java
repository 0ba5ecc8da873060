package io.cairn.cluster;

import io.cairn.Cairn;
import io.cairn.CairnException;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of a replicated Cairn group: a Ratis server (gRPC between nodes) whose state machine is a Cairn store.
 * {@link #store()} is the store: reads on any node, writes on the leader, where each write returns once the group has
 * committed it. See docs/architecture.md, "Replication".
 */
public final class ClusterNode implements Closeable {
    /** The largest message between nodes; an entry (so a record, so a value) must fit in {@link #MAX_ENTRY}. */
    static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("32MB");
    static final SizeInBytes MAX_MESSAGE = SizeInBytes.valueOf("40MB");

    private final ClusterOptions options;
    private final RaftGroupId groupId;
    private final RaftServer server;
    private final CairnStateMachine machine;
    private final RaftServer.Division division;
    private final Cairn store;
    private final RaftProperties properties;
    private final ClientId readClient = ClientId.randomId();
    private final AtomicLong readCall = new AtomicLong();

    private ClusterNode(ClusterOptions options) throws IOException {
        this.options = options;
        this.groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("cairn-group:" + options.groupName()).getBytes(StandardCharsets.UTF_8)));
        this.properties = properties(options);
        List<RaftPeer> peers = new ArrayList<>();
        for (Member m : options.members()) peers.add(m.peer());
        boolean member = options.members().contains(options.self());
        RaftGroup group = member ? RaftGroup.valueOf(groupId, peers) : RaftGroup.valueOf(groupId);
        this.machine = new CairnStateMachine(options);
        this.server = RaftServer.newBuilder()
                .setServerId(options.self().peerId())
                .setGroup(group)
                .setStateMachine(machine)
                .setProperties(properties)
                .setParameters(new Parameters())
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        this.division = server.getDivision(groupId);
        machine.started(division);
        this.store = machine.opened().join();
    }

    /** Starts this node: opens its store (its newest snapshot), joins the group and replays the log after it. */
    public static ClusterNode start(ClusterOptions options) throws IOException {
        return new ClusterNode(options);
    }

    private static RaftProperties properties(ClusterOptions o) {
        RaftProperties p = new RaftProperties();
        transport(p, o.transport());
        if (o.transport() == ClusterOptions.Transport.NETTY) {
            NettyConfigKeys.Server.setHost(p, o.self().host());
            NettyConfigKeys.Server.setPort(p, o.self().busPort());
        } else {
            GrpcConfigKeys.Server.setHost(p, o.self().host());
            GrpcConfigKeys.Server.setPort(p, o.self().busPort());
        }
        RaftServerConfigKeys.setStorageDir(p, List.of(o.dir().resolve("raft").toFile()));
        long min = o.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, 3 * min), TimeUnit.MILLISECONDS));
        // reads: ReadIndex (Raft section 6.4), optionally on the leader's lease
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, o.leaseReads());
        // snapshots: the store's own, every snapshotEntries entries; then the log is purged up to the snapshot but for
        // the last snapshotEntries entries, so a member away for less than that catches up from the log, one further
        // behind from the snapshot. (Purging only what every member has: a member that never returns would keep the
        // whole log forever.)
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, o.snapshotEntries());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, o.snapshotEntries());
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(Integer.MAX_VALUE, Math.max(1, o.snapshotEntries() / 2)));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(o.logSegmentBytes()));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, MAX_ENTRY);
        RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf("256MB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(MAX_ENTRY.getSize() + (1 << 20)));
        // a follower appends each request's entries on the thread that received it, in arrival order (gRPC delivers a
        // stream's messages one at a time), and its log worker flushes whatever has queued in one fsync. Ratis's
        // default instead chains each append after the previous one's fsync on a common-pool task, which on two
        // cores is a new thread per request (CompletableFuture's fallback when the pool has under two threads) and
        // one fsync per request: measured in one JVM, a follower's append took 1.8 ms against 0.6 ms this way.
        RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
        // no commit-index entries: by default the leader appends a metadata entry to the log each time its commit
        // index advances, so every entry of writes is followed by one more that every node appends, sends and
        // fsyncs (half the group's log traffic, for nothing a write waits on). Without them a restarted node knows
        // what is committed, and applies its log past its snapshot, once a leader tells it, at its first heartbeat.
        // What is given up: a node restarted after a crash while no majority is up serves (to READONLY reads) its
        // snapshot's state until a leader is elected, where with them it would apply its log up to the last commit
        // index it logged. (A node stopped cleanly takes a snapshot as it stops, so it comes back complete either way.)
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        // expert tuning: any Ratis property given as a JVM system property (-Draft.server.log.appender.wait-time.min=0ms)
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("raft.")) p.set(key, System.getProperty(key));
        }
        return p;
    }

    /** Ratis's RPC type for {@code t}, for a server or a client; gRPC's messages may carry the largest entry. */
    private static void transport(RaftProperties p, ClusterOptions.Transport t) {
        if (t == ClusterOptions.Transport.NETTY) {
            RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY); // its frames have no size limit
        } else {
            RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
            GrpcConfigKeys.setMessageSizeMax(p, MAX_MESSAGE);
        }
    }

    /**
     * The transport the Raft server runs on, lower case: {@code grpc} or {@code netty} as
     * {@link ClusterOptions#transport()} asked, or whatever an expert {@code -Draft.rpc.type} chose instead.
     */
    public String transport() {
        return server.getRpcType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The store: reads anywhere; writes only on the leader ({@code NOT_LEADER} elsewhere). */
    public Cairn store() {
        return store;
    }

    public Member self() {
        return options.self();
    }

    public ClusterOptions options() {
        return options;
    }

    /** Whether this node leads the group and has applied everything committed before its term (may decide writes). */
    public boolean isLeader() {
        return division.getInfo().isLeader() && division.getInfo().isLeaderReady();
    }

    /** The leader as this node knows it. */
    public Optional<Member> leader() {
        RaftPeerId id = division.getInfo().getLeaderId();
        if (id == null) return Optional.empty();
        RaftPeer p = division.getRaftConf().getPeer(id);
        return Optional.of(Member.of(p != null ? p : RaftPeer.newBuilder().setId(id).build()));
    }

    /** The group's voting members, in the current configuration. */
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (RaftPeer p : division.getRaftConf().getCurrentPeers()) out.add(Member.of(p));
        out.sort(java.util.Comparator.comparing(Member::name));
        return out;
    }

    /** Whether {@code m} answered the leader lately (as the leader sees it); true where this node cannot tell. */
    public boolean reachable(Member m) {
        if (m.equals(self())) return true;
        RaftProtos.RoleInfoProto role = division.getInfo().getRoleInfoProto();
        if (role.hasLeaderInfo()) {
            for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                if (f.getId().getId().toStringUtf8().equals(m.peerId().toString())) {
                    return f.getLastRpcElapsedTimeMs() < 3 * options.electionTimeout().toMillis();
                }
            }
            return false;
        }
        return leader().isPresent(); // a follower hears only from the leader
    }

    public long term() {
        return division.getInfo().getCurrentTerm();
    }

    public long commitIndex() {
        return division.getRaftLog().getLastCommittedIndex();
    }

    /**
     * On the leader, how far member {@code m} is known to hold the committed log: the commit index it reported in its
     * last reply (this node's own for itself); -1 on a follower, which does not hear from the others, or before the
     * member first replied.
     */
    public long replicatedIndex(Member m) {
        if (m.equals(self())) return commitIndex();
        if (!division.getInfo().isLeader()) return -1;
        String id = m.peerId().toString();
        for (RaftProtos.CommitInfoProto c : division.getCommitInfos()) {
            if (c.getServer().getId().toStringUtf8().equals(id)) return c.getCommitIndex();
        }
        return -1;
    }

    /** How many times this node loaded a snapshot the leader sent it. */
    public long snapshotsInstalled() {
        return machine.installs.get();
    }

    public long appliedIndex() {
        return division.getInfo().getLastAppliedIndex();
    }

    /**
     * This node's state written down now, on any member (SAVE): the leader checkpoints its store, which waits for what
     * it holds to commit while entries go on applying; any other member, whose store decides nothing and cannot
     * checkpoint by itself, has Ratis take a {@link #snapshot}.
     */
    public io.cairn.SnapshotInfo checkpoint() {
        return isLeader() ? store.checkpoint() : snapshot();
    }

    /**
     * {@link #checkpoint} in the background (BGSAVE): the leader's store's own background checkpoint (failing with BUSY
     * while one is in progress), else a {@link #snapshot} on a daemon thread of its own.
     */
    public java.util.concurrent.CompletableFuture<io.cairn.SnapshotInfo> checkpointAsync() {
        if (isLeader()) return store.checkpointAsync();
        return java.util.concurrent.CompletableFuture.supplyAsync(this::snapshot, r -> {
            Thread t = new Thread(r, "cairn-bgsave");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * A snapshot of this node's state now, taken as Ratis takes its automatic ones (through its snapshot management
     * request, on the thread that applies entries, so it holds exactly the entries applied), on any member: how a
     * follower saves, since its store decides nothing and cannot checkpoint by itself. When nothing was applied since
     * the newest snapshot, that one stands. Returns the newest snapshot afterwards, or null if there is none (nothing
     * was ever applied). Blocks until it is written.
     *
     * @throws CairnException IO_ERROR if Ratis could not take it
     */
    public io.cairn.SnapshotInfo snapshot() {
        org.apache.ratis.protocol.SnapshotManagementRequest req = org.apache.ratis.protocol.SnapshotManagementRequest
                .newCreate(readClient, server.getId(), groupId, readCall.incrementAndGet(), TimeUnit.HOURS.toMillis(1),
                        1); // creation gap 1: a new snapshot whenever anything was applied since the newest
        RaftClientReply reply;
        try {
            reply = server.snapshotManagement(req);
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "the snapshot failed: " + e.getMessage(), e);
        }
        if (!reply.isSuccess()) {
            throw new CairnException(CairnException.Code.IO_ERROR, "the snapshot failed: " + reply.getException());
        }
        List<io.cairn.SnapshotInfo> kept = store.snapshots();
        return kept.isEmpty() ? null : kept.get(0);
    }

    /**
     * A linearizable read barrier: completes once this node has confirmed it still leads (ReadIndex, or its lease) and
     * every record up to {@code seq} (the store's last sequence when the read ran) is committed. A read that ran on the
     * leader's store before it and answers after it is linearizable. Fails with NOT_LEADER otherwise.
     */
    public CompletableFuture<Void> readBarrier(long seq) {
        RaftClientRequest req = RaftClientRequest.newBuilder()
                .setClientId(readClient)
                .setServerId(division.getId())
                .setGroupId(groupId)
                .setCallId(readCall.incrementAndGet())
                .setMessage(Message.EMPTY)
                .setType(RaftClientRequest.readRequestType(false, false, false))
                .build();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = ((RaftClientAsynchronousProtocol) division).submitClientRequestAsync(req);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(RaftLink.notLeader("could not confirm the leadership: " + e.getMessage()));
        }
        return reply.thenCompose(r -> {
            if (!r.isSuccess()) {
                return CompletableFuture.failedFuture(RaftLink.notLeader("this node could not confirm it leads the group: "
                        + r.getException()));
            }
            return seq <= 0 ? CompletableFuture.completedFuture(null) : machine.link.whenCommitted(seq);
        });
    }

    /**
     * A linearizable read for embedded use: runs {@code read} on this node's store, then waits for the read barrier
     * ({@link #readBarrier}) before returning its result. On a follower, or a leader that has lost its group, it throws
     * {@link io.cairn.CairnException} (NOT_LEADER) instead of returning a value that may be stale or never committed.
     * (Reads straight from {@link #store()} are this node's state: on a follower possibly behind, on the leader possibly
     * ahead of what is committed.)
     */
    public <T> T read(java.util.function.Function<Cairn, T> read) {
        if (!isLeader()) throw RaftLink.notLeader(self() + " does not lead its group; read on the leader " + leader().orElse(null));
        T value = read.apply(store);
        try {
            readBarrier(store.replica().lastSequence()).get(options.electionTimeout().toMillis() * 10, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CairnException c) throw c;
            throw RaftLink.notLeader("the read could not be confirmed: " + e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw RaftLink.notLeader("the read could not be confirmed within " + options.electionTimeout().toMillis() * 10 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RaftLink.notLeader("interrupted confirming a read");
        }
        return value;
    }

    /** Adds a member (Raft configuration change); completes once the new configuration is committed. */
    public CompletableFuture<Void> addMember(Member m) {
        return changeMembers(peers -> {
            if (peers.stream().anyMatch(p -> p.getId().equals(m.peerId()))) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, m.name() + " is a member already");
            }
            peers.add(m.peer());
        });
    }

    /** Removes a member by name ({@code host:port}); completes once the new configuration is committed. */
    public CompletableFuture<Void> removeMember(String name) {
        return changeMembers(peers -> {
            if (!peers.removeIf(p -> Member.of(p).name().equals(name))) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, name + " is not a member");
            }
            if (peers.isEmpty()) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "a group cannot lose its last member");
        });
    }

    private CompletableFuture<Void> changeMembers(java.util.function.Consumer<List<RaftPeer>> change) {
        return CompletableFuture.runAsync(() -> {
            List<RaftPeer> peers = new ArrayList<>(division.getRaftConf().getCurrentPeers());
            change.accept(peers);
            RaftGroup group = RaftGroup.valueOf(groupId, division.getRaftConf().getCurrentPeers());
            RaftProperties cp = new RaftProperties();
            transport(cp, options.transport());
            try (RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setProperties(cp).build()) {
                RaftClientReply r = client.admin().setConfiguration(peers);
                if (!r.isSuccess()) {
                    throw new CairnException(CairnException.Code.IO_ERROR, "the configuration change failed: " + r.getException());
                }
            } catch (IOException e) {
                throw new CairnException(CairnException.Code.IO_ERROR, "the configuration change failed: " + e.getMessage(), e);
            }
        });
    }

    /** Stops this node: the Ratis server, then the store (the log is the group's; nothing is lost). */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
