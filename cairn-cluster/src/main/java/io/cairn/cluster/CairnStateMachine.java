package io.cairn.cluster;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.Replica;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft state machine over a Cairn store. The group's log carries the store's own records (EntryDescriptor);
 * applying an entry applies its records through {@link Replica#apply}, the store's replay path, skipping those the
 * store holds already (its snapshot's, or on the leader those it decided itself). Snapshots are the store's own,
 * written in its directory, which is this state machine's directory, so Ratis sends their files to a follower that
 * needs one and the follower reloads from them ({@link #reinitialize}).
 */
final class CairnStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(CairnStateMachine.class);

    private final ClusterOptions options;
    final RaftLink link = new RaftLink(this);
    private volatile Cairn store;
    private volatile Replica replica;
    private volatile RaftServer.Division division;
    private volatile boolean resetRequested;
    private volatile String name = "cairn";
    private final CompletableFuture<Cairn> opened = new CompletableFuture<>();
    final java.util.concurrent.atomic.AtomicLong installs = new java.util.concurrent.atomic.AtomicLong();

    CairnStateMachine(ClusterOptions options) {
        this.options = options;
    }

    String name() {
        return name;
    }

    CompletableFuture<Cairn> opened() {
        return opened;
    }

    Cairn store() {
        return store;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        name = server.getId() + "";
        Path dir = storage.getStorageDir().getStateMachineDir().toPath();
        try {
            Cairn c = Cairn.open(dir, options.store().toBuilder()
                    .logRetention(java.time.Duration.ZERO) // no TIME records: point-in-time restore is for single stores
                    .replicatedLog(link).build());
            store = c;
            replica = c.replica();
            replica.bootstrap(options.bootstrap());
            notePosition(replica.latest());
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.STARTING);
            getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.RUNNING);
            opened.complete(c);
        } catch (RuntimeException e) {
            opened.completeExceptionally(e);
            throw new IOException("could not open the store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Called once the server runs: the division to propose to and read the log of. */
    void started(RaftServer.Division d) {
        division = d;
        link.start(d);
    }

    private void notePosition(Replica.Snapshot s) {
        if (s != null && s.index() > 0) setLastAppliedTermIndex(TermIndex.valueOf(s.term(), s.index()));
    }

    // ------------------------------------------------------------------ applying

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext ctx = super.startTransaction(request);
        link.submitting = ctx; // the proposer reads its log index once it is appended
        return ctx;
    }

    @Override
    public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        if (resetRequested) reset();
        applyEntry(entry);
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /** Applies an entry's records (those the store does not hold yet) and reports them committed. */
    private void applyEntry(LogEntryProto entry) {
        long last = applyRecords(entry);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        if (last > 0) link.committed(last, entry.getIndex());
    }

    /**
     * Applies the records of an entry (of any kind) that the store does not hold yet and notes the entry applied;
     * returns the entry's last sequence, 0 if it holds no records. On the leader the records it decided are held
     * already: skipped without taking the store's lock (its last sequence only grows, but in a reset, which holds
     * this object's lock).
     */
    private long applyRecords(LogEntryProto entry) {
        Replica r = replica;
        long last = 0;
        if (entry.hasStateMachineLogEntry()) {
            last = EntryDescriptor.read(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer(), (seq, p) -> {
                if (seq > r.lastSequence()) r.apply(seq, p);
            });
        }
        r.applied(entry.getTerm(), entry.getIndex());
        return last;
    }

    @Override
    public synchronized void notifyTermIndexUpdated(long term, long index) {
        if (resetRequested) reset();
        Replica r = replica;
        if (r != null) r.applied(term, index);
        super.notifyTermIndexUpdated(term, index);
    }

    // ------------------------------------------------------------------ leadership

    /** Reloads at once, on a thread of its own: reads on this node must not see what will never be committed. */
    void requestReset() {
        resetRequested = true;
        Thread t = new Thread(() -> {
            try {
                reset();
            } catch (RuntimeException e) {
                LOG.error("{}: reloading the committed state failed; it is retried before the next entry applies", name, e);
            }
        }, "cairn-raft-reload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Throws away what this node decided but the group did not commit: reloads the newest snapshot and applies the
     * committed log after it up to what was applied. Holds the state machine's lock, so no entry applies meanwhile.
     */
    synchronized void reset() {
        if (!resetRequested || replica == null || division == null) return;
        long t0 = System.nanoTime();
        Replica r = replica;
        Replica.Snapshot s = r.reload(options.bootstrap());
        long from = (s == null ? 0 : s.index()) + 1;
        TermIndex applied = getLastAppliedTermIndex();
        long to = applied == null ? 0 : applied.getIndex();
        RaftLog log = division.getRaftLog();
        long replayed = 0;
        try {
            for (long i = from; i <= to; i++) {
                LogEntryProto e = log.get(i);
                if (e == null) throw new IllegalStateException("entry " + i + " is no longer in the log");
                if (applyRecords(e) > 0) replayed++;
            }
        } catch (Exception e) {
            throw new IllegalStateException(name + ": could not replay the committed log after a reload: " + e, e);
        }
        link.reloaded(r.lastSequence());
        resetRequested = false;
        LOG.info("{}: reloaded the committed state (snapshot at entry {}, {} entries replayed) in {} ms", name,
                from - 1, replayed, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        LOG.info("{}: the group's leader is now {}", name, newLeader == null ? "unknown (an election)"
                : newLeader.equals(member.getPeerId()) ? "this node" : newLeader.toString());
        if (newLeader == null || !newLeader.equals(member.getPeerId())) link.lost("leader is now " + newLeader);
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        link.lost("no longer the leader, " + pendingEntries.size() + " entries pending");
    }


    // ------------------------------------------------------------------ reads

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY); // a read barrier: the read itself runs on the store
    }

    // ------------------------------------------------------------------ snapshots

    @Override
    public synchronized long takeSnapshot() throws IOException {
        Replica r = replica;
        if (r == null || r.lastSequence() == 0) return RaftLog.INVALID_LOG_INDEX;
        try {
            Replica.Snapshot s = r.checkpoint();
            return s == null || s.index() == 0 ? RaftLog.INVALID_LOG_INDEX : s.index();
        } catch (RuntimeException e) {
            throw new IOException(name + ": snapshot failed: " + e.getMessage(), e);
        }
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        Replica r = replica;
        Replica.Snapshot s = r == null ? null : r.latest();
        if (s == null || s.index() == 0) return null;
        List<FileInfo> files = new ArrayList<>();
        for (Path p : s.files()) files.add(new FileInfo(p, null));
        return new FileListSnapshotInfo(files, s.term(), s.index());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return new StateMachineStorage() {
            @Override
            public void init(RaftStorage raftStorage) {
            }

            @Override
            public SnapshotInfo getLatestSnapshot() {
                return CairnStateMachine.this.getLatestSnapshot();
            }

            @Override
            public void format() {
            }

            @Override
            public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
                // the store keeps its own (CairnOptions.snapshotsToKeep) and deletes the rest when it takes one
            }
        };
    }

    @Override
    public void pause() {
        getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSING);
        getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.PAUSED);
    }

    /** A snapshot from the leader replaced this node's directory: load it. */
    @Override
    public synchronized void reinitialize() throws IOException {
        Replica r = replica;
        Replica.Snapshot s = r.reload(options.bootstrap());
        if (s != null) setLastAppliedTermIndex(TermIndex.valueOf(s.term(), s.index()));
        link.reloaded(r.lastSequence());
        resetRequested = false;
        installs.incrementAndGet();
        LOG.info("{}: installed the leader's snapshot at entry {}", name, s == null ? 0 : s.index());
        getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.STARTING);
        getLifeCycle().transition(org.apache.ratis.util.LifeCycle.State.RUNNING);
    }

    @Override
    public void close() throws IOException {
        link.close();
        Cairn c = store;
        if (c != null) c.close();
    }
}
