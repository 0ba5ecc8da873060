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
import static org.assertj.core.api.Assertions.assertThat;

class SetCommandsTest extends SharedServerTest {
    static final String WRONGTYPE = HashCommandsTest.WRONGTYPE;

    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    @SuppressWarnings("unchecked")
    static Set<String> members(Object reply) {
        List<Object> l = (List<Object>) reply;
        Set<String> s = new HashSet<>();
        for (Object o : l) s.add((String) o);
        assertThat(s).as("no member twice").hasSize(l.size());
        return s;
    }

    static Set<String> smembers(Jedis j, String key) {
        return members(cmd(j, "SMEMBERS", key));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object reply) {
        return (List<Object>) reply;
    }

    /** SADD key with members m0..m(n-1). */
    private void fill(String key, int n, String prefix) {
        Object[] args = new Object[2 + n];
        args[0] = "SADD";
        args[1] = key;
        for (int i = 0; i < n; i++) args[2 + i] = prefix + i;
        assertThat(cmd(j, args)).isEqualTo((long) n);
    }

    // ------------------------------------------------------------------ one set

    @Test
    void sadd_srem_count_each_member_once() {
        assertThat(cmd(j, "SADD", "s:add", "a", "b", "a")).isEqualTo(2L);
        assertThat(cmd(j, "SADD", "s:add", "a", "c")).isEqualTo(1L);
        assertThat(cmd(j, "SADD", "s:add", "")).isEqualTo(1L);
        assertThat(smembers(j, "s:add")).containsExactlyInAnyOrder("a", "b", "c", "");
        assertThat(cmd(j, "SREM", "s:add", "a", "a", "zz")).isEqualTo(1L);
        assertThat(cmd(j, "SREM", "s:missing", "a")).isEqualTo(0L);
        assertThat(cmd(j, "SCARD", "s:add")).isEqualTo(3L);
        assertThat(cmd(j, "SREM", "s:add", "b", "c", "")).isEqualTo(3L);
        assertThat(cmd(j, "EXISTS", "s:add")).isEqualTo(0L);
        assertError(j, "ERR wrong number of arguments for 'sadd' command", "SADD", "s:add");
        assertError(j, "ERR wrong number of arguments for 'srem' command", "SREM", "s:add");
    }

    @Test
    void membership_and_missing_keys() {
        cmd(j, "SADD", "s:m", "a", "b");
        assertThat(cmd(j, "SISMEMBER", "s:m", "a")).isEqualTo(1L);
        assertThat(cmd(j, "SISMEMBER", "s:m", "z")).isEqualTo(0L);
        assertThat(cmd(j, "SISMEMBER", "s:none", "a")).isEqualTo(0L);
        assertThat(cmd(j, "SMISMEMBER", "s:m", "a", "z", "b", "a")).isEqualTo(List.of(1L, 0L, 1L, 1L));
        assertThat(cmd(j, "SMISMEMBER", "s:none", "a", "b")).isEqualTo(List.of(0L, 0L));
        assertThat(cmd(j, "SMEMBERS", "s:none")).isEqualTo(List.of());
        assertThat(cmd(j, "SCARD", "s:none")).isEqualTo(0L);
        assertThat(cmd(j, "SPOP", "s:none")).isNull();
        assertThat(cmd(j, "SPOP", "s:none", "3")).isEqualTo(List.of());
        assertThat(cmd(j, "SRANDMEMBER", "s:none")).isNull();
        assertThat(cmd(j, "SRANDMEMBER", "s:none", "-3")).isEqualTo(List.of());
        assertThat(cmd(j, "SSCAN", "s:none", "0")).isEqualTo(List.of("0", List.of()));
        assertError(j, "ERR wrong number of arguments for 'smismember' command", "SMISMEMBER", "s:m");
        assertError(j, "ERR wrong number of arguments for 'sismember' command", "SISMEMBER", "s:m");
    }

