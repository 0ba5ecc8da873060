package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.cairn.server.RedisAsserts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerCommandsTest extends SharedServerTest {
    /** INFO's text as field -> value, section headers and blank lines skipped. */
    static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new HashMap<>();
        for (String line : info.split("\r\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            assertThat(colon).as("line '%s'", line).isPositive();
            m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    @Test
    void info_default_sections_and_fields() {
        try (Jedis j = server.jedis()) {
            j.select(2);
            j.set("a", "1");
            j.set("b", "2");
            j.get("a");
            j.get("missing");
            String info = j.info();
            assertThat(info).contains("# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n", "# Stats\r\n",
                    "# Replication\r\n", "# CPU\r\n", "# Modules\r\n", "# Cluster\r\n", "# Keyspace\r\n", "# Cairn\r\n");
            assertThat(info).doesNotContain("# Commandstats");
            assertThat(info).contains("\r\n\r\n# Clients\r\n"); // sections are separated by a blank line
            Map<String, String> f = parseInfo(info);
            assertThat(f).containsEntry("redis_version", Version.REDIS_COMPAT)
                    .containsEntry("cairn_version", Version.VERSION)
                    .containsEntry("redis_mode", "standalone")
                    .containsEntry("tcp_port", String.valueOf(server.port()))
                    .containsEntry("loading", "0")
                    .containsEntry("aof_enabled", "1")
                    .containsEntry("aof_last_write_status", "ok")
                    .containsEntry("role", "master")
                    .containsEntry("connected_slaves", "0")
                    .containsEntry("mem_allocator", "jvm")
                    .containsEntry("maxmemory", "0")
                    .containsEntry("maxmemory_human", "0B")
                    .containsEntry("maxmemory_policy", "noeviction")
                    .containsEntry("blocked_clients", "0")
                    .containsEntry("maxclients", "10000")
                    .containsEntry("cluster_enabled", "0")
                    .containsEntry("db2", "keys=2,expires=0,avg_ttl=0")
                    .containsEntry("ks_db2", "kind=hash,keys=2,expires=0,db=2")
                    .containsKeys("run_id", "process_id", "uptime_in_seconds", "uptime_in_days", "executable", "config_file",
                            "arch_bits", "os", "used_memory_human", "used_cpu_user", "used_cpu_sys", "rdb_last_save_time",
                            "cairn_wal_segments", "cairn_wal_fsyncs", "instantaneous_ops_per_sec", "expired_keys",
                            "total_error_replies", "rejected_connections");
            assertThat(Long.parseLong(f.get("used_memory"))).isPositive();
            assertThat(Long.parseLong(f.get("used_memory_rss"))).isPositive();
            assertThat(Long.parseLong(f.get("connected_clients"))).isGreaterThanOrEqualTo(1);
            assertThat(Long.parseLong(f.get("total_commands_processed"))).isGreaterThanOrEqualTo(5);
            assertThat(Long.parseLong(f.get("keyspace_hits"))).isGreaterThanOrEqualTo(1);
            assertThat(Long.parseLong(f.get("keyspace_misses"))).isGreaterThanOrEqualTo(1);
            assertThat(f.get("run_id")).hasSize(40);
        }
    }

    @Test
    void info_sections_by_name_and_commandstats() {
        try (Jedis j = server.jedis()) {
            j.set("x", "1");
            String two = j.info("server");
            assertThat(two).startsWith("# Server\r\n").doesNotContain("# Clients");
            String sc = new String((byte[]) j.sendCommand(redis.clients.jedis.Protocol.Command.INFO, "SERVER", "clients"),
                    StandardCharsets.UTF_8);
            assertThat(sc).startsWith("# Server\r\n").contains("\r\n\r\n# Clients\r\n").doesNotContain("# Memory");
            assertThat(j.info("nosuchsection")).isEmpty();
            String all = j.info("all");
            assertThat(all).contains("# Commandstats\r\n").containsPattern("cmdstat_set:calls=\\d+,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,"
                    + "rejected_calls=0,failed_calls=0\r\n");
            assertThat(j.info("commandstats")).startsWith("# Commandstats\r\n").contains("cmdstat_info:");
            assertThat(j.info("everything")).contains("# Commandstats").contains("# Keyspace");
        }
    }

    @Test
    void dbsize_flushdb_flushall() throws Exception {
        try (RawClient r = server.raw()) {
            r.call("SELECT", "7");
            r.call("SET", "a", "1");
            r.call("SET", "b", "1");
            assertThat(r.call("DBSIZE")).isEqualTo(":2\r\n");
            assertThat(r.call("FLUSHDB", "NOW")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("FLUSHDB", "ASYNC")).isEqualTo("+OK\r\n");
            assertThat(r.call("DBSIZE")).isEqualTo(":0\r\n");
            r.call("SET", "c", "1");
            r.call("KEYSPACE", "CREATE", "flushme");
            r.call("SELECT", "flushme");
            r.call("SET", "n", "1");
            assertThat(r.call("FLUSHALL", "SYNC")).isEqualTo("+OK\r\n");
            assertThat(r.call("DBSIZE")).isEqualTo(":0\r\n");
            r.call("SELECT", "7");
            assertThat(r.call("DBSIZE")).isEqualTo(":0\r\n");
            assertThat(r.call("KEYSPACE", "INFO", "flushme")).contains("flushme"); // emptied, not dropped
        }
    }

    @Test
    void config_get_patterns_aliases_and_shapes() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("CONFIG", "GET", "maxmemory")).isEqualTo("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
            assertThat(r.call("CONFIG", "GET", "nosuch")).isEqualTo("*0\r\n");
            assertThat(r.call("CONFIG", "GET")).isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
            // an alias asked for by name answers under that name
            assertThat(r.call("CONFIG", "GET", "hash-max-ziplist-entries")).isEqualTo("*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n128\r\n");
        }
        try (Jedis j = server.jedis()) {
            Map<String, String> m = j.configGet("maxmemory*", "timeout", "save");
            assertThat(m).containsOnlyKeys("maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity",
                    "maxmemory-clients", "timeout", "save");
            assertThat(m.get("save")).isEqualTo("3600 1 300 100 60 10000");
            Map<String, String> z = j.configGet("zset-max-*");
            assertThat(z).containsKeys("zset-max-listpack-entries", "zset-max-ziplist-entries", "zset-max-listpack-value",
                    "zset-max-ziplist-value");
            assertThat(j.configGet("*")).hasSizeGreaterThan(80).containsEntry("appendonly", "yes")
                    .containsEntry("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
                    .containsEntry("daemonize", "no").containsEntry("cluster-enabled", "no");
            assertThat(j.configGet("MAXCLIENTS")).containsEntry("MAXCLIENTS", "10000");
            assertThat(j.configGet("[mt]imeout", "h?")).containsOnlyKeys("timeout", "hz");
        }
    }

    @Test
    void config_set_is_all_or_nothing_with_redis_errors() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("set")); RawClient r = s.raw()) {
            assertThat(r.call("CONFIG", "SET", "slowlog-max-len", "256", "hz", "100")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "slowlog-max-len")).contains("$3\r\n256\r\n");
            assertThat(r.call("CONFIG", "SET", "hz", "1000")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "hz")).endsWith("$3\r\n500\r\n"); // clamped as Redis does
            // one bad pair: nothing applied
            assertThat(r.call("CONFIG", "SET", "slowlog-max-len", "1", "maxmemory", "lots"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n");
            assertThat(r.call("CONFIG", "GET", "slowlog-max-len")).contains("$3\r\n256\r\n");
            assertThat(r.call("CONFIG", "SET", "port", "1234"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n");
            assertThat(r.call("CONFIG", "SET", "nosuch", "1"))
                    .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
            assertThat(r.call("CONFIG", "SET", "hz", "5", "hz", "6"))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter\r\n");
            assertThat(r.call("CONFIG", "SET", "hz", "5", "timeout"))
                    .isEqualTo("-ERR wrong number of arguments for 'config|set' command\r\n");
            assertThat(r.call("CONFIG", "SET", "daemonize", "yes")).contains("can't set immutable config");
            assertThat(r.call("CONFIG", "SET", "appendonly", "no")).startsWith("-ERR CONFIG SET failed (possibly related to argument 'appendonly')");
            // aliases write the same parameter
            assertThat(r.call("CONFIG", "SET", "hash-max-ziplist-entries", "256")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "hash-max-listpack-entries")).contains("$3\r\n256\r\n");
            // notify-keyspace-events: Redis's letters, shown as Redis shows them
            assertThat(r.call("CONFIG", "SET", "notify-keyspace-events", "KEA")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "notify-keyspace-events")).endsWith("$3\r\nAKE\r\n");
            assertThat(r.call("CONFIG", "SET", "notify-keyspace-events", "Ex$")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "notify-keyspace-events")).endsWith("$3\r\n$xE\r\n");
            assertThat(r.call("CONFIG", "SET", "notify-keyspace-events", "Q")).isEqualTo("-ERR CONFIG SET failed (possibly related to "
                    + "argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
            // client-output-buffer-limit: one class merges into the others
            assertThat(r.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 512kb 10")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "client-output-buffer-limit"))
                    .endsWith("normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n");
            assertThat(r.call("CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3 pubsub 0 0 0")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "GET", "client-output-buffer-limit")).endsWith("normal 1048576 524288 10 slave 1 2 3 pubsub 0 0 0\r\n");
            assertThat(r.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1 2")).contains("Wrong number of arguments in buffer limit configuration.");
            assertThat(r.call("CONFIG", "SET", "client-output-buffer-limit", "vip 1 2 3")).contains("Invalid client class specified in buffer limit configuration.");
            assertThat(r.call("CONFIG", "SET", "client-output-buffer-limit", "normal x 2 3"))
                    .contains("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            assertThat(r.call("CONFIG", "SET", "save", "900")).contains("Invalid save parameters");
            assertThat(r.call("CONFIG", "SET", "save", "")).isEqualTo("+OK\r\n");
            assertThat(r.call("CONFIG", "SET", "unixsocket", "/tmp/x.sock")).contains("can't set immutable config");
            assertThat(r.call("CONFIG", "HELP")).startsWith("*").contains("+CONFIG <subcommand>");
        }
    }

    @Test
    void config_set_takes_effect_at_runtime() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("live")); RawClient r = s.raw()) {
            // maxmemory: writes are refused past it
            assertThat(r.call("CONFIG", "SET", "maxmemory", "1")).isEqualTo("+OK\r\n");
            assertThat(r.call("SET", "k", "v")).isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
            assertThat(r.call("GET", "k")).isEqualTo("$-1\r\n");
            assertThat(r.call("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK\r\n");
            assertThat(r.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            // maxclients: the next connection is refused
            assertThat(r.call("CONFIG", "SET", "maxclients", "1")).isEqualTo("+OK\r\n");
            try (RawClient r2 = s.raw()) {
                assertThat(r2.read()).isEqualTo("-ERR max number of clients reached\r\n");
            }
            assertThat(r.call("CONFIG", "SET", "maxclients", "100")).isEqualTo("+OK\r\n");
            // timeout: an idle client is closed
            try (RawClient idle = s.raw()) {
                assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
                assertThat(r.call("CONFIG", "SET", "timeout", "1")).isEqualTo("+OK\r\n");
                long t0 = System.nanoTime();
                assertThat(idle.closedByServer()).isTrue();
                assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
            }
            try (RawClient admin = s.raw()) { // r was idle too and may have been closed
                assertThat(admin.call("CONFIG", "SET", "timeout", "0")).isEqualTo("+OK\r\n");
                // protected-mode is read per connection (loopback is always allowed, so only the setting is checked here)
                assertThat(admin.call("CONFIG", "SET", "protected-mode", "no")).isEqualTo("+OK\r\n");
                assertThat(s.server.config().getBool("protected-mode")).isFalse();
            }
        }
    }

    @Test
    void config_rewrite_round_trip(@TempDir Path confDir) throws Exception {
        Path conf = confDir.resolve("cairn.conf");
        Files.writeString(conf, "# my settings\nmaxclients 500\nhash-max-ziplist-entries 64\n\n# end\n");
        Path data = confDir.resolve("data");
        try (TestServer s = TestServer.startWithConfigFile(data, conf); RawClient r = s.raw()) {
            assertThat(r.call("CONFIG", "GET", "maxclients")).endsWith("$3\r\n500\r\n");
            assertThat(r.call("INFO", "server")).contains("config_file:" + conf.toAbsolutePath() + "\r\n");
            r.call("CONFIG", "SET", "maxclients", "600", "slowlog-max-len", "999", "hash-max-listpack-entries", "32");
            assertThat(r.call("CONFIG", "REWRITE")).isEqualTo("+OK\r\n");
        }
        List<String> lines = Files.readAllLines(conf);
        assertThat(lines).contains("# my settings", "maxclients 600", "hash-max-listpack-entries 32", "# end", "slowlog-max-len 999");
        assertThat(lines).doesNotContain("maxclients 500");
        try (TestServer s = TestServer.startWithConfigFile(data, conf); RawClient r = s.raw()) {
            assertThat(r.call("CONFIG", "GET", "maxclients")).endsWith("$3\r\n600\r\n");
            assertThat(r.call("CONFIG", "GET", "slowlog-max-len")).endsWith("$3\r\n999\r\n");
            assertThat(r.call("CONFIG", "GET", "hash-max-ziplist-entries")).endsWith("$2\r\n32\r\n");
        }
        try (RawClient r = server.raw()) {
            assertThat(r.call("CONFIG", "REWRITE")).isEqualTo("-ERR The server is running without a config file\r\n");
        }
    }

    @Test
    void config_resetstat() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("reset")); Jedis j = s.jedis()) {
            j.set("a", "1");
            j.get("a");
            assertThat(parseInfo(j.info("stats")).get("keyspace_hits")).isEqualTo("1");
            assertThat(j.configResetStat()).isEqualTo("OK");
            Map<String, String> f = parseInfo(j.info("stats"));
            assertThat(f).containsEntry("keyspace_hits", "0").containsEntry("keyspace_misses", "0");
            assertThat(j.info("commandstats")).doesNotContain("cmdstat_get");
        }
    }

    @Test
    void command_count_info_docs_list_getkeys() throws Exception {
        int size = server.server.commands().size();
        try (RawClient r = server.raw()) {
            assertThat(r.call("COMMAND", "COUNT")).isEqualTo(":" + size + "\r\n");
            assertThat(r.call("COMMAND")).startsWith("*" + size + "\r\n");
            assertThat(r.call("COMMAND", "INFO", "get")).isEqualTo("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+fast\r\n+readonly\r\n"
                    + ":1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
                    + "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+ACCESS\r\n"
                    + "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n"
                    + "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
                    + "*0\r\n");
            assertThat(r.call("COMMAND", "INFO", "nosuch", "ping")).startsWith("*2\r\n$-1\r\n*10\r\n$4\r\nping\r\n");
            String auth = r.call("COMMAND", "INFO", "auth");
            assertThat(auth).contains("+no_auth\r\n").doesNotContain("no-auth");
            String config = r.call("COMMAND", "INFO", "config");
            assertThat(config).contains("$10\r\nconfig|get\r\n:-3\r\n", "$10\r\nconfig|set\r\n:-4\r\n");
            assertThat(r.call("COMMAND", "INFO", "config|get")).startsWith("*1\r\n*10\r\n$10\r\nconfig|get\r\n");
            assertThat(r.call("COMMAND", "DOCS", "get")).isEqualTo("*2\r\n$3\r\nget\r\n*8\r\n$7\r\nsummary\r\n$34\r\n"
                    + "Returns the string value of a key.\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
                    + "$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n");
            assertThat(r.call("COMMAND", "DOCS", "client")).contains("$11\r\nsubcommands\r\n", "$11\r\nclient|list\r\n");
            assertThat(r.call("COMMAND", "DOCS", "nosuch")).isEqualTo("*0\r\n");
            assertThat(r.call("COMMAND", "LIST")).contains("$3\r\nget\r\n", "$10\r\nconfig|get\r\n");
            assertThat(r.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*")).startsWith("*5\r\n").contains("$10\r\nconfig|set\r\n");
            assertThat(r.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string")).contains("$3\r\nget\r\n").doesNotContain("$4\r\nping\r\n");
            assertThat(r.call("COMMAND", "LIST", "FILTERBY", "MODULE", "x")).isEqualTo("*0\r\n");
            assertThat(r.call("COMMAND", "LIST", "BOGUS")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("COMMAND", "GETKEYS", "DEL", "a", "b")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
            assertThat(r.call("COMMAND", "GETKEYS", "SET", "k", "v")).isEqualTo("*1\r\n$1\r\nk\r\n");
            assertThat(r.call("COMMAND", "GETKEYS", "GET")).isEqualTo("-ERR Invalid number of arguments specified for command\r\n");
            assertThat(r.call("COMMAND", "GETKEYS", "NOSUCH", "x")).isEqualTo("-ERR Invalid command specified\r\n");
            assertThat(r.call("COMMAND", "GETKEYS", "PING")).isEqualTo("-ERR The command has no key arguments\r\n");
            assertThat(r.call("COMMAND", "NOPE")).isEqualTo("-ERR unknown subcommand 'NOPE'. Try COMMAND HELP.\r\n");
            assertThat(r.call("COMMAND", "COUNT", "x")).isEqualTo("-ERR wrong number of arguments for 'command|count' command\r\n");
            assertThat(r.call("COMMAND", "HELP")).contains("+COMMAND <subcommand>");
        }
        try (Jedis j = server.jedis()) {
            // what redis-cli asks for its hints
            Object docs = j.sendCommand(redis.clients.jedis.Protocol.Command.COMMAND, "DOCS");
            assertThat((List<?>) docs).hasSize(2 * size);
        }
    }

    @Test
    void time_save_bgsave_lastsave() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("save")); RawClient r = s.raw(); Jedis j = s.jedis()) {
            List<String> time = j.time();
            assertThat(Math.abs(Long.parseLong(time.get(0)) - System.currentTimeMillis() / 1000)).isLessThanOrEqualTo(2);
            assertThat(Long.parseLong(time.get(1))).isBetween(0L, 999_999L);
            long before = j.lastsave();
            j.set("k", "v");
            assertThat(parseInfo(j.info("persistence")).get("rdb_changes_since_last_save")).isNotEqualTo("0");
            assertThat(j.save()).isEqualTo("OK");
            assertThat(j.lastsave()).isGreaterThanOrEqualTo(before);
            assertThat(parseInfo(j.info("persistence"))).containsEntry("rdb_changes_since_last_save", "0");
            assertThat(r.call("BGSAVE", "NOW")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("BGSAVE", "SCHEDULE")).isEqualTo("+Background saving started\r\n");
            await(Duration.ofSeconds(5), () -> parseInfo(j.info("persistence")).get("rdb_bgsave_in_progress").equals("0"));
            assertThat(parseInfo(j.info("persistence"))).containsEntry("rdb_last_bgsave_status", "ok");
            assertThat(r.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
        }
    }

    @Test
    void swapdb() throws Exception {
        try (RawClient r = server.raw(); RawClient other = server.raw()) {
            r.call("SELECT", "10");
            r.call("SET", "ten", "10");
            r.call("SELECT", "11");
            r.call("SET", "eleven", "11");
            other.call("SELECT", "10");
            assertThat(r.call("SWAPDB", "10", "11")).isEqualTo("+OK\r\n");
            // clients stay on their database number, which now holds the other's data (as in Redis)
            assertThat(r.call("GET", "ten")).isEqualTo("$2\r\n10\r\n");
            assertThat(other.call("GET", "eleven")).isEqualTo("$2\r\n11\r\n");
            assertThat(r.call("SWAPDB", "x", "1")).isEqualTo("-ERR invalid first DB index\r\n");
            assertThat(r.call("SWAPDB", "1", "y")).isEqualTo("-ERR invalid second DB index\r\n");
            assertThat(r.call("SWAPDB", "1", "16")).isEqualTo("-ERR DB index is out of range\r\n");
        }
    }

    @Test
    void function_answers_as_a_redis_without_functions() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("FUNCTION", "LIST")).isEqualTo("*0\r\n");
            assertThat(r.call("FUNCTION", "LIST", "LIBRARYNAME", "x", "WITHCODE")).isEqualTo("*0\r\n");
            assertThat(r.call("FUNCTION", "FLUSH", "ASYNC")).isEqualTo("+OK\r\n");
            assertThat(r.call("FUNCTION", "STATS")).isEqualTo("*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n"
                    + "*4\r\n$15\r\nlibraries_count\r\n:0\r\n$15\r\nfunctions_count\r\n:0\r\n");
            assertThat(r.call("FUNCTION", "HELP")).contains("+FUNCTION <subcommand>");
        }
    }

    @Test
    void shutdown_closes_the_server_without_a_reply() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("shutdown")); RawClient r = s.raw()) {
            r.call("SET", "k", "v");
            assertThat(r.call("SHUTDOWN", "ABORT")).isEqualTo("-ERR No shutdown in progress.\r\n");
            assertThat(r.call("SHUTDOWN", "SAVE", "NOSAVE")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SHUTDOWN", "ABORT", "NOW")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SHUTDOWN", "LATER")).isEqualTo("-ERR syntax error\r\n");
            r.send("SHUTDOWN", "NOSAVE", "NOW");
            assertThat(r.read()).isNull();
            await(Duration.ofSeconds(5), s.server::isClosed);
        }
        // what was written is there after a restart (closing the TestServer waited for the shutdown under way)
        try (TestServer s = TestServer.start(dir.resolve("shutdown")); Jedis j = s.jedis()) {
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void jedis_sees_redis_errors() {
        try (Jedis j = server.jedis()) {
            assertThatThrownBy(() -> j.configSet("port", "1"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
        }
    }
}
