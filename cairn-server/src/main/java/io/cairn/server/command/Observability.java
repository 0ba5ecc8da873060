package io.cairn.server.command;

import io.cairn.Stats;
import io.cairn.server.config.ServerConfig;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a server observes of its own commands beyond {@link ServerStats}: the slow log, the latency monitor, MONITOR's
 * feed, INFO errorstats, the latency histograms' switch ({@code latency-tracking}) and a sampler, every 100 ms, for
 * INFO's instantaneous rates and the latency events of the log (fsync, checkpoint).
 *
 * <p>{@link #ran} is on every command's path: with nothing slow, no monitor and the latency monitor off it is a few
 * volatile reads and one histogram increment.
 */
public final class Observability {
    /** Redis's ERROR_STATS_NUMBER: distinct error codes past this many are counted in total_error_replies only. */
    static final int MAX_ERROR_CODES = 128;
    /** Samples in the instantaneous rates' window (Redis's STATS_METRIC_SAMPLES), one every 100 ms. */
    static final int RATE_SAMPLES = 16;
    /** Config parameters whose values AUTH-like redaction hides from the slow log (Redis's sensitive configs). */
    static final Set<String> SENSITIVE_CONFIGS = Set.of("requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass");
    static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    private static final Map<ServerContext, Observability> ALL = Collections.synchronizedMap(new WeakHashMap<>());

    /** Weakly: this is the value of a weak map keyed by the server, which a strong reference would keep alive. */
    private final java.lang.ref.WeakReference<ServerContext> server;
    final SlowLog slowlog;
    final LatencyMonitor latency;
    private volatile boolean latencyTracking;
    private final CopyOnWriteArrayList<Client> monitors = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    private final Rates rates = new Rates();
    private ScheduledExecutorService sampler;
    private long lastFsyncs = -1;
    private long lastCheckpoints = -1;

    private Observability(ServerContext server) {
        this.server = new java.lang.ref.WeakReference<>(server);
        ServerConfig config = server.config();
        slowlog = new SlowLog(config.getLong("slowlog-log-slower-than"), config.getLong("slowlog-max-len"));
        latency = new LatencyMonitor(config.getLong("latency-monitor-threshold"));
        latencyTracking = config.getBool("latency-tracking");
        config.onChange("slowlog-log-slower-than", v -> slowlog.slowerThan(Long.parseLong(v)));
        config.onChange("slowlog-max-len", v -> slowlog.maxLen(Long.parseLong(v)));
        config.onChange("latency-monitor-threshold", v -> latency.threshold(Long.parseLong(v)));
        config.onChange("latency-tracking", v -> latencyTracking = v.equals("yes"));
    }

    public static Observability of(ServerContext server) {
        return ALL.computeIfAbsent(server, Observability::new);
    }

    /**
     * Starts the sampler, on a thread of its own: reading the store's statistics takes the log's fsync lock for a
     * moment, which an event loop must not wait for.
     */
    public synchronized void start() {
        if (sampler != null) return;
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-observability");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sampleSafely, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Stops the sampler (server shutdown). */
    public synchronized void stop() {
        if (sampler != null) sampler.shutdownNow();
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) { // a failed sample must not end the schedule (an exception would)
            org.slf4j.LoggerFactory.getLogger("io.cairn.server").debug("observability sample failed", e);
        }
    }

    // ------------------------------------------------------------------ per command

    /**
     * A command ran (and answered, or failed with an error reply) in {@code nanos} of execution: its histogram, the
     * slow log, the latency monitor, and every MONITOR client.
     */
    public void ran(Client c, Command cmd, byte[][] args, long nanos) {
        if (latencyTracking) cmd.stats().latency(nanos);
        if (slowlog.isSlow(nanos) && !cmd.has("skip-slowlog")) {
            slowlog.add(redact(cmd, args), nanos, c.address(), c.name());
        }
        long millis = nanos / 1_000_000;
        if (latency.worthRecording(millis)) latency.addIfNeeded(cmd.has("fast") ? "fast-command" : "command", millis);
        if (!monitors.isEmpty() && !cmd.has("admin")) feedMonitors(c, cmd, args);
    }

    /** Redis's redactions: AUTH's arguments, HELLO's AUTH user and password, CONFIG SET's sensitive values. */
    static byte[][] redact(Command cmd, byte[][] args) {
        switch (cmd.name()) {
            case "auth" -> {
                byte[][] r = args.clone();
                for (int i = 1; i < r.length; i++) r[i] = REDACTED;
                return r;
            }
            case "hello" -> {
                byte[][] r = args.clone();
                for (int i = 1; i + 2 < r.length; i++) {
                    if (Args.is(r[i], "AUTH")) {
                        r[i + 1] = REDACTED;
                        r[i + 2] = REDACTED;
                        i += 2;
                    }
                }
                return r;
            }
            case "config|set" -> {
                byte[][] r = args.clone();
                for (int i = 2; i + 1 < r.length; i += 2) {
                    if (SENSITIVE_CONFIGS.contains(Args.str(r[i]).toLowerCase(java.util.Locale.ROOT))) r[i + 1] = REDACTED;
                }
                return r;
            }
            default -> {
                return args;
            }
        }
    }

    /** An error reply went out: INFO errorstats counts it under its code, the first word (ERR if none in 32 bytes). */
    public void error(String message) {
        int space = message.indexOf(' ');
        String code = space > 0 && space < 32 ? message.substring(0, space) : "ERR";
        LongAdder n = errorCodes.get(code);
        if (n == null) {
            if (errorCodes.size() >= MAX_ERROR_CODES) return;
            n = errorCodes.computeIfAbsent(code, k -> new LongAdder());
        }
        n.increment();
    }

    /** Error codes and their counts, by code. */
    Map<String, Long> errorCounts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        errorCodes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** CONFIG RESETSTAT. */
    void resetStats() {
        errorCodes.clear();
        rates.reset();
    }

    // ------------------------------------------------------------------ MONITOR

    void addMonitor(Client c) {
        if (!monitors.contains(c)) monitors.add(c);
    }

    /** The client left monitor mode (RESET) or closed. */
    public void removeMonitor(Client c) {
        monitors.remove(c);
    }

    int monitorCount() {
        return monitors.size();
    }

    private void feedMonitors(Client c, Command cmd, byte[][] args) {
        java.time.Instant now = java.time.Instant.now();
        byte[] line = monitorLine(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000, c.db(), c.address(), redact(cmd, args));
        for (Client m : monitors) m.monitorFeed().offer(line);
    }

    /** Redis's MONITOR line: {@code +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"} and CRLF. */
    static byte[] monitorLine(long unixMicros, int db, String addr, byte[][] args) {
        StringBuilder sb = new StringBuilder(64).append('+').append(unixMicros / 1_000_000).append('.');
        String us = Long.toString(unixMicros % 1_000_000);
        sb.append("000000", us.length(), 6).append(us).append(" [").append(db).append(' ').append(addr).append(']');
        for (byte[] a : args) {
            sb.append(' ');
            repr(sb, a);
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Redis's sdscatrepr: quoted, with \\ \" \n \r \t \a \b escaped and other unprintable bytes as \xhh. */
    static void repr(StringBuilder sb, byte[] a) {
        sb.append('"');
        for (byte b : a) {
            int ch = b & 0xFF;
            switch (ch) {
                case '\\', '"' -> sb.append('\\').append((char) ch);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (ch >= 0x20 && ch <= 0x7e) {
                        sb.append((char) ch);
                    } else {
                        sb.append("\\x").append(Character.forDigit(ch >> 4, 16)).append(Character.forDigit(ch & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }

    // ------------------------------------------------------------------ sampling

    /** Commands per second and input/output KiB per second over the last 1.6 s (Redis's instantaneous_* fields). */
    static final class Rates {
        private final long[][] samples = new long[3][RATE_SAMPLES];
        private final long[] last = {-1, -1, -1};
        private long lastNanos;
        private int index;

        synchronized void sample(long now, long... counters) {
            if (last[0] >= 0 && now > lastNanos) {
                // a counter below its last value was reset (CONFIG RESETSTAT) meanwhile: nothing to measure this time
                for (int i = 0; i < 3; i++) samples[i][index] = Math.max(0, counters[i] - last[i]) * 1_000_000_000L / (now - lastNanos);
                index = (index + 1) % RATE_SAMPLES;
            }
            System.arraycopy(counters, 0, last, 0, 3);
            lastNanos = now;
        }

        /** CONFIG RESETSTAT: the window starts again, as Redis's resetServerStats clears it. */
        synchronized void reset() {
            for (long[] s : samples) java.util.Arrays.fill(s, 0);
            java.util.Arrays.fill(last, -1);
        }

        synchronized long perSecond(int which) {
            long sum = 0;
            for (long v : samples[which]) sum += v;
            return sum / RATE_SAMPLES;
        }
    }

    long opsPerSecond() {
        return rates.perSecond(0);
    }

    double inputKbps() {
        return rates.perSecond(1) / 1024.0;
    }

    double outputKbps() {
        return rates.perSecond(2) / 1024.0;
    }

    private void sample() {
        ServerContext server = this.server.get();
        if (server == null) return;
        ServerStats s = server.stats();
        rates.sample(System.nanoTime(), s.commandsProcessed.sum(), s.netInputBytes.sum(), s.netOutputBytes.sum());
        if (latency.threshold() <= 0) {
            lastFsyncs = -1; // reading the store's statistics costs the log a lock: only while the monitor is on
            lastCheckpoints = -1;
            return;
        }
        io.cairn.Cairn store = server.store();
        if (store == null || store.isClosed()) return;
        Stats stats = store.stats();
        // the log's newest fsync and checkpoint since the last sample: one of each per 100 ms is judged
        if (lastFsyncs >= 0 && stats.fsyncs() != lastFsyncs) latency.addIfNeeded("fsync", stats.lastFsync().toMillis());
        if (lastCheckpoints >= 0 && stats.checkpoints() != lastCheckpoints) {
            latency.addIfNeeded("checkpoint", stats.lastCheckpointTook().toMillis());
        }
        lastFsyncs = stats.fsyncs();
        lastCheckpoints = stats.checkpoints();
    }
}