    @Test
    void spop_removes_what_it_answers() {
        fill("s:pop", 10, "m");
        Set<String> all = smembers(j, "s:pop");
        String one = (String) cmd(j, "SPOP", "s:pop");
        assertThat(all).contains(one);
        assertThat(cmd(j, "SISMEMBER", "s:pop", one)).isEqualTo(0L);
        assertThat(cmd(j, "SPOP", "s:pop", "0")).isEqualTo(List.of());
        Set<String> three = members(cmd(j, "SPOP", "s:pop", "3"));
        assertThat(three).hasSize(3).doesNotContain(one);
        assertThat(cmd(j, "SCARD", "s:pop")).isEqualTo(6L);
        Set<String> left = smembers(j, "s:pop");
        assertThat(left).doesNotContainAnyElementsOf(three);
        assertThat(members(cmd(j, "SPOP", "s:pop", "100"))).isEqualTo(left);
        assertThat(cmd(j, "EXISTS", "s:pop")).isEqualTo(0L);
        fill("s:pop2", 3, "x");
        assertThat(members(cmd(j, "SPOP", "s:pop2", "9223372036854775807"))).hasSize(3);
        assertError(j, "ERR value is out of range, must be positive", "SPOP", "s:pop2", "-1");
        assertError(j, "ERR value is not an integer or out of range", "SPOP", "s:pop2", "x");
        assertError(j, "ERR syntax error", "SPOP", "s:pop2", "1", "2");
        cmd(j, "SET", "s:pop:str", "v");
        assertError(j, WRONGTYPE, "SPOP", "s:pop:str");
        assertError(j, WRONGTYPE, "SPOP", "s:pop:str", "1");
    }

