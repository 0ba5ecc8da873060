package io.cairn.server;

import io.cairn.Cairn;
import io.cairn.Keyspace;
import io.cairn.Stats;
import io.cairn.server.command.Blocking;
import io.cairn.server.command.Command;
import io.cairn.server.command.Saves;
import io.cairn.server.command.ServerStats;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus endpoint ({@code metrics-port}): INFO's figures, read at scrape time by callback gauges and counters
 * from the store's {@link Stats}, the server's {@link ServerStats} and each command's {@link Command.Stats}, so nothing
 * is counted twice; plus one latency histogram per command, the only thing observed on the command path.
 *
 * <p>Counters are the server's own, so CONFIG RESETSTAT makes them drop to zero, which Prometheus's {@code rate()}
 * treats as a counter reset. Figures that need the store are absent while it loads.
 *
 * <p>Thread safety: scrapes run on the exporter's threads and only read counters the event loops update lock-free.
 */
final class Metrics implements AutoCloseable {
    /** Dispatch time of a command (reply written, before it waits for durability): 10 µs to 10 s. */
    static final double[] LATENCY_BUCKETS = {
            0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5, 5, 10};

    private final CairnServer server;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram latency;
    private final List<Command> instrumented = new ArrayList<>();
    private HTTPServer http;

    Metrics(CairnServer server) {
        this.server = server;
        ServerStats n = server.stats();
        counter("cairn_commands_processed_total", "Commands run (INFO total_commands_processed); rate() gives ops/sec",
                () -> n.commandsProcessed.sum());
        counter("cairn_connections_received_total", "Connections accepted", () -> n.connectionsReceived.sum());
        counter("cairn_rejected_connections_total", "Connections refused (maxclients, protected mode)",
                () -> n.rejectedConnections.sum());
        counter("cairn_net_input_bytes_total", "Bytes read from clients", () -> n.netInputBytes.sum());
        counter("cairn_net_output_bytes_total", "Bytes written to clients", () -> n.netOutputBytes.sum());
        counter("cairn_error_replies_total", "Error replies sent (INFO total_error_replies)", () -> n.errorReplies.sum());
        counter("cairn_protocol_errors_total", "Connections closed for a protocol error", () -> n.protocolErrors.sum());
        gauge("cairn_uptime_seconds", "Seconds since the server started",
                () -> (System.currentTimeMillis() - server.startedAt()) / 1000.0);
        gauge("cairn_connected_clients", "Connected clients", () -> server.clientCount());
        gauge("cairn_heap_used_bytes", "JVM heap in use (INFO cairn_heap_used)", () -> {
            Runtime r = Runtime.getRuntime();
            return r.totalMemory() - r.freeMemory();
        });
        gauge("cairn_maxmemory_bytes", "The maxmemory setting; 0: no limit", () -> server.config().getLong("maxmemory"));
        gauge("cairn_loading", "1 while the store is being loaded (INFO loading)", () -> server.ready() ? 0 : 1);
        // the rest needs the open store
        storeGauge("cairn_blocked_clients", "Clients blocked on a list, sorted set or SAVE",
                s -> Blocking.of(server).size());
        storeCounter("cairn_expired_keys_total", "Keys removed because their time to live passed",
                n::expiredKeys);
        storeCounter("cairn_keyspace_hits_total", "Lookups by read commands of a key that existed (INFO keyspace_hits)",
                n::keyspaceHits);
        storeCounter("cairn_keyspace_misses_total", "Lookups by read commands of a key that did not exist"
                + " (INFO keyspace_misses)", n::keyspaceMisses);
        storeGauge("cairn_keys", "Live keys in every keyspace", Stats::keys);
        storeGauge("cairn_used_memory_bytes", "The store's account of the memory its data holds, which maxmemory limits"
                + " (INFO used_memory)", Stats::usedMemory);
        storeCounter("cairn_evicted_keys_total", "Keys evicted to stay within maxmemory or maxkeys (INFO evicted_keys)",
                Stats::evictedKeys);
        storeGauge("cairn_dataset_bytes", "Key and value bytes held in memory (INFO cairn_bytes)", Stats::bytes);
        storeGauge("cairn_log_bytes", "Bytes of write-ahead log on disk (used part of every segment)", Stats::walBytes);
        storeGauge("cairn_log_segments", "Write-ahead log segment files", Stats::walSegments);
        storeGauge("cairn_log_since_checkpoint_bytes", "Log bytes written since the newest snapshot: what a start replays",
                Stats::logBytesSinceCheckpoint);
        storeCounter("cairn_log_writes_total", "Records appended to the log since the store opened", Stats::writes);
        storeCounter("cairn_log_fsyncs_total", "fsyncs of the log since the store opened", Stats::fsyncs);
        storeGauge("cairn_fsync_last_seconds", "How long the newest fsync of the log took",
                s -> s.lastFsync().toNanos() / 1e9);
        storeGauge("cairn_fsync_p99_seconds", "99th percentile of the last 1,024 fsyncs of the log",
                s -> s.p99Fsync().toNanos() / 1e9);
        storeCounter("cairn_checkpoints_total", "Checkpoints taken since the store opened", Stats::checkpoints);
        storeGauge("cairn_checkpoint_in_progress", "1 while a checkpoint is being taken",
                s -> s.checkpointInProgress() ? 1 : 0);
        storeGauge("cairn_last_checkpoint_timestamp_seconds", "When the newest snapshot was taken (INFO rdb_last_save_time)",
                s -> saves().lastSaveMillis(s) / 1000.0);
        storeGauge("cairn_last_checkpoint_duration_seconds", "How long the newest checkpoint took; 0 if none since start",
                s -> s.lastCheckpointTook().toNanos() / 1e9);
        storeGauge("cairn_last_checkpoint_pause_seconds", "How long the newest checkpoint held writers back",
                s -> s.lastCheckpointPause().toNanos() / 1e9);
        storeGauge("cairn_last_checkpoint_success", "0 if the newest checkpoint failed, else 1",
                s -> s.lastCheckpointFailed() ? 0 : 1);
        GaugeWithCallback.builder().name("cairn_db_keys").help("Keys in a numbered database (INFO keyspace)")
                .labelNames("db").callback(cb -> eachDb((i, ks) -> cb.call(ks.size(), Integer.toString(i))))
                .register(registry);
        GaugeWithCallback.builder().name("cairn_db_expiring_keys").help("Keys with a time to live in a numbered database")
                .labelNames("db").callback(cb -> eachDb((i, ks) -> cb.call(ks.expiringCount(), Integer.toString(i))))
                .register(registry);
        GaugeWithCallback.builder().name("cairn_keyspace_keys")
                .help("Keys in a keyspace of the store, by name (numbered databases are default, db1, db2, ...)")
                .labelNames("keyspace").callback(cb -> {
                    Cairn store = server.store();
                    if (!server.ready() || store == null || store.isClosed()) return;
                    for (Keyspace ks : store.keyspaces()) cb.call(ks.size(), ks.name());
                }).register(registry);
        CounterWithCallback.builder().name("cairn_command_calls_total").help("Calls of a command (INFO commandstats)")
                .labelNames("command").callback(cb -> eachCommand(c -> cb.call(c.stats().calls(), c.name())))
                .register(registry);
        CounterWithCallback.builder().name("cairn_command_failed_calls_total")
                .help("Calls of a command that replied with an error (INFO commandstats failed_calls)")
                .labelNames("command").callback(cb -> eachCommand(c -> cb.call(c.stats().failedCalls(), c.name())))
                .register(registry);
        latency = Histogram.builder().name("cairn_command_duration_seconds")
                .help("Time a command took to run on its event loop, excluding the wait for its fsync")
                .labelNames("command").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
                .register(registry);
        for (Command c : server.commands().all()) {
            instrument(c);
            for (Command sub : c.subcommands().values()) instrument(sub);
        }
    }

