package io.cairn.server;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.ServerCommandsTest.parseInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** INFO's statistics, SLOWLOG, LATENCY, CLIENT LIST and MONITOR against the real server, through Jedis. */
class ObservabilityTest extends SharedServerTest {

    @BeforeEach
    void resetStatistics() {
        try (Jedis j = server.jedis()) {
            j.configResetStat();
            // the slow log off: a test turns it on for what it checks, so a command slowed by a loaded machine cannot
            // slip into its entries
            j.configSet("slowlog-log-slower-than", "-1", "slowlog-max-len", "128", "latency-monitor-threshold", "0",
                    "latency-tracking", "yes", "latency-tracking-info-percentiles", "50 99 99.9");
            j.slowlogReset();
            cmd(j, "LATENCY", "RESET");
        }
    }

    private static List<String> sections(String info) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) if (line.startsWith("# ")) out.add(line.substring(2));
        return out;
    }

    @Test
    void info_sections_default_all_everything_and_named() {
        try (Jedis j = server.jedis()) {
            assertThat(sections(j.info())).containsExactly("Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
                    "CPU", "Modules", "Errorstats", "Cluster", "Keyspace", "Cairn");
            assertThat(sections(j.info("default"))).isEqualTo(sections(j.info()));
            List<String> all = List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                    "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace", "Cairn");
            assertThat(sections(j.info("all"))).isEqualTo(all);
            assertThat(sections(j.info("everything"))).isEqualTo(all);
            String two = new String((byte[]) j.sendCommand(redis.clients.jedis.Protocol.Command.INFO, "latencystats", "ERRORSTATS"),
                    StandardCharsets.UTF_8);
            assertThat(sections(two)).containsExactly("Errorstats", "Latencystats"); // Redis's order, not the request's
            Map<String, String> f = parseInfo(j.info("everything"));
            assertThat(f).containsKeys("client_recent_max_input_buffer", "client_recent_max_output_buffer", "blocked_clients",
                    "pubsub_clients", "instantaneous_ops_per_sec", "instantaneous_input_kbps", "instantaneous_output_kbps",
                    "total_error_replies", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "cairn_wal_p99_fsync_usec");
            assertThat(f).containsEntry("unexpected_error_replies", "0").containsEntry("total_net_repl_input_bytes", "0");
            assertThat(Long.parseLong(f.get("total_reads_processed"))).isPositive();
            assertThat(Long.parseLong(f.get("total_writes_processed"))).isPositive();
            assertThat(Long.parseLong(f.get("aof_current_size"))).isEqualTo(Long.parseLong(f.get("cairn_wal_bytes")));
            assertThat(f.get("instantaneous_input_kbps")).matches("\\d+\\.\\d\\d");
            assertThat(f.get("instantaneous_output_kbps")).matches("\\d+\\.\\d\\d");
        }
    }

    @Test
    void commandstats_errorstats_and_latencystats_count_exactly_what_was_sent() {
        try (Jedis j = server.jedis()) {
            j.select(5);
            j.flushDB();
            j.configResetStat();
            Map<String, String> before = parseInfo(j.info("stats"));
            for (int i = 0; i < 7; i++) j.set("k" + i, "v");
            for (int i = 0; i < 5; i++) j.get("k" + i);       // hits
            for (int i = 0; i < 3; i++) j.get("missing" + i); // misses
            assertError(j, "ERR value is not an integer or out of range", "INCR", "k0");           // ran, failed
            assertError(j, "ERR wrong number of arguments for 'incr' command", "INCR");             // refused
            assertError(j, "WRONGTYPE Operation against a key holding the wrong kind of value", "LPUSH", "k1", "x");
            assertThatThrownBy(() -> cmd(j, "NOSUCHCOMMAND")).hasMessageStartingWith("ERR unknown command 'NOSUCHCOMMAND'");
            Map<String, String> after = parseInfo(j.info("everything"));

            assertThat(after.get("cmdstat_set")).matches("calls=7,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0");
            assertThat(after.get("cmdstat_get")).startsWith("calls=8,");
            assertThat(after.get("cmdstat_incr")).startsWith("calls=1,").endsWith(",rejected_calls=1,failed_calls=1");
            assertThat(after.get("cmdstat_lpush")).startsWith("calls=1,").endsWith(",rejected_calls=0,failed_calls=1");
            // every command that ran: SELECT, FLUSHDB, CONFIG RESETSTAT are before the reset; INFO stats, 7 + 8, INCR, LPUSH
            long processed = Long.parseLong(after.get("total_commands_processed")) - Long.parseLong(before.get("total_commands_processed"));
            assertThat(processed).isEqualTo(1 + 7 + 8 + 1 + 1);
            assertThat(Long.parseLong(after.get("keyspace_hits")) - Long.parseLong(before.get("keyspace_hits"))).isEqualTo(5);
            assertThat(Long.parseLong(after.get("keyspace_misses")) - Long.parseLong(before.get("keyspace_misses"))).isEqualTo(3);
            assertThat(after).containsEntry("errorstat_ERR", "count=3").containsEntry("errorstat_WRONGTYPE", "count=1")
                    .containsEntry("total_error_replies", "4");

            Pattern p = Pattern.compile("p50=(\\d+\\.\\d{3}),p99=(\\d+\\.\\d{3}),p99\\.9=(\\d+\\.\\d{3})");
            Matcher m = p.matcher(after.get("latency_percentiles_usec_set"));
            assertThat(m.matches()).as(after.get("latency_percentiles_usec_set")).isTrue();
            double p50 = Double.parseDouble(m.group(1));
            double p99 = Double.parseDouble(m.group(2));
            double p999 = Double.parseDouble(m.group(3));
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(p999);
            assertThat(after).containsKeys("latency_percentiles_usec_get", "latency_percentiles_usec_incr")
                    .doesNotContainKey("latency_percentiles_usec_del");

            j.configSet("latency-tracking-info-percentiles", "90 99.99");
            assertThat(parseInfo(j.info("latencystats")).get("latency_percentiles_usec_set")).matches("p90=\\d+\\.\\d{3},p99\\.99=\\d+\\.\\d{3}");
            j.configSet("latency-tracking", "no");
            assertThat(j.info("latencystats")).isEqualTo("# Latencystats\r\n");

            j.configResetStat();
            Map<String, String> reset = parseInfo(j.info("everything"));
            assertThat(reset).doesNotContainKeys("cmdstat_set", "errorstat_ERR", "errorstat_WRONGTYPE", "latency_percentiles_usec_set");
            assertThat(reset).containsEntry("total_error_replies", "0");
        }
    }

    @Test
    void latency_histogram_reports_cumulative_power_of_two_buckets() {
        try (Jedis j = server.jedis()) {
            for (int i = 0; i < 20; i++) j.set("h" + i, "v");
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) cmd(j, "LATENCY", "HISTOGRAM", "set", "nosuch");
            assertThat(reply).hasSize(2).first().isEqualTo("set");
            @SuppressWarnings("unchecked")
            List<Object> set = (List<Object>) reply.get(1);
            assertThat(set.get(0)).isEqualTo("calls");
            assertThat(set.get(1)).isEqualTo(20L);
            assertThat(set.get(2)).isEqualTo("histogram_usec");
            @SuppressWarnings("unchecked")
            List<Object> buckets = (List<Object>) set.get(3);
            long last = 0;
            for (int i = 0; i < buckets.size(); i += 2) {
                long cumulative = (Long) buckets.get(i + 1);
                assertThat(cumulative).isGreaterThan(last);
                last = cumulative;
            }
            assertThat(last).isEqualTo(20);
        }
    }

    @Test
    void slowlog_keeps_slow_commands_truncated_and_redacted_as_redis_does() {
        try (Jedis j = server.jedis()) {
            assertThat(j.slowlogLen()).isZero();
            j.clientSetname("slowpoke");
            j.configSet("slowlog-log-slower-than", "0"); // every command from here (this CONFIG SET too)
            Object[] many = new Object[41];
            many[0] = "DEL";
            for (int i = 1; i < many.length; i++) many[i] = "key" + i;
            cmd(j, many);
            String longValue = "x".repeat(200);
            j.set("long", longValue);
            assertThat(cmd(j, "AUTH", "default", "secret")).isEqualTo("OK"); // no requirepass: any password, as Redis's nopass
            j.configSet("slowlog-log-slower-than", "-1"); // off from here, this command included (checked after it ran)
            j.set("not", "logged");

            @SuppressWarnings("unchecked")
            List<List<Object>> entries = (List<List<Object>>) cmd(j, "SLOWLOG", "GET", "-1");
            // newest first: CONFIG SET (to -1: its time is measured after it changed the threshold, so it is not logged),
            // AUTH, SET, DEL, CONFIG SET 0
            List<String> names = new ArrayList<>();
            for (List<Object> e : entries) names.add(String.valueOf(((List<?>) e.get(3)).get(0)));
            assertThat(names).containsExactly("AUTH", "SET", "DEL", "CONFIG");
            List<Object> auth = entries.get(0);
            assertThat(auth).hasSize(6);
            assertThat(auth.get(3)).isEqualTo(List.of("AUTH", "(redacted)", "(redacted)"));
            assertThat((String) auth.get(4)).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(auth.get(5)).isEqualTo("slowpoke");
            long id = (Long) auth.get(0);
            assertThat((Long) entries.get(1).get(0)).isEqualTo(id - 1);
            assertThat((Long) auth.get(1)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThat((Long) auth.get(2)).isNotNegative();
            assertThat(((List<?>) entries.get(1).get(3)).get(2)).isEqualTo("x".repeat(128) + "... (72 more bytes)");
            List<?> del = (List<?>) entries.get(2).get(3);
            assertThat(del).hasSize(32);
            assertThat(del.get(30)).isEqualTo("key30");
            assertThat(del.get(31)).isEqualTo("... (10 more arguments)");

            assertThat((List<?>) cmd(j, "SLOWLOG", "GET")).hasSize(4); // 10 by default, 4 there
            assertThat((List<?>) cmd(j, "SLOWLOG", "GET", "2")).hasSize(2);
            assertThat((List<?>) cmd(j, "SLOWLOG", "GET", "0")).isEmpty();
            assertError(j, "ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "-2");
            assertError(j, "ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "x");
            assertError(j, "ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP.", "SLOWLOG", "NOPE");
            assertThat(j.slowlogLen()).isEqualTo(4);

            j.configSet("slowlog-max-len", "2"); // shortening drops the oldest
            assertThat(j.slowlogLen()).isEqualTo(2);
            assertThat(j.slowlogReset()).isEqualTo("OK");
            assertThat(j.slowlogLen()).isZero();
            assertThat((List<?>) cmd(j, "SLOWLOG", "HELP")).first().isEqualTo("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        }
    }

    @Test
    void a_blocking_pops_wait_is_not_its_time() {
        try (Jedis j = server.jedis()) {
            j.configSet("slowlog-log-slower-than", "250000"); // 250 ms: the 300 ms wait would be logged if it counted
            assertThat(j.blpop(0.3, "nothing:here")).isNull();
            Map<String, String> f = parseInfo(j.info("commandstats"));
            Matcher m = Pattern.compile("calls=1,usec=(\\d+),.*").matcher(f.get("cmdstat_blpop"));
            assertThat(m.matches()).as(f.get("cmdstat_blpop")).isTrue();
            assertThat(Long.parseLong(m.group(1))).isLessThan(300_000);
            assertThat(j.slowlogLen()).isZero();
        }
    }

    @Test
    void latency_replies_have_redis_shapes() {
        try (Jedis j = server.jedis()) {
            assertThat((List<?>) cmd(j, "LATENCY", "LATEST")).isEmpty();
            assertThat((List<?>) cmd(j, "LATENCY", "HISTORY", "command")).isEmpty();
            assertThat(cmd(j, "LATENCY", "RESET", "command", "fsync")).isEqualTo(0L);
            assertThat((String) cmd(j, "LATENCY", "DOCTOR")).contains("no latency spike was observed");
            assertError(j, "ERR wrong number of arguments for 'latency|history' command", "LATENCY", "HISTORY");
            assertError(j, "ERR unknown subcommand 'NOPE'. Try LATENCY HELP.", "LATENCY", "NOPE");
            // one MSET of 100,000 keys takes well over a millisecond on any machine: a "command" event (MSET is not fast)
            j.configSet("latency-monitor-threshold", "1");
            j.select(6);
            String[] kv = new String[200_000];
            for (int i = 0; i < kv.length; i += 2) {
                kv[i] = "lat:" + i;
                kv[i + 1] = "v";
            }
            j.mset(kv);
            j.flushDB();
            @SuppressWarnings("unchecked")
            List<List<Object>> latest = (List<List<Object>>) cmd(j, "LATENCY", "LATEST");
            assertThat(latest).extracting(e -> e.get(0)).contains("command");
            for (List<Object> e : latest) {
                assertThat(e).hasSize(4);
                assertThat((String) e.get(0)).isIn("command", "fast-command", "fsync", "checkpoint");
                assertThat((Long) e.get(1)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
                assertThat((Long) e.get(2)).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo((Long) e.get(3));
                @SuppressWarnings("unchecked")
                List<List<Long>> history = (List<List<Long>>) cmd(j, "LATENCY", "HISTORY", e.get(0));
                assertThat(history).isNotEmpty().allSatisfy(x -> assertThat(x).hasSize(2));
                assertThat(history.get(history.size() - 1)).containsExactly((Long) e.get(1), (Long) e.get(2));
            }
            assertThat((String) cmd(j, "LATENCY", "DOCTOR")).contains("1. ").contains("latency spikes (average ");
            j.configSet("latency-monitor-threshold", "0"); // off: no event (an fsync the sampler sees) arrives meanwhile
            long events = ((List<?>) cmd(j, "LATENCY", "LATEST")).size();
            assertThat(events).isGreaterThanOrEqualTo(latest.size());
            assertThat(cmd(j, "LATENCY", "RESET")).isEqualTo(events);
            assertThat((List<?>) cmd(j, "LATENCY", "LATEST")).isEmpty();
        }
    }

    private static Map<String, String> fields(String clientLine) {
        Map<String, String> m = new HashMap<>();
        for (String kv : clientLine.trim().split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    @Test
    void client_list_fields_are_real() throws Exception {
        try (Jedis a = server.jedis(); RawClient rb = server.raw(); Jedis sub = server.jedis()) {
            long idA = a.clientId();
            long idB = Long.parseLong(rb.call("CLIENT", "ID").trim().substring(1));
            assertThat(rb.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(rb.call("SET", "m1", "12345")).isEqualTo("+QUEUED\r\n");
            assertThat(rb.call("SET", "m2", "x")).isEqualTo("+QUEUED\r\n");
            Map<String, String> inMulti = fields(a.clientList(idB));
            assertThat(inMulti).containsEntry("multi", "2").containsEntry("flags", "x").containsEntry("cmd", "multi");
            assertThat(Long.parseLong(inMulti.get("multi-mem"))).isGreaterThanOrEqualTo(3 + 2 + 5 + 3 + 2 + 1);
            assertThat(rb.call("EXEC")).isEqualTo("*2\r\n+OK\r\n+OK\r\n");

            Map<String, String> self = fields(a.clientInfo());
            assertThat(self).containsEntry("id", Long.toString(idA)).containsEntry("multi", "-1").containsEntry("multi-mem", "0")
                    .containsEntry("cmd", "client|info").containsEntry("events", "r").containsEntry("user", "default");
            long tot = Long.parseLong(self.get("tot-mem"));
            long parts = 0;
            for (String k : List.of("qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "omem")) parts += Long.parseLong(self.get(k));
            assertThat(tot).isEqualTo(parts);
            assertThat(Long.parseLong(self.get("rbs"))).isPositive();
            List<String> order = new ArrayList<>();
            for (String kv : a.clientInfo().trim().split(" ")) order.add(kv.substring(0, kv.indexOf('=')));
            assertThat(order).containsExactly("id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                    "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem",
                    "events", "cmd", "user", "redir", "resp", "lib-name", "lib-ver");

            sub.subscribe(new redis.clients.jedis.JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int n) {
                    String pubsubOnly = a.clientList(redis.clients.jedis.args.ClientType.PUBSUB);
                    assertThat(pubsubOnly.trim().split("\n")).hasSize(1);
                    assertThat(fields(pubsubOnly)).containsEntry("flags", "P").containsEntry("sub", "1");
                    assertThat(a.clientList(redis.clients.jedis.args.ClientType.NORMAL)).doesNotContain(" flags=P ");
                    unsubscribe();
                }
            }, "news");
            assertThat(a.clientList(idA, idB).trim().split("\n")).hasSize(2);
        }
    }

    @Test
    void monitor_sees_other_clients_commands_in_redis_format_until_reset() throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Jedis mon = server.jedis();
        long monId = mon.clientId();
        Thread t = new Thread(() -> {
            try {
                mon.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                        // Jedis announces itself (CLIENT SETINFO) on its connections: not what this test sent
                        if (!command.contains("\"CLIENT\" \"SETINFO\"")) lines.add(command);
                    }
                });
            } catch (RuntimeException closed) {
                // the test killed the connection to end the monitor
            }
        }, "monitor");
        t.start();
        try (Jedis j = server.jedis()) {
            await(Duration.ofSeconds(10), () -> fields(j.clientList(monId)).get("flags").equals("O"));
            cmd(j, "SET", "a b", "c\"d\\e\u0001\n");
            assertThat(cmd(j, "AUTH", "default", "pw")).isEqualTo("OK"); // no requirepass: any password, as Redis's nopass
            cmd(j, "HELLO", "2", "AUTH", "default", "pw");
            j.configGet("port");                          // admin: never shown
            assertThatThrownBy(() -> cmd(j, "GET")).hasMessageContaining("wrong number"); // refused: not shown
            j.select(3);
            cmd(j, "MULTI");
            cmd(j, "INCR", "n");
            cmd(j, "EXEC");

            String addr = "127.0.0.1:" + fields(j.clientInfo()).get("addr").split(":")[1];
            List<String> expected = List.of(
                    "[0 " + addr + "] \"SET\" \"a b\" \"c\\\"d\\\\e\\x01\\n\"",
                    "[0 " + addr + "] \"AUTH\" \"(redacted)\" \"(redacted)\"",
                    "[0 " + addr + "] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"",
                    "[3 " + addr + "] \"SELECT\" \"3\"",
                    "[3 " + addr + "] \"MULTI\"",
                    "[3 " + addr + "] \"INCR\" \"n\"",
                    "[3 " + addr + "] \"EXEC\"");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("line %d of %s", i, got).isNotNull();
                got.add(line);
            }
            for (int i = 0; i < expected.size(); i++) {
                assertThat(got.get(i)).matches("\\d{10}\\.\\d{6} .*");
                assertThat(got.get(i).substring(got.get(i).indexOf(' ') + 1)).isEqualTo(expected.get(i));
            }
            j.clientKill(new redis.clients.jedis.params.ClientKillParams().id(Long.toString(monId)));
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            await(Duration.ofSeconds(10), () -> j.clientList().lines().noneMatch(l -> l.contains(" flags=O ")));
        } finally {
            mon.close();
        }
        try (RawClient r = server.raw(); Jedis j = server.jedis()) {
            assertThat(r.call("MONITOR")).isEqualTo("+OK\r\n");
            j.ping();
            assertThat(r.readLine()).matches("\\+\\d{10}\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"PING\"\r\n");
            assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
            j.ping(); // no longer fed to r: its next reply is CLIENT ID's
            assertThat(r.call("CLIENT", "ID")).matches(":\\d+\r\n");
        }
    }
}
