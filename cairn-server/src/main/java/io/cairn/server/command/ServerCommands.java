package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.RecoveryInfo;
import io.cairn.SnapshotInfo;
import io.cairn.Stats;
import io.cairn.server.Version;
import io.cairn.server.config.ConfigParam;
import io.cairn.server.config.ServerConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, CONFIG, COMMAND, TIME, SAVE, BGSAVE, LASTSAVE, SHUTDOWN, SWAPDB and
 * FUNCTION (answering as a Redis with no functions loaded), with Redis 7's replies and error texts.
 *
 * <p>Persistence: every write is already in the write-ahead log; SAVE, BGSAVE and SHUTDOWN SAVE take a checkpoint, a
 * snapshot of the store after which the log it covers is deleted, so a restart loads the snapshot and replays only the
 * log after it ({@link Saves}). SAVE's checkpoint runs off the event loop: the client that sent it waits for its reply,
 * its later requests held until then, while every other client is served. BGSAVE replies at once. SHUTDOWN takes one
 * before the store closes when asked (SAVE) or when timed checkpoints are on (neither SAVE nor NOSAVE); NOSAVE skips
 * it, never the final fsync of the log.
 *
 * <p>FLUSHALL empties every keyspace of the store, the numbered databases and the named keyspaces alike (they stay,
 * empty), in one log record.
 */
