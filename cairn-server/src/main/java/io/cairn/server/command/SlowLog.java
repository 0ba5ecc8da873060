package io.cairn.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's slow log: the newest {@code slowlog-max-len} commands that took at least {@code slowlog-log-slower-than}
 * microseconds (-1: none, 0: every command), each with Redis's fields and argument truncation (at most
 * {@value #MAX_ARGC} arguments, the last one then saying how many more there were; strings past
 * {@value #MAX_STRING} bytes cut and told how many bytes more).
 *
 * <p>Thread-safe: commands from every event loop add to it under its monitor; the check that decides whether a command
 * is slow enough is one volatile read, so the fast path takes no lock.
 */
public final class SlowLog {
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    /** One entry: arguments already truncated and redacted. */
    public record Entry(long id, long unixSeconds, long micros, byte[][] args, String addr, String name) {
    }

    /** Below 0: off. */
    private volatile long slowerThanMicros;
    private volatile int maxLen;
    /** Newest first. */
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    SlowLog(long slowerThanMicros, long maxLen) {
        this.slowerThanMicros = slowerThanMicros;
        maxLen(maxLen);
    }

    void slowerThan(long micros) {
        slowerThanMicros = micros;
    }

    synchronized void maxLen(long n) {
        maxLen = (int) Math.min(Integer.MAX_VALUE, n);
        while (entries.size() > maxLen) entries.removeLast();
    }

    /** Whether a call that took {@code nanos} belongs in the log. */
    boolean isSlow(long nanos) {
        long t = slowerThanMicros;
        return t >= 0 && nanos / 1000 >= t;
    }

    /** Adds a call; {@code args} as the client sent them (this copies what it keeps). */
    void add(byte[][] args, long nanos, String addr, String name) {
        byte[][] kept = truncate(args);
        long now = System.currentTimeMillis() / 1000;
        synchronized (this) {
            entries.addFirst(new Entry(nextId++, now, nanos / 1000, kept, addr, name));
            while (entries.size() > maxLen) entries.removeLast();
        }
    }

    /** Redis's slowlogCreateEntry: the arguments an entry keeps. */
    static byte[][] truncate(byte[][] args) {
        int argc = Math.min(args.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        for (int j = 0; j < argc; j++) {
            if (argc != args.length && j == argc - 1) {
                kept[j] = ("... (" + (args.length - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (args[j].length > MAX_STRING) {
                byte[] tail = ("... (" + (args[j].length - MAX_STRING) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                byte[] b = new byte[MAX_STRING + tail.length];
                System.arraycopy(args[j], 0, b, 0, MAX_STRING);
                System.arraycopy(tail, 0, b, MAX_STRING, tail.length);
                kept[j] = b;
            } else {
                kept[j] = args[j].clone();
            }
        }
        return kept;
    }

    /** The newest {@code count} entries (all if negative), newest first. */
    synchronized List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (count >= 0 && out.size() >= count) break;
            out.add(e);
        }
        return out;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void reset() {
        entries.clear();
    }
}
