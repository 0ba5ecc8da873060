package io.cairn.server;

import io.cairn.IndexKind;
import io.cairn.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;

class KeyCommandsTest extends SharedServerTest {
    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private long pttl(String key) {
        return (Long) cmd(j, "PTTL", key);
    }

    // ------------------------------------------------------------------ existence and deletion

    @Test
    void del_unlink_delete_exists_touch_type() {
        cmd(j, "MSET", "d:a", "1", "d:b", "2", "d:c", "3", "d:d", "4");
        assertThat(cmd(j, "EXISTS", "d:a", "d:a", "d:none", "d:b")).isEqualTo(3L); // repeats count
        assertThat(cmd(j, "TOUCH", "d:a", "d:a", "d:none")).isEqualTo(2L);
        assertThat(cmd(j, "TYPE", "d:a")).isEqualTo("string");
        assertThat(cmd(j, "TYPE", "d:none")).isEqualTo("none");
        assertThat(cmd(j, "DEL", "d:a", "d:a", "d:none")).isEqualTo(1L);
        assertThat(cmd(j, "UNLINK", "d:b", "d:c")).isEqualTo(2L);
        assertThat(cmd(j, "DELETE", "d:d")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "d:a", "d:b", "d:c", "d:d")).isEqualTo(0L);
        assertError(j, "ERR wrong number of arguments for 'del' command", "DEL");
        assertError(j, "ERR wrong number of arguments for 'exists' command", "EXISTS");
        assertError(j, "ERR wrong number of arguments for 'type' command", "TYPE", "a", "b");
    }

    // ------------------------------------------------------------------ rename, copy, move

    @Test
    void rename_moves_value_and_expiry() {
        cmd(j, "SET", "rn:src", "v", "PX", "100000");
        cmd(j, "SET", "rn:dst", "old");
        assertThat(cmd(j, "RENAME", "rn:src", "rn:dst")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "rn:dst")).isEqualTo("v");
        assertThat(pttl("rn:dst")).isBetween(1L, 100_000L);
        assertThat(cmd(j, "EXISTS", "rn:src")).isEqualTo(0L);
        // the destination's own expiry goes; a source without one leaves none
        cmd(j, "SET", "rn:src2", "w");
        assertThat(cmd(j, "RENAME", "rn:src2", "rn:dst")).isEqualTo("OK");
        assertThat(pttl("rn:dst")).isEqualTo(-1L);
        assertError(j, "ERR no such key", "RENAME", "rn:none", "rn:x");
        assertError(j, "ERR no such key", "RENAME", "rn:none", "rn:none");
        assertThat(cmd(j, "RENAME", "rn:dst", "rn:dst")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "rn:dst")).isEqualTo("w");
        byte[] bin = {0, '\r', '\n', (byte) 0xff};
        assertThat(cmd(j, "RENAME", "rn:dst", bin)).isEqualTo("OK");
        assertThat(cmd(j, "GET", bin)).isEqualTo("w");
    }

    @Test
    void renamenx() {
        cmd(j, "MSET", "rx:a", "1", "rx:b", "2");
        assertThat(cmd(j, "RENAMENX", "rx:a", "rx:b")).isEqualTo(0L);
        assertThat(cmd(j, "MGET", "rx:a", "rx:b")).isEqualTo(List.of("1", "2"));
        assertThat(cmd(j, "RENAMENX", "rx:a", "rx:c")).isEqualTo(1L);
        assertThat(cmd(j, "MGET", "rx:a", "rx:c")).isEqualTo(java.util.Arrays.asList(null, "1"));
        assertThat(cmd(j, "RENAMENX", "rx:c", "rx:c")).isEqualTo(0L);
        assertError(j, "ERR no such key", "RENAMENX", "rx:none", "rx:d");
    }

    @Test
    void copy_within_and_across_databases() {
        cmd(j, "SET", "cp:src", "v", "PX", "100000");
        assertThat(cmd(j, "COPY", "cp:src", "cp:dst")).isEqualTo(1L);
        assertThat(cmd(j, "GET", "cp:dst")).isEqualTo("v");
        assertThat(pttl("cp:dst")).isPositive();
        assertThat(cmd(j, "GET", "cp:src")).isEqualTo("v");
        cmd(j, "SET", "cp:src", "w");
        assertThat(cmd(j, "COPY", "cp:src", "cp:dst")).isEqualTo(0L);
        assertThat(cmd(j, "GET", "cp:dst")).isEqualTo("v");
        assertThat(cmd(j, "COPY", "cp:src", "cp:dst", "REPLACE")).isEqualTo(1L);
        assertThat(cmd(j, "GET", "cp:dst")).isEqualTo("w");
        assertThat(pttl("cp:dst")).isEqualTo(-1L);
        assertThat(cmd(j, "COPY", "cp:none", "cp:dst", "REPLACE")).isEqualTo(0L);
        // to another database, under the same name too
        assertThat(cmd(j, "COPY", "cp:src", "cp:src", "DB", "3")).isEqualTo(1L);
        assertThat(cmd(j, "COPY", "cp:src", "cp:src", "db", "3")).isEqualTo(0L);
        assertThat(cmd(j, "COPY", "cp:src", "cp:src", "DB", "3", "REPLACE")).isEqualTo(1L);
        cmd(j, "SELECT", "3");
        assertThat(cmd(j, "GET", "cp:src")).isEqualTo("w");
        cmd(j, "SELECT", "0");
        assertError(j, "ERR source and destination objects are the same", "COPY", "cp:src", "cp:src");
        assertError(j, "ERR source and destination objects are the same", "COPY", "cp:src", "cp:src", "DB", "0");
        assertError(j, "ERR DB index is out of range", "COPY", "cp:src", "cp:x", "DB", "16");
        assertError(j, "ERR DB index is out of range", "COPY", "cp:src", "cp:x", "DB", "-1");
        assertError(j, "ERR value is not an integer or out of range", "COPY", "cp:src", "cp:x", "DB", "one");
        assertError(j, "ERR syntax error", "COPY", "cp:src", "cp:x", "DB");
        assertError(j, "ERR syntax error", "COPY", "cp:src", "cp:x", "NOW");
    }

    @Test
    void move_between_databases() {
        cmd(j, "SET", "mv:k", "v", "PX", "100000");
        assertThat(cmd(j, "MOVE", "mv:k", "2")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "mv:k")).isEqualTo(0L);
        cmd(j, "SELECT", "2");
        assertThat(cmd(j, "GET", "mv:k")).isEqualTo("v");
        assertThat(pttl("mv:k")).isPositive();
        cmd(j, "SELECT", "0");
        cmd(j, "SET", "mv:k", "other");
        assertThat(cmd(j, "MOVE", "mv:k", "2")).isEqualTo(0L); // already there
        assertThat(cmd(j, "GET", "mv:k")).isEqualTo("other");
        assertThat(cmd(j, "MOVE", "mv:none", "2")).isEqualTo(0L);
        assertError(j, "ERR source and destination objects are the same", "MOVE", "mv:k", "0");
        assertError(j, "ERR DB index is out of range", "MOVE", "mv:k", "16");
        assertError(j, "ERR value is not an integer or out of range", "MOVE", "mv:k", "x");
    }

    // ------------------------------------------------------------------ KEYS, SCAN, RANDOMKEY

    @Test
    void keys_with_patterns() {
        cmd(j, "SELECT", "5");
        try {
            cmd(j, "MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "x*y", "1");
            cmd(j, "SET", new byte[]{'b', 0, (byte) 0xff}, "1");
            assertThat(sorted(cmd(j, "KEYS", "h?llo"))).containsExactly("hallo", "hello", "hxllo");
            assertThat(sorted(cmd(j, "KEYS", "h*llo"))).containsExactly("hallo", "heeeello", "hello", "hllo", "hxllo");
            assertThat(sorted(cmd(j, "KEYS", "h[ae]llo"))).containsExactly("hallo", "hello");
            assertThat(sorted(cmd(j, "KEYS", "h[^e]llo"))).containsExactly("hallo", "hxllo");
            assertThat(sorted(cmd(j, "KEYS", "h[a-b]llo"))).containsExactly("hallo");
            assertThat(sorted(cmd(j, "KEYS", "x\\*y"))).containsExactly("x*y");
            assertThat(cmd(j, "KEYS", "nothing*")).isEqualTo(List.of());
            assertThat((List<?>) cmd(j, "KEYS", "*")).hasSize(7);
            @SuppressWarnings("unchecked")
            List<byte[]> bin = (List<byte[]>) raw(j, "KEYS", new byte[]{'b', '?', (byte) 0xff});
            assertThat(bin).hasSize(1);
            assertThat(bin.get(0)).isEqualTo(new byte[]{'b', 0, (byte) 0xff});
        } finally {
            cmd(j, "SELECT", "0");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> sorted(Object reply) {
        return new ArrayList<>(new TreeSet<>((List<String>) reply));
    }

    /** Runs a whole SCAN with {@code options}, checking the cursor discipline, and returns every key it gave. */
    @SuppressWarnings("unchecked")
    private static List<String> scanAll(Jedis c, String... options) {
        List<String> all = new ArrayList<>();
        String cursor = "0";
        int rounds = 0;
        do {
            Object[] args = new Object[2 + options.length];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            List<Object> r = (List<Object>) cmd(c, args);
            assertThat(r).hasSize(2);
            cursor = (String) r.get(0);
            all.addAll((List<String>) r.get(1));
            assertThat(++rounds).isLessThan(10_000);
        } while (!cursor.equals("0"));
        return all;
    }

    @Test
    void scan_a_hash_database() {
        cmd(j, "SELECT", "6");
        try {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                cmd(j, "SET", "sc:" + i, "v");
                expected.add("sc:" + i);
            }
            assertThat(server.server.db(6).kind()).isEqualTo(IndexKind.HASH);
            assertThat(new HashSet<>(scanAll(j, "COUNT", "17"))).isEqualTo(expected);
            assertThat(new HashSet<>(scanAll(j))).isEqualTo(expected);
            assertThat(new HashSet<>(scanAll(j, "MATCH", "sc:1?", "COUNT", "50")))
                    .containsExactlyInAnyOrder("sc:10", "sc:11", "sc:12", "sc:13", "sc:14", "sc:15", "sc:16", "sc:17", "sc:18", "sc:19");
            assertThat(new HashSet<>(scanAll(j, "TYPE", "string", "MATCH", "*"))).isEqualTo(expected);
            assertThat(scanAll(j, "TYPE", "list")).isEmpty();
            assertThat(scanAll(j, "count", "100000")).hasSize(300);
            scanErrors(j);
        } finally {
            cmd(j, "SELECT", "0");
        }
    }

    private static void scanErrors(Jedis c) {
        assertError(c, "ERR invalid cursor", "SCAN", "-1");
        assertError(c, "ERR invalid cursor", "SCAN", "abc");
        assertError(c, "ERR invalid cursor", "SCAN", "18446744073709551616");
        assertError(c, "ERR syntax error", "SCAN", "0", "COUNT", "0");
        assertError(c, "ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "x");
        assertError(c, "ERR syntax error", "SCAN", "0", "COUNT");
        assertError(c, "ERR syntax error", "SCAN", "0", "BOGUS", "1");
        assertError(c, "ERR unknown type name 'nosuch'", "SCAN", "0", "TYPE", "nosuch");
        assertThat(((List<?>) cmd(c, "SCAN", "18446744073709551615")).get(0)).isInstanceOf(String.class);
    }

    @Test
    void scan_an_ordered_database_resumes_by_key(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own, "cairn-default-index", "ordered"); Jedis c = s.jedis()) {
            assertThat(s.server.db(1).kind()).isEqualTo(IndexKind.ORDERED);
            cmd(c, "SELECT", "1");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 95; i++) expected.add(String.format("os:%03d", i));
            for (String k : expected) cmd(c, "SET", k, "v");
            assertThat(scanAll(c, "COUNT", "10")).isEqualTo(expected); // in key order, each once
            assertThat(scanAll(c, "COUNT", "95")).isEqualTo(expected);
            assertThat(scanAll(c)).isEqualTo(expected);
            assertThat(scanAll(c, "MATCH", "os:0[0-1]?", "COUNT", "7")).isEqualTo(expected.subList(0, 20));
            // keys added and removed during a scan: those present throughout are all returned
            List<String> seen = new ArrayList<>();
            @SuppressWarnings("unchecked")
            List<Object> first = (List<Object>) cmd(c, "SCAN", "0", "COUNT", "30");
            seen.addAll((List<String>) first.get(1));
            cmd(c, "DEL", "os:050");
            cmd(c, "SET", "os:000a", "v"); // before the cursor: not required
            String cursor = (String) first.get(0);
            while (!cursor.equals("0")) {
                @SuppressWarnings("unchecked")
                List<Object> r = (List<Object>) cmd(c, "SCAN", cursor, "COUNT", "30");
                seen.addAll((List<String>) r.get(1));
                cursor = (String) r.get(0);
            }
            List<String> survivors = new ArrayList<>(expected);
            survivors.remove("os:050");
            assertThat(seen).isEqualTo(survivors);
            // an unknown cursor starts over rather than failing
            assertThat(((List<?>) cmd(c, "SCAN", "12345", "COUNT", "1")).get(1)).isEqualTo(List.of("os:000"));
            scanErrors(c);

            // the server keeps at most 10,000 cursors: the least recently used one is forgotten, and starts over
            @SuppressWarnings("unchecked")
            String old = (String) ((List<Object>) cmd(c, "SCAN", "0", "COUNT", "1")).get(0);
            redis.clients.jedis.Pipeline p = c.pipelined();
            redis.clients.jedis.commands.ProtocolCommand scan = () -> "SCAN".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 10_000; i++) p.sendCommand(scan, "0", "COUNT", "1");
            p.sync();
            assertThat(((List<?>) cmd(c, "SCAN", old, "COUNT", "1")).get(1)).isEqualTo(List.of("os:000"));
            @SuppressWarnings("unchecked")
            String recent = (String) ((List<Object>) cmd(c, "SCAN", "0", "COUNT", "1")).get(0);
            assertThat(((List<?>) cmd(c, "SCAN", recent, "COUNT", "1")).get(1)).isEqualTo(List.of("os:000a"));
        }
    }

    @Test
    void randomkey() {
        cmd(j, "SELECT", "9");
        try {
            assertThat(cmd(j, "RANDOMKEY")).isNull();
            cmd(j, "SET", "rk:only", "v");
            assertThat(cmd(j, "RANDOMKEY")).isEqualTo("rk:only");
            cmd(j, "SET", "rk:other", "v");
            assertThat(cmd(j, "RANDOMKEY")).isIn("rk:only", "rk:other");
        } finally {
            cmd(j, "SELECT", "0");
        }
    }

    // ------------------------------------------------------------------ expiry

    @Test
    void expire_family_sets_and_reports_ttls() {
        long now = System.currentTimeMillis();
        cmd(j, "SET", "e:k", "v");
        assertThat(cmd(j, "TTL", "e:k")).isEqualTo(-1L);
        assertThat(cmd(j, "PTTL", "e:none")).isEqualTo(-2L);
        assertThat(cmd(j, "TTL", "e:none")).isEqualTo(-2L);
        assertThat(cmd(j, "EXPIRETIME", "e:k")).isEqualTo(-1L);
        assertThat(cmd(j, "PEXPIRETIME", "e:none")).isEqualTo(-2L);
        assertThat(cmd(j, "EXPIRE", "e:k", "100")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "e:k")).isEqualTo(100L);
        assertThat(cmd(j, "PEXPIRE", "e:k", "50000")).isEqualTo(1L);
        assertThat(pttl("e:k")).isBetween(49_000L, 50_000L);
        assertThat(cmd(j, "EXPIREAT", "e:k", String.valueOf(now / 1000 + 200))).isEqualTo(1L);
        assertThat(cmd(j, "EXPIRETIME", "e:k")).isEqualTo(now / 1000 + 200);
        assertThat(cmd(j, "PEXPIREAT", "e:k", String.valueOf(now + 300_000))).isEqualTo(1L);
        assertThat(cmd(j, "PEXPIRETIME", "e:k")).isEqualTo(now + 300_000);
        assertThat(cmd(j, "EXPIRE", "e:none", "100")).isEqualTo(0L);
        assertThat(cmd(j, "PERSIST", "e:k")).isEqualTo(1L);
        assertThat(cmd(j, "PERSIST", "e:k")).isEqualTo(0L);
        assertThat(cmd(j, "PERSIST", "e:none")).isEqualTo(0L);
        assertThat(cmd(j, "TTL", "e:k")).isEqualTo(-1L);
        // zero, negative and past times delete
        for (String[] c : List.of(new String[]{"EXPIRE", "0"}, new String[]{"PEXPIRE", "-100"},
                new String[]{"EXPIREAT", "1"}, new String[]{"PEXPIREAT", "0"}, new String[]{"EXPIREAT", "-5"})) {
            cmd(j, "SET", "e:del", "v");
            assertThat(cmd(j, c[0], "e:del", c[1])).as(c[0] + " " + c[1]).isEqualTo(1L);
            assertThat(cmd(j, "EXISTS", "e:del")).as(c[0] + " " + c[1]).isEqualTo(0L);
        }
        // and a short one goes by itself
        cmd(j, "SET", "e:short", "v");
        assertThat(cmd(j, "PEXPIRE", "e:short", "150")).isEqualTo(1L);
        assertThat(cmd(j, "GET", "e:short")).isEqualTo("v");
        await(Duration.ofSeconds(3), () -> (Long) cmd(j, "EXISTS", "e:short") == 0L);
        assertThat(pttl("e:short")).isEqualTo(-2L);
    }

    @Test
    void expire_nx_xx_gt_lt() {
        cmd(j, "SET", "o:k", "v");
        assertThat(cmd(j, "EXPIRE", "o:k", "100", "XX")).isEqualTo(0L); // no expiry yet
        assertThat(cmd(j, "EXPIRE", "o:k", "100", "GT")).isEqualTo(0L); // none counts as infinite
        assertThat(cmd(j, "TTL", "o:k")).isEqualTo(-1L);
        assertThat(cmd(j, "EXPIRE", "o:k", "100", "LT")).isEqualTo(1L); // anything is less than infinite
        assertThat(cmd(j, "TTL", "o:k")).isEqualTo(100L);
        assertThat(cmd(j, "EXPIRE", "o:k", "200", "NX")).isEqualTo(0L);
        assertThat(cmd(j, "EXPIRE", "o:k", "200", "LT")).isEqualTo(0L);
        assertThat(cmd(j, "EXPIRE", "o:k", "200", "GT")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "o:k")).isEqualTo(200L);
        assertThat(cmd(j, "EXPIRE", "o:k", "150", "GT")).isEqualTo(0L);
        assertThat(cmd(j, "EXPIRE", "o:k", "150", "XX", "LT")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "o:k")).isEqualTo(150L);
        assertThat(cmd(j, "EXPIRE", "o:k", "100", "xx", "gt")).isEqualTo(0L);
        long at = (Long) cmd(j, "PEXPIRETIME", "o:k");
        assertThat(cmd(j, "PEXPIREAT", "o:k", String.valueOf(at), "GT")).isEqualTo(0L); // equal is not greater
        assertThat(cmd(j, "PEXPIREAT", "o:k", String.valueOf(at), "LT")).isEqualTo(0L); // nor less
        cmd(j, "PERSIST", "o:k");
        assertThat(cmd(j, "EXPIRE", "o:k", "300", "NX")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "o:k")).isEqualTo(300L);
        // LT with a past time on a key without expiry still deletes
        cmd(j, "SET", "o:lt", "v");
        assertThat(cmd(j, "EXPIRE", "o:lt", "-1", "LT")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "o:lt")).isEqualTo(0L);
        assertError(j, "ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIRE", "o:k", "10", "NX", "XX");
        assertError(j, "ERR NX and XX, GT or LT options at the same time are not compatible", "PEXPIRE", "o:k", "10", "GT", "NX");
        assertError(j, "ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIREAT", "o:k", "10", "NX", "LT");
        assertError(j, "ERR GT and LT options at the same time are not compatible", "EXPIRE", "o:k", "10", "GT", "LT");
        assertError(j, "ERR Unsupported option FOO", "EXPIRE", "o:k", "10", "FOO");
        assertError(j, "ERR value is not an integer or out of range", "EXPIRE", "o:k", "ten");
        assertError(j, "ERR invalid expire time in 'expire' command", "EXPIRE", "o:k", "9223372036854775807");
        assertError(j, "ERR invalid expire time in 'expire' command", "EXPIRE", "o:k", "-9223372036854775807");
        assertError(j, "ERR invalid expire time in 'pexpire' command", "PEXPIRE", "o:k", "9223372036854775807");
        assertError(j, "ERR invalid expire time in 'expireat' command", "EXPIREAT", "o:k", "9223372036854775807");
        assertError(j, "ERR invalid expire time in 'expire' command", "EXPIRE", "o:none", "9223372036854775807");
        assertThat(cmd(j, "PEXPIREAT", "o:k", "9223372036854775807")).isEqualTo(1L); // the largest time is fine
        assertThat((Long) cmd(j, "TTL", "o:k")).isPositive();
        assertError(j, "ERR wrong number of arguments for 'expire' command", "EXPIRE", "o:k");
    }

    // ------------------------------------------------------------------ OBJECT

    @Test
    void object_subcommands() {
        cmd(j, "MSET", "ob:int", "12345", "ob:neg", "-7", "ob:zero", "0", "ob:lead", "012",
                "ob:44", "x".repeat(44), "ob:45", "x".repeat(45), "ob:big", "123456789012345678901");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:int")).isEqualTo("int");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:neg")).isEqualTo("int");
        assertThat(cmd(j, "OBJECT", "encoding", "ob:zero")).isEqualTo("int");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:lead")).isEqualTo("embstr");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:44")).isEqualTo("embstr");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:45")).isEqualTo("raw");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:big")).isEqualTo("embstr");
        assertThat(cmd(j, "OBJECT", "ENCODING", "ob:none")).isNull();
        assertThat(cmd(j, "OBJECT", "REFCOUNT", "ob:int")).isEqualTo(1L);
        assertThat(cmd(j, "OBJECT", "REFCOUNT", "ob:none")).isNull();
        assertError(j, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
                + "switching between policies at runtime LRU and LFU data will take some time to adjust.", "OBJECT", "FREQ", "ob:int");
        assertThat((Long) cmd(j, "OBJECT", "IDLETIME", "ob:int")).isBetween(0L, 60L); // tracked under every non-LFU policy
        assertThat(cmd(j, "OBJECT", "FREQ", "ob:none")).isNull();
        assertThat(cmd(j, "OBJECT", "IDLETIME", "ob:none")).isNull();
        @SuppressWarnings("unchecked")
        List<String> help = (List<String>) cmd(j, "OBJECT", "HELP");
        assertThat(help.get(0)).isEqualTo("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        assertThat(help).contains("ENCODING <key>", "FREQ <key>", "IDLETIME <key>", "REFCOUNT <key>", "HELP");
        assertError(j, "ERR unknown subcommand 'nope'. Try OBJECT HELP.", "OBJECT", "nope", "k");
        assertError(j, "ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "ENCODING");
        assertError(j, "ERR wrong number of arguments for 'object' command", "OBJECT");
    }

    // ------------------------------------------------------------------ metadata and restart

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, int first, int last, int step, String since) {
        }
        List<M> expected = List.of(
                new M("del", -2, "write", 1, -1, 1, "1.0.0"),
                new M("unlink", -2, "write fast", 1, -1, 1, "4.0.0"),
                new M("delete", -2, "write", 1, -1, 1, "1.0.0"),
                new M("exists", -2, "readonly fast", 1, -1, 1, "1.0.0"),
                new M("type", 2, "readonly fast", 1, 1, 1, "1.0.0"),
                new M("rename", 3, "write", 1, 2, 1, "1.0.0"),
                new M("renamenx", 3, "write fast", 1, 2, 1, "1.0.0"),
                new M("copy", -3, "write denyoom", 1, 2, 1, "6.2.0"),
                new M("move", 3, "write fast", 1, 1, 1, "1.0.0"),
                new M("keys", 2, "readonly", 0, 0, 0, "1.0.0"),
                new M("scan", -2, "readonly", 0, 0, 0, "2.8.0"),
                new M("randomkey", 1, "readonly", 0, 0, 0, "1.0.0"),
                new M("touch", -2, "readonly fast", 1, -1, 1, "3.2.1"),
                new M("expire", -3, "write fast", 1, 1, 1, "1.0.0"),
                new M("pexpire", -3, "write fast", 1, 1, 1, "2.6.0"),
                new M("expireat", -3, "write fast", 1, 1, 1, "1.2.0"),
                new M("pexpireat", -3, "write fast", 1, 1, 1, "2.6.0"),
                new M("ttl", 2, "readonly fast", 1, 1, 1, "1.0.0"),
                new M("pttl", 2, "readonly fast", 1, 1, 1, "2.6.0"),
                new M("expiretime", 2, "readonly fast", 1, 1, 1, "7.0.0"),
                new M("pexpiretime", 2, "readonly fast", 1, 1, 1, "7.0.0"),
                new M("persist", 2, "write fast", 1, 1, 1, "2.2.0"));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(m.first(), m.last(), m.step()));
            assertThat(c.group()).as(m.name()).isEqualTo("generic");
            assertThat(c.since()).as(m.name()).isEqualTo(m.since());
            assertThat(c.summary()).as(m.name()).isNotBlank();
        }
        Command object = server.server.commands().lookup("object");
        assertThat(object.arity()).isEqualTo(-2);
        assertThat(object.handler()).isNull();
        assertThat(object.subcommands().keySet()).containsExactlyInAnyOrder("encoding", "freq", "idletime", "refcount", "help");
        Command enc = object.subcommands().get("encoding");
        assertThat(enc.arity()).isEqualTo(3);
        assertThat(enc.flags()).containsExactly("readonly");
        assertThat(enc.keyPositions(3)).containsExactly(2);
        assertThat(object.subcommands().get("help").arity()).isEqualTo(2);
    }

    @Test
    void renames_moves_and_expiries_survive_a_restart(@TempDir Path own) throws Exception {
        long at;
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            cmd(c, "SET", "rs:a", "1", "EX", "1000");
            at = (Long) cmd(c, "PEXPIRETIME", "rs:a");
            cmd(c, "RENAME", "rs:a", "rs:b");
            cmd(c, "SET", "rs:c", "2");
            cmd(c, "MOVE", "rs:c", "1");
            cmd(c, "SET", "rs:d", "3");
            cmd(c, "PEXPIRE", "rs:d", "100");
            cmd(c, "SET", "rs:e", "4", "EX", "100");
            cmd(c, "PERSIST", "rs:e");
            cmd(c, "COPY", "rs:b", "rs:f", "DB", "2");
            cmd(c, "SET", "rs:g", "5");
            cmd(c, "DEL", "rs:g");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(cmd(c, "EXISTS", "rs:a", "rs:c", "rs:g")).isEqualTo(0L);
            await(Duration.ofSeconds(5), () -> cmd(c, "EXISTS", "rs:d").equals(0L)); // its 100 ms expiry survived the restart
            assertThat(cmd(c, "GET", "rs:b")).isEqualTo("1");
            assertThat(cmd(c, "PEXPIRETIME", "rs:b")).isEqualTo(at);
            assertThat(cmd(c, "TTL", "rs:e")).isEqualTo(-1L);
            cmd(c, "SELECT", "1");
            assertThat(cmd(c, "GET", "rs:c")).isEqualTo("2");
            cmd(c, "SELECT", "2");
            assertThat(cmd(c, "GET", "rs:f")).isEqualTo("1");
            assertThat(cmd(c, "PEXPIRETIME", "rs:f")).isEqualTo(at);
        }
    }
}
