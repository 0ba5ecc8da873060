package io.cairn;

import java.time.Duration;
import java.util.Objects;

/**
 * When the write-ahead log is forced to stable storage, and so what "acknowledged" means.
 *
 * <ul>
 *   <li>{@link #ALWAYS} (the default): a write completes only after an fsync that covers it. Concurrent writers share
 *       one fsync (group commit); no writer waits for a timer.</li>
 *   <li>{@link #interval(Duration)}: a write completes once handed to the operating system; a background thread
 *       fsyncs every interval. A process crash loses nothing; a power cut may lose up to one interval.</li>
 *   <li>{@link #NEVER}: a write completes once handed to the operating system, which decides when to write it out.
 *       A process crash loses nothing; a power cut may lose whatever the OS had not written.</li>
 * </ul>
 */
public final class FsyncPolicy {
    /** Acknowledge after fsync; concurrent writers share fsyncs. */
    public static final FsyncPolicy ALWAYS = new FsyncPolicy(Mode.ALWAYS, Duration.ZERO);
    /** Never fsync explicitly. */
    public static final FsyncPolicy NEVER = new FsyncPolicy(Mode.NEVER, Duration.ZERO);

    /** The three modes. */
    public enum Mode { ALWAYS, INTERVAL, NEVER }

    private final Mode mode;
    private final Duration interval;

    private FsyncPolicy(Mode mode, Duration interval) {
        this.mode = mode;
        this.interval = interval;
    }

    /** fsync in the background every {@code interval} (at least one millisecond). */
    public static FsyncPolicy interval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("fsync interval must be at least 1 ms, was " + interval);
        }
        return new FsyncPolicy(Mode.INTERVAL, interval);
    }

    /**
     * Parses Redis's {@code appendfsync} words as well as Cairn's: {@code always}, {@code everysec}, {@code no},
     * {@code never}, or a duration such as {@code 250ms} or {@code 2s}.
     */
    public static FsyncPolicy parse(String text) {
        String t = Objects.requireNonNull(text, "text").trim().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "always": return ALWAYS;
            case "everysec": return interval(Duration.ofSeconds(1));
            case "no": case "never": return NEVER;
            default:
                try {
                    if (t.endsWith("ms")) return interval(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
                    if (t.endsWith("s")) return interval(Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1))));
                } catch (NumberFormatException e) {
                    // fall through to the message below
                }
                throw new IllegalArgumentException(
                        "fsync policy must be always, everysec, no, never or a duration like 200ms, was '" + text + "'");
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The background fsync period for {@link Mode#INTERVAL}, zero otherwise. */
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsyncPolicy && ((FsyncPolicy) o).mode == mode && ((FsyncPolicy) o).interval.equals(interval);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + interval.hashCode();
    }

    @Override
    public String toString() {
        return mode == Mode.INTERVAL ? "INTERVAL(" + interval.toMillis() + "ms)" : mode.name();
    }
}
