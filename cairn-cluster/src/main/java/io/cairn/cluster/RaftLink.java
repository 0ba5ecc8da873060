package io.cairn.cluster;

import io.cairn.CairnException;
import io.cairn.ReplicatedLog;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's log on a node ({@link ReplicatedLog}): on the leader, records the store decided are gathered and proposed
 * to the group's Raft log by one thread, as one entry per round (group commit: whatever arrived while the previous
 * entry was being appended goes in the next), in the order the store decided them; a write is acknowledged once the
 * entry holding its record is committed, which the state machine reports as it applies entries.
 *
 * <p>Records the leader applied but that will never commit (it lost its leadership, or a proposal failed) are
 * "doomed": every wait on them fails with NOT_LEADER, and the state machine reloads the node's state from its snapshot
 * and the committed log ({@link CairnStateMachine#reset}). This node never gives a doomed record's sequence to a new
 * record of its own, so a wait can never be completed by another record that reuses the number.
 */
final class RaftLink implements ReplicatedLog {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLink.class);

    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callId = new AtomicLong();
    private final CairnStateMachine machine;
    private volatile RaftServer.Division division;
    private final Thread proposer;
    private volatile boolean closed;

    /**
     * Entries proposed but not yet committed, at most: while one is in flight, records gather for the next entry, so a
     * busy leader proposes few large entries rather than one per write (each entry costs every node CPU in the
     * transport, the log and the appenders, whatever its size, most of it in thread wake-ups). One: with two, under 50
     * clients, entries carried 15-16 writes instead of 23-24, and each write cost more CPU (gRPC 105-109 µs against
     * 86-91, Netty 68-79 against 56-78) for a lower rate (docs/benchmarks.md). In flight means not yet committed in
     * the log (not: applied), since a snapshot on the leader waits, on the thread that applies entries, for records
     * that may still be unproposed.
     */
    static final int MAX_IN_FLIGHT = 1;

    /** The largest entry proposed: records are gathered into entries up to this size. */
    static final int ENTRY_TARGET = 4 << 20;
    /** The largest record: it must fit in one entry the group can carry (ClusterNode.MAX_ENTRY). */
    static final int MAX_RECORD = (int) ClusterNode.MAX_ENTRY.getSize() - (64 << 10);

    // guarded by this: records waiting to be proposed, in entries of up to ENTRY_TARGET bytes
    private EntryDescriptor.Builder pending = new EntryDescriptor.Builder();
    private final java.util.ArrayDeque<EntryDescriptor.Builder> full = new java.util.ArrayDeque<>();

    // guarded by waiters: committed sequence and who waits for what
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private volatile long committedSeq;
    /** Raft index of each proposed entry -> its last sequence, until committed. Guarded by waiters. */
    private final TreeMap<Long, Long> proposed = new TreeMap<>();
    /** Ranges (lo, hi] of doomed sequences: waits on them fail. Guarded by waiters. */
    private final List<long[]> doomed = new ArrayList<>();
    /** The highest sequence this node has decided. */
    private volatile long highWater;
    /** Whether the proposer waits for an entry in flight to commit (woken by {@link #committed}, else polling). */
    private volatile boolean awaitingSlot;
    /** Set when records were lost, cleared when the state machine has reloaded. */
    volatile boolean resetPending;
    /** The context of the proposal being submitted (the proposer thread's), to learn its log index. */
    volatile TransactionContext submitting;

    RaftLink(CairnStateMachine machine) {
        this.machine = machine;
        this.proposer = new Thread(this::propose, "cairn-raft-proposer");
        this.proposer.setDaemon(true);
    }

    void start(RaftServer.Division d) {
        this.division = d;
        proposer.start();
    }

    // ------------------------------------------------------------------ ReplicatedLog

    @Override
    public boolean writable() {
        RaftServer.Division d = division;
        return d != null && !resetPending && !closed && d.getInfo().isLeaderReady();
    }

    @Override
    public void append(long seq, byte[] buf, int off, int len) {
        if (resetPending) throw notLeader("this node lost records it had not committed and is reloading");
        if (len > MAX_RECORD) {
            throw new CairnException(CairnException.Code.TOO_LARGE, "a write of " + len + " bytes is larger than one entry of"
                    + " the group's log can carry (" + MAX_RECORD + " bytes)");
        }
        synchronized (this) {
            if (pending.count() > 0 && pending.bytes() + len > ENTRY_TARGET) {
                full.add(pending);
                pending = new EntryDescriptor.Builder();
            }
            pending.add(seq, buf, off, len);
            if (seq > highWater) highWater = seq;
            if (pending.count() == 1 && full.isEmpty()) notifyAll();
        }
    }

    /** The first sequence a record decided here may get: never one a doomed record of this node had. */
    @Override
    public long nextSequence(long last) {
        return Math.max(last, highWater) + 1;
    }

    @Override
    public long committedSequence() {
        long c = committedSeq;
        RaftServer.Division d = division;
        if (d == null) return c;
        long index = d.getRaftLog().getLastCommittedIndex();
        synchronized (waiters) {
            Map.Entry<Long, Long> e = proposed.floorEntry(index);
            return e == null ? c : Math.max(c, e.getValue());
        }
    }

    @Override
    public void awaitCommitted(long seq) {
        CompletableFuture<Void> f = whenCommitted(seq);
        // On a thread holding the state machine's lock (a snapshot on the leader, which runs on the thread that
        // applies entries) nothing can apply the entry that would complete f: poll the log's commit index instead.
        // Every other thread sleeps until f completes (committed, doomed, or the node closing).
        boolean polling = Thread.holdsLock(machine);
        while (true) {
            try {
                if (polling) f.get(1, TimeUnit.MILLISECONDS);
                else f.get();
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                if (committedSequence() >= seq) return;
                if (closed) throw new CairnException(CairnException.Code.CLOSED, "the node is closing");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof CairnException c) throw c;
                throw new CairnException(CairnException.Code.IO_ERROR, String.valueOf(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(CairnException.Code.IO_ERROR, "interrupted waiting for the group to commit");
            }
        }
    }

    @Override
    public CompletableFuture<Void> whenCommitted(long seq) {
        synchronized (waiters) {
            if (closed) return CompletableFuture.failedFuture(closedError());
            if (seq <= committedSeq && !isDoomed(seq)) return CompletableFuture.completedFuture(null);
            if (isDoomed(seq)) return CompletableFuture.failedFuture(doomedError());
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.computeIfAbsent(seq, k -> new ArrayList<>(2)).add(f);
            return f;
        }
    }

    private boolean isDoomed(long seq) {
        for (long[] r : doomed) if (seq > r[0] && seq <= r[1]) return true;
        return false;
    }

    private static CairnException doomedError() {
        return notLeader("this node lost its leadership before the write was committed; the write may or may not have"
                + " taken effect");
    }

    private static CairnException closedError() {
        return new CairnException(CairnException.Code.CLOSED, "the node closed");
    }

    static CairnException notLeader(String why) {
        return new CairnException(CairnException.Code.NOT_LEADER, why);
    }

    // ------------------------------------------------------------------ from the state machine

    /** Every record up to {@code seq} is committed and applied here. */
    void committed(long seq, long index) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (waiters) {
            if (seq > committedSeq) committedSeq = seq;
            proposed.headMap(index, true).clear();
            while (!waiters.isEmpty() && waiters.firstKey() <= committedSeq) {
                Map.Entry<Long, List<CompletableFuture<Void>>> e = waiters.pollFirstEntry();
                if (isDoomed(e.getKey())) {
                    for (CompletableFuture<Void> f : e.getValue()) f.completeExceptionally(doomedError());
                } else {
                    done.addAll(e.getValue());
                }
            }
        }
        if (awaitingSlot) {
            synchronized (this) {
                notifyAll(); // an entry left the window: the proposer may send the next one now, not at its next poll
            }
        }
        for (CompletableFuture<Void> f : done) f.complete(null);
    }

    /**
     * Records decided here after {@code committed} may never commit: fail every wait on them, drop what was not
     * proposed yet, and have the state machine reload before it applies anything more.
     */
    void lost(String why) {
        long hi;
        synchronized (this) {
            hi = highWater;
            pending = new EntryDescriptor.Builder();
            full.clear();
        }
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        synchronized (waiters) {
            long lo = committedSeq;
            if (hi <= lo && !resetPending) return; // nothing of ours is uncommitted
            resetPending = true;
            if (hi > lo) {
                doomed.add(new long[]{lo, hi});
                while (doomed.size() > 64) doomed.remove(0);
            }
            proposed.clear();
            for (List<CompletableFuture<Void>> l : waiters.tailMap(lo, false).values()) failed.addAll(l);
            waiters.tailMap(lo, false).clear();
        }
        LOG.warn("{}: records up to sequence {} decided here may not be committed ({}); reloading the committed state",
                machine.name(), hi, why);
        for (CompletableFuture<Void> f : failed) f.completeExceptionally(doomedError());
        machine.requestReset();
    }

    /** The state machine reloaded: the store holds exactly the committed log up to {@code seq}. */
    void reloaded(long seq) {
        synchronized (waiters) {
            committedSeq = seq;
            resetPending = false;
        }
    }

    // ------------------------------------------------------------------ the proposer

    /** Proposed entries not yet committed. */
    private int inFlight() {
        RaftServer.Division d = division;
        long committed = d == null ? Long.MAX_VALUE : d.getRaftLog().getLastCommittedIndex();
        synchronized (waiters) {
            return proposed.tailMap(committed, false).size();
        }
    }

    private void propose() {
        while (!closed) {
            EntryDescriptor.Builder b;
            synchronized (this) {
                while (pending.count() == 0 && full.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                // room for another entry: wait (polling the commit index, which the leader advances on its own
                // threads) while MAX_IN_FLIGHT proposed entries are uncommitted; records keep gathering meanwhile
                awaitingSlot = true;
                try {
                    while (!closed && inFlight() >= MAX_IN_FLIGHT) {
                        try {
                            wait(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                } finally {
                    awaitingSlot = false;
                }
                if (closed) return;
                if (!full.isEmpty()) {
                    b = full.poll();
                } else {
                    b = pending;
                    pending = new EntryDescriptor.Builder();
                }
            }
            long last = b.last();
            byte[] data = b.finish();
            try {
                submit(data, last);
            } catch (Exception e) {
                if (!closed) lost("proposing failed: " + e);
            }
        }
    }

    private void submit(byte[] data, long last) throws Exception {
        RaftServer.Division d = division;
        RaftClientRequest req = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(d.getId())
                .setGroupId(d.getMemberId().getGroupId())
                .setCallId(callId.incrementAndGet())
                .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(data)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        submitting = null;
        // appends to the leader's log on this thread before it returns (RaftServerImpl.appendTransaction), so entries
        // reach the log in the order the store decided their records
        CompletableFuture<RaftClientReply> reply = ((RaftClientAsynchronousProtocol) d).submitClientRequestAsync(req);
        TransactionContext ctx = submitting;
        if (ctx != null && ctx.getLogEntry() != null) {
            synchronized (waiters) {
                proposed.put(ctx.getLogEntry().getIndex(), last);
            }
        }
        reply.whenComplete((r, e) -> {
            if (e != null) lost("a proposal failed: " + e);
            else if (!r.isSuccess()) lost("a proposal was refused: " + r.getException());
        });
    }

    void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (waiters) {
            for (List<CompletableFuture<Void>> l : waiters.values()) all.addAll(l);
            waiters.clear();
        }
        for (CompletableFuture<Void> f : all) f.completeExceptionally(closedError());
        proposer.interrupt(); // it may wait for an entry in flight that will never complete now
        try {
            proposer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