    /** Serves {@code /metrics} on {@code host:port} (0: one the OS picks). */
    Metrics start(String host, int port) throws IOException {
        try {
            http = HTTPServer.builder().inetAddress(InetAddress.getByName(host)).port(port).registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("could not listen for metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return this;
    }

    int port() {
        return http.getPort();
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** Each command's latency histogram data point is made on its first call and then kept, so a call costs one observe. */
    private void instrument(Command c) {
        if (c.handler() == null) return; // a container runs as one of its subcommands
        String name = c.name();
        c.stats().observer(new LongConsumer() {
            private DistributionDataPoint point;

            @Override
            public void accept(long nanos) {
                DistributionDataPoint p = point;
                if (p == null) point = p = latency.labelValues(name); // a race makes the same point twice: harmless
                p.observe(nanos / 1e9);
            }
        });
        instrumented.add(c);
    }

    private void eachCommand(Consumer<Command> f) {
        for (Command c : instrumented) if (c.stats().calls() > 0 || c.stats().failedCalls() > 0) f.accept(c);
    }

    private interface DbVisitor {
        void visit(int index, Keyspace ks);
    }

    private void eachDb(DbVisitor v) {
        if (!server.ready()) return;
        for (int i = 0; i < server.databases(); i++) {
            Keyspace ks = server.db(i);
            if (ks.size() > 0) v.visit(i, ks); // INFO keyspace lists the databases with keys
        }
    }

    private Saves saves() {
        return server.saves();
    }

    private void counter(String name, String help, java.util.function.DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void storeCounter(String name, String help, ToDoubleFunction<Stats> value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> {
            Stats s = stats();
            if (s != null) cb.call(value.applyAsDouble(s));
        }).register(registry);
    }

    private void storeGauge(String name, String help, ToDoubleFunction<Stats> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            Stats s = stats();
            if (s != null) cb.call(value.applyAsDouble(s));
        }).register(registry);
    }

    /**
     * The store's stats now; null while loading or once closed. Taken afresh by each metric (a scrape reads about 20):
     * it costs microseconds, and a cached copy would show two scrapes in quick succession the same figures.
     */
    private Stats stats() {
        Cairn store = server.store();
        if (!server.ready() || store == null || store.isClosed()) return null;
        try {
            return store.stats();
        } catch (RuntimeException e) {
            return null; // closed in between
        }
    }

    @Override
    public void close() {
        for (Command c : instrumented) c.stats().observer(null);
        if (http != null) http.close();
    }
}
