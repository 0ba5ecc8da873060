package io.cairn;

import java.time.Instant;
import java.util.Objects;

/**
 * Where {@link Cairn#restore(java.nio.file.Path, java.nio.file.Path, RestorePoint)} brings a store: the newest state
 * its files hold, the state after a given log sequence, or the state at an instant.
 */
public sealed interface RestorePoint {
    /** Everything the snapshots and the log hold. */
    static RestorePoint latest() {
        return new Latest();
    }

    /** The store just after log record {@code sequence} (a snapshot's sequence restores exactly that snapshot). */
    static RestorePoint sequence(long sequence) {
        if (sequence < 0) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "sequence must be >= 0, was " + sequence);
        return new AtSequence(sequence);
    }

    /**
     * The snapshot {@code sequence} (as {@link Cairn#snapshots()} lists it), exactly as it was when it was finished:
     * at its {@link SnapshotInfo#consistentSequence()}.
     */
    static RestorePoint snapshot(long sequence) {
        return new AtSnapshot(sequence);
    }

    /**
     * The store as it was at {@code instant}: every write made at or before it (to the millisecond), none after. The
     * instant must be no earlier than the oldest snapshot kept, and the log from that snapshot on must still exist:
     * {@link CairnOptions.Builder#logRetention} keeps what a window of restore points needs.
     */
    static RestorePoint time(Instant instant) {
        return new AtTime(Objects.requireNonNull(instant, "instant"));
    }

    record Latest() implements RestorePoint {
    }

    record AtSequence(long sequence) implements RestorePoint {
    }

    record AtTime(Instant instant) implements RestorePoint {
    }

    record AtSnapshot(long sequence) implements RestorePoint {
    }
}