final class ServerCommands {
    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("dbsize", 1, "readonly fast").group("server").doc("Returns the number of keys in the database.", "1.0.0")
                .run((c, a) -> c.reply().integer(c.keyspace().size())));
        t.add(Command.of("flushdb", -1, "write").group("server").doc("Removes all keys from the current database.", "1.0.0")
                .run((c, a) -> {
                    flushMode(a);
                    Keyspace ks = c.keyspace();
                    c.writer().atomically(tx -> {
                        tx.clear(ks);
                        return null;
                    });
                    c.reply().ok();
                }));
        t.add(Command.of("flushall", -1, "write").group("server").doc("Removes all keys from all databases.", "1.0.0")
                .run((c, a) -> {
                    flushMode(a);
                    List<Keyspace> all = c.server().store().keyspaces();
                    c.writer().atomically(tx -> {
                        for (Keyspace ks : all) tx.clear(ks);
                        return null;
                    });
                    c.reply().ok();
                }));
        t.add(Command.of("info", -1, "loading stale sentinel").group("server")
                .doc("Returns information and statistics about the server.", "1.0.0")
                .run((c, a) -> c.reply().verbatim(info(c, Arrays.copyOfRange(a, 1, a.length)))));
        t.add(Command.of("time", 1, "loading stale fast").group("server").doc("Returns the server time.", "2.6.0")
                .run((c, a) -> {
                    Instant now = Instant.now();
                    c.reply().array(2);
                    c.reply().bulk(Long.toString(now.getEpochSecond()));
                    c.reply().bulk(Long.toString(now.getNano() / 1000));
                }));
        t.add(Command.of("lastsave", 1, "loading stale fast").group("server")
                .doc("Returns the Unix timestamp of the last successful save to disk.", "1.0.0")
                .run((c, a) -> c.reply().integer(c.server().saves().lastSaveMillis() / 1000)));
        t.add(Command.of("save", 1, "admin noscript no-multi").group("server").doc("Synchronously saves the database(s) to disk.", "1.0.0")
                .run(ServerCommands::save));
        t.add(Command.of("bgsave", -1, "admin noscript").group("server").doc("Asynchronously saves the database(s) to disk.", "1.0.0")
                .run(ServerCommands::bgsave));
        t.add(Command.of("backup", 2, "admin noscript no-multi").group("server")
                .doc("Writes a consistent copy of the store into backup-dir/name while writes go on; returns its log sequence.",
                        "0.1.0")
                .run(ServerCommands::backup));
        t.add(Command.of("shutdown", -1, "admin noscript no-multi loading stale sentinel allow-busy").group("server")
                .doc("Synchronously saves the database(s) to disk and shuts down the server.", "1.0.0")
                .run(ServerCommands::shutdown));
        t.add(Command.of("swapdb", 3, "write fast").group("server").doc("Swaps two databases.", "4.0.0")
                .run(ServerCommands::swapdb));
        t.add(config());
        t.add(command());
        t.add(function());
    }

    private static void flushMode(byte[][] a) {
        if (a.length > 2 || (a.length == 2 && !Args.is(a[1], "ASYNC") && !Args.is(a[1], "SYNC"))) throw Errors.syntax();
    }

    // ------------------------------------------------------------------ per-server state

    /** What these commands remember about one server beyond ServerStats. */
    static final class State {
        volatile long peakMemory;
    }

    private static final Map<ServerContext, State> STATES = Collections.synchronizedMap(new WeakHashMap<>());

    static State state(ServerContext s) {
        return STATES.computeIfAbsent(s, k -> new State());
    }

    // ------------------------------------------------------------------ SAVE, BGSAVE, SHUTDOWN, SWAPDB

    /**
     * SAVE: a checkpoint, off the event loop; the reply waits for it (a checkpoint already in progress is waited for,
     * then one is taken, where Redis refuses a SAVE during a BGSAVE).
     */
    private static void save(Client c, byte[][] a) {
        CompletableFuture<SnapshotInfo> done = c.server().saves().save();
        c.replyWhen(done, () -> {
            try {
                done.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw Errors.error("ERR " + (cause instanceof io.cairn.CairnException ? cause.getMessage() : cause.toString()));
            }
            c.reply().ok();
        });
    }

    /** Names BACKUP accepts: one directory name, nothing that could leave backup-dir. */
    private static final java.util.regex.Pattern BACKUP_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

    /**
     * BACKUP name (Cairn's own): {@link io.cairn.Cairn#backup} into {@code backup-dir/name}, off the event loop; replies
     * with the log sequence the copy holds everything up to. The name is a plain directory name, so a client can only
     * write under the directory the operator configured.
     */
    private static void backup(Client c, byte[][] a) {
        String name = new String(a[1], java.nio.charset.StandardCharsets.UTF_8);
        if (!BACKUP_NAME.matcher(name).matches()) {
            throw Errors.error("ERR backup name must be 1-100 letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        String configured = c.server().config().get("backup-dir");
        java.nio.file.Path base = configured.isEmpty()
                ? java.nio.file.Path.of(c.server().config().get("dir")).resolve("backups") : java.nio.file.Path.of(configured);
        java.nio.file.Path target = base.resolve(name);
        io.cairn.Cairn store = c.server().store();
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                long seq = store.backup(target);
                org.slf4j.LoggerFactory.getLogger("io.cairn.server").info("BACKUP written to {} (log sequence {})", target, seq);
                done.complete(seq);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "cairn-backup");
        t.setDaemon(true);
        t.start();
        c.replyWhen(done, () -> {
            try {
                c.reply().integer(done.join());
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw Errors.error("ERR " + (cause instanceof io.cairn.CairnException ? cause.getMessage() : cause.toString()));
            }
        });
    }

    private static void bgsave(Client c, byte[][] a) {
        if (a.length > 2 || (a.length == 2 && !Args.is(a[1], "SCHEDULE"))) throw Errors.syntax();
        switch (c.server().saves().background(a.length == 2)) {
            case STARTED -> c.reply().simple("Background saving started");
            case SCHEDULED -> c.reply().simple("Background saving scheduled");
            case BUSY -> throw Errors.error("ERR Background save already in progress");
        }
    }

    private static void shutdown(Client c, byte[][] a) {
        boolean nosave = false;
        boolean save = false;
        boolean other = false;
        boolean abort = false;
        for (int i = 1; i < a.length; i++) {
            if (Args.is(a[i], "NOSAVE")) nosave = true;
            else if (Args.is(a[i], "SAVE")) save = true;
            else if (Args.is(a[i], "NOW") || Args.is(a[i], "FORCE")) other = true;
            else if (Args.is(a[i], "ABORT")) abort = true;
            else throw Errors.syntax();
        }
        if ((abort && (nosave || save || other)) || (nosave && save)) throw Errors.syntax();
        if (abort) throw Errors.error("ERR No shutdown in progress.");
        // no reply, as Redis: the connection closes when the server does, and runs nothing after this
        c.endRequests();
        c.server().shutdownAsync("User requested shutdown...", save || (!nosave && c.server().checkpointOnShutdown()));
    }

    private static void swapdb(Client c, byte[][] a) {
        if (c.server().cluster() != null) throw Errors.error("ERR SWAPDB is not allowed in cluster mode");
        Long x = Args.parseLong(a[1]);
        if (x == null || x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) throw Errors.error("ERR invalid first DB index");
        Long y = Args.parseLong(a[2]);
        if (y == null || y < Integer.MIN_VALUE || y > Integer.MAX_VALUE) throw Errors.error("ERR invalid second DB index");
        int n = c.server().databases();
        if (x < 0 || x >= n || y < 0 || y >= n) throw Errors.error(Errors.DB_INDEX);
        c.writer().swapKeyspaces(c.server().db(x.intValue()), c.server().db(y.intValue())); // the reply waits, not the loop
        c.reply().ok();
    }

    // ------------------------------------------------------------------ INFO

    private static final List<String> DEFAULT_SECTIONS =
            List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats",
                    "cluster", "keyspace", "cairn");
    private static final List<String> ALL_SECTIONS =
            List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats",
                    "errorstats", "latencystats", "cluster", "keyspace", "cairn");

    /**
     * INFO's text for the sections asked for: none or {@code default} for the default sections, {@code all} and
     * {@code everything} for all of them (commandstats and latencystats included), else those named, in Redis's order.
     * Sections are Redis's, plus {@code cairn}: the store and every keyspace, one line each,
     * {@code ks_<name>:kind=hash,keys=3,expires=0,db=-1} (bytes of the name outside {@code [A-Za-z0-9_.-]} written as
     * {@code %XX}; db is -1 for a named keyspace).
     */
    static String info(Client c, byte[][] args) {
        Set<String> wanted = new LinkedHashSet<>();
        if (args.length == 0) wanted.addAll(DEFAULT_SECTIONS);
        for (byte[] a : args) {
            String s = Args.str(a).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> wanted.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> wanted.addAll(ALL_SECTIONS);
                default -> wanted.add(s);
            }
        }
        ServerContext s = c.server();
        State st = state(s);
        Observability obs = Observability.of(s);
        StringBuilder out = new StringBuilder();
        Stats stats = null;
        for (String section : ALL_SECTIONS) {
            if (!wanted.contains(section)) continue;
            if (stats == null) stats = s.store().stats();
            if (out.length() > 0) out.append("\r\n");
            switch (section) {
                case "server" -> server(out, c);
                case "clients" -> clients(out, s);
                case "memory" -> memory(out, s, st, stats);
                case "persistence" -> persistence(out, s, stats);
                case "stats" -> stats(out, s, obs, stats);
                case "replication" -> {
                    if (s.cluster() != null) io.cairn.server.cluster.ClusterInfo.replication(out, s);
                    else replication(out, s);
                }
                case "cpu" -> cpu(out);
                case "modules" -> out.append("# Modules\r\n");
                case "commandstats" -> commandstats(out, s);
                case "errorstats" -> errorstats(out, obs);
                case "latencystats" -> latencystats(out, s);
                case "cluster" -> cluster(out, s);
                case "keyspace" -> keyspace(out, s);
                case "cairn" -> cairn(out, s, stats);
                default -> throw new IllegalStateException(section);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }

    private static void server(StringBuilder out, Client c) {
        ServerContext s = c.server();
        long uptime = (System.currentTimeMillis() - s.startedAt()) / 1000;
        String hz = s.config().get("hz");
        out.append("# Server\r\n");
        line(out, "redis_version", Version.REDIS_COMPAT);
        line(out, "cairn_version", Version.VERSION);
        line(out, "redis_git_sha1", "00000000");
        line(out, "redis_git_dirty", 0);
        line(out, "redis_build_id", "0");
        line(out, "redis_mode", s.cluster() != null ? "cluster" : "standalone");
        line(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        line(out, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
        line(out, "monotonic_clock", "JVM System.nanoTime");
        line(out, "multiplexing_api", c.channel().getClass().getSimpleName().startsWith("Epoll") ? "epoll" : "nio");
        line(out, "java_version", System.getProperty("java.version"));
        line(out, "java_vm", System.getProperty("java.vm.name"));
        line(out, "process_id", ProcessHandle.current().pid());
        line(out, "process_supervised", "no");
        line(out, "run_id", s.runId());
        line(out, "tcp_port", s.port());
        line(out, "server_time_usec", currentMicros());
        line(out, "uptime_in_seconds", uptime);
        line(out, "uptime_in_days", uptime / 86400);
        line(out, "hz", hz);
        line(out, "configured_hz", hz);
        line(out, "lru_clock", (System.currentTimeMillis() / 1000) & ((1 << 24) - 1));
        line(out, "executable", ProcessHandle.current().info().command().orElse(""));
        Path file = s.config().file();
        line(out, "config_file", file == null ? "" : file.toString());
        line(out, "io_threads_active", 0);
    }

    private static long currentMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static void clients(StringBuilder out, ServerContext s) {
        out.append("# Clients\r\n");
        line(out, "connected_clients", s.clients().size());
        line(out, "cluster_connections", 0);
        line(out, "maxclients", s.config().get("maxclients"));
        long maxInput = 0;
        long maxOutput = 0;
        int pubsub = 0;
        for (Client x : s.clients()) {
            Client.Buffers b = x.buffers();
            maxInput = Math.max(maxInput, b.queryBuffer() + b.argvMemory());
            maxOutput = Math.max(maxOutput, b.replyBuffer() + b.replyListBytes());
            if (x.subscribed()) pubsub++;
        }
        // the largest buffers of the clients connected now (Redis: the largest of the last few seconds)
        line(out, "client_recent_max_input_buffer", maxInput);
        line(out, "client_recent_max_output_buffer", maxOutput);
        line(out, "blocked_clients", Blocking.of(s).size());
        line(out, "pubsub_clients", pubsub);
        line(out, "tracking_clients", 0);
        line(out, "clients_in_timeout_table", 0);
    }

    private static void memory(StringBuilder out, ServerContext s, State st, Stats stats) {
        Runtime r = Runtime.getRuntime();
        long used = stats.usedMemory(); // the store's account of its data, which maxmemory limits: not the heap in use
        long peak = Math.max(st.peakMemory, used);
        st.peakMemory = peak;
        long rss = rss();
        long system = totalSystemMemory();
        long max = s.config().getLong("maxmemory");
        out.append("# Memory\r\n");
        line(out, "used_memory", used);
        line(out, "used_memory_human", human(used));
        line(out, "used_memory_rss", rss);
        line(out, "used_memory_rss_human", human(rss));
        line(out, "used_memory_peak", peak);
        line(out, "used_memory_peak_human", human(peak));
        line(out, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 0.0 : used * 100.0 / peak));
        line(out, "used_memory_overhead", 0); // the account holds only the data (indexes included): see MEMORY STATS
        line(out, "used_memory_startup", 0);
        line(out, "used_memory_dataset", used);
        line(out, "used_memory_dataset_perc", used == 0 ? "0.00%" : "100.00%");
        line(out, "total_system_memory", system);
        line(out, "total_system_memory_human", human(system));
        line(out, "maxmemory", max);
        line(out, "maxmemory_human", human(max));
        line(out, "maxmemory_policy", s.config().get("maxmemory-policy"));
        line(out, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
        line(out, "mem_fragmentation_bytes", rss - used);
        line(out, "mem_not_counted_for_evict", 0);
        line(out, "mem_replication_backlog", 0);
        line(out, "mem_clients_slaves", 0);
        line(out, "mem_clients_normal", 0);
        line(out, "mem_aof_buffer", 0);
        line(out, "mem_allocator", "jvm");
        line(out, "lazyfree_pending_objects", 0);
        line(out, "cairn_heap_used", r.totalMemory() - r.freeMemory());
        line(out, "cairn_data_bytes", stats.bytes());
        line(out, "cairn_heap_committed", r.totalMemory());
        line(out, "cairn_heap_max", r.maxMemory());
    }

    /** The resident set size from /proc/self/statm (Linux), else the JVM's committed heap. */
    private static long rss() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm"), StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** Redis's bytesToHuman: 512B, 1.50K, 2.00M, 1.00G... */
    static String human(long n) {
        double d = n;
        if (n < 1024) return n + "B";
        if (n < 1024L * 1024) return String.format(Locale.ROOT, "%.2fK", d / 1024);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.2fM", d / (1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fG", d / (1024L * 1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fT", d / (1024L * 1024 * 1024 * 1024));
        return String.format(Locale.ROOT, "%.2fP", d / (1024L * 1024 * 1024 * 1024 * 1024));
    }

    /**
     * Redis's fields from the store's checkpoints: rdb_* describe checkpoints (whoever started them: SAVE, BGSAVE, the
     * timer or the log size), aof_* the write-ahead log, which is always on and never rewritten.
     */
    private static void persistence(StringBuilder out, ServerContext s, Stats stats) {
        Saves saves = s.saves();
        RecoveryInfo recovery = s.store().recoveryInfo();
        out.append("# Persistence\r\n");
        line(out, "loading", 0);
        line(out, "async_loading", 0);
        line(out, "current_cow_peak", 0);
        // log records since the newest snapshot: what a restart would replay
        line(out, "rdb_changes_since_last_save", Math.max(0, stats.lastSequence() - stats.snapshotSequence()));
        line(out, "rdb_bgsave_in_progress", saves.inProgress(stats) ? 1 : 0);
        line(out, "rdb_last_save_time", saves.lastSaveMillis(stats) / 1000);
        line(out, "rdb_last_bgsave_status", stats.lastCheckpointFailed() ? "err" : "ok");
        line(out, "rdb_last_bgsave_time_sec", stats.checkpoints() == 0 ? -1 : stats.lastCheckpointTook().toSeconds());
        line(out, "rdb_current_bgsave_time_sec", saves.currentSeconds(stats));
        line(out, "rdb_saves", stats.checkpoints());
        line(out, "rdb_last_load_keys_loaded", recovery.snapshotEntries());
        line(out, "aof_enabled", 1);
        line(out, "aof_rewrite_in_progress", 0);
        line(out, "aof_rewrite_scheduled", 0);
        line(out, "aof_last_rewrite_time_sec", -1);
        line(out, "aof_last_bgrewrite_status", "ok");
        line(out, "aof_last_write_status", "ok");
        line(out, "aof_current_size", stats.walBytes());
        line(out, "aof_pending_bio_fsync", 0);
        line(out, "aof_delayed_fsync", 0);
        line(out, "cairn_appendfsync", s.config().get("appendfsync"));
        line(out, "cairn_wal_segments", stats.walSegments());
        line(out, "cairn_wal_bytes", stats.walBytes());
        line(out, "cairn_wal_last_sequence", stats.lastSequence());
        line(out, "cairn_wal_writes", stats.writes());
        line(out, "cairn_wal_fsyncs", stats.fsyncs());
        line(out, "cairn_wal_last_fsync_usec", stats.lastFsync().toNanos() / 1000);
        line(out, "cairn_wal_p99_fsync_usec", stats.p99Fsync().toNanos() / 1000);
        line(out, "cairn_snapshot_sequence", stats.snapshotSequence());
        line(out, "cairn_snapshots_kept", saves.kept(stats));
        line(out, "cairn_log_bytes_since_checkpoint", stats.logBytesSinceCheckpoint());
        line(out, "cairn_last_checkpoint_pause_usec", stats.lastCheckpointPause().toNanos() / 1000);
        line(out, "cairn_recovery_snapshot_sequence", recovery.snapshotSequence());
        line(out, "cairn_recovery_records_replayed", recovery.recordsReplayed());
        line(out, "cairn_recovery_snapshots_skipped", recovery.snapshotsSkipped().size());
        line(out, "cairn_recovery_ms", recovery.took().toMillis());
    }

    private static void stats(StringBuilder out, ServerContext s, Observability obs, Stats stats) {
        ServerStats n = s.stats();
        out.append("# Stats\r\n");
        line(out, "total_connections_received", n.connectionsReceived.sum());
        line(out, "total_commands_processed", n.commandsProcessed.sum());
        line(out, "instantaneous_ops_per_sec", obs.opsPerSecond());
        line(out, "total_net_input_bytes", n.netInputBytes.sum());
        line(out, "total_net_output_bytes", n.netOutputBytes.sum());
        line(out, "total_net_repl_input_bytes", 0);
        line(out, "total_net_repl_output_bytes", 0);
        line(out, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", obs.inputKbps()));
        line(out, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", obs.outputKbps()));
        line(out, "instantaneous_input_repl_kbps", "0.00");
        line(out, "instantaneous_output_repl_kbps", "0.00");
        line(out, "rejected_connections", n.rejectedConnections.sum());
        line(out, "sync_full", 0);
        line(out, "sync_partial_ok", 0);
        line(out, "sync_partial_err", 0);
        line(out, "expired_keys", n.expiredKeys(stats)); // the store's expiry cycle removes every expired key
        // of the entries held, the share expired but not yet removed by the expiry cycle (exact, not sampled)
        long held = stats.keys() + stats.expiredStale();
        line(out, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", held == 0 ? 0.0 : stats.expiredStale() * 100.0 / held));
        line(out, "expired_time_cap_reached_count", stats.expireCyclesCapped());
        line(out, "expire_cycle_cpu_milliseconds", stats.expireCycleTime().toMillis());
        line(out, "evicted_keys", stats.evictedKeys());
        line(out, "evicted_clients", 0);
        line(out, "keyspace_hits", n.keyspaceHits(stats));
        line(out, "keyspace_misses", n.keyspaceMisses(stats));
        line(out, "pubsub_channels", s.pubsub().channelCount());
        line(out, "pubsub_patterns", s.pubsub().patternCount());
        line(out, "pubsubshard_channels", 0);
        line(out, "latest_fork_usec", 0);
        line(out, "total_forks", 0);
        line(out, "unexpected_error_replies", n.unexpectedErrorReplies.sum());
        line(out, "total_error_replies", n.errorReplies.sum());
        line(out, "total_reads_processed", n.readsProcessed.sum());
        line(out, "total_writes_processed", n.writesProcessed.sum());
        line(out, "cairn_protocol_errors", n.protocolErrors.sum());
    }

    private static void replication(StringBuilder out, ServerContext s) {
        out.append("# Replication\r\n");
        line(out, "role", "master");
        line(out, "connected_slaves", 0);
        line(out, "master_failover_state", "no-failover");
        line(out, "master_replid", s.runId());
        line(out, "master_replid2", "0000000000000000000000000000000000000000");
        line(out, "master_repl_offset", 0);
        line(out, "second_repl_offset", -1);
        line(out, "repl_backlog_active", 0);
        line(out, "repl_backlog_size", s.config().get("repl-backlog-size"));
        line(out, "repl_backlog_first_byte_offset", 0);
        line(out, "repl_backlog_histlen", 0);
    }

    private static void cpu(StringBuilder out) {
        double user;
        double sys;
        double[] proc = procCpu();
        if (proc != null) {
            user = proc[0];
            sys = proc[1];
        } else {
            long nanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
            user = nanos < 0 ? 0 : nanos / 1e9;
            sys = 0;
        }
        out.append("# CPU\r\n");
        line(out, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", sys));
        line(out, "used_cpu_user", String.format(Locale.ROOT, "%.6f", user));
        line(out, "used_cpu_sys_children", "0.000000");
        line(out, "used_cpu_user_children", "0.000000");
    }

    /** User and system CPU seconds from /proc/self/stat (Linux, 100 ticks a second), or null. */
    private static double[] procCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "pid (comm) ", field 3 (state) is f[0]; utime is field 14, stime field 15
            return new double[]{Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void commandstats(StringBuilder out, ServerContext s) {
        out.append("# Commandstats\r\n");
        for (Command cmd : everyCommand(s)) {
            long calls = cmd.stats().calls();
            long failed = cmd.stats().failedCalls();
            long rejected = cmd.stats().rejectedCalls();
            if (calls == 0 && failed == 0 && rejected == 0) continue;
            long usec = cmd.stats().micros();
            out.append("cmdstat_").append(cmd.name()).append(":calls=").append(calls).append(",usec=").append(usec)
                    .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls))
                    .append(",rejected_calls=").append(rejected).append(",failed_calls=").append(failed).append("\r\n");
        }
    }

    /** {@code errorstat_<CODE>:count=N} per error code replied since the start or CONFIG RESETSTAT. */
    private static void errorstats(StringBuilder out, Observability obs) {
        out.append("# Errorstats\r\n");
        obs.errorCounts().forEach((code, n) -> out.append("errorstat_").append(code).append(":count=").append(n).append("\r\n"));
    }

    /**
     * {@code latency_percentiles_usec_<cmd>:p50=1.003,p99=3.007,p99.9=8.031}: the percentiles
     * latency-tracking-info-percentiles names, of each command's histogram, in microseconds.
     */
    private static void latencystats(StringBuilder out, ServerContext s) {
        out.append("# Latencystats\r\n");
        if (!s.config().getBool("latency-tracking")) return;
        String[] wanted = s.config().get("latency-tracking-info-percentiles").trim().split("\\s+");
        List<String> labels = new ArrayList<>();
        List<Double> percentiles = new ArrayList<>();
        for (String w : wanted) {
            if (w.isEmpty()) continue;
            double d = Double.parseDouble(w);
            percentiles.add(d);
            labels.add(new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString());
        }
        for (Command cmd : everyCommand(s)) {
            org.HdrHistogram.Histogram h = cmd.stats().latencies();
            if (h == null) continue;
            out.append("latency_percentiles_usec_").append(cmd.name()).append(':');
            for (int i = 0; i < percentiles.size(); i++) {
                if (i > 0) out.append(',');
                out.append('p').append(labels.get(i)).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", h.getValueAtPercentile(percentiles.get(i)) / 1000.0));
            }
            out.append("\r\n");
        }
    }

    /** Every command and subcommand in the table, by name. */
    static List<Command> everyCommand(ServerContext s) {
        List<Command> all = new ArrayList<>();
        for (Command c : s.commands().all()) {
            all.add(c);
            all.addAll(c.subcommands().values());
        }
        all.sort(java.util.Comparator.comparing(Command::name));
        return all;
    }

    /** Redis's one field, then (clustered) how the members talk: what the running Raft server uses. */
    private static void cluster(StringBuilder out, ServerContext s) {
        out.append("# Cluster\r\n");
        line(out, "cluster_enabled", s.cluster() != null ? 1 : 0);
        String transport = s.cluster() != null ? s.cluster().transport() : "";
        if (!transport.isEmpty()) line(out, "cairn_cluster_transport", transport);
    }

    private static void keyspace(StringBuilder out, ServerContext s) {
        out.append("# Keyspace\r\n");
        for (int i = 0; i < s.databases(); i++) {
            Keyspace ks = s.db(i);
            long keys = ks.size();
            if (keys == 0) continue;
            out.append("db").append(i).append(":keys=").append(keys).append(",expires=").append(ks.expiringCount())
                    .append(",avg_ttl=0\r\n");
        }
    }

    private static void cairn(StringBuilder out, ServerContext s, Stats stats) {
        out.append("# Cairn\r\n");
        line(out, "cairn_version", Version.VERSION);
        line(out, "cairn_dir", s.store().directory().toAbsolutePath());
        line(out, "cairn_default_index", s.config().get("cairn-default-index"));
        line(out, "cairn_keyspaces", stats.keyspaces());
        line(out, "cairn_keys", stats.keys());
        line(out, "cairn_bytes", stats.bytes());
        for (Keyspace ks : s.store().keyspaces()) {
            String line;
            try {
                line = "ks_" + escape(ks.name()) + ":kind=" + KeyspaceCommands.kindName(ks.kind()) + ",keys=" + ks.size()
                        + ",expires=" + ks.expiringCount() + ",db=" + KeyspaceCommands.numberedDb(s, ks.name()) + "\r\n";
            } catch (io.cairn.CairnException e) {
                continue; // dropped while INFO was being written
            }
            out.append(line);
        }
    }

    /** A keyspace name as an INFO field name: bytes outside [A-Za-z0-9_.-] as %XX. */
    static String escape(String name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xFF);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-') {
                sb.append(ch);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ CONFIG

    private static Command config() {
        return Command.of("config", -2, "").group("server").doc("A container for server configuration commands.", "2.0.0")
                .sub(Command.of("config|get", -3, "admin noscript loading stale").group("server")
                        .doc("Returns the effective values of configuration parameters.", "2.0.0").run(ServerCommands::configGet))
                .sub(Command.of("config|set", -4, "admin noscript loading stale").group("server")
                        .doc("Sets configuration parameters in-flight.", "2.0.0").run(ServerCommands::configSet))
                .sub(Command.of("config|resetstat", 2, "admin noscript loading stale").group("server")
                        .doc("Resets the server's statistics.", "2.0.0")
                        .run((c, a) -> {
                            c.server().stats().reset(c.server().store().stats());
                            for (Command cmd : everyCommand(c.server())) cmd.stats().reset();
                            Observability.of(c.server()).resetStats();
                            c.reply().ok();
                        }))
                .sub(Command.of("config|rewrite", 2, "admin noscript loading stale").group("server")
                        .doc("Persists the effective configuration to file.", "2.8.0")
                        .run((c, a) -> {
                            try {
                                c.server().config().rewrite();
                            } catch (IllegalStateException e) {
                                throw Errors.error("ERR The server is running without a config file");
                            } catch (IOException e) {
                                throw Errors.error("ERR Rewriting config file: " + e.getMessage());
                            }
                            c.reply().ok();
                        }))
                .sub(Command.of("config|help", 2, "loading stale").group("server")
                        .doc("Returns helpful text about the different subcommands.", "5.0.0")
                        .run((c, a) -> Help.reply(c, "config",
                                "GET <pattern> [<pattern> ...]",
                                "    Return parameters matching the glob-like <pattern> and their values.",
                                "SET <directive> <value> [<directive> <value> ...]",
                                "    Set the configuration <directive> to <value>. All of them, or none.",
                                "RESETSTAT",
                                "    Reset statistics reported by the INFO command.",
                                "REWRITE",
                                "    Rewrite the configuration file.")))
                .container();
    }

    private static void configGet(Client c, byte[][] a) {
        ServerConfig config = c.server().config();
        Map<String, String> values = config.snapshot();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < a.length; i++) {
            String pattern = Args.str(a[i]);
            if (!Glob.isPattern(pattern)) {
                ConfigParam p = config.param(pattern);
                if (p != null && !out.containsKey(pattern)) out.put(pattern, values.get(p.name()));
                continue;
            }
            for (ConfigParam p : config.params()) {
                if (Glob.matchIgnoreCase(pattern, p.name())) out.putIfAbsent(p.name(), values.get(p.name()));
                for (String alias : p.aliases()) {
                    if (Glob.matchIgnoreCase(pattern, alias)) out.putIfAbsent(alias, values.get(p.name()));
                }
            }
        }
        c.reply().map(out.size());
        for (Map.Entry<String, String> e : out.entrySet()) {
            c.reply().bulk(e.getKey());
            c.reply().bulk(e.getValue());
        }
    }

    private static void configSet(Client c, byte[][] a) {
        if (a.length % 2 != 0) throw Errors.arity("config|set");
        List<String> pairs = new ArrayList<>(a.length - 2);
        for (int i = 2; i < a.length; i++) pairs.add(Args.str(a[i]));
        try {
            c.server().config().setAll(pairs);
        } catch (ServerConfig.SetException e) {
            if (e.unknown()) {
                throw Errors.error("ERR Unknown option or number of arguments for CONFIG SET - '" + Errors.abbreviate(e.argument()) + "'");
            }
            throw Errors.error("ERR CONFIG SET failed (possibly related to argument '" + Errors.abbreviate(e.argument()) + "') - "
                    + e.getMessage());
        }
        c.reply().ok();
    }

    // ------------------------------------------------------------------ COMMAND

    private static Command command() {
        return Command.of("command", -1, "loading stale sentinel").group("server").doc("Returns detailed information about all commands.", "2.8.13")
                .sub(Command.of("command|count", 2, "loading stale").group("server")
                        .doc("Returns a count of commands.", "2.8.13")
                        .run((c, a) -> c.reply().integer(c.server().commands().size())))
                .sub(Command.of("command|docs", -2, "loading stale").group("server")
                        .doc("Returns documentary information about one, multiple or all commands.", "7.0.0")
                        .run(ServerCommands::commandDocs))
                .sub(Command.of("command|info", -2, "loading stale").group("server")
                        .doc("Returns information about one, multiple or all commands.", "2.8.13")
                        .run(ServerCommands::commandInfo))
                .sub(Command.of("command|list", -2, "loading stale").group("server")
                        .doc("Returns a list of command names.", "7.0.0").run(ServerCommands::commandList))
                .sub(Command.of("command|getkeys", -3, "loading stale").group("server")
                        .doc("Extracts the key names from an arbitrary command.", "2.8.13").run(ServerCommands::commandGetKeys))
                .sub(Command.of("command|help", 2, "loading stale").group("server")
                        .doc("Returns helpful text about the different subcommands.", "5.0.0")
                        .run((c, a) -> Help.reply(c, "command",
                                "(no subcommand)",
                                "    Return details about all commands.",
                                "COUNT",
                                "    Return the total number of commands in this server.",
                                "LIST",
                                "    Return a list of all commands in this server.",
                                "INFO [<command-name> ...]",
                                "    Return details about multiple commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.",
                                "DOCS [<command-name> ...]",
                                "    Return documentation details about multiple commands.",
                                "    If no command names are given, documentation details for all",
                                "    commands are returned.",
                                "GETKEYS <full-command>",
                                "    Return the keys from a full command.")))
                .run(ServerCommands::command);
    }

    /** COMMAND: with no argument every command's info; else its subcommands (dispatched here: COMMAND alone runs). */
    private static void command(Client c, byte[][] a) {
        if (a.length == 1) {
            java.util.Collection<Command> all = c.server().commands().all();
            c.reply().array(all.size());
            for (Command cmd : all) info(c, cmd);
            return;
        }
        Command self = c.server().commands().lookup("command");
        Command sub = self.subcommands().get(Args.str(a[1]).toLowerCase(Locale.ROOT));
        if (sub == null) throw Errors.unknownSubcommand(Args.str(a[1]), "command");
        if (!sub.arityOk(a.length)) throw Errors.arity(sub.name());
        sub.handler().execute(c, a);
    }

    /** A command by name, {@code container|sub} for a subcommand; null if there is none. */
    private static Command lookup(ServerContext s, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) return s.commands().lookup(name);
        Command container = s.commands().lookup(name.substring(0, bar));
        return container == null ? null : container.subcommands().get(name.substring(bar + 1).toLowerCase(Locale.ROOT));
    }

    private static void commandInfo(Client c, byte[][] a) {
        if (a.length == 2) {
            java.util.Collection<Command> all = c.server().commands().all();
            c.reply().array(all.size());
            for (Command cmd : all) info(c, cmd);
            return;
        }
        c.reply().array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            Command cmd = lookup(c.server(), Args.str(a[i]));
            if (cmd == null) c.reply().nullBulk();
            else info(c, cmd);
        }
    }

    /**
     * One command's COMMAND INFO entry, as Redis 7: name, arity, flags, first key, last key, step, ACL categories,
     * tips, key specifications, subcommands. Flags are Redis's spelling ({@code no_auth}); key specifications are
     * derived from first/last/step (RO for readonly commands, RW otherwise).
     */
    private static void info(Client c, Command cmd) {
        c.reply().array(10);
        c.reply().bulk(cmd.name());
        c.reply().integer(cmd.arity());
        Set<String> flags = new TreeSet<>();
        for (String f : cmd.flags()) flags.add(f.replace('-', '_'));
        c.reply().set(flags.size());
        for (String f : flags) c.reply().simple(f);
        c.reply().integer(cmd.firstKey());
        c.reply().integer(cmd.lastKey());
        c.reply().integer(cmd.step());
        Set<String> categories = categories(cmd);
        c.reply().set(categories.size());
        for (String cat : categories) c.reply().simple(cat);
        c.reply().set(0); // tips
        if (cmd.firstKey() > 0) {
            c.reply().array(1);
            keySpec(c, cmd);
        } else {
            c.reply().array(0);
        }
        c.reply().array(cmd.subcommands().size());
        for (Command sub : new TreeMap<>(cmd.subcommands()).values()) info(c, sub);
    }

    private static void keySpec(Client c, Command cmd) {
        c.reply().map(3);
        c.reply().bulk("flags");
        if (cmd.has("readonly") && !cmd.isWrite()) {
            c.reply().set(2);
            c.reply().simple("RO");
            c.reply().simple("ACCESS");
        } else {
            c.reply().set(1);
            c.reply().simple("RW");
        }
        c.reply().bulk("begin_search");
        c.reply().map(2);
        c.reply().bulk("type");
        c.reply().bulk("index");
        c.reply().bulk("spec");
        c.reply().map(1);
        c.reply().bulk("index");
        c.reply().integer(cmd.firstKey());
        c.reply().bulk("find_keys");
        c.reply().map(2);
        c.reply().bulk("type");
        c.reply().bulk("range");
        c.reply().bulk("spec");
        c.reply().map(3);
        c.reply().bulk("lastkey");
        c.reply().integer(cmd.lastKey() < 0 ? cmd.lastKey() : cmd.lastKey() - cmd.firstKey());
        c.reply().bulk("keystep");
        c.reply().integer(Math.max(1, cmd.step()));
        c.reply().bulk("limit");
        c.reply().integer(0);
    }

    private static final Map<String, String> GROUP_CATEGORIES = Map.ofEntries(
            Map.entry("string", "@string"), Map.entry("generic", "@keyspace"), Map.entry("connection", "@connection"),
            Map.entry("hash", "@hash"), Map.entry("list", "@list"), Map.entry("set", "@set"), Map.entry("sorted-set", "@sortedset"),
            Map.entry("stream", "@stream"), Map.entry("pubsub", "@pubsub"), Map.entry("transactions", "@transaction"),
            Map.entry("scripting", "@scripting"), Map.entry("bitmap", "@bitmap"), Map.entry("hyperloglog", "@hyperloglog"),
            Map.entry("geo", "@geo"));

    /** ACL categories from the flags and the group, as Redis derives most of them. */
    static Set<String> categories(Command cmd) {
        Set<String> s = new LinkedHashSet<>();
        if (cmd.isWrite()) s.add("@write");
        if (cmd.has("readonly")) s.add("@read");
        if (cmd.has("admin")) {
            s.add("@admin");
            s.add("@dangerous");
        }
        String g = GROUP_CATEGORIES.get(cmd.group());
        if (g != null) s.add(g);
        s.add(cmd.has("fast") ? "@fast" : "@slow");
        return s;
    }

    private static void commandDocs(Client c, byte[][] a) {
        List<Command> shown = new ArrayList<>();
        if (a.length == 2) {
            shown.addAll(c.server().commands().all());
        } else {
            for (int i = 2; i < a.length; i++) {
                Command cmd = lookup(c.server(), Args.str(a[i]));
                if (cmd != null && !shown.contains(cmd)) shown.add(cmd);
            }
        }
        c.reply().map(shown.size());
        for (Command cmd : shown) {
            c.reply().bulk(cmd.name());
            docs(c, cmd);
        }
    }

    /** One command's COMMAND DOCS map: summary, since, group, and its subcommands' docs. */
    private static void docs(Client c, Command cmd) {
        boolean subs = !cmd.subcommands().isEmpty();
        List<CommandSyntax.Arg> args = CommandSyntax.of(cmd.name());
        boolean hasArgs = args != null && !args.isEmpty();
        c.reply().map((subs ? 4 : 3) + (hasArgs ? 1 : 0));
        c.reply().bulk("summary");
        c.reply().bulk(cmd.summary());
        c.reply().bulk("since");
        c.reply().bulk(cmd.since());
        c.reply().bulk("group");
        c.reply().bulk(cmd.group());
        if (hasArgs) {
            c.reply().bulk("arguments"); // redis-cli builds its input hints from these
            CommandSyntax.write(c.reply(), args);
        }
        if (subs) {
            c.reply().bulk("subcommands");
            c.reply().map(cmd.subcommands().size());
            for (Command sub : new TreeMap<>(cmd.subcommands()).values()) {
                c.reply().bulk(sub.name());
                docs(c, sub);
            }
        }
    }

    private static void commandList(Client c, byte[][] a) {
        List<Command> all = new ArrayList<>();
        for (Command cmd : c.server().commands().all()) {
            all.add(cmd);
            all.addAll(new TreeMap<>(cmd.subcommands()).values());
        }
        List<String> names = new ArrayList<>();
        if (a.length == 2) {
            for (Command cmd : all) names.add(cmd.name());
        } else if (a.length == 5 && Args.is(a[2], "FILTERBY")) {
            String arg = Args.str(a[4]);
            if (Args.is(a[3], "MODULE")) {
                // no modules: nothing
            } else if (Args.is(a[3], "ACLCAT")) {
                String cat = "@" + arg.toLowerCase(Locale.ROOT);
                for (Command cmd : all) if (categories(cmd).contains(cat)) names.add(cmd.name());
            } else if (Args.is(a[3], "PATTERN")) {
                for (Command cmd : all) if (Glob.matchIgnoreCase(arg, cmd.name())) names.add(cmd.name());
            } else {
                throw Errors.syntax();
            }
        } else {
            throw Errors.syntax();
        }
        c.reply().array(names.size());
        for (String n : names) c.reply().bulk(n);
    }

    private static void commandGetKeys(Client c, byte[][] a) {
        byte[][] argv = Arrays.copyOfRange(a, 2, a.length);
        Command cmd = c.server().commands().lookup(argv[0]);
        if (cmd == null) throw Errors.error("ERR Invalid command specified");
        if (cmd.handler() == null || (!cmd.subcommands().isEmpty() && argv.length > 1
                && cmd.subcommands().containsKey(Args.str(argv[1]).toLowerCase(Locale.ROOT)))) {
            if (argv.length < 2) throw Errors.error("ERR Invalid number of arguments specified for command");
            Command sub = cmd.subcommands().get(Args.str(argv[1]).toLowerCase(Locale.ROOT));
            if (sub == null) throw Errors.error("ERR Invalid command specified");
            cmd = sub;
        }
        if (!cmd.arityOk(argv.length)) throw Errors.error("ERR Invalid number of arguments specified for command");
        List<Integer> keys = cmd.keyPositions(argv.length);
        if (keys.isEmpty()) throw Errors.error("ERR The command has no key arguments");
        c.reply().array(keys.size());
        for (int k : keys) c.reply().bulk(argv[k]);
    }

    // ------------------------------------------------------------------ FUNCTION

    private static Command function() {
        return Command.of("function", -2, "").group("scripting").doc("A container for function commands.", "7.0.0")
                .sub(Command.of("function|list", -2, "noscript").group("scripting")
                        .doc("Returns information about all libraries (none: Cairn runs no functions yet).", "7.0.0")
                        .run((c, a) -> {
                            for (int i = 2; i < a.length; i++) {
                                if (Args.is(a[i], "WITHCODE")) continue;
                                if (Args.is(a[i], "LIBRARYNAME") && i + 1 < a.length) {
                                    i++;
                                    continue;
                                }
                                throw Errors.error("ERR Unknown argument " + Errors.abbreviate(Args.str(a[i])));
                            }
                            c.reply().array(0);
                        }))
                .sub(Command.of("function|flush", -2, "write noscript").group("scripting")
                        .doc("Deletes all libraries and functions (there are none).", "7.0.0")
                        .run((c, a) -> {
                            if (a.length > 3 || (a.length == 3 && !Args.is(a[2], "ASYNC") && !Args.is(a[2], "SYNC"))) {
                                throw Errors.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                            }
                            c.reply().ok();
                        }))
                .sub(Command.of("function|stats", 2, "noscript allow-busy").group("scripting")
                        .doc("Returns information about a function during execution (none run).", "7.0.0")
                        .run((c, a) -> {
                            c.reply().map(2);
                            c.reply().bulk("running_script");
                            c.reply().nullBulk();
                            c.reply().bulk("engines");
                            c.reply().map(1);
                            c.reply().bulk("LUA");
                            c.reply().map(2);
                            c.reply().bulk("libraries_count");
                            c.reply().integer(0);
                            c.reply().bulk("functions_count");
                            c.reply().integer(0);
                        }))
                .sub(Command.of("function|help", 2, "loading stale").group("scripting")
                        .doc("Returns helpful text about the different subcommands.", "7.0.0")
                        .run((c, a) -> Help.reply(c, "function",
                                "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
                                "    Return general information on all the libraries (Cairn: none yet).",
                                "FLUSH [ASYNC|SYNC]",
                                "    Delete all the libraries (there are none).",
                                "STATS",
                                "    Return information about the function engines.")))
                .container();
    }
}
