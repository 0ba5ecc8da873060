package io.cairn;

import java.util.function.Consumer;

/**
 * How far opening a store has got: the snapshot's data loaded and the log records replayed, in bytes. Pass one to
 * {@link CairnOptions.Builder#loadProgress} to watch an open from another thread (the server answers INFO's
 * {@code loading_*} fields from it while it loads); the store also logs the same figures every few seconds of a long
 * open.
 *
 * <p>The total is the snapshot's key and value bytes plus the log segments' file sizes, known when loading starts; a
 * segment's unused, preallocated tail counts as loaded once the segment is read, so the percentage may jump at the end
 * of each segment. Thread safety: written by the opening thread, readable from any thread.
 */
public final class LoadProgress {
    private final Consumer<LoadProgress> onStep;
    private volatile boolean loading;
    private volatile long startedAtMillis;
    private volatile long startedAtNanos;
    private volatile long totalBytes;
    private volatile long loadedBytes;
    private long nextStep;

    /** A progress nobody is told about; read it with the getters. */
    public LoadProgress() {
        this(p -> { });
    }

    /**
     * A progress that calls {@code onStep} on the opening thread when loading starts, after each further percent,
     * and when it is done. {@code onStep} should return quickly: the open waits for it.
     */
    public LoadProgress(Consumer<LoadProgress> onStep) {
        this.onStep = java.util.Objects.requireNonNull(onStep, "onStep");
    }

    /** Whether the store is being loaded now. */
    public boolean loading() {
        return loading;
    }

    /** When loading started (epoch milliseconds), 0 before. */
    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** Bytes to load: the snapshot's data and the log's segments. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes loaded so far. */
    public long loadedBytes() {
        return loadedBytes;
    }

    /** {@link #loadedBytes} as a percentage of {@link #totalBytes} (100 when there is nothing to load). */
    public double percent() {
        long t = totalBytes;
        return t <= 0 ? 100.0 : Math.min(100.0, loadedBytes * 100.0 / t);
    }

    /** Seconds left at the rate so far; 1 until anything is loaded (as Redis says before it can estimate). */
    public long etaSeconds() {
        long done = loadedBytes;
        long t = totalBytes;
        if (!loading || done >= t) return 0;
        if (done <= 0) return 1;
        double elapsed = (System.nanoTime() - startedAtNanos) / 1e9;
        return (long) Math.ceil(elapsed * (t - done) / done);
    }

    /** Bytes per second so far. */
    double rate() {
        double elapsed = (System.nanoTime() - startedAtNanos) / 1e9;
        return elapsed <= 0 ? 0 : loadedBytes / elapsed;
    }

    void begin(long total) {
        totalBytes = Math.max(0, total);
        loadedBytes = 0;
        startedAtMillis = System.currentTimeMillis();
        startedAtNanos = System.nanoTime();
        loading = true;
        nextStep = totalBytes / 100;
        onStep.accept(this);
    }

    /** One opening thread at a time calls this. */
    void advance(long bytes) {
        long l = loadedBytes + bytes;
        if (l > totalBytes) l = totalBytes; // a segment that grew while counted: never past 100%
        loadedBytes = l;
        if (l >= nextStep && l < totalBytes) {
            nextStep = l + Math.max(1, totalBytes / 100);
            onStep.accept(this);
        }
    }

    void finish() {
        loadedBytes = totalBytes;
        loading = false;
        onStep.accept(this);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.1f%% (%d of %d bytes)", percent(), loadedBytes, totalBytes);
    }
}
