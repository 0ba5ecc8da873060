package io.cairn;

import java.util.Locale;

/**
 * Logs the progress of long work (loading a store, a checkpoint, an offline repair) at a steady pace: percent done,
 * rate and time left, every {@link #interval} — and nothing at all for work that finishes within the first interval.
 * Not thread safe: one thread reports.
 */
final class ProgressLog {
    private static final System.Logger LOG = System.getLogger("io.cairn");
    /** How often a line is logged; tests shorten it. */
    static volatile long intervalNanos = 5_000_000_000L;

    private final String what;
    private final long total;
    private final boolean bytes;
    private final long startNanos = System.nanoTime();
    private long next;
    private boolean logged;

    /** @param what what is being done ("loading /data"); total in bytes, or in entries if not {@code bytes} */
    ProgressLog(String what, long total, boolean bytes) {
        this.what = what;
        this.total = total;
        this.bytes = bytes;
        this.next = startNanos + intervalNanos;
    }

    /** {@code done} of the total bytes are done: logs a line if an interval has passed since the last. */
    void at(long done) {
        long now = System.nanoTime();
        if (now < next) return;
        next = now + intervalNanos;
        logged = true;
        double elapsed = (now - startNanos) / 1e9;
        double rate = elapsed <= 0 ? 0 : done / elapsed;
        String left = rate <= 0 || done >= total ? "" : String.format(Locale.ROOT, ", about %d s left",
                (long) Math.ceil((total - done) / rate));
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "%s: %.1f%% (%s of %s), %s/s%s", what,
                total <= 0 ? 100.0 : Math.min(100.0, done * 100.0 / total), amount(done), amount(total), amount((long) rate), left));
    }

    /** Says it is done, if it said anything before (a short job logs nothing). */
    void done() {
        if (!logged) return;
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "%s: done in %.1f s", what,
                (System.nanoTime() - startNanos) / 1e9));
    }

    private String amount(long n) {
        return bytes ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0) : n + " entries";
    }
}
