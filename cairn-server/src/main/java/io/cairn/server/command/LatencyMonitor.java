package io.cairn.server.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis's latency monitor: for each event ({@code command}, {@code fast-command}, {@code fsync}, {@code checkpoint})
 * that took at least {@code latency-monitor-threshold} milliseconds (0: off), the last {@value #SAMPLES} seconds that
 * had one, each with the worst latency of that second, and the worst of all time, as Redis keeps them.
 *
 * <p>Thread-safe: events come from every event loop and the sampler under the monitor's lock; whether a latency is
 * worth recording is one volatile read, so the fast path takes no lock.
 */
public final class LatencyMonitor {
    static final int SAMPLES = 160;

    /** One second's worst latency of an event. */
    public record Sample(long unixSeconds, long millis) {
    }

    /** An event's samples, oldest first, and its worst latency of all time. */
    public record Series(String event, List<Sample> samples, long max) {
        Sample latest() {
            return samples.get(samples.size() - 1);
        }
    }

    private static final class Ring {
        final long[] times = new long[SAMPLES];
        final long[] millis = new long[SAMPLES];
        int next;
        long max;
    }

    private volatile long thresholdMillis;
    private final Map<String, Ring> events = new LinkedHashMap<>();

    LatencyMonitor(long thresholdMillis) {
        this.thresholdMillis = thresholdMillis;
    }

    void threshold(long millis) {
        thresholdMillis = millis;
    }

    long threshold() {
        return thresholdMillis;
    }

    /** Whether {@code millis} is a latency the monitor records (it is on and the latency reaches its threshold). */
    boolean worthRecording(long millis) {
        long t = thresholdMillis;
        return t > 0 && millis >= t;
    }

    /** Records {@code millis} for {@code event} if it reaches the threshold (Redis's latencyAddSampleIfNeeded). */
    void addIfNeeded(String event, long millis) {
        if (worthRecording(millis)) add(event, millis, System.currentTimeMillis() / 1000);
    }

    synchronized void add(String event, long millis, long now) {
        Ring r = events.computeIfAbsent(event, k -> new Ring());
        r.max = Math.max(r.max, millis);
        int prev = (r.next + SAMPLES - 1) % SAMPLES;
        if (r.times[prev] == now) { // one sample a second: the worst of it
            r.millis[prev] = Math.max(r.millis[prev], millis);
            return;
        }
        r.times[r.next] = now;
        r.millis[r.next] = millis;
        r.next = (r.next + 1) % SAMPLES;
    }

    /** Every event with at least one sample. */
    synchronized List<Series> all() {
        List<Series> out = new ArrayList<>();
        for (String e : events.keySet()) out.add(series(e));
        return out;
    }

    /** The event's samples, or null if it has none. */
    synchronized Series series(String event) {
        Ring r = events.get(event);
        if (r == null) return null;
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            int j = (r.next + i) % SAMPLES;
            if (r.times[j] != 0) samples.add(new Sample(r.times[j], r.millis[j]));
        }
        return new Series(event, samples, r.max);
    }

    /** Forgets the events named (every event if none); returns how many had samples. */
    synchronized int reset(List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String e : names) if (events.remove(e) != null) n++;
        return n;
    }

    /** LATENCY DOCTOR's report: per event its spikes, their average, mean deviation and period, then advice. */
    String doctor(long now) {
        List<Series> all = all();
        if (all.isEmpty()) {
            return "Dave, no latency spike was observed during the lifetime of this Cairn instance, not in the slightest "
                    + "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
        }
        StringBuilder sb = new StringBuilder("Dave, I have observed latency spikes in this Cairn instance. You don't mind "
                + "talking about it, do you Dave?\n\n");
        int i = 1;
        boolean commands = false;
        boolean fsync = false;
        boolean checkpoint = false;
        for (Series s : all) {
            long sum = 0;
            for (Sample x : s.samples()) sum += x.millis();
            long avg = sum / s.samples().size();
            long dev = 0;
            for (Sample x : s.samples()) dev += Math.abs(x.millis() - avg);
            dev /= s.samples().size();
            double period = (double) Math.max(0, now - s.samples().get(0).unixSeconds()) / s.samples().size();
            sb.append(i++).append(". ").append(s.event()).append(": ").append(s.samples().size()).append(" latency spikes (average ")
                    .append(avg).append("ms, mean deviation ").append(dev).append("ms, period ")
                    .append(String.format(Locale.ROOT, "%.2f", period)).append(" sec). Worst all time event ")
                    .append(s.max()).append("ms.\n");
            switch (s.event()) {
                case "command", "fast-command" -> commands = true;
                case "fsync" -> fsync = true;
                case "checkpoint" -> checkpoint = true;
                default -> { }
            }
        }
        sb.append("\nI have a few advices for you:\n\n");
        if (commands) {
            sb.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                    + "execute (SLOWLOG GET). Commands that work on whole large collections (KEYS, SMEMBERS, HGETALL, LRANGE "
                    + "0 -1, ...) take time in proportion to their size.\n");
        }
        if (fsync) {
            sb.append("- The write-ahead log's fsyncs are slow: the disk is busy or slow. appendfsync everysec trades the "
                    + "last second of writes on a power cut for replies that do not wait for the disk.\n");
        }
        if (checkpoint) {
            sb.append("- Checkpoints take long: a large data set, or a slow disk. They run beside writes, but they compete "
                    + "for the disk and the CPU; checkpoint-interval and checkpoint-log-size set how often they run.\n");
        }
        return sb.toString();
    }
}
