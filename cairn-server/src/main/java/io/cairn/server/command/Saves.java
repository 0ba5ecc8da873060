package io.cairn.server.command;

import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.SnapshotInfo;
import io.cairn.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the server knows about checkpoints beyond the store's {@link Stats}: when the last one succeeded (LASTSAVE,
 * which must move on a SAVE even when nothing was written, so clients polling it see their save finish), the ones the
 * server started itself (SAVE, BGSAVE, BGSAVE SCHEDULE) and since when, and the snapshots kept. Checkpoints run on
 * threads of their own, never on an event loop. Thread-safe.
 */
public final class Saves {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.server");

    /** What {@link #background} did. */
    public enum Outcome { STARTED, SCHEDULED, BUSY }

    private final Cairn store;
    /** How this server takes a checkpoint, waiting for it, and in the background. */
    private final Supplier<SnapshotInfo> checkpoint;
    private final Supplier<CompletableFuture<SnapshotInfo>> checkpointAsync;
    /** Checkpoints this server started that have not finished. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile long runningSince;
    /** A BGSAVE SCHEDULE is waiting for the checkpoint in progress. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The newest checkpoint this server started: a scheduled one waits for it. */
    private volatile CompletableFuture<?> latest = CompletableFuture.completedFuture(null);
    /** Test seam: runs on SAVE's thread after its checkpoint, before SAVE completes. */
    private volatile Runnable afterSave = () -> { };

    // guarded by this
    private long lastSaveMillis;
    /** The snapshot sequence {@link #lastSaveMillis} and {@link #kept} account for; -1 to look again. */
    private long seenSequence;
    private int kept;
    /** When INFO first saw a checkpoint the store started by itself in progress (the store does not say). */
    private long automaticSeenAt = -1;

    /**
     * @param startedAtMillis when the server started: LASTSAVE until the first checkpoint if no snapshot was loaded
     */
    public Saves(Cairn store, long startedAtMillis) {
        this(store, startedAtMillis, store::checkpoint, store::checkpointAsync);
    }

    /**
     * @param checkpoint takes a checkpoint and returns it (null if there is nothing to save), in place of the store's
     * @param checkpointAsync starts one in the background, in place of the store's (failing with BUSY if one is in
     *                        progress)
     */
    public Saves(Cairn store, long startedAtMillis, Supplier<SnapshotInfo> checkpoint,
                 Supplier<CompletableFuture<SnapshotInfo>> checkpointAsync) {
        this.store = store;
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.checkpointAsync = Objects.requireNonNull(checkpointAsync, "checkpointAsync");
        long loaded = store.recoveryInfo().snapshotSequence();
        List<SnapshotInfo> snapshots = store.snapshots();
        long t = startedAtMillis;
        for (SnapshotInfo s : snapshots) {
            if (s.sequence() == loaded) t = s.created().toEpochMilli(); // Redis too reports the loaded RDB's time
        }
        lastSaveMillis = t;
        seenSequence = store.stats().snapshotSequence();
        kept = snapshots.size();
    }

    /** SAVE: a checkpoint on a thread of its own (after one in progress, if any); the future completes when it is done. */
    public CompletableFuture<SnapshotInfo> save() {
        return track(() -> checkpointOnThread("cairn-save", () -> { }, afterSave, () -> { }), "SAVE");
    }

    /**
     * For tests: {@code hook} runs on SAVE's thread after each SAVE's checkpoint, before the SAVE completes (it is
     * still in progress meanwhile; if the hook throws, the SAVE fails with that).
     */
    public void afterSave(Runnable hook) {
        afterSave = Objects.requireNonNull(hook, "hook");
    }

    /**
     * BGSAVE: starts a checkpoint in the background unless one is in progress; then, with {@code schedule}, arranges
     * for one to start as soon as it ends (once, however often asked). A store that cannot checkpoint (read-only,
     * closed) fails with its {@link CairnException}.
     */
    public synchronized Outcome background(boolean schedule) {
        if (!inProgress(store.stats())) {
            CompletableFuture<SnapshotInfo> f = track(checkpointAsync, "Background saving");
            if (!f.isCompletedExceptionally()) return Outcome.STARTED;
            Throwable cause = cause(f);
            if (!(cause instanceof CairnException c) || c.code() != CairnException.Code.BUSY) {
                if (cause instanceof RuntimeException r) throw r;
                throw new IllegalStateException(cause);
            }
        }
        if (!schedule) return Outcome.BUSY;
        if (scheduled.compareAndSet(false, true)) {
            // after the newest one this server started; Cairn.checkpoint() then waits for one the store started itself
            CompletableFuture<?> prior = latest;
            track(() -> checkpointOnThread("cairn-bgsave-scheduled", () -> prior.handle((v, e) -> null).join(), () -> { },
                    () -> scheduled.set(false)), "Scheduled background saving");
        }
        return Outcome.SCHEDULED;
    }

