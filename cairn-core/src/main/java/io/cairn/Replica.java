package io.cairn;

import io.cairn.snapshot.Manifest;
import io.cairn.snapshot.SnapshotDescriptor;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The store's side of replication, for cairn-cluster's Raft state machine: applying the records the group's leader
 * decided, snapshots that know their place in the group's log, and reloading. Only on a store opened with
 * {@link CairnOptions.Builder#replicatedLog} ({@link Cairn#replica()}). Not for applications.
 *
 * <p>The group's log carries the store's own records (docs/file-formats.md), each with the sequence the leader gave it.
 * A replica applies them in order ({@link #apply}); records it holds already are skipped: those its snapshot covers
 * after a restart, and on the leader those it decided and applied itself before they were committed.
 */
public final class Replica {
    /**
     * A snapshot's place in the group's log and its files.
     *
     * @param sequence the store's record sequence it covers
     * @param term     the Raft term of {@code index}
     * @param index    the last entry of the group's log whose records it covers
     * @param files    the manifest and every part file it names, under the store's directory
     */
    public record Snapshot(long sequence, long term, long index, List<Path> files) {
    }

    private final Engine engine;

    Replica(Engine engine) {
        this.engine = engine;
    }

    /** The sequence of the last record this replica holds (applied, or decided by it as leader). */
    public long lastSequence() {
        return engine.replicated().lastSequence();
    }

    /** Applies record {@code seq} of the group's log; false if this replica holds it already. */
    public boolean apply(long seq, ByteBuffer record) {
        return engine.applyReplicated(seq, record);
    }

    /** Every record of log entry {@code (term, index)} has been applied (or the entry held none): a snapshot's place. */
    public void applied(long term, long index) {
        engine.appliedEntry(term, index);
    }

    /**
     * Creates these keyspaces, in order, without log records: what every replica of a new group does identically at
     * its first start, so that they need not be created through the log. Does nothing for names that exist.
     */
    public void bootstrap(List<String> keyspaces) {
        engine.bootstrapKeyspaces(keyspaces);
    }

    /**
     * Takes a snapshot now, on any replica: its place is the last entry {@link #applied} when it is captured. On the
     * leader, records it decided after that are in it too; they are committed before this returns, or it throws
     * NOT_LEADER. Returns the newest snapshot if nothing changed since it.
     */
    public Snapshot checkpoint() {
        engine.checkpointReplica();
        return latest();
    }

    /** The newest snapshot (loaded at open, installed, or taken), or null if the store has none. */
    public Snapshot latest() {
        Manifest m = engine.newestSnapshot();
        if (m == null) return null;
        Path dir = engine.directory().resolve(SnapshotDescriptor.DIRECTORY);
        Set<Path> files = new LinkedHashSet<>();
        files.add(dir.resolve(SnapshotDescriptor.manifestName(m.sequence())));
        for (Manifest.KeyspaceEntry k : m.keyspaces()) {
            for (int p = 0; p < k.parts().size(); p++) {
                if (!k.parts().get(p).empty()) files.add(Manifest.partFile(dir, k, p));
            }
        }
        return new Snapshot(m.sequence(), m.replicaTerm(), m.replicaIndex(), List.copyOf(new ArrayList<>(files)));
    }

    /**
     * Throws the in-memory state away and loads the newest snapshot in the store's directory (an installed one, or the
     * last taken here), keeping the handles of keyspaces it holds; with no snapshot, the state of a new group (the
     * {@code bootstrap} keyspaces). The group then replays its log after the snapshot's place. Returns that snapshot.
     */
    public Snapshot reload(List<String> bootstrap) {
        engine.reloadReplica(bootstrap);
        return latest();
    }

}
