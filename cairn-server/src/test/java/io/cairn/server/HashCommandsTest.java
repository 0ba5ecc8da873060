package io.cairn.server;

import io.cairn.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;

class HashCommandsTest extends SharedServerTest {
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    /** HGETALL as a map (RESP2's flat array of field, value). */
    @SuppressWarnings("unchecked")
    static Map<String, String> hgetall(Jedis j, String key) {
        List<Object> flat = (List<Object>) cmd(j, "HGETALL", key);
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) m.put((String) flat.get(i), (String) flat.get(i + 1));
        assertThat(m).hasSize(flat.size() / 2);
        return m;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object reply) {
        return (List<Object>) reply;
    }

    // ------------------------------------------------------------------ writes

    @Test
    void hset_counts_new_fields_and_the_last_of_repeated_fields_wins() {
        assertThat(cmd(j, "HSET", "h:set", "a", "1", "b", "2")).isEqualTo(2L);
        assertThat(cmd(j, "HSET", "h:set", "a", "x", "c", "3")).isEqualTo(1L);
        assertThat(cmd(j, "HSET", "h:set", "d", "1", "d", "2")).isEqualTo(1L);
        assertThat(hgetall(j, "h:set")).isEqualTo(Map.of("a", "x", "b", "2", "c", "3", "d", "2"));
        assertThat(cmd(j, "HSET", "h:set", "e", "")).isEqualTo(1L);
        assertThat(cmd(j, "HGET", "h:set", "e")).isEqualTo("");
        assertThat(cmd(j, "HMSET", "h:set", "a", "y", "z", "26")).isEqualTo("OK");
        assertThat(cmd(j, "HGET", "h:set", "a")).isEqualTo("y");
        assertThat(cmd(j, "HGET", "h:set", "z")).isEqualTo("26");
        assertError(j, "ERR wrong number of arguments for 'hset' command", "HSET", "h:set", "a");
        assertError(j, "ERR wrong number of arguments for 'hset' command", "HSET", "h:set", "a", "1", "b");
        assertError(j, "ERR wrong number of arguments for 'hmset' command", "HMSET", "h:set", "a", "1", "b");
        assertError(j, "ERR wrong number of arguments for 'hset' command", "HSET", "h:set");
    }

    @Test
    void hset_is_binary_safe() {
        byte[] field = {0, (byte) 0xff, '\r', '\n'};
        byte[] value = {(byte) 0x80, 0, 1};
        assertThat(cmd(j, "HSET", "h:bin", field, value)).isEqualTo(1L);
        assertThat((byte[]) raw(j, "HGET", "h:bin", field)).isEqualTo(value);
        assertThat(cmd(j, "HEXISTS", "h:bin", field)).isEqualTo(1L);
    }

    @Test
    void hsetnx_sets_only_a_new_field() {
        assertThat(cmd(j, "HSETNX", "h:nx", "f", "1")).isEqualTo(1L);
        assertThat(cmd(j, "HSETNX", "h:nx", "f", "2")).isEqualTo(0L);
        assertThat(cmd(j, "HGET", "h:nx", "f")).isEqualTo("1");
        assertThat(cmd(j, "HSETNX", "h:nx", "g", "2")).isEqualTo(1L);
        assertThat(cmd(j, "HLEN", "h:nx")).isEqualTo(2L);
        assertError(j, "ERR wrong number of arguments for 'hsetnx' command", "HSETNX", "h:nx", "f");
    }

    @Test
    void hdel_counts_present_fields_once_and_the_last_field_deletes_the_key() {
        cmd(j, "HSET", "h:del", "a", "1", "b", "2", "c", "3");
        assertThat(cmd(j, "HDEL", "h:del", "a", "a", "nosuch")).isEqualTo(1L);
        assertThat(cmd(j, "HDEL", "h:del", "a")).isEqualTo(0L);
        assertThat(cmd(j, "HDEL", "h:missing", "a")).isEqualTo(0L);
        assertThat(cmd(j, "HDEL", "h:del", "b", "c")).isEqualTo(2L);
        assertThat(cmd(j, "EXISTS", "h:del")).isEqualTo(0L);
        assertThat(cmd(j, "TYPE", "h:del")).isEqualTo("none");
        assertError(j, "ERR wrong number of arguments for 'hdel' command", "HDEL", "h:del");
    }

    @Test
    void hincrby_adds_and_refuses_non_integers_and_overflow() {
        assertThat(cmd(j, "HINCRBY", "h:incr", "n", "5")).isEqualTo(5L);
        assertThat(cmd(j, "HINCRBY", "h:incr", "n", "-7")).isEqualTo(-2L);
        assertThat(cmd(j, "HGET", "h:incr", "n")).isEqualTo("-2");
        cmd(j, "HSET", "h:incr", "s", "abc", "f", "1.5", "big", "9223372036854775807", "sp", " 1", "lz", "01");
        assertError(j, "ERR hash value is not an integer", "HINCRBY", "h:incr", "s", "1");
        assertError(j, "ERR hash value is not an integer", "HINCRBY", "h:incr", "f", "1");
        assertError(j, "ERR hash value is not an integer", "HINCRBY", "h:incr", "sp", "1");
        assertError(j, "ERR hash value is not an integer", "HINCRBY", "h:incr", "lz", "1");
        assertError(j, "ERR increment or decrement would overflow", "HINCRBY", "h:incr", "big", "1");
        assertThat(cmd(j, "HINCRBY", "h:incr", "big", "-1")).isEqualTo(9223372036854775806L);
        cmd(j, "HSET", "h:incr", "small", "-9223372036854775808");
        assertError(j, "ERR increment or decrement would overflow", "HINCRBY", "h:incr", "small", "-1");
        assertError(j, "ERR value is not an integer or out of range", "HINCRBY", "h:incr", "n", "x");
        assertError(j, "ERR value is not an integer or out of range", "HINCRBY", "h:incr", "n", "1.0");
        assertError(j, "ERR value is not an integer or out of range", "HINCRBY", "h:incr", "n", "9223372036854775808");
        assertThat(cmd(j, "HGET", "h:incr", "n")).isEqualTo("-2"); // nothing changed by the failures
        // the increment is read before the key: a bad one is refused even on a key of another type
        cmd(j, "SET", "h:incr:str", "1");
        assertError(j, "ERR value is not an integer or out of range", "HINCRBY", "h:incr:str", "n", "x");
        assertError(j, WRONGTYPE, "HINCRBY", "h:incr:str", "n", "1");
    }

    @Test
    void hincrbyfloat_formats_as_redis_and_refuses_nan_and_infinity() {
        cmd(j, "HSET", "h:fl", "f", "10.50");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "f", "0.1")).isEqualTo("10.6");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "f", "-5")).isEqualTo("5.6");
        cmd(j, "HSET", "h:fl", "e", "5.0e3");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "e", "2.0e2")).isEqualTo("5200");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "new", "0.1")).isEqualTo("0.1");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "new", "0.2")).isEqualTo("0.3"); // long double: no 0.30000000000000004
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "i", "3")).isEqualTo("3");
        assertThat(cmd(j, "HINCRBY", "h:fl", "i", "1")).isEqualTo(4L);
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "i", "-4")).isEqualTo("0");
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "tiny", "1e-20")).isEqualTo("0"); // 17 decimals, as Redis prints
        assertThat(cmd(j, "HINCRBYFLOAT", "h:fl", "tiny", "1e-17")).isEqualTo("0.00000000000000001");
        assertError(j, "ERR value is NaN or Infinity", "HINCRBYFLOAT", "h:fl", "f", "inf");
        assertError(j, "ERR value is NaN or Infinity", "HINCRBYFLOAT", "h:fl", "f", "-inf");
        assertError(j, "ERR value is not a valid float", "HINCRBYFLOAT", "h:fl", "f", "nan");
        assertError(j, "ERR value is not a valid float", "HINCRBYFLOAT", "h:fl", "f", "abc");
        assertError(j, "ERR value is not a valid float", "HINCRBYFLOAT", "h:fl", "f", "");
        cmd(j, "HSET", "h:fl", "s", "abc", "huge", "1e4932");
        assertError(j, "ERR hash value is not a float", "HINCRBYFLOAT", "h:fl", "s", "1");
        assertError(j, "ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "h:fl", "huge", "1e4932");
        assertThat(cmd(j, "HGET", "h:fl", "huge")).isEqualTo("1e4932");
        cmd(j, "HSET", "h:fl", "inf", "inf");
        assertError(j, "ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "h:fl", "inf", "1");
        assertThat(cmd(j, "HGET", "h:fl", "f")).isEqualTo("5.6");
    }

    // ------------------------------------------------------------------ reads

    @Test
    void reads_of_a_missing_key_or_field() {
        assertThat(cmd(j, "HGET", "h:none", "f")).isNull();
        assertThat(cmd(j, "HMGET", "h:none", "a", "b")).isEqualTo(java.util.Arrays.asList(null, null));
        assertThat(cmd(j, "HGETALL", "h:none")).isEqualTo(List.of());
        assertThat(cmd(j, "HKEYS", "h:none")).isEqualTo(List.of());
        assertThat(cmd(j, "HVALS", "h:none")).isEqualTo(List.of());
        assertThat(cmd(j, "HLEN", "h:none")).isEqualTo(0L);
        assertThat(cmd(j, "HEXISTS", "h:none", "f")).isEqualTo(0L);
        assertThat(cmd(j, "HSTRLEN", "h:none", "f")).isEqualTo(0L);
        assertThat(cmd(j, "HRANDFIELD", "h:none")).isNull();
        assertThat(cmd(j, "HRANDFIELD", "h:none", "3")).isEqualTo(List.of());
        assertThat(cmd(j, "HRANDFIELD", "h:none", "-3", "WITHVALUES")).isEqualTo(List.of());
        assertThat(cmd(j, "HSCAN", "h:none", "0")).isEqualTo(List.of("0", List.of()));
        assertThat(cmd(j, "EXISTS", "h:none")).isEqualTo(0L);
    }

    @Test
    void hmget_hkeys_hvals_hlen_hexists_hstrlen() {
        cmd(j, "HSET", "h:r", "a", "1", "b", "22", "c", "");
        assertThat(cmd(j, "HMGET", "h:r", "a", "x", "b", "a")).isEqualTo(java.util.Arrays.asList("1", null, "22", "1"));
        assertThat(list(cmd(j, "HKEYS", "h:r"))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(list(cmd(j, "HVALS", "h:r"))).containsExactlyInAnyOrder("1", "22", "");
        assertThat(cmd(j, "HLEN", "h:r")).isEqualTo(3L);
        assertThat(cmd(j, "HEXISTS", "h:r", "c")).isEqualTo(1L);
        assertThat(cmd(j, "HEXISTS", "h:r", "d")).isEqualTo(0L);
        assertThat(cmd(j, "HSTRLEN", "h:r", "b")).isEqualTo(2L);
        assertThat(cmd(j, "HSTRLEN", "h:r", "c")).isEqualTo(0L);
        assertThat(cmd(j, "HSTRLEN", "h:r", "x")).isEqualTo(0L);
        // HKEYS and HVALS walk the hash in the same order
        List<Object> keys = list(cmd(j, "HKEYS", "h:r"));
        List<Object> vals = list(cmd(j, "HVALS", "h:r"));
        Map<String, String> all = hgetall(j, "h:r");
        for (int i = 0; i < keys.size(); i++) assertThat(all.get((String) keys.get(i))).isEqualTo(vals.get(i));
        assertError(j, "ERR wrong number of arguments for 'hmget' command", "HMGET", "h:r");
        assertError(j, "ERR wrong number of arguments for 'hgetall' command", "HGETALL", "h:r", "x");
    }

    @Test
    void hrandfield_counts_with_and_without_repetition() {
        cmd(j, "HSET", "h:rand", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        Set<String> fields = Set.of("a", "b", "c", "d", "e");
        for (int i = 0; i < 20; i++) assertThat(fields).contains((String) cmd(j, "HRANDFIELD", "h:rand"));
        assertThat(cmd(j, "HRANDFIELD", "h:rand", "0")).isEqualTo(List.of());
        assertThat(cmd(j, "HRANDFIELD", "h:rand", "0", "WITHVALUES")).isEqualTo(List.of());
        for (int n = 1; n <= 5; n++) {
            List<Object> r = list(cmd(j, "HRANDFIELD", "h:rand", String.valueOf(n)));
            assertThat(r).hasSize(n).doesNotHaveDuplicates();
            assertThat(fields).containsAll(r.stream().map(String.class::cast).toList());
        }
        assertThat(list(cmd(j, "HRANDFIELD", "h:rand", "100"))).containsExactlyInAnyOrderElementsOf(new ArrayList<>(fields));
        assertThat(list(cmd(j, "HRANDFIELD", "h:rand", "9223372036854775807"))).hasSize(5);
        List<Object> rep = list(cmd(j, "HRANDFIELD", "h:rand", "-50"));
        assertThat(rep).hasSize(50);
        assertThat(fields).containsAll(rep.stream().map(String.class::cast).toList());
        assertThat(new HashSet<>(rep).size()).isGreaterThan(1);
        List<Object> pairs = list(cmd(j, "HRANDFIELD", "h:rand", "-7", "withvalues"));
        assertThat(pairs).hasSize(14);
        for (int i = 0; i < pairs.size(); i += 2) {
            assertThat(pairs.get(i + 1)).isEqualTo(String.valueOf(((String) pairs.get(i)).charAt(0) - 'a' + 1));
        }
        Map<String, String> all = new HashMap<>();
        List<Object> three = list(cmd(j, "HRANDFIELD", "h:rand", "3", "WITHVALUES"));
        for (int i = 0; i < three.size(); i += 2) all.put((String) three.get(i), (String) three.get(i + 1));
        assertThat(all).hasSize(3);
        all.forEach((f, v) -> assertThat(v).isEqualTo(String.valueOf(f.charAt(0) - 'a' + 1)));
        // a single-field hash answers the one field as often as asked
        cmd(j, "HSET", "h:rand1", "only", "v");
        assertThat(cmd(j, "HRANDFIELD", "h:rand1", "-3")).isEqualTo(List.of("only", "only", "only"));
        assertThat(cmd(j, "HRANDFIELD", "h:rand1", "3", "WITHVALUES")).isEqualTo(List.of("only", "v"));
    }

    @Test
    void hrandfield_errors() {
        cmd(j, "HSET", "h:rande", "a", "1");
        assertError(j, "ERR value is not an integer or out of range", "HRANDFIELD", "h:rande", "x");
        assertError(j, "ERR value is not an integer or out of range", "HRANDFIELD", "h:rande", "1.5");
        assertError(j, "ERR syntax error", "HRANDFIELD", "h:rande", "1", "WITHSCORES");
        assertError(j, "ERR syntax error", "HRANDFIELD", "h:rande", "1", "WITHVALUES", "x");
        assertError(j, "ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807",
                "HRANDFIELD", "h:rande", "-9223372036854775808");
        assertError(j, "ERR value is out of range", "HRANDFIELD", "h:rande", "4611686018427387904", "WITHVALUES");
        assertError(j, "ERR value is out of range", "HRANDFIELD", "h:rande", "-4611686018427387904", "WITHVALUES");
        // a huge negative count is refused rather than building a reply that large
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> cmd(j, "HRANDFIELD", "h:rande", "-9223372036854775807")))
                .hasMessageStartingWith("ERR value is out of range");
        // the count is read before the key
        assertError(j, "ERR value is not an integer or out of range", "HRANDFIELD", "h:none", "x");
        cmd(j, "SET", "h:rande:str", "v");
        assertError(j, WRONGTYPE, "HRANDFIELD", "h:rande:str");
        assertError(j, WRONGTYPE, "HRANDFIELD", "h:rande:str", "2");
    }

    // ------------------------------------------------------------------ HSCAN

    @SuppressWarnings("unchecked")
    private Map<String, String> hscanAll(String key, Object... options) {
        Map<String, String> seen = new HashMap<>();
        String cursor = "0";
        int steps = 0;
        do {
            Object[] args = new Object[3 + options.length];
            args[0] = "HSCAN";
            args[1] = key;
            args[2] = cursor;
            System.arraycopy(options, 0, args, 3, options.length);
            List<Object> r = (List<Object>) cmd(j, args);
            cursor = (String) r.get(0);
            List<Object> kv = (List<Object>) r.get(1);
            assertThat(kv.size() % 2).isZero();
            for (int i = 0; i < kv.size(); i += 2) seen.put((String) kv.get(i), (String) kv.get(i + 1));
            assertThat(++steps).isLessThan(10_000);
        } while (!cursor.equals("0"));
        return seen;
    }

    @Test
    void hscan_visits_every_field_small_and_large() {
        cmd(j, "HSET", "h:scan:small", "a", "1", "b", "2", "ab", "3");
        assertThat(hscanAll("h:scan:small")).isEqualTo(Map.of("a", "1", "b", "2", "ab", "3"));
        assertThat(hscanAll("h:scan:small", "MATCH", "a*")).isEqualTo(Map.of("a", "1", "ab", "3"));
        assertThat(hscanAll("h:scan:small", "MATCH", "*", "COUNT", "1")).hasSize(3);
        Map<String, String> expected = new HashMap<>();
        Object[] args = new Object[2 + 2 * 1000];
        args[0] = "HSET";
        args[1] = "h:scan:big";
        for (int i = 0; i < 1000; i++) {
            args[2 + 2 * i] = "f" + i;
            args[3 + 2 * i] = "v" + i;
            expected.put("f" + i, "v" + i);
        }
        assertThat(cmd(j, args)).isEqualTo(1000L);
        assertThat(hscanAll("h:scan:big", "COUNT", "37")).isEqualTo(expected);
        Map<String, String> ones = new HashMap<>();
        expected.forEach((f, v) -> {
            if (f.startsWith("f1")) ones.put(f, v);
        });
        assertThat(hscanAll("h:scan:big", "MATCH", "f1*", "COUNT", "100")).isEqualTo(ones);
    }

    @Test
    void hscan_errors() {
        cmd(j, "HSET", "h:scane", "a", "1");
        assertError(j, "ERR invalid cursor", "HSCAN", "h:scane", "x");
        assertError(j, "ERR invalid cursor", "HSCAN", "h:scane", "-1");
        assertError(j, "ERR syntax error", "HSCAN", "h:scane", "0", "COUNT", "0");
        assertError(j, "ERR value is not an integer or out of range", "HSCAN", "h:scane", "0", "COUNT", "x");
        assertError(j, "ERR syntax error", "HSCAN", "h:scane", "0", "MATCH");
        assertError(j, "ERR syntax error", "HSCAN", "h:scane", "0", "TYPE", "hash");
        assertError(j, "ERR invalid cursor", "HSCAN", "h:none", "x");
        assertError(j, "ERR invalid cursor", "HSCAN", "h:scane", "18446744073709551616");
        // any cursor a client makes up is answered, never an error
        assertThat(list(cmd(j, "HSCAN", "h:scane", "18446744073709551615"))).hasSize(2);
        assertThat(list(cmd(j, "HSCAN", "h:scane", "123456789", "COUNT", "1"))).hasSize(2);
        // options are read only for a hash that exists, as in Redis
        assertThat(cmd(j, "HSCAN", "h:none", "0", "NOSUCH")).isEqualTo(List.of("0", List.of()));
        cmd(j, "SET", "h:scane:str", "v");
        assertError(j, WRONGTYPE, "HSCAN", "h:scane:str", "0");
    }

    // ------------------------------------------------------------------ types, big hashes, generic commands

    @Test
    void wrong_types_both_ways() {
        cmd(j, "SET", "h:wt:str", "v");
        for (Object[] c : List.of(new Object[]{"HSET", "h:wt:str", "f", "v"}, new Object[]{"HSETNX", "h:wt:str", "f", "v"},
                new Object[]{"HGET", "h:wt:str", "f"}, new Object[]{"HMGET", "h:wt:str", "f"}, new Object[]{"HGETALL", "h:wt:str"},
                new Object[]{"HKEYS", "h:wt:str"}, new Object[]{"HVALS", "h:wt:str"}, new Object[]{"HLEN", "h:wt:str"},
                new Object[]{"HEXISTS", "h:wt:str", "f"}, new Object[]{"HDEL", "h:wt:str", "f"},
                new Object[]{"HSTRLEN", "h:wt:str", "f"}, new Object[]{"HINCRBYFLOAT", "h:wt:str", "f", "1"},
                new Object[]{"HMSET", "h:wt:str", "f", "v"})) {
            assertError(j, WRONGTYPE, c);
        }
        assertThat(cmd(j, "GET", "h:wt:str")).isEqualTo("v");
        cmd(j, "HSET", "h:wt:hash", "f", "v");
        for (Object[] c : List.of(new Object[]{"GET", "h:wt:hash"}, new Object[]{"APPEND", "h:wt:hash", "x"},
                new Object[]{"INCR", "h:wt:hash"}, new Object[]{"INCRBYFLOAT", "h:wt:hash", "1"},
                new Object[]{"STRLEN", "h:wt:hash"}, new Object[]{"GETRANGE", "h:wt:hash", "0", "1"},
                new Object[]{"SETRANGE", "h:wt:hash", "0", "x"}, new Object[]{"GETSET", "h:wt:hash", "x"},
                new Object[]{"GETDEL", "h:wt:hash"}, new Object[]{"GETEX", "h:wt:hash"},
                new Object[]{"SET", "h:wt:hash", "x", "GET"}, new Object[]{"SADD", "h:wt:hash", "m"},
                new Object[]{"SMEMBERS", "h:wt:hash"})) {
            assertError(j, WRONGTYPE, c);
        }
        assertThat(cmd(j, "MGET", "h:wt:str", "h:wt:hash")).isEqualTo(java.util.Arrays.asList("v", null));
        assertThat(cmd(j, "SETNX", "h:wt:hash", "x")).isEqualTo(0L);
        assertThat(cmd(j, "HGET", "h:wt:hash", "f")).isEqualTo("v"); // the failures changed nothing
        // SET replaces whatever the key holds
        assertThat(cmd(j, "SET", "h:wt:hash", "now a string")).isEqualTo("OK");
        assertThat(cmd(j, "TYPE", "h:wt:hash")).isEqualTo("string");
        assertThat(cmd(j, "GET", "h:wt:hash")).isEqualTo("now a string");
        cmd(j, "HSET", "h:wt:h2", "f", "v");
        assertThat(cmd(j, "SET", "h:wt:h2", "x", "NX")).isNull();
        assertThat(cmd(j, "SET", "h:wt:h2", "x", "XX", "EX", "100")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "h:wt:h2")).isEqualTo("x");
    }

    @Test
    void a_big_hash_past_the_compact_limits() {
        Object[] args = new Object[2 + 2 * 1000];
        args[0] = "HSET";
        args[1] = "h:big";
        for (int i = 0; i < 1000; i++) {
            args[2 + 2 * i] = "field:" + i;
            args[3 + 2 * i] = "value:" + i;
        }
        assertThat(cmd(j, args)).isEqualTo(1000L);
        assertThat(cmd(j, "HLEN", "h:big")).isEqualTo(1000L);
        assertThat(cmd(j, "OBJECT", "ENCODING", "h:big")).isEqualTo("hashtable");
        assertThat(cmd(j, "HGET", "h:big", "field:777")).isEqualTo("value:777");
        assertThat(hgetall(j, "h:big")).hasSize(1000).containsEntry("field:0", "value:0");
        assertThat(list(cmd(j, "HKEYS", "h:big"))).hasSize(1000).doesNotHaveDuplicates();
        assertThat(list(cmd(j, "HRANDFIELD", "h:big", "10"))).hasSize(10).doesNotHaveDuplicates();
        assertThat(list(cmd(j, "HRANDFIELD", "h:big", "900"))).hasSize(900).doesNotHaveDuplicates();
        assertThat(list(cmd(j, "HRANDFIELD", "h:big", "-2000", "WITHVALUES"))).hasSize(4000);
        assertThat(cmd(j, "HINCRBY", "h:big", "counter", "3")).isEqualTo(3L);
        assertThat(cmd(j, "HLEN", "h:big")).isEqualTo(1001L);
        // removing fields, in many steps, down to nothing
        for (int i = 0; i < 1000; i += 100) {
            Object[] del = new Object[2 + 100];
            del[0] = "HDEL";
            del[1] = "h:big";
            for (int k = 0; k < 100; k++) del[2 + k] = "field:" + (i + k);
            assertThat(cmd(j, del)).isEqualTo(100L);
        }
        assertThat(hgetall(j, "h:big")).isEqualTo(Map.of("counter", "3"));
        assertThat(cmd(j, "HDEL", "h:big", "counter")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "h:big")).isEqualTo(0L);
        // a long value makes even a small hash a large one
        String longValue = "x".repeat(100);
        cmd(j, "HSET", "h:longvalue", "a", "1");
        assertThat(cmd(j, "OBJECT", "ENCODING", "h:longvalue")).isEqualTo("listpack");
        cmd(j, "HSET", "h:longvalue", "b", longValue);
        assertThat(cmd(j, "OBJECT", "ENCODING", "h:longvalue")).isEqualTo("hashtable");
        assertThat(cmd(j, "HGET", "h:longvalue", "b")).isEqualTo(longValue);
        assertThat(cmd(j, "HSTRLEN", "h:longvalue", "b")).isEqualTo(100L);
    }

    @Test
    void generic_commands_on_a_hash() {
        cmd(j, "HSET", "h:gen", "a", "1", "b", "2");
        assertThat(cmd(j, "TYPE", "h:gen")).isEqualTo("hash");
        assertThat(cmd(j, "EXISTS", "h:gen", "h:gen", "h:nope")).isEqualTo(2L);
        assertThat(cmd(j, "TOUCH", "h:gen")).isEqualTo(1L);
        assertThat(cmd(j, "OBJECT", "ENCODING", "h:gen")).isEqualTo("listpack");
        assertThat(cmd(j, "OBJECT", "REFCOUNT", "h:gen")).isEqualTo(1L);
        assertThat(cmd(j, "OBJECT", "ENCODING", "h:nope")).isNull();
        // expiry: kept by changes, as in Redis
        assertThat(cmd(j, "TTL", "h:gen")).isEqualTo(-1L);
        assertThat(cmd(j, "EXPIRE", "h:gen", "1000")).isEqualTo(1L);
        cmd(j, "HSET", "h:gen", "c", "3");
        cmd(j, "HDEL", "h:gen", "c");
        cmd(j, "HINCRBY", "h:gen", "a", "1");
        assertThat((Long) cmd(j, "TTL", "h:gen")).isBetween(990L, 1000L);
        assertThat((Long) cmd(j, "PEXPIRETIME", "h:gen")).isGreaterThan(System.currentTimeMillis());
        // RENAME carries the value and its expiry; the old name is gone
        assertThat(cmd(j, "RENAME", "h:gen", "h:gen2")).isEqualTo("OK");
        assertThat(cmd(j, "EXISTS", "h:gen")).isEqualTo(0L);
        assertThat(hgetall(j, "h:gen2")).isEqualTo(Map.of("a", "2", "b", "2"));
        assertThat((Long) cmd(j, "TTL", "h:gen2")).isBetween(990L, 1000L);
        assertThat(cmd(j, "PERSIST", "h:gen2")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "h:gen2")).isEqualTo(-1L);
        // RENAME onto a string replaces it; RENAMENX refuses an existing target
        cmd(j, "SET", "h:gen:str", "v");
        assertThat(cmd(j, "RENAMENX", "h:gen2", "h:gen:str")).isEqualTo(0L);
        assertThat(cmd(j, "RENAME", "h:gen2", "h:gen:str")).isEqualTo("OK");
        assertThat(cmd(j, "TYPE", "h:gen:str")).isEqualTo("hash");
        assertThat(cmd(j, "RENAMENX", "h:gen:str", "h:gen3")).isEqualTo(1L);
        // COPY is a deep copy: changing the copy leaves the original alone
        assertThat(cmd(j, "COPY", "h:gen3", "h:gen4")).isEqualTo(1L);
        assertThat(cmd(j, "COPY", "h:gen3", "h:gen4")).isEqualTo(0L);
        cmd(j, "HSET", "h:gen4", "a", "changed");
        assertThat(cmd(j, "HGET", "h:gen3", "a")).isEqualTo("2");
        cmd(j, "SET", "h:gen5", "v");
        assertThat(cmd(j, "COPY", "h:gen3", "h:gen5", "REPLACE")).isEqualTo(1L);
        assertThat(hgetall(j, "h:gen5")).isEqualTo(Map.of("a", "2", "b", "2"));
        // MOVE to another database, with its expiry
        cmd(j, "EXPIRE", "h:gen5", "500");
        assertThat(cmd(j, "MOVE", "h:gen5", "1")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "h:gen5")).isEqualTo(0L);
        assertThat(cmd(j, "COPY", "h:gen3", "h:gen6", "DB", "1")).isEqualTo(1L);
        try (Jedis other = server.jedis()) {
            other.select(1);
            assertThat(hgetall(other, "h:gen5")).isEqualTo(Map.of("a", "2", "b", "2"));
            assertThat((Long) cmd(other, "TTL", "h:gen5")).isBetween(490L, 500L);
            assertThat(cmd(other, "TYPE", "h:gen6")).isEqualTo("hash");
            assertThat(cmd(other, "DEL", "h:gen5", "h:gen6")).isEqualTo(2L);
        }
        // DEL, UNLINK, EXPIRE into the past
        assertThat(cmd(j, "DEL", "h:gen3")).isEqualTo(1L);
        assertThat(cmd(j, "UNLINK", "h:gen4")).isEqualTo(1L);
        cmd(j, "HSET", "h:gen7", "a", "1");
        assertThat(cmd(j, "PEXPIRE", "h:gen7", "-1")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "h:gen7")).isEqualTo(0L);
        assertThat(cmd(j, "HGET", "h:gen7", "a")).isNull();
    }

    @Test
    void a_hash_that_expires_is_gone_for_every_command() throws Exception {
        cmd(j, "HSET", "h:exp", "a", "1");
        cmd(j, "PEXPIRE", "h:exp", "50");
        RedisAsserts.await(java.time.Duration.ofSeconds(5), () -> ((Long) cmd(j, "EXISTS", "h:exp")) == 0L);
        assertThat(cmd(j, "HLEN", "h:exp")).isEqualTo(0L);
        assertThat(cmd(j, "HSET", "h:exp", "b", "2")).isEqualTo(1L);
        assertThat(hgetall(j, "h:exp")).isEqualTo(Map.of("b", "2"));
        assertThat(cmd(j, "TTL", "h:exp")).isEqualTo(-1L);
    }

    @SuppressWarnings("unchecked")
    @Test
    void scan_filters_by_type() {
        cmd(j, "HSET", "scantype:h", "f", "v");
        cmd(j, "SADD", "scantype:s", "m");
        cmd(j, "SET", "scantype:str", "v");
        for (String[] t : new String[][]{{"hash", "scantype:h"}, {"set", "scantype:s"}, {"string", "scantype:str"}}) {
            Set<Object> seen = new HashSet<>();
            String cursor = "0";
            do {
                List<Object> r = (List<Object>) cmd(j, "SCAN", cursor, "MATCH", "scantype:*", "TYPE", t[0], "COUNT", "1000");
                cursor = (String) r.get(0);
                seen.addAll((List<Object>) r.get(1));
            } while (!cursor.equals("0"));
            assertThat(seen).as(t[0]).containsExactly(t[1]);
        }
        // and in an ORDERED keyspace, whose scan reports each key's type
        try (Jedis o = server.jedis()) {
            cmd(o, "KEYSPACE", "CREATE", "hash_scan_ordered", "ORDERED");
            cmd(o, "SELECT", "hash_scan_ordered");
            cmd(o, "HSET", "b", "f", "v");
            cmd(o, "SADD", "c", "m");
            cmd(o, "SET", "a", "v");
            assertThat(cmd(o, "SCAN", "0", "TYPE", "hash")).isEqualTo(List.of("0", List.of("b")));
            assertThat(cmd(o, "SCAN", "0", "TYPE", "set")).isEqualTo(List.of("0", List.of("c")));
            assertThat(cmd(o, "SCAN", "0", "TYPE", "zset")).isEqualTo(List.of("0", List.of()));
            assertThat(cmd(o, "SCAN", "0")).isEqualTo(List.of("0", List.of("a", "b", "c")));
            assertThat(cmd(o, "KEYS", "*")).isEqualTo(List.of("a", "b", "c"));
            assertThat(hgetall(o, "b")).isEqualTo(Map.of("f", "v"));
        }
    }

    @Test
    void resp3_replies() throws Exception {
        cmd(j, "HSET", "h:r3", "a", "1");
        try (RawClient r = server.raw()) {
            assertThat(r.call("HELLO", "3")).startsWith("%");
            assertThat(r.call("HGETALL", "h:r3")).isEqualTo("%1\r\n" + bulk("a") + bulk("1"));
            assertThat(r.call("HGETALL", "h:none")).isEqualTo("%0\r\n");
            assertThat(r.call("HKEYS", "h:r3")).isEqualTo("*1\r\n" + bulk("a"));
            assertThat(r.call("HRANDFIELD", "h:r3", "1", "WITHVALUES")).isEqualTo("*1\r\n*2\r\n" + bulk("a") + bulk("1"));
            assertThat(r.call("HRANDFIELD", "h:r3", "-2", "WITHVALUES"))
                    .isEqualTo("*2\r\n*2\r\n" + bulk("a") + bulk("1") + "*2\r\n" + bulk("a") + bulk("1"));
            assertThat(r.call("HRANDFIELD", "h:r3", "-2")).isEqualTo("*2\r\n" + bulk("a") + bulk("a"));
            assertThat(r.call("HRANDFIELD", "h:none")).isEqualTo("_\r\n");
            assertThat(r.call("HGET", "h:r3", "zz")).isEqualTo("_\r\n");
            assertThat(r.call("HSCAN", "h:none", "0")).isEqualTo("*2\r\n" + bulk("0") + "*0\r\n");
        }
        try (RawClient r = server.raw()) {
            assertThat(r.call("HGETALL", "h:r3")).isEqualTo("*2\r\n" + bulk("a") + bulk("1"));
            assertThat(r.call("HRANDFIELD", "h:r3", "1", "WITHVALUES")).isEqualTo("*2\r\n" + bulk("a") + bulk("1"));
        }
    }

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, String since) {
        }
        List<M> expected = List.of(
                new M("hset", -4, "write denyoom fast", "2.0.0"),
                new M("hsetnx", 4, "write denyoom fast", "2.0.0"),
                new M("hget", 3, "readonly fast", "2.0.0"),
                new M("hmget", -3, "readonly fast", "2.0.0"),
                new M("hmset", -4, "write denyoom fast", "2.0.0"),
                new M("hgetall", 2, "readonly", "2.0.0"),
                new M("hkeys", 2, "readonly", "2.0.0"),
                new M("hvals", 2, "readonly", "2.0.0"),
                new M("hlen", 2, "readonly fast", "2.0.0"),
                new M("hexists", 3, "readonly fast", "2.0.0"),
                new M("hdel", -3, "write fast", "2.0.0"),
                new M("hincrby", 4, "write denyoom fast", "2.0.0"),
                new M("hincrbyfloat", 4, "write denyoom fast", "2.6.0"),
                new M("hstrlen", 3, "readonly fast", "3.2.0"),
                new M("hrandfield", -2, "readonly", "6.2.0"),
                new M("hscan", -3, "readonly", "2.8.0"));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(1, 1, 1));
            assertThat(c.group()).as(m.name()).isEqualTo("hash");
            assertThat(c.since()).as(m.name()).isEqualTo(m.since());
            assertThat(c.summary()).as(m.name()).isNotBlank();
        }
        assertThat(cmd(j, "COMMAND", "GETKEYS", "HSET", "k", "f", "v")).isEqualTo(List.of("k"));
    }

    // ------------------------------------------------------------------ durability

    @Test
    void hashes_survive_a_restart(@TempDir Path own) throws Exception {
        Map<String, String> big = new HashMap<>();
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            cmd(c, "HSET", "small", "a", "1", "b", "2");
            cmd(c, "HINCRBYFLOAT", "small", "f", "1.5");
            cmd(c, "HDEL", "small", "b");
            for (int i = 0; i < 300; i++) {
                cmd(c, "HSET", "big", "f" + i, "v" + i);
                big.put("f" + i, "v" + i);
            }
            cmd(c, "HDEL", "big", "f7");
            big.remove("f7");
            cmd(c, "HSET", "ttl", "a", "1");
            cmd(c, "EXPIRE", "ttl", "1000");
            cmd(c, "HSET", "gone", "a", "1");
            cmd(c, "HDEL", "gone", "a");
            cmd(c, "HSET", "renamed", "x", "y");
            cmd(c, "RENAME", "renamed", "target");
            cmd(c, "SET", "replaced", "v");
            cmd(c, "HSET", "tostring", "a", "1");
            cmd(c, "SET", "tostring", "now");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(hgetall(c, "small")).isEqualTo(Map.of("a", "1", "f", "1.5"));
            assertThat(hgetall(c, "big")).isEqualTo(big);
            assertThat(cmd(c, "OBJECT", "ENCODING", "big")).isEqualTo("hashtable");
            assertThat((Long) cmd(c, "TTL", "ttl")).isBetween(900L, 1000L);
            assertThat(cmd(c, "EXISTS", "gone", "renamed")).isEqualTo(0L);
            assertThat(hgetall(c, "target")).isEqualTo(Map.of("x", "y"));
            assertThat(cmd(c, "GET", "tostring")).isEqualTo("now");
            // a checkpoint, then the log after it, and another restart
            assertThat(cmd(c, "SAVE")).isEqualTo("OK");
            cmd(c, "HSET", "big", "after", "save");
            cmd(c, "HDEL", "small", "a");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            big.put("after", "save");
            assertThat(hgetall(c, "big")).isEqualTo(big);
            assertThat(hgetall(c, "small")).isEqualTo(Map.of("f", "1.5"));
        }
    }

    /**
     * A seeded random run of hash commands against a {@link HashMap} model, restarting the server midway. The seed is
     * printed; {@code -Dcairn.hash.seed=N} repeats a run.
     */
    @Test
    void random_commands_match_a_model(@TempDir Path own) throws Exception {
        long seed = Long.getLong("cairn.hash.seed", System.nanoTime());
        System.out.println("HashCommandsTest.random_commands_match_a_model seed=" + seed + " (-Dcairn.hash.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Map<String, Map<String, String>> model = new HashMap<>();
        int ops = 3000;
        TestServer s = TestServer.start(own);
        Jedis c = s.jedis();
        try {
            for (int op = 0; op < ops; op++) {
                if (op == ops / 2) {
                    c.close();
                    s.close();
                    s = TestServer.start(own);
                    c = s.jedis();
                    for (String k : model.keySet()) assertThat(hgetall(c, k)).as("after restart, seed " + seed).isEqualTo(model.get(k));
                }
                String key = "k" + rnd.nextInt(6);
                // keys 0-1 grow past the compact limit (128 fields), the others stay small
                int fields = key.compareTo("k2") < 0 ? 400 : 20;
                String f = "f" + rnd.nextInt(fields);
                Map<String, String> h = model.computeIfAbsent(key, x -> new HashMap<>());
                String at = "op " + op + ", seed " + seed;
                switch (rnd.nextInt(10)) {
                    case 0, 1, 2 -> {
                        int n = 1 + rnd.nextInt(4);
                        List<Object> args = new ArrayList<>(List.of("HSET", key));
                        Set<String> fresh = new HashSet<>();
                        for (int i = 0; i < n; i++) {
                            String fi = "f" + rnd.nextInt(fields);
                            String v = rnd.nextInt(10) == 0 ? "v".repeat(70) : "v" + rnd.nextInt(1000);
                            args.add(fi);
                            args.add(v);
                            if (!h.containsKey(fi)) fresh.add(fi);
                            h.put(fi, v);
                        }
                        assertThat(cmd(c, args.toArray())).as(at).isEqualTo((long) fresh.size());
                    }
                    case 3 -> {
                        int n = 1 + rnd.nextInt(3);
                        List<Object> args = new ArrayList<>(List.of("HDEL", key));
                        long removed = 0;
                        for (int i = 0; i < n; i++) {
                            String fi = "f" + rnd.nextInt(fields);
                            args.add(fi);
                            if (h.remove(fi) != null) removed++;
                        }
                        assertThat(cmd(c, args.toArray())).as(at).isEqualTo(removed);
                    }
                    case 4 -> {
                        long by = rnd.nextInt(200) - 100;
                        String cur = h.get(f);
                        Long parsed = cur == null ? Long.valueOf(0) : parseLongOrNull(cur);
                        if (parsed == null) {
                            assertError(c, "ERR hash value is not an integer", "HINCRBY", key, f, by);
                        } else {
                            assertThat(cmd(c, "HINCRBY", key, f, by)).as(at).isEqualTo(parsed + by);
                            h.put(f, String.valueOf(parsed + by));
                        }
                    }
                    case 5 -> {
                        boolean isNew = !h.containsKey(f);
                        assertThat(cmd(c, "HSETNX", key, f, "nx" + op)).as(at).isEqualTo(isNew ? 1L : 0L);
                        if (isNew) h.put(f, "nx" + op);
                    }
                    case 6 -> assertThat(cmd(c, "HGET", key, f)).as(at).isEqualTo(h.get(f));
                    case 7 -> assertThat(cmd(c, "HLEN", key)).as(at).isEqualTo((long) h.size());
                    case 8 -> {
                        if (rnd.nextInt(20) == 0) {
                            assertThat(cmd(c, "DEL", key)).as(at).isEqualTo(h.isEmpty() ? 0L : 1L);
                            h.clear();
                        } else {
                            assertThat(cmd(c, "HEXISTS", key, f)).as(at).isEqualTo(h.containsKey(f) ? 1L : 0L);
                        }
                    }
                    default -> assertThat(hgetall(c, key)).as(at).isEqualTo(h);
                }
                assertThat(cmd(c, "EXISTS", key)).as(at).isEqualTo(h.isEmpty() ? 0L : 1L);
            }
            for (String k : model.keySet()) assertThat(hgetall(c, k)).as("at the end, seed " + seed).isEqualTo(model.get(k));
        } finally {
            c.close();
            s.close();
        }
    }

    private static Long parseLongOrNull(String s) {
        try {
            Long v = Long.parseLong(s);
            return s.equals(String.valueOf(v)) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