    /**
     * A checkpoint ({@link Cairn#checkpoint()}, or the one given) on a new thread, between {@code before} and
     * {@code then}; {@code after} runs on it once the checkpoint has ended either way, before the future completes.
     */
    private CompletableFuture<SnapshotInfo> checkpointOnThread(String name, Runnable before, Runnable then, Runnable after) {
        CompletableFuture<SnapshotInfo> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            SnapshotInfo info;
            try {
                before.run();
                info = checkpoint.get();
                then.run();
            } catch (Throwable e) {
                after.run();
                f.completeExceptionally(e);
                return;
            }
            after.run();
            f.complete(info);
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Counts a checkpoint this server starts while it runs; notes its success for LASTSAVE and logs its end. */
    private CompletableFuture<SnapshotInfo> track(Supplier<CompletableFuture<SnapshotInfo>> start, String what) {
        if (running.getAndIncrement() == 0) runningSince = System.nanoTime();
        long newestBefore = store.stats().snapshotSequence();
        CompletableFuture<SnapshotInfo> f;
        try {
            f = start.get();
        } catch (RuntimeException e) {
            running.decrementAndGet();
            throw e;
        }
        CompletableFuture<SnapshotInfo> tracked = f.whenComplete((info, err) -> {
            if (err == null) {
                saved(info != null && info.sequence() > newestBefore ? info : null);
                if (info == null) LOG.info("{} terminated with success: nothing to save yet", what);
                else LOG.info("{} terminated with success: snapshot {} ({} entries)", what, info.sequence(), info.entries());
            } else {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                if (!(cause instanceof CairnException c && c.code() == CairnException.Code.BUSY)) {
                    LOG.warn("{} failed: {}", what, cause.getMessage());
                }
            }
            running.decrementAndGet();
        });
        latest = tracked;
        return tracked;
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * A checkpoint this server started succeeded. LASTSAVE is the time of the snapshot it wrote, the one a restart that
     * loads it reports too (not the moment it ended, which may fall in the next second); now if it wrote none, having
     * found nothing new (clients poll LASTSAVE to see a SAVE finish).
     */
    private synchronized void saved(SnapshotInfo written) {
        long t = written != null ? written.created().toEpochMilli() : System.currentTimeMillis();
        lastSaveMillis = Math.max(lastSaveMillis, t);
        seenSequence = -1; // the snapshots kept changed
    }

    /** Whether a checkpoint is being taken, by this server or by the store on its own. */
    public boolean inProgress() {
        return inProgress(store.stats());
    }

    /** {@link #inProgress()}, with the store's stats at hand. */
    public boolean inProgress(Stats stats) {
        return running.get() > 0 || stats.checkpointInProgress();
    }

    /**
     * LASTSAVE: epoch milliseconds of the newest successful checkpoint, or of the loaded snapshot, or of the start if
     * there was neither.
     */
    public long lastSaveMillis() {
        return lastSaveMillis(store.stats());
    }

    /** {@link #lastSaveMillis()}, with the store's stats at hand. */
    public synchronized long lastSaveMillis(Stats stats) {
        refresh(stats);
        return lastSaveMillis;
    }

    /** Snapshots kept in the data directory now. */
    public synchronized int kept(Stats stats) {
        refresh(stats);
        return kept;
    }

    /**
     * Seconds the checkpoint in progress has taken so far, -1 if none: from its start for one this server started,
     * from when this was first asked while it ran for one the store started by itself.
     */
    public synchronized long currentSeconds(Stats stats) {
        long now = System.nanoTime();
        if (running.get() > 0) return TimeUnit.NANOSECONDS.toSeconds(now - runningSince);
        if (!stats.checkpointInProgress()) {
            automaticSeenAt = -1;
            return -1;
        }
        if (automaticSeenAt < 0) automaticSeenAt = now;
        return TimeUnit.NANOSECONDS.toSeconds(now - automaticSeenAt);
    }

    /**
     * Catches up with checkpoints the store took by itself: a newer snapshot moves LASTSAVE to its time. Reads the
     * snapshot directory (a few small files; INFO and LASTSAVE run on an event loop) only once after the newest snapshot
     * changed, and not while a checkpoint is being taken: it deletes the snapshots no longer kept at its end.
     */
    private void refresh(Stats stats) {
        if (stats.checkpointInProgress()) {
            seenSequence = -1; // look once it has ended
            return;
        }
        if (stats.snapshotSequence() == seenSequence) return;
        List<SnapshotInfo> snapshots;
        try {
            snapshots = store.snapshots();
        } catch (CairnException e) {
            return; // closed meanwhile, or unreadable: keep what we knew
        }
        kept = snapshots.size();
        if (!snapshots.isEmpty()) lastSaveMillis = Math.max(lastSaveMillis, snapshots.get(0).created().toEpochMilli());
        seenSequence = stats.snapshotSequence();
    }
}