    @Test
    void srandmember_with_and_without_repetition() {
        fill("s:rand", 5, "m");
        Set<String> all = smembers(j, "s:rand");
        for (int i = 0; i < 20; i++) assertThat(all).contains((String) cmd(j, "SRANDMEMBER", "s:rand"));
        assertThat(cmd(j, "SRANDMEMBER", "s:rand", "0")).isEqualTo(List.of());
        for (int n = 1; n <= 5; n++) assertThat(members(cmd(j, "SRANDMEMBER", "s:rand", String.valueOf(n)))).hasSize(n).isSubsetOf(all);
        assertThat(members(cmd(j, "SRANDMEMBER", "s:rand", "50"))).isEqualTo(all);
        List<Object> rep = list(cmd(j, "SRANDMEMBER", "s:rand", "-40"));
        assertThat(rep).hasSize(40);
        assertThat(new HashSet<>(rep)).isSubsetOf(new HashSet<>(all));
        assertThat(cmd(j, "SCARD", "s:rand")).isEqualTo(5L); // nothing removed
        assertError(j, "ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807",
                "SRANDMEMBER", "s:rand", "-9223372036854775808");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> cmd(j, "SRANDMEMBER", "s:rand", "-9223372036854775807")))
                .hasMessageStartingWith("ERR value is out of range");
        assertError(j, "ERR value is not an integer or out of range", "SRANDMEMBER", "s:rand", "x");
        assertError(j, "ERR syntax error", "SRANDMEMBER", "s:rand", "1", "2");
    }

    @Test
    void smove_between_sets() {
        cmd(j, "SADD", "s:from", "a", "b");
        cmd(j, "SADD", "s:to", "c");
        assertThat(cmd(j, "SMOVE", "s:from", "s:to", "a")).isEqualTo(1L);
        assertThat(smembers(j, "s:from")).containsExactly("b");
        assertThat(smembers(j, "s:to")).containsExactlyInAnyOrder("a", "c");
        assertThat(cmd(j, "SMOVE", "s:from", "s:to", "zz")).isEqualTo(0L);
        assertThat(cmd(j, "SMOVE", "s:from", "s:to", "c")).isEqualTo(0L); // not in the source
        assertThat(cmd(j, "SMOVE", "s:to", "s:to", "c")).isEqualTo(1L);
        assertThat(cmd(j, "SMOVE", "s:to", "s:to", "zz")).isEqualTo(0L);
        // already in the destination: leaves the source, counted as moved
        cmd(j, "SADD", "s:to", "b");
        assertThat(cmd(j, "SMOVE", "s:from", "s:to", "b")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "s:from")).isEqualTo(0L);
        assertThat(smembers(j, "s:to")).containsExactlyInAnyOrder("a", "b", "c");
        // to a new key
        assertThat(cmd(j, "SMOVE", "s:to", "s:new", "a")).isEqualTo(1L);
        assertThat(smembers(j, "s:new")).containsExactly("a");
        // types: an absent source answers 0 even before a wrong destination
        cmd(j, "SET", "s:str", "v");
        assertThat(cmd(j, "SMOVE", "s:none", "s:str", "a")).isEqualTo(0L);
        assertError(j, WRONGTYPE, "SMOVE", "s:str", "s:to", "a");
        assertError(j, WRONGTYPE, "SMOVE", "s:to", "s:str", "a");
        assertError(j, WRONGTYPE, "SMOVE", "s:to", "s:str", "zz");
        assertThat(smembers(j, "s:to")).containsExactlyInAnyOrder("b", "c");
    }

    // ------------------------------------------------------------------ several sets

    @Test
    void sinter_sunion_sdiff() {
        cmd(j, "SADD", "{s}1", "a", "b", "c", "d");
        cmd(j, "SADD", "{s}2", "c");
        cmd(j, "SADD", "{s}3", "a", "c", "e");
        assertThat(members(cmd(j, "SINTER", "{s}1", "{s}2", "{s}3"))).containsExactly("c");
        assertThat(members(cmd(j, "SINTER", "{s}1", "{s}3"))).containsExactlyInAnyOrder("a", "c");
        assertThat(members(cmd(j, "SINTER", "{s}1"))).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(cmd(j, "SINTER", "{s}1", "{s}none")).isEqualTo(List.of());
        assertThat(members(cmd(j, "SUNION", "{s}1", "{s}2", "{s}3", "{s}none"))).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        assertThat(cmd(j, "SUNION", "{s}none")).isEqualTo(List.of());
        assertThat(members(cmd(j, "SDIFF", "{s}1", "{s}2", "{s}3"))).containsExactlyInAnyOrder("b", "d");
        assertThat(members(cmd(j, "SDIFF", "{s}1", "{s}none"))).hasSize(4);
        assertThat(cmd(j, "SDIFF", "{s}none", "{s}1")).isEqualTo(List.of());
        assertThat(cmd(j, "SDIFF", "{s}1", "{s}1")).isEqualTo(List.of());
        // every key's type is checked, even after an absent one
        cmd(j, "SET", "{s}str", "v");
        assertError(j, WRONGTYPE, "SINTER", "{s}none", "{s}str");
        assertError(j, WRONGTYPE, "SUNION", "{s}1", "{s}str");
        assertError(j, WRONGTYPE, "SDIFF", "{s}1", "{s}str");
        assertError(j, WRONGTYPE, "SDIFF", "{s}str", "{s}1");
        assertError(j, "ERR wrong number of arguments for 'sinter' command", "SINTER");
    }

    @Test
    void store_forms_replace_the_destination() {
        cmd(j, "SADD", "{st}1", "a", "b", "c");
        cmd(j, "SADD", "{st}2", "b", "c", "d");
        assertThat(cmd(j, "SINTERSTORE", "{st}dst", "{st}1", "{st}2")).isEqualTo(2L);
        assertThat(smembers(j, "{st}dst")).containsExactlyInAnyOrder("b", "c");
        assertThat(cmd(j, "SUNIONSTORE", "{st}dst", "{st}1", "{st}2")).isEqualTo(4L);
        assertThat(smembers(j, "{st}dst")).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(cmd(j, "SDIFFSTORE", "{st}dst", "{st}1", "{st}2")).isEqualTo(1L);
        assertThat(smembers(j, "{st}dst")).containsExactly("a");
        // the destination may be a source
        assertThat(cmd(j, "SUNIONSTORE", "{st}1", "{st}1", "{st}2")).isEqualTo(4L);
        assertThat(smembers(j, "{st}1")).containsExactlyInAnyOrder("a", "b", "c", "d");
        // an empty result deletes the destination, whatever it held
        cmd(j, "SET", "{st}str", "v");
        cmd(j, "EXPIRE", "{st}str", "100");
        assertThat(cmd(j, "SINTERSTORE", "{st}str", "{st}1", "{st}none")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "{st}str")).isEqualTo(0L);
        assertThat(cmd(j, "SDIFFSTORE", "{st}dst", "{st}2", "{st}1")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "{st}dst")).isEqualTo(0L);
        // a string destination is replaced, and its expiry dropped
        cmd(j, "SET", "{st}str", "v", "EX", "100");
        assertThat(cmd(j, "SUNIONSTORE", "{st}str", "{st}2")).isEqualTo(3L);
        assertThat(cmd(j, "TYPE", "{st}str")).isEqualTo("set");
        assertThat(cmd(j, "TTL", "{st}str")).isEqualTo(-1L);
        // a wrong-type source fails and changes nothing
        cmd(j, "HSET", "{st}hash", "f", "v");
        assertError(j, WRONGTYPE, "SINTERSTORE", "{st}str", "{st}1", "{st}hash");
        assertThat(cmd(j, "SCARD", "{st}str")).isEqualTo(3L);
        // the destination's type does not matter
        assertThat(cmd(j, "SDIFFSTORE", "{st}hash", "{st}1")).isEqualTo(4L);
        assertThat(cmd(j, "TYPE", "{st}hash")).isEqualTo("set");
        assertError(j, "ERR wrong number of arguments for 'sinterstore' command", "SINTERSTORE", "{st}x");
    }

    @Test
    void sintercard_with_limit() {
        cmd(j, "SADD", "{sc}1", "a", "b", "c", "d");
        cmd(j, "SADD", "{sc}2", "b", "c", "d", "e");
        assertThat(cmd(j, "SINTERCARD", "2", "{sc}1", "{sc}2")).isEqualTo(3L);
        assertThat(cmd(j, "SINTERCARD", "1", "{sc}1")).isEqualTo(4L);
        assertThat(cmd(j, "SINTERCARD", "2", "{sc}1", "{sc}2", "LIMIT", "2")).isEqualTo(2L);
        assertThat(cmd(j, "SINTERCARD", "2", "{sc}1", "{sc}2", "limit", "0")).isEqualTo(3L);
        assertThat(cmd(j, "SINTERCARD", "2", "{sc}1", "{sc}2", "LIMIT", "10")).isEqualTo(3L);
        assertThat(cmd(j, "SINTERCARD", "2", "{sc}1", "{sc}none")).isEqualTo(0L);
        assertError(j, "ERR numkeys should be greater than 0", "SINTERCARD", "0", "{sc}1");
        assertError(j, "ERR numkeys should be greater than 0", "SINTERCARD", "-1", "{sc}1");
        assertError(j, "ERR numkeys should be greater than 0", "SINTERCARD", "x", "{sc}1");
        assertError(j, "ERR Number of keys can't be greater than number of args", "SINTERCARD", "3", "{sc}1", "{sc}2");
        assertError(j, "ERR LIMIT can't be negative", "SINTERCARD", "1", "{sc}1", "LIMIT", "-1");
        assertError(j, "ERR LIMIT can't be negative", "SINTERCARD", "1", "{sc}1", "LIMIT", "x");
        assertError(j, "ERR syntax error", "SINTERCARD", "1", "{sc}1", "{sc}2");
        assertError(j, "ERR syntax error", "SINTERCARD", "1", "{sc}1", "LIMIT");
        cmd(j, "SET", "{sc}str", "v");
        assertError(j, WRONGTYPE, "SINTERCARD", "2", "{sc}none", "{sc}str");
        assertError(j, "ERR wrong number of arguments for 'sintercard' command", "SINTERCARD", "1");
    }

    // ------------------------------------------------------------------ SSCAN, big sets, types

    @SuppressWarnings("unchecked")
    private Set<String> sscanAll(String key, Object... options) {
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int steps = 0;
        do {
            Object[] args = new Object[3 + options.length];
            args[0] = "SSCAN";
            args[1] = key;
            args[2] = cursor;
            System.arraycopy(options, 0, args, 3, options.length);
            List<Object> r = (List<Object>) cmd(j, args);
            cursor = (String) r.get(0);
            for (Object m : (List<Object>) r.get(1)) seen.add((String) m);
            assertThat(++steps).isLessThan(10_000);
        } while (!cursor.equals("0"));
        return seen;
    }

    @Test
    void sscan_visits_every_member() {
        cmd(j, "SADD", "s:scan:small", "a", "b", "ab");
        assertThat(sscanAll("s:scan:small")).containsExactlyInAnyOrder("a", "b", "ab");
        assertThat(sscanAll("s:scan:small", "MATCH", "a*", "COUNT", "1")).containsExactlyInAnyOrder("a", "ab");
        fill("s:scan:big", 1000, "m");
        Set<String> all = sscanAll("s:scan:big", "COUNT", "33");
        assertThat(all).hasSize(1000);
        assertThat(sscanAll("s:scan:big", "MATCH", "m9?", "COUNT", "200")).hasSize(10).contains("m90", "m99");
        assertError(j, "ERR invalid cursor", "SSCAN", "s:scan:big", "abc");
        assertError(j, "ERR syntax error", "SSCAN", "s:scan:big", "0", "COUNT", "0");
        assertError(j, "ERR syntax error", "SSCAN", "s:scan:big", "0", "NOSUCH", "1");
        cmd(j, "SET", "s:scan:str", "v");
        assertError(j, WRONGTYPE, "SSCAN", "s:scan:str", "0");
    }

    @Test
    void a_big_set_past_the_compact_limits() {
        fill("s:big", 1000, "member:");
        assertThat(cmd(j, "SCARD", "s:big")).isEqualTo(1000L);
        assertThat(cmd(j, "OBJECT", "ENCODING", "s:big")).isEqualTo("hashtable");
        assertThat(smembers(j, "s:big")).hasSize(1000);
        assertThat(cmd(j, "SISMEMBER", "s:big", "member:999")).isEqualTo(1L);
        assertThat(members(cmd(j, "SRANDMEMBER", "s:big", "10"))).hasSize(10);
        assertThat(members(cmd(j, "SRANDMEMBER", "s:big", "700"))).hasSize(700);
        assertThat(list(cmd(j, "SRANDMEMBER", "s:big", "-3000"))).hasSize(3000);
        fill("s:big2", 500, "member:");
        assertThat(cmd(j, "SINTERCARD", "2", "s:big", "s:big2")).isEqualTo(500L);
        assertThat(cmd(j, "SDIFFSTORE", "s:bigdiff", "s:big", "s:big2")).isEqualTo(500L);
        assertThat(cmd(j, "SISMEMBER", "s:bigdiff", "member:500")).isEqualTo(1L);
        assertThat(cmd(j, "SISMEMBER", "s:bigdiff", "member:499")).isEqualTo(0L);
        Set<String> popped = members(cmd(j, "SPOP", "s:big", "10"));
        assertThat(popped).hasSize(10);
        assertThat(cmd(j, "SCARD", "s:big")).isEqualTo(990L);
        Set<String> most = members(cmd(j, "SPOP", "s:big", "900"));
        assertThat(most).hasSize(900).doesNotContainAnyElementsOf(popped);
        assertThat(cmd(j, "SCARD", "s:big")).isEqualTo(90L);
        // encodings Redis reports: intset for integers, listpack for other small sets
        cmd(j, "SADD", "s:ints", "1", "2", "-3");
        assertThat(cmd(j, "OBJECT", "ENCODING", "s:ints")).isEqualTo("intset");
        cmd(j, "SADD", "s:ints", "x");
        assertThat(cmd(j, "OBJECT", "ENCODING", "s:ints")).isEqualTo("listpack");
        cmd(j, "SADD", "s:ints", "y".repeat(100));
        assertThat(cmd(j, "OBJECT", "ENCODING", "s:ints")).isEqualTo("hashtable");
    }

    @Test
    void generic_commands_on_a_set() {
        cmd(j, "SADD", "s:gen", "a", "b");
        assertThat(cmd(j, "TYPE", "s:gen")).isEqualTo("set");
        assertThat(cmd(j, "EXISTS", "s:gen")).isEqualTo(1L);
        cmd(j, "EXPIRE", "s:gen", "1000");
        cmd(j, "SADD", "s:gen", "c");
        cmd(j, "SREM", "s:gen", "a");
        cmd(j, "SPOP", "s:gen");
        assertThat((Long) cmd(j, "TTL", "s:gen")).isBetween(990L, 1000L);
        assertThat(cmd(j, "RENAME", "s:gen", "s:gen2")).isEqualTo("OK");
        assertThat((Long) cmd(j, "TTL", "s:gen2")).isBetween(990L, 1000L);
        assertThat(cmd(j, "SCARD", "s:gen2")).isEqualTo(1L);
        assertThat(cmd(j, "COPY", "s:gen2", "s:gen3")).isEqualTo(1L);
        cmd(j, "SADD", "s:gen3", "new");
        assertThat(cmd(j, "SCARD", "s:gen2")).isEqualTo(1L);
        assertThat(cmd(j, "SCARD", "s:gen3")).isEqualTo(2L);
        assertThat(cmd(j, "PERSIST", "s:gen3")).isEqualTo(1L);
        assertThat(cmd(j, "TTL", "s:gen3")).isEqualTo(-1L);
        assertThat(cmd(j, "MOVE", "s:gen3", "2")).isEqualTo(1L);
        try (Jedis other = server.jedis()) {
            other.select(2);
            assertThat(smembers(other, "s:gen3")).hasSize(2).contains("new");
            cmd(other, "DEL", "s:gen3");
        }
        for (Object[] c : List.of(new Object[]{"GET", "s:gen2"}, new Object[]{"INCR", "s:gen2"},
                new Object[]{"APPEND", "s:gen2", "x"}, new Object[]{"STRLEN", "s:gen2"}, new Object[]{"HGET", "s:gen2", "f"},
                new Object[]{"HSET", "s:gen2", "f", "v"})) {
            assertError(j, WRONGTYPE, c);
        }
        cmd(j, "SET", "s:gen:str", "v");
        for (Object[] c : List.of(new Object[]{"SADD", "s:gen:str", "m"}, new Object[]{"SREM", "s:gen:str", "m"},
                new Object[]{"SMEMBERS", "s:gen:str"}, new Object[]{"SISMEMBER", "s:gen:str", "m"},
                new Object[]{"SMISMEMBER", "s:gen:str", "m"}, new Object[]{"SCARD", "s:gen:str"},
                new Object[]{"SRANDMEMBER", "s:gen:str"}, new Object[]{"SRANDMEMBER", "s:gen:str", "2"},
                new Object[]{"SINTERCARD", "1", "s:gen:str"}, new Object[]{"SUNIONSTORE", "s:gen:d", "s:gen:str"})) {
            assertError(j, WRONGTYPE, c);
        }
        assertThat(cmd(j, "GET", "s:gen:str")).isEqualTo("v");
        assertThat(cmd(j, "SET", "s:gen2", "v")).isEqualTo("OK");
        assertThat(cmd(j, "TYPE", "s:gen2")).isEqualTo("string");
        assertThat(cmd(j, "TTL", "s:gen2")).isEqualTo(-1L);
        assertThat(cmd(j, "DEL", "s:gen2")).isEqualTo(1L);
    }

    @Test
    void resp3_replies_are_sets() throws Exception {
        cmd(j, "SADD", "{r3}a", "x");
        cmd(j, "SADD", "{r3}b", "x");
        try (RawClient r = server.raw()) {
            assertThat(r.call("HELLO", "3")).startsWith("%");
            assertThat(r.call("SMEMBERS", "{r3}a")).isEqualTo("~1\r\n" + bulk("x"));
            assertThat(r.call("SMEMBERS", "{r3}none")).isEqualTo("~0\r\n");
            assertThat(r.call("SINTER", "{r3}a", "{r3}b")).isEqualTo("~1\r\n" + bulk("x"));
            assertThat(r.call("SINTER", "{r3}a", "{r3}none")).isEqualTo("~0\r\n");
            assertThat(r.call("SUNION", "{r3}a", "{r3}b")).isEqualTo("~1\r\n" + bulk("x"));
            assertThat(r.call("SDIFF", "{r3}a", "{r3}b")).isEqualTo("~0\r\n");
            assertThat(r.call("SRANDMEMBER", "{r3}a", "-2")).isEqualTo("*2\r\n" + bulk("x") + bulk("x"));
            assertThat(r.call("SRANDMEMBER", "{r3}none")).isEqualTo("_\r\n");
            assertThat(r.call("SPOP", "{r3}none")).isEqualTo("_\r\n");
            assertThat(r.call("SPOP", "{r3}none", "2")).isEqualTo("~0\r\n");
            assertThat(r.call("SPOP", "{r3}b", "2")).isEqualTo("~1\r\n" + bulk("x"));
        }
    }

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, int first, int last, int step, String since) {
        }
        List<M> expected = List.of(
                new M("sadd", -3, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("srem", -3, "write fast", 1, 1, 1, "1.0.0"),
                new M("smembers", 2, "readonly", 1, 1, 1, "1.0.0"),
                new M("sismember", 3, "readonly fast", 1, 1, 1, "1.0.0"),
                new M("smismember", -3, "readonly fast", 1, 1, 1, "6.2.0"),
                new M("scard", 2, "readonly fast", 1, 1, 1, "1.0.0"),
                new M("spop", -2, "write fast", 1, 1, 1, "1.0.0"),
                new M("srandmember", -2, "readonly", 1, 1, 1, "1.0.0"),
                new M("smove", 4, "write fast", 1, 2, 1, "1.0.0"),
                new M("sinter", -2, "readonly", 1, -1, 1, "1.0.0"),
                new M("sunion", -2, "readonly", 1, -1, 1, "1.0.0"),
                new M("sdiff", -2, "readonly", 1, -1, 1, "1.0.0"),
                new M("sinterstore", -3, "write denyoom", 1, -1, 1, "1.0.0"),
                new M("sunionstore", -3, "write denyoom", 1, -1, 1, "1.0.0"),
                new M("sdiffstore", -3, "write denyoom", 1, -1, 1, "1.0.0"),
                new M("sintercard", -3, "readonly movablekeys", 0, 0, 0, "7.0.0"),
                new M("sscan", -3, "readonly", 1, 1, 1, "2.8.0"));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(m.first(), m.last(), m.step()));
            assertThat(c.group()).as(m.name()).isEqualTo("set");
            assertThat(c.since()).as(m.name()).isEqualTo(m.since());
            assertThat(c.summary()).as(m.name()).isNotBlank();
        }
        assertThat(cmd(j, "COMMAND", "GETKEYS", "SMOVE", "a", "b", "m")).isEqualTo(List.of("a", "b"));
        assertThat(cmd(j, "COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b")).isEqualTo(List.of("d", "a", "b"));
    }

    // ------------------------------------------------------------------ durability

    @Test
    void sets_survive_a_restart(@TempDir Path own) throws Exception {
        Set<String> big = new HashSet<>();
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            cmd(c, "SADD", "small", "a", "b", "c");
            cmd(c, "SREM", "small", "b");
            for (int i = 0; i < 300; i++) {
                cmd(c, "SADD", "big", "m" + i);
                big.add("m" + i);
            }
            String popped = (String) cmd(c, "SPOP", "big");
            big.remove(popped);
            for (Object m : list(cmd(c, "SPOP", "big", "20"))) big.remove((String) m);
            cmd(c, "SADD", "ints", "1", "2", "3");
            cmd(c, "EXPIRE", "ints", "1000");
            cmd(c, "SINTERSTORE", "stored", "small", "big");
            cmd(c, "SUNIONSTORE", "union", "small", "ints");
            cmd(c, "SMOVE", "small", "moved", "a");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(smembers(c, "small")).containsExactly("c");
            assertThat(smembers(c, "big")).isEqualTo(big);
            assertThat(cmd(c, "OBJECT", "ENCODING", "big")).isEqualTo("hashtable");
            assertThat(cmd(c, "OBJECT", "ENCODING", "ints")).isEqualTo("intset");
            assertThat((Long) cmd(c, "TTL", "ints")).isBetween(900L, 1000L);
            assertThat(cmd(c, "EXISTS", "stored")).isEqualTo(0L);
            assertThat(smembers(c, "union")).containsExactlyInAnyOrder("a", "c", "1", "2", "3");
            assertThat(smembers(c, "moved")).containsExactly("a");
        }
    }

    /**
     * A seeded random run of set commands against {@link HashSet} models, restarting the server midway. The seed is
     * printed; {@code -Dcairn.set.seed=N} repeats a run.
     */
    @Test
    void random_commands_match_a_model(@TempDir Path own) throws Exception {
        long seed = Long.getLong("cairn.set.seed", System.nanoTime());
        System.out.println("SetCommandsTest.random_commands_match_a_model seed=" + seed + " (-Dcairn.set.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Map<String, Set<String>> model = new HashMap<>();
        String[] keys = {"{k}0", "{k}1", "{k}2", "{k}3", "{k}4", "{k}5"};
        for (String k : keys) model.put(k, new HashSet<>());
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
                    for (String k : keys) assertThat(smembers(c, k)).as("after restart, seed " + seed).isEqualTo(model.get(k));
                }
                int ki = rnd.nextInt(keys.length);
                String key = keys[ki];
                // keys 0-1 grow past the compact limit (128 members), the others stay small; some members are integers
                int space = ki < 2 ? 400 : 20;
                Set<String> set = model.get(key);
                String at = "op " + op + ", seed " + seed;
                String other = keys[rnd.nextInt(keys.length)];
                String third = keys[rnd.nextInt(keys.length)];
                switch (rnd.nextInt(12)) {
                    case 0, 1, 2 -> {
                        List<Object> args = new ArrayList<>(List.of("SADD", key));
                        Set<String> fresh = new HashSet<>();
                        for (int i = 1 + rnd.nextInt(5); i > 0; i--) {
                            String m = member(rnd, space);
                            args.add(m);
                            if (set.add(m)) fresh.add(m);
                        }
                        assertThat(cmd(c, args.toArray())).as(at).isEqualTo((long) fresh.size());
                    }
                    case 3 -> {
                        List<Object> args = new ArrayList<>(List.of("SREM", key));
                        long removed = 0;
                        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                            String m = member(rnd, space);
                            args.add(m);
                            if (set.remove(m)) removed++;
                        }
                        assertThat(cmd(c, args.toArray())).as(at).isEqualTo(removed);
                    }
                    case 4 -> {
                        if (rnd.nextBoolean()) {
                            Object m = cmd(c, "SPOP", key);
                            if (set.isEmpty()) assertThat(m).as(at).isNull();
                            else assertThat(set.remove((String) m)).as(at).isTrue();
                        } else {
                            int n = rnd.nextInt(5);
                            Set<String> got = members(cmd(c, "SPOP", key, n));
                            assertThat(got).as(at).hasSize(Math.min(n, set.size()));
                            assertThat(set).as(at).containsAll(got);
                            set.removeAll(got);
                        }
                    }
                    case 5 -> {
                        String m = member(rnd, space);
                        boolean moved = set.contains(m);
                        assertThat(cmd(c, "SMOVE", key, other, m)).as(at).isEqualTo(moved ? 1L : 0L);
                        if (moved) {
                            set.remove(m);
                            model.get(other).add(m);
                        }
                    }
                    case 6 -> {
                        int kind = rnd.nextInt(3);
                        Set<String> r = new HashSet<>(model.get(other));
                        if (kind == 0) r.retainAll(model.get(third));
                        else if (kind == 1) r.addAll(model.get(third));
                        else r.removeAll(model.get(third));
                        String name = new String[]{"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}[kind];
                        assertThat(cmd(c, name, key, other, third)).as(at).isEqualTo((long) r.size());
                        model.put(key, r);
                    }
                    case 7 -> {
                        Set<String> r = new HashSet<>(set);
                        r.retainAll(model.get(other));
                        assertThat(members(cmd(c, "SINTER", key, other))).as(at).isEqualTo(r);
                        assertThat(cmd(c, "SINTERCARD", "2", key, other)).as(at).isEqualTo((long) r.size());
                    }
                    case 8 -> {
                        String m = member(rnd, space);
                        assertThat(cmd(c, "SISMEMBER", key, m)).as(at).isEqualTo(set.contains(m) ? 1L : 0L);
                    }
                    case 9 -> assertThat(cmd(c, "SCARD", key)).as(at).isEqualTo((long) set.size());
                    case 10 -> {
                        Set<String> r = new HashSet<>(set);
                        r.removeAll(model.get(other));
                        assertThat(members(cmd(c, "SDIFF", key, other))).as(at).isEqualTo(r);
                    }
                    default -> assertThat(smembers(c, key)).as(at).isEqualTo(set);
                }
                assertThat(cmd(c, "EXISTS", key)).as(at).isEqualTo(model.get(key).isEmpty() ? 0L : 1L);
            }
            for (String k : keys) assertThat(smembers(c, k)).as("at the end, seed " + seed).isEqualTo(model.get(k));
        } finally {
            c.close();
            s.close();
        }
    }

    private static String member(Random rnd, int space) {
        int i = rnd.nextInt(space);
        return i % 3 == 0 ? String.valueOf(i) : "m" + i;
    }
}
