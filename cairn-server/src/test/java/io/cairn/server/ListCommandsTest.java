package io.cairn.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;

class ListCommandsTest extends SharedServerTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private static List<String> list(String... items) {
        return Arrays.asList(items);
    }

    private Object range(String key) {
        return cmd(j, "LRANGE", key, "0", "-1");
    }

    // ------------------------------------------------------------------ push / pop

    @Test
    void push_orders_elements_as_redis_does() {
        assertThat(cmd(j, "RPUSH", "p:l", "a", "b")).isEqualTo(2L);
        assertThat(cmd(j, "LPUSH", "p:l", "x", "y")).isEqualTo(4L);
        assertThat(range("p:l")).isEqualTo(list("y", "x", "a", "b"));
        assertThat(cmd(j, "TYPE", "p:l")).isEqualTo("list");
        assertThat(cmd(j, "LLEN", "p:l")).isEqualTo(4L);
        assertThat(cmd(j, "LLEN", "p:missing")).isEqualTo(0L);
        assertError(j, "ERR wrong number of arguments for 'lpush' command", "LPUSH", "p:l");
    }

    @Test
    void pushx_only_pushes_onto_an_existing_list() {
        assertThat(cmd(j, "LPUSHX", "px:l", "a")).isEqualTo(0L);
        assertThat(cmd(j, "RPUSHX", "px:l", "a")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "px:l")).isEqualTo(0L);
        cmd(j, "RPUSH", "px:l", "m");
        assertThat(cmd(j, "LPUSHX", "px:l", "a", "b")).isEqualTo(3L);
        assertThat(cmd(j, "RPUSHX", "px:l", "z")).isEqualTo(4L);
        assertThat(range("px:l")).isEqualTo(list("b", "a", "m", "z"));
        cmd(j, "SET", "px:s", "v");
        assertError(j, WRONGTYPE, "LPUSHX", "px:s", "a");
    }

    @Test
    void pop_with_and_without_count() {
        cmd(j, "RPUSH", "pop:l", "a", "b", "c", "d", "e");
        assertThat(cmd(j, "LPOP", "pop:l")).isEqualTo("a");
        assertThat(cmd(j, "RPOP", "pop:l")).isEqualTo("e");
        assertThat(cmd(j, "LPOP", "pop:l", "2")).isEqualTo(list("b", "c"));
        assertThat(cmd(j, "LPOP", "pop:l", "0")).isEqualTo(List.of());
        assertThat(cmd(j, "RPOP", "pop:l", "9223372036854775807")).isEqualTo(list("d"));
        assertThat(cmd(j, "EXISTS", "pop:l")).isEqualTo(0L); // the emptied list is gone
        assertThat(cmd(j, "LPOP", "pop:l")).isNull();
        assertThat(cmd(j, "LPOP", "pop:l", "0")).isNull();
        assertThat(cmd(j, "RPOP", "pop:l", "3")).isNull();
        assertError(j, "ERR value is out of range, must be positive", "LPOP", "pop:l", "-1");
        assertError(j, "ERR value is out of range, must be positive", "LPOP", "pop:l", "x");
        assertError(j, "ERR wrong number of arguments for 'lpop' command", "LPOP", "pop:l", "1", "2");
        cmd(j, "SET", "pop:s", "v");
        assertError(j, WRONGTYPE, "RPOP", "pop:s");
        assertError(j, WRONGTYPE, "LPOP", "pop:s", "0");
    }

    @Test
    void pop_nil_and_empty_replies_byte_for_byte() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("LPOP", "raw:missing")).isEqualTo("$-1\r\n");
            assertThat(r.call("LPOP", "raw:missing", "1")).isEqualTo("*-1\r\n");
            assertThat(r.call("RPUSH", "raw:l", "a")).isEqualTo(":1\r\n");
            assertThat(r.call("LPOP", "raw:l", "0")).isEqualTo("*0\r\n");
            assertThat(r.call("LPOS", "raw:l", "zz")).isEqualTo("$-1\r\n");
            assertThat(r.call("LMPOP", "1", "raw:missing", "LEFT")).isEqualTo("*-1\r\n");
            assertThat(r.call("HELLO", "3")).startsWith("%7\r\n");
            assertThat(r.call("LPOP", "raw:missing")).isEqualTo("_\r\n");
            assertThat(r.call("LPOP", "raw:missing", "1")).isEqualTo("_\r\n");
            assertThat(r.call("LINDEX", "raw:l", "5")).isEqualTo("_\r\n");
            assertThat(r.call("LMPOP", "1", "raw:missing", "LEFT")).isEqualTo("_\r\n");
            assertThat(r.call("LMPOP", "1", "raw:l", "LEFT")).isEqualTo("*2\r\n" + bulk("raw:l") + "*1\r\n" + bulk("a"));
        }
    }

    // ------------------------------------------------------------------ reads

    @Test
    void lrange_resolves_indexes_as_redis_does() {
        cmd(j, "RPUSH", "r:l", "a", "b", "c", "d", "e");
        assertThat(cmd(j, "LRANGE", "r:l", "1", "3")).isEqualTo(list("b", "c", "d"));
        assertThat(cmd(j, "LRANGE", "r:l", "-2", "-1")).isEqualTo(list("d", "e"));
        assertThat(cmd(j, "LRANGE", "r:l", "-100", "1")).isEqualTo(list("a", "b"));
        assertThat(cmd(j, "LRANGE", "r:l", "3", "100")).isEqualTo(list("d", "e"));
        assertThat(cmd(j, "LRANGE", "r:l", "3", "1")).isEqualTo(List.of());
        assertThat(cmd(j, "LRANGE", "r:l", "5", "10")).isEqualTo(List.of());
        assertThat(cmd(j, "LRANGE", "r:l", "0", "-6")).isEqualTo(List.of());
        assertThat(cmd(j, "LRANGE", "r:l", "-9223372036854775808", "9223372036854775807")).isEqualTo(list("a", "b", "c", "d", "e"));
        assertThat(cmd(j, "LRANGE", "r:missing", "0", "-1")).isEqualTo(List.of());
        assertError(j, "ERR value is not an integer or out of range", "LRANGE", "r:l", "a", "1");
        assertError(j, "ERR value is not an integer or out of range", "LRANGE", "r:l", "0", "9223372036854775808");
        cmd(j, "SET", "r:s", "v");
        assertError(j, WRONGTYPE, "LRANGE", "r:s", "0", "-1");
        assertError(j, WRONGTYPE, "LLEN", "r:s");
    }

    @Test
    void lindex_in_and_out_of_range() {
        cmd(j, "RPUSH", "i:l", "a", "b", "c");
        assertThat(cmd(j, "LINDEX", "i:l", "0")).isEqualTo("a");
        assertThat(cmd(j, "LINDEX", "i:l", "-1")).isEqualTo("c");
        assertThat(cmd(j, "LINDEX", "i:l", "-3")).isEqualTo("a");
        assertThat(cmd(j, "LINDEX", "i:l", "3")).isNull();
        assertThat(cmd(j, "LINDEX", "i:l", "-4")).isNull();
        assertThat(cmd(j, "LINDEX", "i:l", "9223372036854775807")).isNull();
        assertThat(cmd(j, "LINDEX", "i:missing", "x")).isNull(); // the key is looked up first
        assertError(j, "ERR value is not an integer or out of range", "LINDEX", "i:l", "x");
        cmd(j, "SET", "i:s", "v");
        assertError(j, WRONGTYPE, "LINDEX", "i:s", "0");
    }

    @Test
    void lpos_options_and_errors() {
        cmd(j, "RPUSH", "lp:l", "a", "b", "c", "1", "2", "3", "c", "c");
        assertThat(cmd(j, "LPOS", "lp:l", "c")).isEqualTo(2L);
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "2")).isEqualTo(6L);
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "-1")).isEqualTo(7L);
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "-3")).isEqualTo(2L);
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "4")).isNull();
        assertThat(cmd(j, "LPOS", "lp:l", "c", "COUNT", "2")).isEqualTo(list2(2L, 6L));
        assertThat(cmd(j, "LPOS", "lp:l", "c", "COUNT", "0")).isEqualTo(list2(2L, 6L, 7L));
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "-1", "COUNT", "2")).isEqualTo(list2(7L, 6L));
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "2", "COUNT", "0")).isEqualTo(list2(6L, 7L));
        assertThat(cmd(j, "LPOS", "lp:l", "c", "COUNT", "0", "MAXLEN", "7")).isEqualTo(list2(2L, 6L));
        assertThat(cmd(j, "LPOS", "lp:l", "c", "MAXLEN", "2")).isNull();
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "-1", "MAXLEN", "1")).isEqualTo(7L);
        assertThat(cmd(j, "LPOS", "lp:l", "x", "COUNT", "5")).isEqualTo(List.of());
        assertThat(cmd(j, "LPOS", "lp:missing", "x")).isNull();
        assertThat(cmd(j, "LPOS", "lp:missing", "x", "COUNT", "1")).isEqualTo(List.of());
        assertThat(cmd(j, "LPOS", "lp:l", "c", "RANK", "9223372036854775807")).isNull();
        assertError(j, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                "LPOS", "lp:l", "c", "RANK", "0");
        assertError(j, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                "LPOS", "lp:l", "c", "RANK", "-9223372036854775808");
        assertError(j, "ERR value is not an integer or out of range", "LPOS", "lp:l", "c", "RANK", "x");
        assertError(j, "ERR COUNT can't be negative", "LPOS", "lp:l", "c", "COUNT", "-1");
        assertError(j, "ERR MAXLEN can't be negative", "LPOS", "lp:l", "c", "MAXLEN", "-1");
        assertError(j, "ERR syntax error", "LPOS", "lp:l", "c", "COUNT");
        assertError(j, "ERR syntax error", "LPOS", "lp:l", "c", "FOO", "1");
        cmd(j, "SET", "lp:s", "v");
        assertError(j, WRONGTYPE, "LPOS", "lp:s", "c");
    }

    private static List<Long> list2(Long... v) {
        return Arrays.asList(v);
    }

    // ------------------------------------------------------------------ changes in place

    @Test
    void lset_errors_and_negative_indexes() {
        assertError(j, "ERR no such key", "LSET", "ls:missing", "0", "x");
        assertError(j, "ERR no such key", "LSET", "ls:missing", "x", "x");
        cmd(j, "RPUSH", "ls:l", "a", "b", "c");
        assertThat(cmd(j, "LSET", "ls:l", "0", "A")).isEqualTo("OK");
        assertThat(cmd(j, "LSET", "ls:l", "-1", "C")).isEqualTo("OK");
        assertThat(range("ls:l")).isEqualTo(list("A", "b", "C"));
        assertError(j, "ERR index out of range", "LSET", "ls:l", "3", "x");
        assertError(j, "ERR index out of range", "LSET", "ls:l", "-4", "x");
        assertError(j, "ERR value is not an integer or out of range", "LSET", "ls:l", "x", "x");
        cmd(j, "SET", "ls:s", "v");
        assertError(j, WRONGTYPE, "LSET", "ls:s", "0", "x");
    }

    @Test
    void linsert_before_and_after() {
        assertThat(cmd(j, "LINSERT", "li:missing", "BEFORE", "a", "x")).isEqualTo(0L);
        cmd(j, "RPUSH", "li:l", "a", "b", "a");
        assertThat(cmd(j, "LINSERT", "li:l", "before", "a", "x")).isEqualTo(4L);
        assertThat(cmd(j, "LINSERT", "li:l", "AFTER", "a", "y")).isEqualTo(5L);
        assertThat(cmd(j, "LINSERT", "li:l", "AFTER", "zz", "y")).isEqualTo(-1L);
        assertThat(range("li:l")).isEqualTo(list("x", "a", "y", "b", "a"));
        assertError(j, "ERR syntax error", "LINSERT", "li:l", "MIDDLE", "a", "x");
        assertError(j, "ERR syntax error", "LINSERT", "li:missing", "MIDDLE", "a", "x");
        cmd(j, "SET", "li:s", "v");
        assertError(j, WRONGTYPE, "LINSERT", "li:s", "BEFORE", "a", "x");
    }

    @Test
    void lrem_from_either_end() {
        cmd(j, "RPUSH", "lr:l", "a", "b", "a", "c", "a", "b");
        assertThat(cmd(j, "LREM", "lr:l", "1", "a")).isEqualTo(1L);
        assertThat(range("lr:l")).isEqualTo(list("b", "a", "c", "a", "b"));
        assertThat(cmd(j, "LREM", "lr:l", "-1", "b")).isEqualTo(1L);
        assertThat(range("lr:l")).isEqualTo(list("b", "a", "c", "a"));
        assertThat(cmd(j, "LREM", "lr:l", "0", "a")).isEqualTo(2L);
        assertThat(cmd(j, "LREM", "lr:l", "-9223372036854775808", "zz")).isEqualTo(0L);
        cmd(j, "RPUSH", "lr:l", "zz", "zz");
        assertThat(cmd(j, "LREM", "lr:l", "-9223372036854775808", "zz")).isEqualTo(2L);
        assertThat(range("lr:l")).isEqualTo(list("b", "c"));
        assertThat(cmd(j, "LREM", "lr:l", "0", "b")).isEqualTo(1L);
        assertThat(cmd(j, "LREM", "lr:l", "0", "c")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "lr:l")).isEqualTo(0L);
        assertThat(cmd(j, "LREM", "lr:missing", "0", "c")).isEqualTo(0L);
        assertError(j, "ERR value is not an integer or out of range", "LREM", "lr:l", "x", "a");
        cmd(j, "SET", "lr:s", "v");
        assertError(j, WRONGTYPE, "LREM", "lr:s", "0", "a");
    }

    @Test
    void ltrim_ranges() {
        cmd(j, "RPUSH", "lt:l", "a", "b", "c", "d", "e");
        assertThat(cmd(j, "LTRIM", "lt:l", "1", "-2")).isEqualTo("OK");
        assertThat(range("lt:l")).isEqualTo(list("b", "c", "d"));
        assertThat(cmd(j, "LTRIM", "lt:l", "-100", "100")).isEqualTo("OK");
        assertThat(range("lt:l")).isEqualTo(list("b", "c", "d"));
        assertThat(cmd(j, "LTRIM", "lt:l", "2", "1")).isEqualTo("OK");
        assertThat(cmd(j, "EXISTS", "lt:l")).isEqualTo(0L);
        cmd(j, "RPUSH", "lt:l", "a", "b");
        assertThat(cmd(j, "LTRIM", "lt:l", "5", "10")).isEqualTo("OK");
        assertThat(cmd(j, "EXISTS", "lt:l")).isEqualTo(0L);
        assertThat(cmd(j, "LTRIM", "lt:missing", "0", "1")).isEqualTo("OK");
        assertError(j, "ERR value is not an integer or out of range", "LTRIM", "lt:missing", "x", "1");
        cmd(j, "SET", "lt:s", "v");
        assertError(j, WRONGTYPE, "LTRIM", "lt:s", "0", "1");
    }

    @Test
    void changes_keep_the_ttl() {
        cmd(j, "RPUSH", "ttl:l", "a", "b", "c");
        cmd(j, "EXPIRE", "ttl:l", "1000");
        cmd(j, "LPUSH", "ttl:l", "z");
        cmd(j, "LSET", "ttl:l", "0", "y");
        cmd(j, "LREM", "ttl:l", "1", "b");
        cmd(j, "LTRIM", "ttl:l", "0", "1");
        cmd(j, "LMOVE", "ttl:l", "ttl:l", "LEFT", "RIGHT");
        assertThat(range("ttl:l")).isEqualTo(list("a", "y"));
        assertThat((Long) cmd(j, "TTL", "ttl:l")).isBetween(990L, 1000L);
        cmd(j, "LPOP", "ttl:l", "2");
        cmd(j, "RPUSH", "ttl:l", "n");
        assertThat(cmd(j, "TTL", "ttl:l")).isEqualTo(-1L); // emptied, deleted, created anew
    }

    @Test
    void key_commands_see_lists() {
        cmd(j, "RPUSH", "key:l", "a", "b");
        cmd(j, "EXPIRE", "key:l", "1000");
        assertThat(cmd(j, "EXISTS", "key:l", "key:missing", "key:l")).isEqualTo(2L);
        assertThat(cmd(j, "TYPE", "key:l")).isEqualTo("list");
        assertThat(cmd(j, "OBJECT", "ENCODING", "key:l")).isEqualTo("listpack");
        assertThat(cmd(j, "RENAME", "key:l", "key:r")).isEqualTo("OK");
        assertThat((Long) cmd(j, "TTL", "key:r")).isBetween(990L, 1000L);
        assertThat(cmd(j, "COPY", "key:r", "key:c")).isEqualTo(1L);
        assertThat(cmd(j, "RPUSH", "key:c", "c")).isEqualTo(3L);
        assertThat(range("key:r")).isEqualTo(list("a", "b")); // the copy is a copy
        assertThat(cmd(j, "MOVE", "key:c", "5")).isEqualTo(1L);
        assertThat(cmd(j, "EXISTS", "key:c")).isEqualTo(0L);
        assertError(j, WRONGTYPE, "GET", "key:r");
    }

    // ------------------------------------------------------------------ moves and multi-key pops

    @Test
    void lmove_and_rpoplpush() {
        cmd(j, "RPUSH", "mv:a", "1", "2", "3");
        assertThat(cmd(j, "LMOVE", "mv:a", "mv:b", "LEFT", "RIGHT")).isEqualTo("1");
        assertThat(cmd(j, "LMOVE", "mv:a", "mv:b", "right", "left")).isEqualTo("3");
        assertThat(range("mv:b")).isEqualTo(list("3", "1"));
        assertThat(cmd(j, "RPOPLPUSH", "mv:a", "mv:b")).isEqualTo("2");
        assertThat(range("mv:b")).isEqualTo(list("2", "3", "1"));
        assertThat(cmd(j, "EXISTS", "mv:a")).isEqualTo(0L);
        assertThat(cmd(j, "LMOVE", "mv:a", "mv:b", "LEFT", "LEFT")).isNull();
        assertThat(cmd(j, "RPOPLPUSH", "mv:b", "mv:b")).isEqualTo("1"); // rotation
        assertThat(range("mv:b")).isEqualTo(list("1", "2", "3"));
        assertThat(cmd(j, "LMOVE", "mv:b", "mv:b", "LEFT", "RIGHT")).isEqualTo("1");
        assertThat(range("mv:b")).isEqualTo(list("2", "3", "1"));
        assertError(j, "ERR syntax error", "LMOVE", "mv:b", "mv:c", "UP", "LEFT");
        cmd(j, "SET", "mv:s", "v");
        assertError(j, WRONGTYPE, "LMOVE", "mv:b", "mv:s", "LEFT", "LEFT");
        assertThat(range("mv:b")).isEqualTo(list("2", "3", "1")); // nothing popped
        assertError(j, WRONGTYPE, "RPOPLPUSH", "mv:s", "mv:b");
        assertThat(cmd(j, "RPOPLPUSH", "mv:missing", "mv:s")).isNull(); // an empty source is looked at first
    }

    @Test
    void lmpop_arguments_and_replies() {
        cmd(j, "RPUSH", "mp:b", "1", "2", "3");
        assertThat(cmd(j, "LMPOP", "2", "mp:a", "mp:b", "LEFT")).isEqualTo(List.of("mp:b", list("1")));
        assertThat(cmd(j, "LMPOP", "2", "mp:a", "mp:b", "RIGHT", "COUNT", "10")).isEqualTo(List.of("mp:b", list("3", "2")));
        assertThat(cmd(j, "LMPOP", "2", "mp:a", "mp:b", "RIGHT", "COUNT", "10")).isNull();
        assertError(j, "ERR numkeys should be greater than 0", "LMPOP", "0", "mp:a", "LEFT");
        assertError(j, "ERR numkeys should be greater than 0", "LMPOP", "x", "mp:a", "LEFT");
        assertError(j, "ERR syntax error", "LMPOP", "2", "mp:a", "LEFT");
        assertError(j, "ERR syntax error", "LMPOP", "9223372036854775807", "mp:a", "LEFT");
        assertError(j, "ERR syntax error", "LMPOP", "1", "mp:a", "UP");
        assertError(j, "ERR syntax error", "LMPOP", "1", "mp:a", "LEFT", "COUNT");
        assertError(j, "ERR syntax error", "LMPOP", "1", "mp:a", "LEFT", "COUNT", "1", "COUNT", "1");
        assertError(j, "ERR count should be greater than 0", "LMPOP", "1", "mp:a", "LEFT", "COUNT", "0");
        assertError(j, "ERR wrong number of arguments for 'lmpop' command", "LMPOP", "1", "mp:a");
        cmd(j, "SET", "mp:s", "v");
        cmd(j, "RPUSH", "mp:c", "x");
        assertError(j, WRONGTYPE, "LMPOP", "2", "mp:s", "mp:c", "LEFT");
        assertThat(cmd(j, "LMPOP", "2", "mp:c", "mp:s", "LEFT")).isEqualTo(List.of("mp:c", list("x")));
    }

    // ------------------------------------------------------------------ a long list

    @Test
    void a_long_list_past_the_compact_limit() {
        int n = 20_000;
        List<String> model = new ArrayList<>();
        Object[] args = new Object[n + 2];
        args[0] = "RPUSH";
        args[1] = "long:l";
        for (int i = 0; i < n; i++) {
            args[i + 2] = "e" + i;
            model.add("e" + i);
        }
        assertThat(cmd(j, args)).isEqualTo((long) n);
        assertThat(cmd(j, "OBJECT", "ENCODING", "long:l")).isEqualTo("quicklist");
        assertThat(range("long:l")).isEqualTo(model);
        assertThat(cmd(j, "LRANGE", "long:l", "10000", "10002")).isEqualTo(list("e10000", "e10001", "e10002"));
        assertThat(cmd(j, "LINDEX", "long:l", "-1")).isEqualTo("e19999");
        assertThat(cmd(j, "LINDEX", "long:l", "12345")).isEqualTo("e12345");
        assertThat(cmd(j, "LSET", "long:l", "15000", "X")).isEqualTo("OK");
        model.set(15000, "X");
        assertThat(cmd(j, "LINSERT", "long:l", "BEFORE", "e5000", "I")).isEqualTo((long) n + 1);
        model.add(5000, "I");
        assertThat(cmd(j, "LPOS", "long:l", "X")).isEqualTo(15001L);
        assertThat(cmd(j, "LREM", "long:l", "0", "e7000")).isEqualTo(1L);
        model.remove("e7000");
        assertThat(range("long:l")).isEqualTo(model);
        assertThat(cmd(j, "LTRIM", "long:l", "100", "-100")).isEqualTo("OK");
        model = new ArrayList<>(model.subList(100, model.size() - 99));
        assertThat(range("long:l")).isEqualTo(model);
        assertThat(cmd(j, "LLEN", "long:l")).isEqualTo((long) model.size());
        assertThat(cmd(j, "RPOP", "long:l", "3")).isEqualTo(list(model.get(model.size() - 1), model.get(model.size() - 2), model.get(model.size() - 3)));
    }

    // ------------------------------------------------------------------ restart and a model

    @Test
    void lists_survive_a_restart(@TempDir Path own) throws Exception {
        // no checkpoint at shutdown: the first restart replays the log; the second loads the snapshot the first took
        try (TestServer s = TestServer.start(own, "checkpoint-interval", "0"); Jedis c = s.jedis()) {
            cmd(c, "RPUSH", "rs:l", "a", "b", "c", "d");
            cmd(c, "LPOP", "rs:l");
            cmd(c, "LSET", "rs:l", "0", "B");
            cmd(c, "LINSERT", "rs:l", "AFTER", "c", "c2");
            cmd(c, "LMOVE", "rs:l", "rs:m", "RIGHT", "LEFT");
            cmd(c, "RPUSH", "rs:gone", "x");
            cmd(c, "RPOP", "rs:gone");
            cmd(c, "RPUSH", "rs:ttl", "x");
            cmd(c, "EXPIRE", "rs:ttl", "1000");
            // rotations: a pop and a push of one key in one record would not survive the log's replay
            cmd(c, "RPUSH", "rs:rot", "1", "2", "3");
            cmd(c, "LMOVE", "rs:rot", "rs:rot", "LEFT", "RIGHT");
            cmd(c, "RPOPLPUSH", "rs:rot", "rs:rot");
            cmd(c, "LMOVE", "rs:rot", "rs:rot", "RIGHT", "LEFT");
            cmd(c, "LMOVE", "rs:rot", "rs:rot", "LEFT", "LEFT");
        }
        for (int restart = 0; restart < 2; restart++) {
            try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
                assertThat(cmd(c, "LRANGE", "rs:l", "0", "-1")).isEqualTo(list("B", "c", "c2"));
                assertThat(cmd(c, "LRANGE", "rs:m", "0", "-1")).isEqualTo(list("d"));
                assertThat(cmd(c, "EXISTS", "rs:gone")).isEqualTo(0L);
                assertThat(cmd(c, "LRANGE", "rs:rot", "0", "-1")).isEqualTo(list("3", "1", "2"));
                assertThat((Long) cmd(c, "TTL", "rs:ttl")).isBetween(980L, 1000L);
            }
        }
    }

    @Test
    void random_operations_match_an_array_list_model(@TempDir Path own) throws Exception {
        long seed = Long.getLong("cairn.test.seed", System.nanoTime());
        System.out.println("ListCommandsTest.random_operations_match_an_array_list_model seed=" + seed + " (-Dcairn.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Map<String, List<String>> model = new HashMap<>();
        String[] keys = {"m:a", "m:b", "m:c"};
        int steps = 3000;
        TestServer s = TestServer.start(own, "checkpoint-interval", "0"); // the restart replays the log
        Jedis c = s.jedis();
        try {
            for (int step = 0; step < steps; step++) {
                if (step == steps / 2) {
                    c.close();
                    s.close();
                    s = TestServer.start(own);
                    c = s.jedis();
                    for (String k : keys) {
                        assertThat(cmd(c, "LRANGE", k, "0", "-1")).as("seed %d after restart, %s", seed, k)
                                .isEqualTo(model.getOrDefault(k, List.of()));
                    }
                }
                String k = keys[rnd.nextInt(keys.length)];
                List<String> l = model.computeIfAbsent(k, x -> new ArrayList<>());
                String e = "v" + rnd.nextInt(8);
                int size = l.size();
                int op = rnd.nextInt(11);
                Object got;
                Object want;
                String what;
                switch (op) {
                    case 0, 1 -> {
                        int n = 1 + rnd.nextInt(3);
                        Object[] args = new Object[n + 2];
                        boolean left = rnd.nextBoolean();
                        args[0] = left ? "LPUSH" : "RPUSH";
                        args[1] = k;
                        for (int i = 0; i < n; i++) {
                            args[i + 2] = e + i;
                            if (left) l.add(0, e + i);
                            else l.add(e + i);
                        }
                        what = args[0] + " " + n;
                        got = cmd(c, args);
                        want = (long) l.size();
                    }
                    case 2 -> {
                        boolean left = rnd.nextBoolean();
                        int n = rnd.nextInt(4);
                        what = (left ? "LPOP " : "RPOP ") + n;
                        got = cmd(c, left ? "LPOP" : "RPOP", k, String.valueOf(n));
                        if (size == 0) {
                            want = null;
                        } else {
                            List<String> out = new ArrayList<>();
                            for (int i = 0; i < Math.min(n, size); i++) out.add(left ? l.remove(0) : l.remove(l.size() - 1));
                            want = out;
                        }
                    }
                    case 3 -> {
                        int i = rnd.nextInt(size + 3) - 1 - (size + 1) / 2;
                        what = "LSET " + i;
                        int at = i < 0 ? i + size : i;
                        if (size == 0) {
                            want = "ERR no such key";
                        } else if (at < 0 || at >= size) {
                            want = "ERR index out of range";
                        } else {
                            l.set(at, e);
                            want = "OK";
                        }
                        got = errorOr(c, "LSET", k, String.valueOf(i), e);
                    }
                    case 4 -> {
                        boolean after = rnd.nextBoolean();
                        String pivot = size == 0 || rnd.nextInt(4) == 0 ? "zz" : l.get(rnd.nextInt(size));
                        what = "LINSERT " + (after ? "AFTER " : "BEFORE ") + pivot;
                        got = cmd(c, "LINSERT", k, after ? "AFTER" : "BEFORE", pivot, e);
                        int at = l.indexOf(pivot);
                        if (size == 0) {
                            want = 0L;
                        } else if (at < 0) {
                            want = -1L;
                        } else {
                            l.add(after ? at + 1 : at, e);
                            want = (long) l.size();
                        }
                    }
                    case 5 -> {
                        int n = rnd.nextInt(5) - 2;
                        what = "LREM " + n + " " + e;
                        got = cmd(c, "LREM", k, String.valueOf(n), e);
                        long removed = 0;
                        if (n >= 0) {
                            for (int i = 0; i < l.size() && (n == 0 || removed < n); ) {
                                if (l.get(i).equals(e)) {
                                    l.remove(i);
                                    removed++;
                                } else {
                                    i++;
                                }
                            }
                        } else {
                            for (int i = l.size() - 1; i >= 0 && removed < -n; i--) {
                                if (l.get(i).equals(e)) {
                                    l.remove(i);
                                    removed++;
                                }
                            }
                        }
                        want = removed;
                    }
                    case 6 -> {
                        if (rnd.nextInt(4) != 0) continue; // trims empty lists fast: keep them rarer
                        long start = rnd.nextInt(size + 4) - 2;
                        long stop = rnd.nextInt(size + 4) - 2 - size / 3;
                        what = "LTRIM " + start + " " + stop;
                        got = cmd(c, "LTRIM", k, String.valueOf(start), String.valueOf(stop));
                        long from = start < 0 ? Math.max(0, size + start) : start;
                        long to = stop < 0 ? size + stop : Math.min(stop, size - 1);
                        List<String> kept = from > to || from >= size ? List.of() : new ArrayList<>(l.subList((int) from, (int) to + 1));
                        l.clear();
                        l.addAll(kept);
                        want = "OK";
                    }
                    case 7 -> {
                        String dst = keys[rnd.nextInt(keys.length)];
                        boolean fromLeft = rnd.nextBoolean();
                        boolean toLeft = rnd.nextBoolean();
                        what = "LMOVE " + dst + " " + fromLeft + " " + toLeft;
                        got = cmd(c, "LMOVE", k, dst, fromLeft ? "LEFT" : "RIGHT", toLeft ? "LEFT" : "RIGHT");
                        if (size == 0) {
                            want = null;
                        } else {
                            String moved = fromLeft ? l.remove(0) : l.remove(l.size() - 1);
                            List<String> d = model.computeIfAbsent(dst, x -> new ArrayList<>());
                            if (toLeft) d.add(0, moved);
                            else d.add(moved);
                            want = moved;
                        }
                    }
                    case 8 -> {
                        int i = rnd.nextInt(size + 3) - 1 - (size + 1) / 2;
                        int at = i < 0 ? i + size : i;
                        what = "LINDEX " + i;
                        got = cmd(c, "LINDEX", k, String.valueOf(i));
                        want = at < 0 || at >= size ? null : l.get(at);
                    }
                    case 9 -> {
                        what = "LPOS " + e + " COUNT 0";
                        got = cmd(c, "LPOS", k, e, "COUNT", "0");
                        List<Long> out = new ArrayList<>();
                        for (int i = 0; i < size; i++) if (l.get(i).equals(e)) out.add((long) i);
                        want = out;
                    }
                    default -> {
                        long start = rnd.nextInt(size + 4) - 2;
                        long stop = rnd.nextInt(size + 4) - 2;
                        what = "LRANGE " + start + " " + stop;
                        got = cmd(c, "LRANGE", k, String.valueOf(start), String.valueOf(stop));
                        long from = start < 0 ? Math.max(0, size + start) : start;
                        long to = stop < 0 ? size + stop : Math.min(stop, size - 1);
                        want = from > to || from >= size ? List.of() : l.subList((int) from, (int) to + 1);
                    }
                }
                assertThat(got).as("seed %d step %d: %s on %s", seed, step, what, k).isEqualTo(want);
            }
            for (String k : keys) {
                List<String> l = model.getOrDefault(k, List.of());
                assertThat(cmd(c, "LRANGE", k, "0", "-1")).as("seed %d at the end, %s", seed, k).isEqualTo(l);
                assertThat(cmd(c, "EXISTS", k)).as("seed %d: an empty list is no key", seed).isEqualTo(l.isEmpty() ? 0L : 1L);
            }
        } finally {
            c.close();
            s.close();
        }
    }

    private static Object errorOr(Jedis c, Object... args) {
        try {
            return cmd(c, args);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    // ------------------------------------------------------------------ the table

    @Test
    void table_entries() {
        var t = server.server.commands();
        assertThat(t.lookup("lpush").isWrite()).isTrue();
        assertThat(t.lookup("lrange").has("readonly")).isTrue();
        assertThat(t.lookup("blpop").has("blocking")).isTrue();
        assertThat(t.lookup("blpop").keyPositions(4)).containsExactly(1, 2);
        assertThat(t.lookup("lmove").keyPositions(5)).containsExactly(1, 2);
        assertThat(cmd(j, "COMMAND", "GETKEYS", "BRPOPLPUSH", "a", "b", "0")).isEqualTo(list("a", "b"));
    }
}
