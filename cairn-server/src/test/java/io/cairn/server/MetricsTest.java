package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.Map;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.ServerCommandsTest.parseInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code /metrics}: a real server, Jedis for the commands, HttpClient for the scrape, checked against INFO. */
class MetricsTest {
    @TempDir
    Path dir;

    /** metrics-port 1 turns metrics on; the test server listens on a port the OS picks (see useEphemeralPorts). */
    private TestServer start() throws Exception {
        return TestServer.start(dir, "metrics-port", "1");
    }

    @Test
    void metrics_off_by_default_and_fixed_while_running() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertThat(s.server.metricsPort()).isZero();
            assertThat(j.configGet("metrics-port")).containsEntry("metrics-port", "0");
            assertThat(j.configGet("metrics-bind")).containsEntry("metrics-bind", "127.0.0.1");
            assertError(j, "ERR CONFIG SET failed (possibly related to argument 'metrics-port') - can't set immutable config",
                    "CONFIG", "SET", "metrics-port", "9121");
        }
    }

    @Test
    void scrape_matches_info() throws Exception {
        try (TestServer s = start(); Jedis j = s.jedis()) {
            for (int i = 0; i < 20; i++) j.set("k" + i, "v" + i);
            for (int i = 0; i < 30; i++) j.get("k" + i); // 20 hits, 10 misses
            j.select(3);
            j.set("other", "x");
            j.expire("other", 1000);
            j.select(0);
            j.set("n", "notanumber");
            assertError(j, "ERR value is not an integer or out of range", "INCR", "n");
            assertError(j, "ERR wrong number of arguments for 'get' command", "GET");
            cmd(j, "SAVE");

            Exposition m = Exposition.scrape(s.server.metricsPort());
            Map<String, String> info = parseInfo(j.info("everything"));

            assertThat(m.contentType).startsWith("text/plain; version=0.0.4");
            assertThat(m.types).containsEntry("cairn_commands_processed_total", "counter")
                    .containsEntry("cairn_command_duration_seconds", "histogram")
                    .containsEntry("cairn_connected_clients", "gauge");
            // nothing ran between the scrape and INFO but INFO itself, which counts once it has run
            assertThat(m.get("cairn_commands_processed_total")).isEqualTo(num(info, "total_commands_processed"));
            assertThat(m.get("cairn_keyspace_hits_total")).isEqualTo(20).isEqualTo(num(info, "keyspace_hits"));
            assertThat(m.get("cairn_keyspace_misses_total")).isEqualTo(10).isEqualTo(num(info, "keyspace_misses"));
            assertThat(m.get("cairn_error_replies_total")).isEqualTo(2).isEqualTo(num(info, "total_error_replies"));
            assertThat(m.get("cairn_connected_clients")).isEqualTo(1).isEqualTo(num(info, "connected_clients"));
            assertThat(m.get("cairn_blocked_clients")).isZero();
            assertThat(m.get("cairn_db_keys", "db", "0")).isEqualTo(21);
            assertThat(m.get("cairn_db_keys", "db", "3")).isEqualTo(1);
            assertThat(m.get("cairn_db_expiring_keys", "db", "3")).isEqualTo(1);
            assertThat(m.value("cairn_db_keys", "db", "1")).as("empty databases are left out, as in INFO").isNull();
            assertThat(m.get("cairn_keys")).isEqualTo(22).isEqualTo(num(info, "cairn_keys"));
            assertThat(m.get("cairn_keyspace_keys", "keyspace", "default")).isEqualTo(21);
            assertThat(m.get("cairn_keyspace_keys", "keyspace", "db3")).isEqualTo(1);
            assertThat(m.get("cairn_log_bytes")).isEqualTo(num(info, "cairn_wal_bytes"));
            assertThat(m.get("cairn_log_segments")).isEqualTo(num(info, "cairn_wal_segments"));
            assertThat(m.get("cairn_log_fsyncs_total")).isEqualTo(num(info, "cairn_wal_fsyncs"));
            assertThat(m.get("cairn_log_since_checkpoint_bytes")).isEqualTo(num(info, "cairn_log_bytes_since_checkpoint"));
            assertThat(m.get("cairn_fsync_p99_seconds") * 1e6).isCloseTo(num(info, "cairn_wal_p99_fsync_usec"), within(1.0));
            assertThat(m.get("cairn_checkpoints_total")).isEqualTo(1).isEqualTo(num(info, "rdb_saves"));
            assertThat(m.get("cairn_last_checkpoint_success")).isEqualTo(1);
            assertThat(m.get("cairn_last_checkpoint_timestamp_seconds")).isCloseTo(num(info, "rdb_last_save_time"), within(1.0));
            assertThat(m.get("cairn_checkpoint_in_progress")).isZero();
            assertThat(m.get("cairn_loading")).isZero();
            assertThat(m.get("cairn_net_input_bytes_total")).isPositive().isLessThanOrEqualTo(num(info, "total_net_input_bytes"));
            assertThat(m.get("cairn_used_memory_bytes")).isPositive().isEqualTo(num(info, "used_memory"));
            assertThat(m.get("cairn_evicted_keys_total")).isZero().isEqualTo(num(info, "evicted_keys"));
            assertThat(m.get("cairn_dataset_bytes")).isEqualTo(num(info, "cairn_bytes"));
            assertThat(m.get("cairn_heap_used_bytes")).isPositive();
            assertThat(m.get("cairn_maxmemory_bytes")).isEqualTo(num(info, "maxmemory"));
            assertThat(m.get("cairn_uptime_seconds")).isCloseTo(num(info, "uptime_in_seconds"), within(1.5));
            // per command: calls and failures as commandstats has them, and the histogram saw every call
            assertThat(m.get("cairn_command_calls_total", "command", "set")).isEqualTo(22)
                    .isEqualTo(commandstat(info, "set", "calls"));
            assertThat(m.get("cairn_command_calls_total", "command", "get")).isEqualTo(30);
            assertThat(m.get("cairn_command_failed_calls_total", "command", "incr")).isEqualTo(1)
                    .isEqualTo(commandstat(info, "incr", "failed_calls"));
            assertThat(m.get("cairn_command_duration_seconds_count", "command", "set")).isEqualTo(22);
            assertThat(m.get("cairn_command_duration_seconds_bucket", "command", "set", "le", "+Inf")).isEqualTo(22);
            assertThat(m.get("cairn_command_duration_seconds_sum", "command", "set") * 1e6)
                    .isCloseTo(commandstat(info, "set", "usec"), within(2.0));
            assertThat(m.get("cairn_command_duration_seconds_count", "command", "save")).isEqualTo(1);
            assertThat(m.value("cairn_command_duration_seconds_count", "command", "hset"))
                    .as("commands never called are left out").isNull();
            double previous = 0;
            for (double le : Metrics.LATENCY_BUCKETS) {
                // bounds are written as Java writes doubles: 1.0E-5, 0.001, 1.0
                double b = m.get("cairn_command_duration_seconds_bucket", "command", "get", "le", Double.toString(le));
                assertThat(b).as("buckets are cumulative").isGreaterThanOrEqualTo(previous);
                previous = b;
            }
        }
    }

    @Test
    void counters_move_between_scrapes() throws Exception {
        try (TestServer s = start(); Jedis j = s.jedis()) {
            Exposition before = Exposition.scrape(s.server.metricsPort());
            for (int i = 0; i < 50; i++) j.incr("c");
            j.get("c");
            j.get("nope");
            Exposition after = Exposition.scrape(s.server.metricsPort());
            assertThat(after.get("cairn_commands_processed_total") - before.get("cairn_commands_processed_total")).isEqualTo(52);
            assertThat(after.get("cairn_keyspace_hits_total") - before.get("cairn_keyspace_hits_total")).isEqualTo(1);
            assertThat(after.get("cairn_keyspace_misses_total") - before.get("cairn_keyspace_misses_total")).isEqualTo(1);
            assertThat(after.get("cairn_log_writes_total") - before.get("cairn_log_writes_total")).isGreaterThanOrEqualTo(50);
            assertThat(after.get("cairn_log_bytes")).isGreaterThan(before.get("cairn_log_bytes"));
            assertThat(after.get("cairn_command_duration_seconds_count", "command", "incr")).isEqualTo(50);
            assertThat(after.get("cairn_net_output_bytes_total")).isGreaterThan(before.get("cairn_net_output_bytes_total"));
            assertThat(after.get("cairn_connections_received_total")).isEqualTo(1);
            // CONFIG RESETSTAT zeroes INFO's counters; Prometheus sees a counter reset
            j.configResetStat();
            Exposition reset = Exposition.scrape(s.server.metricsPort());
            assertThat(reset.get("cairn_keyspace_hits_total")).isZero();
            assertThat(reset.value("cairn_command_calls_total", "command", "incr")).isNull();
        }
    }

    private static double num(Map<String, String> info, String field) {
        assertThat(info).containsKey(field);
        return Double.parseDouble(info.get(field));
    }

    /** A field of {@code cmdstat_<name>:calls=..,usec=..,...}. */
    private static double commandstat(Map<String, String> info, String command, String field) {
        String line = info.get("cmdstat_" + command);
        assertThat(line).as("cmdstat_%s", command).isNotNull();
        for (String kv : line.split(",")) {
            String[] p = kv.split("=");
            if (p[0].equals(field)) return Double.parseDouble(p[1]);
        }
        throw new AssertionError("no " + field + " in " + line);
    }
}
