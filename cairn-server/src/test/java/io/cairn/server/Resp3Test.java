package io.cairn.server;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

import java.nio.charset.StandardCharsets;

import static io.cairn.server.RawClient.bulk;
import static org.assertj.core.api.Assertions.assertThat;

/** The RESP3 shapes of this family's replies, byte for byte, after HELLO 3; and Jedis speaking RESP3. */
class Resp3Test extends SharedServerTest {


    private static RawClient resp3() throws Exception {
        RawClient r = server.raw();
        assertThat(r.call("HELLO", "3")).startsWith("%7\r\n");
        return r;
    }

    @Test
    void hello_3_exact_reply() throws Exception {
        try (RawClient r = server.raw()) {
            String id = r.call("CLIENT", "ID").trim().substring(1);
            assertThat(r.call("HELLO", "3")).isEqualTo("%7\r\n" + bulk("server") + bulk("redis") + bulk("version")
                    + bulk(Version.REDIS_COMPAT) + bulk("proto") + ":3\r\n" + bulk("id") + ":" + id + "\r\n" + bulk("mode")
                    + bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("GET", "missing")).isEqualTo("_\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" resp=3 ");
            assertThat(r.call("HELLO", "2")).startsWith("*14\r\n");
            assertThat(r.call("GET", "missing")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void config_get_is_a_map() throws Exception {
        try (RawClient r = resp3()) {
            assertThat(r.call("CONFIG", "GET", "maxmemory")).isEqualTo("%1\r\n" + bulk("maxmemory") + bulk("0"));
            assertThat(r.call("CONFIG", "GET", "nosuch")).isEqualTo("%0\r\n");
        }
    }

    @Test
    void info_and_client_list_are_verbatim_text() throws Exception {
        try (RawClient r = resp3()) {
            String info = r.call("INFO", "server");
            assertThat(info).startsWith("=").contains("\r\ntxt:# Server\r\nredis_version:");
            int len = Integer.parseInt(info.substring(1, info.indexOf("\r\n")));
            String payload = info.substring(info.indexOf("\r\n") + 2, info.length() - 2);
            assertThat(payload.getBytes(StandardCharsets.ISO_8859_1)).hasSize(len);
            String list = r.call("CLIENT", "LIST");
            assertThat(list).startsWith("=").contains("\r\ntxt:id=").endsWith("\n\r\n");
        }
    }

    @Test
    void command_info_uses_sets_and_maps() throws Exception {
        try (RawClient r = resp3()) {
            assertThat(r.call("COMMAND", "INFO", "get")).isEqualTo("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+fast\r\n+readonly\r\n"
                    + ":1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n"
                    + "*1\r\n%3\r\n" + bulk("flags") + "~2\r\n+RO\r\n+ACCESS\r\n"
                    + bulk("begin_search") + "%2\r\n" + bulk("type") + bulk("index") + bulk("spec") + "%1\r\n" + bulk("index") + ":1\r\n"
                    + bulk("find_keys") + "%2\r\n" + bulk("type") + bulk("range") + bulk("spec") + "%3\r\n"
                    + bulk("lastkey") + ":0\r\n" + bulk("keystep") + ":1\r\n" + bulk("limit") + ":0\r\n"
                    + "*0\r\n");
            assertThat(r.call("COMMAND", "INFO", "nosuch")).isEqualTo("*1\r\n_\r\n");
            assertThat(r.call("COMMAND", "DOCS", "echo")).isEqualTo("%1\r\n" + bulk("echo") + "%4\r\n" + bulk("summary")
                    + bulk("Returns the given string.") + bulk("since") + bulk("1.0.0") + bulk("group") + bulk("connection")
                    + bulk("arguments") + "*1\r\n%2\r\n" + bulk("name") + bulk("message") + bulk("type") + bulk("string"));
        }
    }

    @Test
    void function_stats_and_keyspace_replies() throws Exception {
        try (RawClient r = resp3()) {
            assertThat(r.call("FUNCTION", "STATS")).isEqualTo("%2\r\n" + bulk("running_script") + "_\r\n" + bulk("engines")
                    + "%1\r\n" + bulk("LUA") + "%2\r\n" + bulk("libraries_count") + ":0\r\n" + bulk("functions_count") + ":0\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "r3", "ORDERED")).isEqualTo("+OK\r\n");
            r.call("SELECT", "r3");
            r.call("SET", "b", "2");
            r.call("SET", "a", "1");
            assertThat(r.call("KRANGE", "-", "+", "WITHVALUES"))
                    .isEqualTo("*2\r\n*2\r\n" + bulk("a") + bulk("1") + "*2\r\n" + bulk("b") + bulk("2"));
            assertThat(r.call("KPREFIX", "a")).isEqualTo("*1\r\n" + bulk("a"));
            assertThat(r.call("KEYSPACE", "INFO", "r3")).isEqualTo("%5\r\n" + bulk("name") + bulk("r3") + bulk("kind") + bulk("ordered")
                    + bulk("keys") + ":2\r\n" + bulk("expires") + ":0\r\n" + bulk("db") + ":-1\r\n");
            String list = r.call("KEYSPACE", "LIST");
            assertThat(list).startsWith("%").contains(bulk("r3") + "%2\r\n" + bulk("kind") + bulk("ordered") + bulk("keys") + ":2\r\n");
        }
    }

    @Test
    void jedis_over_resp3() {
        try (Jedis j = new Jedis("127.0.0.1", server.port(),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).timeoutMillis(10_000).build())) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("v");
            assertThat(j.get("absent")).isNull();
            assertThat(j.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
            assertThat(j.info("server")).contains("redis_version:" + Version.REDIS_COMPAT);
            assertThat(j.clientList()).contains("resp=3").contains("lib-name=jedis");
            assertThat(j.dbSize()).isEqualTo(1);
        }
    }
}
