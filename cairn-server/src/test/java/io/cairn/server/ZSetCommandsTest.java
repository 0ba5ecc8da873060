package io.cairn.server;

import io.cairn.Keyspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sorted-set family against a real server, replies and error texts as Redis 7 gives them (the expected texts were
 * taken from a Redis 7.0 server; ZRANK's WITHSCORE is 7.2's), a restart, and a seeded random run against a model.
 */
class ZSetCommandsTest extends SharedServerTest {
    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final String NOT_FLOAT = "ERR value is not a valid float";
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final String SYNTAX = "ERR syntax error";
    private static final String RANGE_NOT_FLOAT = "ERR min or max is not a float";
    private static final String LEX_NOT_VALID = "ERR min or max not valid string range item";

    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
        cmd(j, "FLUSHDB");
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private Object z(Object... args) {
        return cmd(j, args);
    }

    private List<Object> all(String key) {
        return list(z("ZRANGE", key, "0", "-1", "WITHSCORES"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** The key holds nothing: GET on a sorted set would be WRONGTYPE, so null shows it is gone. */
    private void assertGone(String key) {
        assertThat(z("GET", key)).isNull();
        assertThat(z("ZCARD", key)).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ ZADD

    @Test
    void zadd_adds_updates_and_counts() {
        assertThat(z("ZADD", "z", "1", "a", "2", "b", "3", "c")).isEqualTo(3L);
        assertThat(z("ZADD", "z", "10", "a", "4", "d")).isEqualTo(1L);
        assertThat(z("ZADD", "z", "CH", "10", "a", "20", "b", "5", "e")).isEqualTo(2L); // b changed, e added
        assertThat(all("z")).containsExactly("c", "3", "d", "4", "e", "5", "a", "10", "b", "20");
        // a member named twice: the second score wins, counted once as added and once as changed
        assertThat(z("ZADD", "n", "CH", "1", "m", "2", "m")).isEqualTo(2L);
        assertThat(all("n")).containsExactly("m", "2");
        assertThat(z("ZADD", "n", "2", "m")).isEqualTo(0L);
        assertThat(z("ZADD", "n", "CH", "2", "m")).isEqualTo(0L);
    }

    @Test
    void zadd_nx_xx_gt_lt() {
        z("ZADD", "z", "5", "a");
        assertThat(z("ZADD", "z", "NX", "1", "a", "1", "b")).isEqualTo(1L);
        assertThat(z("ZSCORE", "z", "a")).isEqualTo("5");
        assertThat(z("ZADD", "z", "XX", "CH", "7", "a", "1", "c")).isEqualTo(1L);
        assertThat(z("ZSCORE", "z", "c")).isNull();
        assertThat(z("ZADD", "z", "GT", "CH", "6", "a", "8", "b", "3", "new")).isEqualTo(2L); // b raised, new added
        assertThat(all("z")).containsExactly("new", "3", "a", "7", "b", "8");
        assertThat(z("ZADD", "z", "LT", "CH", "9", "a", "0", "b")).isEqualTo(1L);
        assertThat(all("z")).containsExactly("b", "0", "new", "3", "a", "7");
        assertThat(z("ZADD", "z", "XX", "GT", "CH", "100", "a", "100", "absent")).isEqualTo(1L);
        assertThat(z("ZSCORE", "z", "absent")).isNull();
        // XX on a missing key creates nothing
        assertThat(z("ZADD", "missing", "XX", "1", "a")).isEqualTo(0L);
        assertGone("missing");
        assertThat(z("ZADD", "missing", "XX", "INCR", "1", "a")).isNull();
        assertGone("missing");
    }

    @Test
    void zadd_incr_and_its_aborts() {
        assertThat(z("ZADD", "z", "INCR", "1.5", "a")).isEqualTo("1.5");
        assertThat(z("ZADD", "z", "INCR", "1", "a")).isEqualTo("2.5");
        assertThat(z("ZADD", "z", "NX", "INCR", "1", "a")).isNull();
        assertThat(z("ZADD", "z", "XX", "INCR", "1", "nomember")).isNull();
        assertThat(z("ZADD", "z", "GT", "INCR", "-1", "a")).isNull();
        assertThat(z("ZADD", "z", "LT", "INCR", "-1", "a")).isEqualTo("1.5");
        assertThat(z("ZADD", "z", "CH", "INCR", "0", "a")).isEqualTo("1.5");
        assertThat(z("ZADD", "z", "INCR", "-0", "fresh")).isEqualTo("-0"); // as Redis prints it; stored as 0
        assertThat(z("ZSCORE", "z", "fresh")).isEqualTo("0");
        z("ZADD", "z", "inf", "i");
        assertError(j, "ERR resulting score is not a number (NaN)", "ZADD", "z", "INCR", "-inf", "i");
        assertThat(z("ZSCORE", "z", "i")).isEqualTo("inf");
    }

    @Test
    void zadd_errors() {
        assertError(j, "ERR wrong number of arguments for 'zadd' command", "ZADD", "z", "1");
        assertError(j, SYNTAX, "ZADD", "z", "1", "a", "2");
        assertError(j, SYNTAX, "ZADD", "z", "NX", "XX");
        assertError(j, SYNTAX, "ZADD", "z", "NX", "1", "a", "XX");
        assertError(j, "ERR XX and NX options at the same time are not compatible", "ZADD", "z", "NX", "XX", "1", "a");
        assertError(j, "ERR GT, LT, and/or NX options at the same time are not compatible", "ZADD", "z", "GT", "LT", "1", "a");
        assertError(j, "ERR GT, LT, and/or NX options at the same time are not compatible", "ZADD", "z", "NX", "GT", "1", "a");
        assertError(j, "ERR GT, LT, and/or NX options at the same time are not compatible", "ZADD", "z", "NX", "LT", "1", "a");
        assertError(j, "ERR INCR option supports a single increment-element pair", "ZADD", "z", "INCR", "1", "a", "2", "b");
        for (String bad : List.of("x", "nan", "NaN", "-nan", "1e400", "-1e400", "1e-400", " 1", "1 ", "1.5x", "", "0x10p")) {
            assertError(j, NOT_FLOAT, "ZADD", "z", bad, "a");
        }
        // one bad score among good ones: nothing is added
        assertError(j, NOT_FLOAT, "ZADD", "z", "1", "a", "x", "b");
        assertGone("z");
        z("SET", "s", "v");
        assertError(j, WRONGTYPE, "ZADD", "s", "1", "a");
        assertThat(z("GET", "s")).isEqualTo("v");
    }

    @Test
    void zincrby() {
        assertThat(z("ZINCRBY", "z", "2", "a")).isEqualTo("2");
        assertThat(z("ZINCRBY", "z", "0.1", "a")).isEqualTo("2.1000000000000001");
        assertThat(z("ZINCRBY", "z", "-inf", "a")).isEqualTo("-inf");
        assertError(j, "ERR resulting score is not a number (NaN)", "ZINCRBY", "z", "inf", "a");
        assertError(j, NOT_FLOAT, "ZINCRBY", "z", "x", "a");
        assertError(j, "ERR wrong number of arguments for 'zincrby' command", "ZINCRBY", "z", "1");
        z("SET", "s", "v");
        assertError(j, WRONGTYPE, "ZINCRBY", "s", "1", "a");
    }

    // ------------------------------------------------------------------ scores: parsing and formatting

    @Test
    void scores_print_as_redis_prints_them() {
        String[][] cases = {
                {"1", "1"}, {"1.5", "1.5"}, {"-2", "-2"}, {"0.1", "0.10000000000000001"}, {"1.1", "1.1000000000000001"},
                {"1e20", "1e+20"}, {"1e-7", "9.9999999999999995e-08"}, {"3.0e-5", "3.0000000000000001e-05"},
                {"1e16", "10000000000000000"}, {"1e17", "1e+17"}, {"123456789012345678", "1.2345678901234568e+17"},
                {"-0", "0"}, {"inf", "inf"}, {"+inf", "inf"}, {"-inf", "-inf"}, {"infinity", "inf"},
                {"4.9e-324", "4.9406564584124654e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"},
                {"0.0001", "0.0001"}, {"0.000123", "0.00012300000000000001"}, {"-1.5e-10", "-1.5e-10"},
                {"123456789.123456789", "123456789.12345679"}, {"12345.678", "12345.678"},
        };
        for (String[] c : cases) {
            z("ZADD", "f", c[0], "m");
            assertThat(z("ZSCORE", "f", "m")).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void plus_and_minus_zero_are_one_score() {
        z("ZADD", "z", "0", "b", "-0", "a", "0", "c");
        assertThat(all("z")).containsExactly("a", "0", "b", "0", "c", "0");
        assertThat(z("ZCOUNT", "z", "-0", "0")).isEqualTo(3L);
        assertThat(z("ZCOUNT", "z", "(0", "inf")).isEqualTo(0L);
        assertThat(z("ZCOUNT", "z", "-inf", "(-0")).isEqualTo(0L);
        assertThat(z("ZADD", "z", "CH", "-0", "b")).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK

    @Test
    void zrem_zcard_zscore_zmscore() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertThat(z("ZCARD", "z")).isEqualTo(3L);
        assertThat(z("ZREM", "z", "a", "x", "a")).isEqualTo(1L);
        assertThat(z("ZREM", "missing", "a")).isEqualTo(0L);
        assertThat(z("ZSCORE", "z", "b")).isEqualTo("2");
        assertThat(z("ZSCORE", "z", "a")).isNull();
        assertThat(z("ZSCORE", "missing", "a")).isNull();
        assertThat(z("ZMSCORE", "z", "b", "a", "c")).isEqualTo(java.util.Arrays.asList("2", null, "3"));
        assertThat(z("ZMSCORE", "missing", "a", "b")).isEqualTo(java.util.Arrays.asList(null, null));
        assertThat(z("ZREM", "z", "b", "c")).isEqualTo(2L);
        assertGone("z");
        assertThat(z("ZCARD", "missing")).isEqualTo(0L);
        assertError(j, "ERR wrong number of arguments for 'zrem' command", "ZREM", "z");
        assertError(j, "ERR wrong number of arguments for 'zmscore' command", "ZMSCORE", "z");
        z("SET", "s", "v");
        for (String c : List.of("ZCARD s", "ZSCORE s a", "ZMSCORE s a", "ZREM s a", "ZRANK s a", "ZREVRANK s a",
                "ZCOUNT s 0 1", "ZLEXCOUNT s - +", "ZRANGE s 0 1", "ZRANGEBYSCORE s 0 1", "ZRANGEBYLEX s - +",
                "ZREVRANGE s 0 1", "ZREVRANGEBYSCORE s 1 0", "ZREVRANGEBYLEX s + -", "ZRANGESTORE d s 0 1",
                "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +", "ZPOPMIN s", "ZPOPMAX s 2",
                "ZMPOP 1 s MIN", "ZRANDMEMBER s", "ZRANDMEMBER s 2", "ZUNION 1 s", "ZINTER 1 s", "ZDIFF 1 s",
                "ZUNIONSTORE d 1 s", "ZINTERSTORE d 1 s", "ZDIFFSTORE d 1 s", "ZINTERCARD 1 s", "ZSCAN s 0")) {
            assertError(j, WRONGTYPE, (Object[]) c.split(" "));
        }
        z("ZADD", "z", "1", "a");
        assertError(j, WRONGTYPE, "GET", "z");
    }

    @Test
    void zrank_and_zrevrank() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertThat(z("ZRANK", "z", "a")).isEqualTo(0L);
        assertThat(z("ZREVRANK", "z", "a")).isEqualTo(2L);
        assertThat(z("ZRANK", "z", "x")).isNull();
        assertThat(z("ZRANK", "missing", "x")).isNull();
        assertThat(z("ZRANK", "z", "c", "WITHSCORE")).isEqualTo(List.of(2L, "3"));
        assertThat(z("ZREVRANK", "z", "c", "withscore")).isEqualTo(List.of(0L, "3"));
        assertThat(z("ZRANK", "z", "x", "WITHSCORE")).isNull();
        assertError(j, SYNTAX, "ZRANK", "z", "a", "WITHSCORES");
        assertError(j, SYNTAX, "ZRANK", "z", "a", "WITHSCORE", "x");
        assertError(j, "ERR wrong number of arguments for 'zrank' command", "ZRANK", "z");
    }

    // ------------------------------------------------------------------ ZCOUNT, ZLEXCOUNT

    @Test
    void zcount_bounds() {
        z("ZADD", "z", "-inf", "n", "1", "a", "2", "b", "3", "c", "inf", "p");
        assertThat(z("ZCOUNT", "z", "-inf", "+inf")).isEqualTo(5L);
        assertThat(z("ZCOUNT", "z", "(-inf", "(inf")).isEqualTo(3L);
        assertThat(z("ZCOUNT", "z", "(1", "(3")).isEqualTo(1L);
        assertThat(z("ZCOUNT", "z", "1", "3")).isEqualTo(3L);
        assertThat(z("ZCOUNT", "z", "3", "1")).isEqualTo(0L);
        assertThat(z("ZCOUNT", "z", "(1.5", "2.5")).isEqualTo(1L);
        assertThat(z("ZCOUNT", "z", "inf", "inf")).isEqualTo(1L);
        assertThat(z("ZCOUNT", "z", "(", "3")).isEqualTo(3L); // "(" alone reads as (0, as strtod does
        assertThat(z("ZCOUNT", "z", " 1", "3")).isEqualTo(3L);
        assertThat(z("ZCOUNT", "z", "1e400", "inf")).isEqualTo(1L); // a bound may overflow to inf
        assertThat(z("ZCOUNT", "missing", "-inf", "inf")).isEqualTo(0L);
        for (String bad : List.of("x", "(x", "nan", "(nan", "1x", " ", "( ")) {
            assertError(j, RANGE_NOT_FLOAT, "ZCOUNT", "z", bad, "3");
            assertError(j, RANGE_NOT_FLOAT, "ZCOUNT", "z", "1", bad);
        }
    }

    @Test
    void zlexcount() {
        z("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "ab");
        assertThat(z("ZLEXCOUNT", "z", "-", "+")).isEqualTo(5L);
        assertThat(z("ZLEXCOUNT", "z", "[b", "[d")).isEqualTo(3L);
        assertThat(z("ZLEXCOUNT", "z", "(a", "(c")).isEqualTo(2L);
        assertThat(z("ZLEXCOUNT", "z", "+", "-")).isEqualTo(0L);
        assertThat(z("ZLEXCOUNT", "z", "[d", "[a")).isEqualTo(0L);
        assertThat(z("ZLEXCOUNT", "missing", "-", "+")).isEqualTo(0L);
        for (String bad : List.of("a", "", "*", "-a")) assertError(j, LEX_NOT_VALID, "ZLEXCOUNT", "z", bad, "+");
    }

    // ------------------------------------------------------------------ ZRANGE and the older forms

    @Test
    void zrange_by_rank() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d");
        assertThat(z("ZRANGE", "z", "0", "-1")).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(z("ZRANGE", "z", "1", "2", "WITHSCORES")).isEqualTo(List.of("b", "2", "c", "3"));
        assertThat(z("ZRANGE", "z", "-2", "-1")).isEqualTo(List.of("c", "d"));
        assertThat(z("ZRANGE", "z", "-100", "100")).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(z("ZRANGE", "z", "3", "1")).isEqualTo(List.of());
        assertThat(z("ZRANGE", "z", "4", "10")).isEqualTo(List.of());
        assertThat(z("ZRANGE", "z", "-9223372036854775808", "9223372036854775807")).isEqualTo(List.of("a", "b", "c", "d"));
        assertThat(z("ZRANGE", "z", "0", "1", "REV", "WITHSCORES")).isEqualTo(List.of("d", "4", "c", "3"));
        assertThat(z("ZREVRANGE", "z", "-1", "-1")).isEqualTo(List.of("a"));
        assertThat(z("ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1")).isEqualTo(List.of("a", "b", "c", "d")); // as Redis
        assertThat(z("ZRANGE", "missing", "0", "-1")).isEqualTo(List.of());
        assertError(j, NOT_INTEGER, "ZRANGE", "z", "x", "1");
        assertError(j, NOT_INTEGER, "ZRANGE", "z", "0", "1.5");
    }

    @Test
    void zrange_by_score_with_limit_and_rev() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        assertThat(z("ZRANGE", "z", "(1", "3", "BYSCORE")).isEqualTo(List.of("b", "c"));
        assertThat(z("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES"))
                .isEqualTo(List.of("b", "2", "c", "3"));
        assertThat(z("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2")).isEqualTo(List.of("d", "c"));
        assertThat(z("ZRANGE", "z", "(4", "(1", "BYSCORE", "REV")).isEqualTo(List.of("c", "b"));
        assertThat(z("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "-1", "2")).isEqualTo(List.of());
        assertThat(z("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "3", "-1")).isEqualTo(List.of("d", "e"));
        assertThat(z("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "5", "1")).isEqualTo(List.of());
        assertThat(z("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "9223372036854775807", "9223372036854775807")).isEqualTo(List.of());
        assertThat(z("ZRANGE", "z", "1", "5", "BYSCORE", "LIMIT", "0", "9223372036854775807")).isEqualTo(List.of("a", "b", "c", "d", "e"));
        assertThat(z("ZRANGE", "z", "5", "1", "BYSCORE")).isEqualTo(List.of());
        assertThat(z("ZRANGEBYSCORE", "z", "2", "4", "WITHSCORES", "LIMIT", "0", "1")).isEqualTo(List.of("b", "2"));
        assertThat(z("ZRANGEBYSCORE", "z", "2", "4", "LIMIT", "0", "1", "LIMIT", "1", "1")).isEqualTo(List.of("c"));
        assertThat(z("ZREVRANGEBYSCORE", "z", "4", "2")).isEqualTo(List.of("d", "c", "b"));
        assertThat(z("ZREVRANGEBYSCORE", "z", "2", "4")).isEqualTo(List.of());
        assertThat(z("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES", "LIMIT", "1", "2")).isEqualTo(List.of("d", "4", "c", "3"));
        assertError(j, RANGE_NOT_FLOAT, "ZRANGE", "z", "x", "1", "BYSCORE");
        assertError(j, RANGE_NOT_FLOAT, "ZRANGEBYSCORE", "z", "1", "(x");
        assertError(j, NOT_INTEGER, "ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "x", "1");
        assertError(j, SYNTAX, "ZRANGEBYSCORE", "z", "1", "2", "LIMIT", "1");
        assertError(j, SYNTAX, "ZRANGEBYSCORE", "z", "1", "2", "REV");
        assertError(j, SYNTAX, "ZRANGEBYSCORE", "z", "1", "2", "BYSCORE");
    }

    @Test
    void zrange_by_lex() {
        z("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "ab");
        assertThat(z("ZRANGE", "z", "-", "+", "BYLEX")).isEqualTo(List.of("a", "ab", "b", "c", "d", "e"));
        assertThat(z("ZRANGE", "z", "[b", "(d", "BYLEX")).isEqualTo(List.of("b", "c"));
        assertThat(z("ZRANGE", "z", "[e", "[a", "BYLEX", "REV", "LIMIT", "1", "3")).isEqualTo(List.of("d", "c", "b"));
        assertThat(z("ZRANGEBYLEX", "z", "(a", "[ab")).isEqualTo(List.of("ab"));
        assertThat(z("ZRANGEBYLEX", "z", "+", "-")).isEqualTo(List.of());
        assertThat(z("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "1", "2")).isEqualTo(List.of("ab", "b"));
        assertThat(z("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "-1", "2")).isEqualTo(List.of());
        assertThat(z("ZREVRANGEBYLEX", "z", "(d", "[b")).isEqualTo(List.of("c", "b"));
        assertThat(z("ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "0", "2")).isEqualTo(List.of("e", "d"));
        assertError(j, LEX_NOT_VALID, "ZRANGEBYLEX", "z", "a", "b");
        assertError(j, "ERR syntax error, WITHSCORES not supported in combination with BYLEX", "ZRANGEBYLEX", "z", "-", "+", "WITHSCORES");
        assertError(j, "ERR syntax error, WITHSCORES not supported in combination with BYLEX", "ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES");
    }

    @Test
    void zrange_syntax_errors() {
        z("ZADD", "z", "1", "a");
        String limitError = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
        assertError(j, limitError, "ZRANGE", "z", "0", "1", "LIMIT", "0", "1");
        assertError(j, limitError, "ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1");
        assertError(j, SYNTAX, "ZRANGE", "z", "0", "1", "REV", "REV");
        assertError(j, SYNTAX, "ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX");
        assertError(j, SYNTAX, "ZRANGE", "z", "0", "1", "FOO");
        assertError(j, SYNTAX, "ZREVRANGE", "z", "0", "1", "REV");
        // options are read before the range: a syntax error wins over a bad number
        assertError(j, SYNTAX, "ZRANGE", "z", "x", "1", "FOO");
        assertError(j, "ERR wrong number of arguments for 'zrange' command", "ZRANGE", "z", "0");
    }

    @Test
    void equal_scores_order_by_member_bytes() {
        byte[] high = {(byte) 0xff};
        byte[] low = {0x01};
        cmd(j, "ZADD", "z", "1", "b", "1", high, "1", "a", "1", low, "1", "", "0", "z", "2", "A");
        List<?> r = (List<?>) raw(j, "ZRANGE", "z", "0", "-1");
        List<String> got = new ArrayList<>();
        for (Object o : r) got.add(new String((byte[]) o, StandardCharsets.ISO_8859_1));
        assertThat(got).containsExactly("z", "", "\u0001", "a", "b", "\u00ff", "A");
        assertThat(z("ZRANK", "z", "b")).isEqualTo(4L);
        assertThat(z("ZRANGE", "z", "1", "1", "BYSCORE", "REV", "LIMIT", "0", "2")).isEqualTo(List.of("\ufffd", "b"));
    }

    // ------------------------------------------------------------------ ZRANGESTORE, ZREMRANGEBY*

    @Test
    void zrangestore() {
        z("ZADD", "src", "1", "a", "2", "b", "3", "c");
        assertThat(z("ZRANGESTORE", "dst", "src", "0", "1")).isEqualTo(2L);
        assertThat(all("dst")).containsExactly("a", "1", "b", "2");
        assertThat(z("ZRANGESTORE", "dst", "src", "(3", "1", "BYSCORE", "REV", "LIMIT", "0", "1")).isEqualTo(1L);
        assertThat(all("dst")).containsExactly("b", "2");
        z("SET", "str", "v");
        assertThat(z("ZRANGESTORE", "str", "src", "-1", "-1")).isEqualTo(1L); // any type is replaced
        assertThat(all("str")).containsExactly("c", "3");
        z("EXPIRE", "dst", "100");
        assertThat(z("ZRANGESTORE", "dst", "src", "0", "-1")).isEqualTo(3L);
        assertThat(z("TTL", "dst")).isEqualTo(-1L);
        assertThat(z("ZRANGESTORE", "dst", "missing", "0", "-1")).isEqualTo(0L);
        assertGone("dst");
        assertThat(z("ZRANGESTORE", "src", "src", "1", "1")).isEqualTo(1L);
        assertThat(all("src")).containsExactly("b", "2");
        assertError(j, SYNTAX, "ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES");
        assertError(j, "ERR wrong number of arguments for 'zrangestore' command", "ZRANGESTORE", "dst", "src", "0");
    }

    @Test
    void zremrangebyrank_score_lex() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        assertThat(z("ZREMRANGEBYRANK", "z", "-2", "-1")).isEqualTo(2L);
        assertThat(z("ZREMRANGEBYRANK", "z", "5", "1")).isEqualTo(0L);
        assertThat(z("ZREMRANGEBYRANK", "z", "3", "10")).isEqualTo(0L);
        assertThat(all("z")).containsExactly("a", "1", "b", "2", "c", "3");
        assertThat(z("ZREMRANGEBYSCORE", "z", "(1", "2")).isEqualTo(1L);
        assertThat(z("ZREMRANGEBYSCORE", "z", "5", "1")).isEqualTo(0L);
        assertThat(all("z")).containsExactly("a", "1", "c", "3");
        assertThat(z("ZREMRANGEBYSCORE", "z", "-inf", "inf")).isEqualTo(2L);
        assertGone("z");
        z("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d");
        assertThat(z("ZREMRANGEBYLEX", "l", "(a", "[c")).isEqualTo(2L);
        assertThat(all("l")).containsExactly("a", "0", "d", "0");
        assertThat(z("ZREMRANGEBYLEX", "l", "-", "+")).isEqualTo(2L);
        assertGone("l");
        assertThat(z("ZREMRANGEBYRANK", "missing", "0", "-1")).isEqualTo(0L);
        assertError(j, NOT_INTEGER, "ZREMRANGEBYRANK", "z", "x", "1");
        assertError(j, RANGE_NOT_FLOAT, "ZREMRANGEBYSCORE", "z", "(1", "x");
        assertError(j, LEX_NOT_VALID, "ZREMRANGEBYLEX", "z", "a", "b");
    }

    // ------------------------------------------------------------------ pops, random members

    @Test
    void zpopmin_and_zpopmax() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        assertThat(z("ZPOPMIN", "z")).isEqualTo(List.of("a", "1"));
        assertThat(z("ZPOPMAX", "z")).isEqualTo(List.of("e", "5"));
        assertThat(z("ZPOPMIN", "z", "2")).isEqualTo(List.of("b", "2", "c", "3"));
        assertThat(z("ZPOPMIN", "z", "0")).isEqualTo(List.of());
        assertThat(z("ZPOPMAX", "z", "9223372036854775807")).isEqualTo(List.of("d", "4"));
        assertGone("z");
        assertThat(z("ZPOPMIN", "missing")).isEqualTo(List.of());
        assertThat(z("ZPOPMAX", "missing", "3")).isEqualTo(List.of());
        assertError(j, "ERR value is out of range, must be positive", "ZPOPMIN", "z", "-1");
        assertError(j, "ERR value is out of range, must be positive", "ZPOPMIN", "z", "x");
        assertError(j, SYNTAX, "ZPOPMIN", "z", "1", "2");
    }

    @Test
    void zmpop() {
        z("ZADD", "a", "1", "x", "2", "y");
        z("ZADD", "b", "3", "z");
        assertThat(z("ZMPOP", "2", "missing", "b", "MIN")).isEqualTo(List.of("b", List.of(List.of("z", "3"))));
        assertGone("b");
        assertThat(z("ZMPOP", "2", "b", "a", "max", "COUNT", "5")).isEqualTo(List.of("a", List.of(List.of("y", "2"), List.of("x", "1"))));
        assertThat(z("ZMPOP", "1", "a", "MIN")).isNull();
        z("ZADD", "a", "1", "x", "2", "y");
        assertThat(z("ZMPOP", "1", "a", "MIN", "COUNT", "1")).isEqualTo(List.of("a", List.of(List.of("x", "1"))));
        z("SET", "s", "v");
        assertError(j, WRONGTYPE, "ZMPOP", "2", "s", "a", "MIN");
        assertThat(z("ZMPOP", "2", "a", "s", "MIN")).isEqualTo(List.of("a", List.of(List.of("y", "2"))));
        assertError(j, "ERR numkeys should be greater than 0", "ZMPOP", "0", "a", "MIN");
        assertError(j, "ERR numkeys should be greater than 0", "ZMPOP", "x", "a", "MIN");
        assertError(j, SYNTAX, "ZMPOP", "2", "a", "MIN");
        assertError(j, SYNTAX, "ZMPOP", "9223372036854775807", "a", "MIN");
        assertError(j, SYNTAX, "ZMPOP", "1", "a", "FOO");
        assertError(j, SYNTAX, "ZMPOP", "1", "a", "MIN", "COUNT");
        assertError(j, SYNTAX, "ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1");
        assertError(j, "ERR count should be greater than 0", "ZMPOP", "1", "a", "MIN", "COUNT", "0");
        assertError(j, "ERR wrong number of arguments for 'zmpop' command", "ZMPOP", "1", "a");
    }

    @Test
    void zrandmember() {
        z("ZADD", "z", "1", "a", "2", "b", "3", "c");
        for (int i = 0; i < 20; i++) assertThat(z("ZRANDMEMBER", "z")).isIn("a", "b", "c");
        assertThat(list(z("ZRANDMEMBER", "z", "10"))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(list(z("ZRANDMEMBER", "z", "9223372036854775807"))).containsExactlyInAnyOrder("a", "b", "c");
        List<Object> two = list(z("ZRANDMEMBER", "z", "2"));
        assertThat(two).hasSize(2).doesNotHaveDuplicates();
        List<Object> rep = list(z("ZRANDMEMBER", "z", "-50", "WITHSCORES"));
        assertThat(rep).hasSize(100);
        for (int i = 0; i < rep.size(); i += 2) {
            assertThat(rep.get(i + 1)).isEqualTo(switch ((String) rep.get(i)) {
                case "a" -> "1";
                case "b" -> "2";
                default -> "3";
            });
        }
        assertThat(z("ZRANDMEMBER", "z", "0")).isEqualTo(List.of());
        assertThat(z("ZRANDMEMBER", "missing")).isNull();
        assertThat(z("ZRANDMEMBER", "missing", "5")).isEqualTo(List.of());
        assertThat(z("ZRANDMEMBER", "missing", "-5", "WITHSCORES")).isEqualTo(List.of());
        assertError(j, NOT_INTEGER, "ZRANDMEMBER", "z", "x");
        assertError(j, SYNTAX, "ZRANDMEMBER", "z", "1", "FOO");
        assertError(j, SYNTAX, "ZRANDMEMBER", "z", "1", "WITHSCORES", "x");
        assertError(j, "ERR value is out of range", "ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES");
        assertError(j, "ERR value is out of range", "ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES");
        assertError(j, "ERR value is out of range", "ZRANDMEMBER", "z", "-100000000"); // Cairn's bound on repetitions
        // a larger set: distinct members for a count under its size
        for (int i = 0; i < 300; i++) z("ZADD", "big", String.valueOf(i), "m" + i);
        for (String n : List.of("5", "150", "299")) {
            List<Object> got = list(z("ZRANDMEMBER", "big", n));
            assertThat(got).hasSize(Integer.parseInt(n)).doesNotHaveDuplicates();
        }
    }

    // ------------------------------------------------------------------ ZUNION, ZINTER, ZDIFF, ZINTERCARD

    /** A plain set, written through the store (its commands are another family's). */
    private void plainSet(String key, String... members) {
        Keyspace ks = server.server.db(0);
        byte[][] m = new byte[members.length][];
        for (int i = 0; i < members.length; i++) m[i] = members[i].getBytes(StandardCharsets.UTF_8);
        server.server.store().atomically(tx -> tx.set(ks, key.getBytes(StandardCharsets.UTF_8)).add(m));
    }

    @Test
    void zunion_zinter_zdiff() {
        z("ZADD", "a", "1", "x", "2", "y", "3", "z");
        z("ZADD", "b", "10", "y", "20", "z", "30", "w");
        assertThat(z("ZUNION", "2", "a", "b")).isEqualTo(List.of("x", "y", "z", "w"));
        assertThat(z("ZUNION", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "12", "z", "23", "w", "30"));
        assertThat(z("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "WITHSCORES"))
                .isEqualTo(List.of("x", "2", "y", "9", "w", "15", "z", "16"));
        assertThat(z("ZUNION", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "2", "z", "3", "w", "30"));
        assertThat(z("ZUNION", "2", "a", "b", "aggregate", "max", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "10", "z", "20", "w", "30"));
        assertThat(z("ZUNION", "3", "a", "b", "missing", "WITHSCORES", "WITHSCORES")).isEqualTo(List.of("x", "1", "y", "12", "z", "23", "w", "30"));
        assertThat(z("ZINTER", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("y", "12", "z", "23"));
        assertThat(z("ZINTER", "2", "a", "b", "WEIGHTS", "1", "-1", "AGGREGATE", "MAX", "WITHSCORES")).isEqualTo(List.of("y", "2", "z", "3"));
        assertThat(z("ZINTER", "2", "a", "missing")).isEqualTo(List.of());
        assertThat(z("ZDIFF", "2", "a", "b", "WITHSCORES")).isEqualTo(List.of("x", "1"));
        assertThat(z("ZDIFF", "2", "b", "a")).isEqualTo(List.of("w"));
        assertThat(z("ZDIFF", "1", "missing")).isEqualTo(List.of());
        assertThat(z("ZINTERCARD", "2", "a", "b")).isEqualTo(2L);
        assertThat(z("ZINTERCARD", "2", "a", "b", "LIMIT", "1")).isEqualTo(1L);
        assertThat(z("ZINTERCARD", "2", "a", "b", "LIMIT", "0")).isEqualTo(2L);
        assertThat(z("ZINTERCARD", "2", "a", "missing")).isEqualTo(0L);
    }

    @Test
    void infinities_and_weights_never_make_nan() {
        z("ZADD", "p", "inf", "m");
        z("ZADD", "n", "-inf", "m");
        z("ZADD", "one", "1", "m");
        assertThat(z("ZUNION", "2", "p", "n", "WITHSCORES")).isEqualTo(List.of("m", "0")); // inf + -inf is 0
        assertThat(z("ZUNION", "2", "p", "one", "WEIGHTS", "0", "1", "WITHSCORES")).isEqualTo(List.of("m", "1")); // 0 * inf is 0
        assertThat(z("ZINTER", "2", "p", "n", "AGGREGATE", "MIN", "WITHSCORES")).isEqualTo(List.of("m", "-inf"));
        assertThat(z("ZINTER", "2", "one", "p", "WEIGHTS", "inf", "1", "WITHSCORES")).isEqualTo(List.of("m", "inf"));
        assertThat(z("ZUNIONSTORE", "d", "2", "p", "n")).isEqualTo(1L);
        assertThat(all("d")).containsExactly("m", "0");
    }

    @Test
    void plain_sets_count_score_one() {
        z("ZADD", "a", "1", "x", "2", "y", "3", "z");
        plainSet("s", "y", "w", "q");
        assertThat(z("ZUNION", "2", "a", "s", "WITHSCORES")).isEqualTo(List.of("q", "1", "w", "1", "x", "1", "y", "3", "z", "3"));
        assertThat(z("ZINTER", "2", "a", "s", "WEIGHTS", "1", "10", "WITHSCORES")).isEqualTo(List.of("y", "12"));
        assertThat(z("ZDIFF", "2", "s", "a", "WITHSCORES")).isEqualTo(List.of("q", "1", "w", "1"));
        assertThat(z("ZINTERCARD", "2", "s", "a")).isEqualTo(1L);
        assertThat(z("ZDIFFSTORE", "d", "1", "s")).isEqualTo(3L);
        assertThat(all("d")).containsExactly("q", "1", "w", "1", "y", "1");
    }

    @Test
    void store_forms_replace_and_delete() {
        z("ZADD", "a", "1", "x", "2", "y");
        z("ZADD", "b", "3", "y", "4", "z");
        z("SET", "d", "string");
        assertThat(z("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")).isEqualTo(3L);
        assertThat(all("d")).containsExactly("x", "1", "y", "8", "z", "8");
        assertThat(z("ZINTERSTORE", "d", "2", "a", "b", "AGGREGATE", "MIN")).isEqualTo(1L);
        assertThat(all("d")).containsExactly("y", "2");
        assertThat(z("ZDIFFSTORE", "d", "2", "b", "a")).isEqualTo(1L);
        assertThat(all("d")).containsExactly("z", "4");
        assertThat(z("ZINTERSTORE", "d", "2", "a", "missing")).isEqualTo(0L);
        assertGone("d");
        assertThat(z("ZUNIONSTORE", "a", "2", "a", "b")).isEqualTo(3L); // a destination among the sources
        assertThat(all("a")).containsExactly("x", "1", "z", "4", "y", "5");
    }

    @Test
    void combine_errors() {
        z("ZADD", "a", "1", "x");
        z("SET", "s", "v");
        assertError(j, "ERR at least 1 input key is needed for 'zunion' command", "ZUNION", "0", "a");
        assertError(j, "ERR at least 1 input key is needed for 'zinterstore' command", "ZINTERSTORE", "d", "0", "a");
        assertError(j, "ERR at least 1 input key is needed for 'zintercard' command", "ZINTERCARD", "0", "a");
        assertError(j, NOT_INTEGER, "ZUNION", "x", "a");
        assertError(j, SYNTAX, "ZUNION", "2", "a");
        assertError(j, SYNTAX, "ZUNION", "9223372036854775807", "a");
        assertError(j, "ERR weight value is not a float", "ZUNION", "1", "a", "WEIGHTS", "x");
        assertError(j, "ERR weight value is not a float", "ZINTER", "1", "a", "WEIGHTS", "nan");
        assertError(j, SYNTAX, "ZUNION", "2", "a", "a", "WEIGHTS", "1");
        assertError(j, SYNTAX, "ZUNION", "1", "a", "AGGREGATE", "AVG");
        assertError(j, SYNTAX, "ZUNION", "1", "a", "AGGREGATE");
        assertError(j, SYNTAX, "ZDIFF", "1", "a", "WEIGHTS", "1");
        assertError(j, SYNTAX, "ZDIFF", "1", "a", "AGGREGATE", "SUM");
        assertError(j, SYNTAX, "ZUNIONSTORE", "d", "1", "a", "WITHSCORES");
        assertError(j, SYNTAX, "ZINTERCARD", "1", "a", "WITHSCORES");
        assertError(j, "ERR LIMIT can't be negative", "ZINTERCARD", "1", "a", "LIMIT", "-1");
        assertError(j, "ERR LIMIT can't be negative", "ZINTERCARD", "1", "a", "LIMIT", "x");
        // the keys' types are checked before the options are read, as Redis does
        assertError(j, WRONGTYPE, "ZUNION", "2", "s", "a", "NOSUCHOPTION");
        assertError(j, "ERR wrong number of arguments for 'zunionstore' command", "ZUNIONSTORE", "d", "1");
    }

    // ------------------------------------------------------------------ ZSCAN

    @Test
    void zscan_small_returns_everything() {
        z("ZADD", "z", "1", "a", "2.5", "b", "3", "c");
        assertThat(z("ZSCAN", "z", "0")).isEqualTo(List.of("0", List.of("a", "1", "b", "2.5", "c", "3")));
        assertThat(z("ZSCAN", "z", "0", "COUNT", "1")).isEqualTo(List.of("0", List.of("a", "1", "b", "2.5", "c", "3")));
        assertThat(z("ZSCAN", "z", "0", "MATCH", "[ab]")).isEqualTo(List.of("0", List.of("a", "1", "b", "2.5")));
        assertThat(z("ZSCAN", "missing", "0")).isEqualTo(List.of("0", List.of()));
        assertThat(z("ZSCAN", "missing", "0", "FOO")).isEqualTo(List.of("0", List.of())); // the key first, as Redis
        assertError(j, "ERR invalid cursor", "ZSCAN", "z", "x");
        assertError(j, "ERR invalid cursor", "ZSCAN", "z", "18446744073709551616");
        assertError(j, SYNTAX, "ZSCAN", "z", "0", "COUNT", "0");
        assertError(j, SYNTAX, "ZSCAN", "z", "0", "FOO");
        assertError(j, NOT_INTEGER, "ZSCAN", "z", "0", "COUNT", "x");
    }

    @Test
    void zscan_large_pages_through_by_rank() {
        int n = 1000;
        List<Object> args = new ArrayList<>(List.of("ZADD", "z"));
        for (int i = 0; i < n; i++) {
            args.add(String.valueOf(i % 7));
            args.add("m" + i);
        }
        z(args.toArray());
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            List<Object> page = list(z("ZSCAN", "z", cursor, "COUNT", "100"));
            cursor = (String) page.get(0);
            List<Object> items = list(page.get(1));
            assertThat(items.size()).isLessThanOrEqualTo(200);
            for (int i = 0; i < items.size(); i += 2) {
                String m = (String) items.get(i);
                assertThat(seen.add(m)).as("returned once: " + m).isTrue();
                assertThat(items.get(i + 1)).isEqualTo(String.valueOf(Integer.parseInt(m.substring(1)) % 7));
            }
            calls++;
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(n);
        assertThat(calls).isEqualTo(10);
        List<Object> matched = list(list(z("ZSCAN", "z", "0", "MATCH", "m99*", "COUNT", "1000")).get(1));
        assertThat(matched).hasSize(2 * 11); // m99 and m990..m999
        assertThat(z("ZSCAN", "z", "5000")).isEqualTo(List.of("0", List.of()));
    }

    // ------------------------------------------------------------------ a large sorted set

    @Test
    void big_sorted_set_ranks_and_ranges() {
        int n = 5000;
        List<Object> args = new ArrayList<>(List.of("ZADD", "big"));
        for (int i = 0; i < n; i++) {
            args.add(String.valueOf(i / 2)); // pairs share a score: ordered by member
            args.add(String.format("m%05d", i));
        }
        assertThat(z(args.toArray())).isEqualTo((long) n);
        assertThat(z("ZCARD", "big")).isEqualTo((long) n);
        assertThat(z("ZRANK", "big", "m00000")).isEqualTo(0L);
        assertThat(z("ZRANK", "big", "m03001")).isEqualTo(3001L);
        assertThat(z("ZREVRANK", "big", "m03001")).isEqualTo((long) n - 1 - 3001);
        assertThat(z("ZRANGE", "big", "2500", "2502", "WITHSCORES")).isEqualTo(List.of("m02500", "1250", "m02501", "1250", "m02502", "1251"));
        assertThat(z("ZRANGE", "big", "-2", "-1")).isEqualTo(List.of("m04998", "m04999"));
        assertThat(z("ZRANGE", "big", "0", "1", "REV")).isEqualTo(List.of("m04999", "m04998"));
        assertThat(z("ZCOUNT", "big", "(100", "200")).isEqualTo(200L);
        assertThat(z("ZRANGE", "big", "(100", "200", "BYSCORE", "LIMIT", "10", "2")).isEqualTo(List.of("m00212", "m00213"));
        assertThat(z("ZRANGE", "big", "200", "(100", "BYSCORE", "REV", "LIMIT", "10", "2")).isEqualTo(List.of("m00391", "m00390"));
        assertThat(list(z("ZRANGE", "big", "0", "-1"))).hasSize(n);
        assertThat(z("ZREMRANGEBYRANK", "big", "1000", "1999")).isEqualTo(1000L);
        assertThat(z("ZRANK", "big", "m02000")).isEqualTo(1000L);
        assertThat(z("ZREMRANGEBYSCORE", "big", "(1500", "inf")).isEqualTo(1998L);
        assertThat(z("ZCARD", "big")).isEqualTo(2002L);
        assertThat(z("ZPOPMAX", "big", "3")).isEqualTo(List.of("m03001", "1500", "m03000", "1500", "m02999", "1499"));
        assertThat(z("ZINCRBY", "big", "-1000000", "m02998")).isEqualTo("-998501");
        assertThat(z("ZRANGE", "big", "0", "0")).isEqualTo(List.of("m02998"));
        assertThat(z("ZRANGESTORE", "copy", "big", "0", "-1")).isEqualTo(1999L);
        assertThat(z("ZUNIONSTORE", "u", "2", "big", "copy", "AGGREGATE", "MAX")).isEqualTo(1999L);
        assertThat(z("ZRANGE", "u", "-1", "-1", "WITHSCORES")).isEqualTo(List.of("m02997", "1498"));
        assertThat(z("ZINTERCARD", "2", "big", "copy", "LIMIT", "500")).isEqualTo(500L);
        // lex ranges over a large set of equal scores
        List<Object> lex = new ArrayList<>(List.of("ZADD", "lex"));
        for (int i = 0; i < 1000; i++) {
            lex.add("0");
            lex.add(String.format("w%04d", i));
        }
        z(lex.toArray());
        assertThat(z("ZLEXCOUNT", "lex", "[w0100", "(w0200")).isEqualTo(100L);
        assertThat(z("ZRANGE", "lex", "(w0998", "+", "BYLEX")).isEqualTo(List.of("w0999"));
        assertThat(z("ZREMRANGEBYLEX", "lex", "-", "(w0500")).isEqualTo(500L);
        assertThat(z("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "0", "1")).isEqualTo(List.of("w0500"));
    }

    // ------------------------------------------------------------------ RESP3

    private RawClient resp3() throws Exception {
        RawClient r = server.raw();
        assertThat(r.call("HELLO", "3")).startsWith("%");
        return r;
    }

    @Test
    void resp3_scores_are_doubles_and_pairs() throws Exception {
        try (RawClient r = resp3()) {
            r.call("FLUSHDB");
            assertThat(r.call("ZADD", "z", "1", "a", "2.5", "b")).isEqualTo(":2\r\n");
            assertThat(r.call("ZSCORE", "z", "b")).isEqualTo(",2.5\r\n");
            assertThat(r.call("ZSCORE", "z", "x")).isEqualTo("_\r\n");
            assertThat(r.call("ZMSCORE", "z", "a", "x")).isEqualTo("*2\r\n,1\r\n_\r\n");
            assertThat(r.call("ZINCRBY", "z", "0.5", "a")).isEqualTo(",1.5\r\n");
            assertThat(r.call("ZADD", "z", "NX", "INCR", "1", "a")).isEqualTo("_\r\n");
            String pairs = "*2\r\n*2\r\n" + bulk("a") + ",1.5\r\n*2\r\n" + bulk("b") + ",2.5\r\n";
            assertThat(r.call("ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo(pairs);
            assertThat(r.call("ZUNION", "1", "z", "WITHSCORES")).isEqualTo(pairs);
            assertThat(r.call("ZRANGE", "z", "0", "-1")).isEqualTo("*2\r\n" + bulk("a") + bulk("b"));
            assertThat(r.call("ZRANK", "z", "b", "WITHSCORE")).isEqualTo("*2\r\n:1\r\n,2.5\r\n");
            assertThat(r.call("ZSCAN", "z", "0")).isEqualTo("*2\r\n" + bulk("0") + "*4\r\n" + bulk("a") + bulk("1.5") + bulk("b") + bulk("2.5"));
            assertThat(r.call("ZPOPMIN", "z")).isEqualTo("*2\r\n" + bulk("a") + ",1.5\r\n");
            assertThat(r.call("ZPOPMIN", "z", "1")).isEqualTo("*1\r\n*2\r\n" + bulk("b") + ",2.5\r\n");
            assertThat(r.call("ZPOPMIN", "z")).isEqualTo("*0\r\n");
            r.call("ZADD", "z", "inf", "i");
            assertThat(r.call("ZMPOP", "1", "z", "MIN")).isEqualTo("*2\r\n" + bulk("z") + "*1\r\n*2\r\n" + bulk("i") + ",inf\r\n");
            assertThat(r.call("ZMPOP", "1", "z", "MIN")).isEqualTo("_\r\n");
            r.call("ZADD", "one", "-0.5", "m");
            assertThat(r.call("ZRANDMEMBER", "one", "-2", "WITHSCORES"))
                    .isEqualTo("*2\r\n*2\r\n" + bulk("m") + ",-0.5\r\n*2\r\n" + bulk("m") + ",-0.5\r\n");
        }
    }

    @Test
    void resp2_shapes() throws Exception {
        try (RawClient r = server.raw()) {
            r.call("FLUSHDB");
            r.call("ZADD", "z", "1", "a");
            assertThat(r.call("ZSCORE", "z", "x")).isEqualTo("$-1\r\n");
            assertThat(r.call("ZRANK", "z", "x", "WITHSCORE")).isEqualTo("*-1\r\n");
            assertThat(r.call("ZMPOP", "1", "missing", "MIN")).isEqualTo("*-1\r\n");
            assertThat(r.call("ZMPOP", "1", "z", "MIN")).isEqualTo("*2\r\n" + bulk("z") + "*1\r\n*2\r\n" + bulk("a") + bulk("1"));
        }
    }

    // ------------------------------------------------------------------ restarts

    private static Map<String, List<Object>> snapshot(Jedis c, List<String> keys) {
        Map<String, List<Object>> m = new LinkedHashMap<>();
        for (String k : keys) m.put(k, list(cmd(c, "ZRANGE", k, "0", "-1", "WITHSCORES")));
        return m;
    }

    @Test
    void sorted_sets_survive_a_restart_from_a_snapshot_plus_the_log() throws Exception {
        Path d = dir.resolve("restart");
        List<String> keys = List.of("small", "big", "ttl", "stored", "union", "lex");
        Map<String, List<Object>> before;
        try (TestServer s = TestServer.start(d, "checkpoint-interval", "0"); Jedis c = s.jedis()) {
            cmd(c, "ZADD", "small", "1", "a", "2.5", "b", "-inf", "c", "inf", "d");
            List<Object> args = new ArrayList<>(List.of("ZADD", "big"));
            for (int i = 0; i < 3000; i++) {
                args.add(String.valueOf(i % 100));
                args.add("m" + i);
            }
            cmd(c, args.toArray());
            cmd(c, "ZADD", "ttl", "1", "x");
            cmd(c, "EXPIRE", "ttl", "1000");
            assertThat(cmd(c, "SAVE")).isEqualTo("OK");
            // after the checkpoint: these are replayed from the log
            cmd(c, "ZINCRBY", "small", "0.25", "a");
            cmd(c, "ZREM", "small", "c");
            cmd(c, "ZADD", "ttl", "2", "y");
            cmd(c, "ZREMRANGEBYRANK", "big", "0", "99");
            cmd(c, "ZPOPMAX", "big", "10");
            cmd(c, "ZADD", "big", "GT", "CH", "500", "m150", "-5", "m151");
            cmd(c, "ZRANGESTORE", "stored", "big", "(10", "20", "BYSCORE", "LIMIT", "5", "50");
            cmd(c, "ZUNIONSTORE", "union", "2", "small", "stored", "WEIGHTS", "2", "3");
            cmd(c, "ZADD", "lex", "0", "a", "0", "b", "0", "c");
            cmd(c, "ZREMRANGEBYLEX", "lex", "[b", "+");
            before = snapshot(c, keys);
            assertThat(before.get("big")).hasSize(2 * 2890);
            assertThat(before.get("stored")).hasSize(100);
        }
        try (TestServer s = TestServer.start(d, "checkpoint-interval", "0"); Jedis c = s.jedis()) {
            // no checkpoint at shutdown (interval 0): this start loads the SAVE's snapshot and replays the rest
            assertThat(snapshot(c, keys)).isEqualTo(before);
            assertThat((Long) cmd(c, "TTL", "ttl")).isBetween(900L, 1000L);
            assertThat(cmd(c, "ZSCORE", "small", "a")).isEqualTo("1.25");
            assertThat(cmd(c, "ZRANK", "big", "m150")).isEqualTo(2889L);
            assertThat(cmd(c, "ZADD", "big", "0", "new")).isEqualTo(1L);
        }
    }

    // ------------------------------------------------------------------ a seeded random run against a model

    /** Redis's order: score, then member bytes (the members here are ASCII). */
    private static final Comparator<Map.Entry<String, Double>> ORDER =
            Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).thenComparing(Map.Entry::getKey);

    private static List<Map.Entry<String, Double>> sorted(Map<String, Double> z) {
        List<Map.Entry<String, Double>> l = new ArrayList<>(z == null ? Map.<String, Double>of().entrySet() : z.entrySet());
        l.sort(ORDER);
        return l;
    }

    private static double parseScore(Object o) {
        String s = (String) o;
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s) + 0.0;
        };
    }

    private static List<Object> expectedRange(List<Map.Entry<String, Double>> l) {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : l) {
            out.add(e.getKey());
            out.add(e.getValue());
        }
        return out;
    }

    private static List<Object> parsedRange(Object reply) {
        List<Object> r = list(reply);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i += 2) {
            out.add(r.get(i));
            out.add(parseScore(r.get(i + 1)));
        }
        return out;
    }

    @Test
    void random_operations_match_a_model_across_a_restart() throws Exception {
        long seed = Long.getLong("zset.seed", System.nanoTime());
        System.out.println("ZSetCommandsTest random run: seed " + seed + " (repeat with -Dzset.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Map<String, Map<String, Double>> model = new HashMap<>();
        List<String> keys = List.of("k0", "k1", "k2");
        double[] scorePool = {0, -0.0, 1, -1, 2, 3.5, -7, 10, 0.5, 100, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        int ops = 3000;
        Path d = dir.resolve("model");
        TestServer s = TestServer.start(d, "appendfsync", "everysec", "checkpoint-interval", "0");
        Jedis c = s.jedis();
        try {
            for (int i = 0; i < ops; i++) {
                if (i == ops / 2) {
                    c.close();
                    s.close();
                    s = TestServer.start(d, "appendfsync", "everysec", "checkpoint-interval", "0"); // replays the whole log
                    c = s.jedis();
                    for (String k : keys) {
                        assertThat(parsedRange(cmd(c, "ZRANGE", k, "0", "-1", "WITHSCORES"))).as("seed %d, after the restart, %s", seed, k)
                                .isEqualTo(expectedRange(sorted(model.get(k))));
                    }
                }
                String key = keys.get(rnd.nextInt(keys.size()));
                Map<String, Double> z = model.computeIfAbsent(key, x -> new HashMap<>());
                int pool = key.equals("k0") ? 400 : 60; // k0 grows past the compact limit of 128
                String member = "m" + rnd.nextInt(pool);
                double score = rnd.nextInt(4) == 0 ? scorePool[rnd.nextInt(scorePool.length)] : rnd.nextInt(41) - 20;
                String what = "";
                int op = rnd.nextInt(100);
                if (op < 35) {
                    String flag = List.of("", "", "", "NX", "XX", "GT", "LT", "XX GT", "CH").get(rnd.nextInt(9));
                    List<Object> args = new ArrayList<>(List.of("ZADD", key));
                    if (!flag.isEmpty()) args.addAll(List.of((Object[]) flag.split(" ")));
                    int pairs = 1 + rnd.nextInt(8);
                    long added = 0, changed = 0;
                    for (int p = 0; p < pairs; p++) {
                        String m = p == 0 ? member : "m" + rnd.nextInt(pool);
                        double sc = p == 0 ? score : rnd.nextInt(21) - 10;
                        args.add(Double.isInfinite(sc) ? (sc > 0 ? "+inf" : "-inf") : String.valueOf(sc));
                        args.add(m);
                        Double cur = z.get(m);
                        if (cur == null) {
                            if (flag.contains("XX")) continue;
                            z.put(m, sc + 0.0);
                            added++;
                        } else {
                            if (flag.equals("NX")) continue;
                            if (flag.contains("GT") && !(sc > cur) || flag.equals("LT") && !(sc < cur)) continue;
                            if (sc != cur) {
                                z.put(m, sc + 0.0);
                                changed++;
                            }
                        }
                    }
                    what = args.toString();
                    assertThat(cmd(c, args.toArray())).as("seed %d op %d %s", seed, i, what).isEqualTo(flag.equals("CH") ? added + changed : added);
                } else if (op < 45) {
                    Double cur = z.get(member);
                    double next = (cur == null ? 0 : cur) + score;
                    String inc = Double.isInfinite(score) ? (score > 0 ? "inf" : "-inf") : String.valueOf(score);
                    what = "ZINCRBY " + key + " " + inc + " " + member;
                    if (Double.isNaN(next)) {
                        assertError(c, "ERR resulting score is not a number (NaN)", "ZINCRBY", key, inc, member);
                    } else {
                        assertThat(parseScore(cmd(c, "ZINCRBY", key, inc, member))).as("seed %d op %d %s", seed, i, what).isEqualTo(next + 0.0);
                        z.put(member, next + 0.0);
                    }
                } else if (op < 55) {
                    String other = "m" + rnd.nextInt(pool);
                    long n = (z.remove(member) != null ? 1 : 0) + (z.remove(other) != null ? 1 : 0);
                    what = "ZREM " + key + " " + member + " " + other;
                    assertThat(cmd(c, "ZREM", key, member, other)).as("seed %d op %d %s", seed, i, what).isEqualTo(n);
                } else if (op < 62) {
                    boolean max = rnd.nextBoolean();
                    int count = rnd.nextInt(4);
                    List<Map.Entry<String, Double>> l = sorted(z);
                    if (max) java.util.Collections.reverse(l);
                    List<Map.Entry<String, Double>> taken = new ArrayList<>(l.subList(0, Math.min(count, l.size())));
                    for (Map.Entry<String, Double> e : taken) z.remove(e.getKey());
                    what = (max ? "ZPOPMAX " : "ZPOPMIN ") + key + " " + count;
                    assertThat(parsedRange(cmd(c, max ? "ZPOPMAX" : "ZPOPMIN", key, String.valueOf(count))))
                            .as("seed %d op %d %s", seed, i, what).isEqualTo(expectedRange(taken));
                } else if (op < 67) {
                    int size = z.size();
                    long start = rnd.nextInt(21) - 10, stop = rnd.nextInt(21) - 10;
                    long from = start < 0 ? Math.max(0, start + size) : start;
                    long to = Math.min(stop < 0 ? stop + size : stop, size - 1);
                    List<Map.Entry<String, Double>> l = sorted(z);
                    long n = 0;
                    for (long r = from; r <= to; r++, n++) z.remove(l.get((int) r).getKey());
                    what = "ZREMRANGEBYRANK " + key + " " + start + " " + stop;
                    assertThat(cmd(c, "ZREMRANGEBYRANK", key, String.valueOf(start), String.valueOf(stop)))
                            .as("seed %d op %d %s", seed, i, what).isEqualTo(n);
                } else if (op < 71) {
                    double lo = rnd.nextInt(21) - 10, hi = lo + rnd.nextInt(6);
                    long n = z.values().stream().filter(v -> v > lo && v <= hi).count();
                    z.values().removeIf(v -> v > lo && v <= hi);
                    what = "ZREMRANGEBYSCORE " + key + " (" + lo + " " + hi;
                    assertThat(cmd(c, "ZREMRANGEBYSCORE", key, "(" + lo, String.valueOf(hi))).as("seed %d op %d %s", seed, i, what).isEqualTo(n);
                } else if (op < 75) {
                    String dst = keys.get(rnd.nextInt(keys.size()));
                    List<Map.Entry<String, Double>> l = sorted(z);
                    int from = rnd.nextInt(10), to = from + rnd.nextInt(200);
                    Map<String, Double> stored = new HashMap<>();
                    for (int r = from; r <= Math.min(to, l.size() - 1); r++) stored.put(l.get(r).getKey(), l.get(r).getValue());
                    what = "ZRANGESTORE " + dst + " " + key + " " + from + " " + to;
                    assertThat(cmd(c, "ZRANGESTORE", dst, key, String.valueOf(from), String.valueOf(to)))
                            .as("seed %d op %d %s", seed, i, what).isEqualTo((long) stored.size());
                    model.put(dst, stored);
                } else if (op < 79) {
                    String other = keys.get(rnd.nextInt(keys.size()));
                    String dst = keys.get(rnd.nextInt(keys.size()));
                    boolean inter = rnd.nextBoolean();
                    String agg = List.of("SUM", "MIN", "MAX").get(rnd.nextInt(3));
                    Map<String, Double> b = model.getOrDefault(other, Map.of());
                    Map<String, Double> out = new HashMap<>();
                    for (Map.Entry<String, Double> e : z.entrySet()) {
                        Double w = b.get(e.getKey());
                        if (w == null) {
                            if (!inter) out.put(e.getKey(), e.getValue());
                            continue;
                        }
                        double v = switch (agg) {
                            case "SUM" -> e.getValue() + w;
                            case "MIN" -> Math.min(e.getValue(), w);
                            default -> Math.max(e.getValue(), w);
                        };
                        out.put(e.getKey(), Double.isNaN(v) ? 0.0 : v + 0.0);
                    }
                    if (!inter) for (Map.Entry<String, Double> e : b.entrySet()) out.putIfAbsent(e.getKey(), e.getValue());
                    what = (inter ? "ZINTERSTORE " : "ZUNIONSTORE ") + dst + " 2 " + key + " " + other + " AGGREGATE " + agg;
                    assertThat(cmd(c, inter ? "ZINTERSTORE" : "ZUNIONSTORE", dst, "2", key, other, "AGGREGATE", agg))
                            .as("seed %d op %d %s", seed, i, what).isEqualTo((long) out.size());
                    model.put(dst, out);
                } else if (op < 85) {
                    Double cur = z.get(member);
                    what = "ZSCORE/ZRANK " + key + " " + member;
                    Object sc = cmd(c, "ZSCORE", key, member);
                    if (cur == null) {
                        assertThat(sc).as("seed %d op %d %s", seed, i, what).isNull();
                        assertThat(cmd(c, "ZRANK", key, member)).as("seed %d op %d %s", seed, i, what).isNull();
                    } else {
                        assertThat(parseScore(sc)).as("seed %d op %d %s", seed, i, what).isEqualTo(cur);
                        long rank = sorted(z).stream().map(Map.Entry::getKey).toList().indexOf(member);
                        assertThat(cmd(c, "ZRANK", key, member)).as("seed %d op %d %s", seed, i, what).isEqualTo(rank);
                        assertThat(cmd(c, "ZREVRANK", key, member)).as("seed %d op %d %s", seed, i, what).isEqualTo(z.size() - 1 - rank);
                    }
                } else if (op < 92) {
                    double lo = rnd.nextInt(31) - 15, hi = lo + rnd.nextInt(10);
                    int offset = rnd.nextInt(5), count = rnd.nextInt(6) - 1;
                    boolean rev = rnd.nextBoolean();
                    List<Map.Entry<String, Double>> l = new ArrayList<>(sorted(z).stream().filter(e -> e.getValue() >= lo && e.getValue() < hi).toList());
                    if (rev) java.util.Collections.reverse(l);
                    List<Map.Entry<String, Double>> page = l.subList(Math.min(offset, l.size()), count < 0 ? l.size() : Math.min(l.size(), offset + count));
                    List<Object> args = new ArrayList<>(List.of("ZRANGE", key));
                    if (rev) args.addAll(List.of("(" + hi, String.valueOf(lo), "BYSCORE", "REV"));
                    else args.addAll(List.of(String.valueOf(lo), "(" + hi, "BYSCORE"));
                    args.addAll(List.of("LIMIT", String.valueOf(offset), String.valueOf(count), "WITHSCORES"));
                    what = args.toString();
                    assertThat(parsedRange(cmd(c, args.toArray()))).as("seed %d op %d %s", seed, i, what).isEqualTo(expectedRange(page));
                    long inRange = l.size();
                    assertThat(cmd(c, "ZCOUNT", key, String.valueOf(lo), "(" + hi)).as("seed %d op %d %s", seed, i, what).isEqualTo(inRange);
                } else {
                    what = "ZRANGE " + key + " 0 -1 WITHSCORES";
                    assertThat(parsedRange(cmd(c, "ZRANGE", key, "0", "-1", "WITHSCORES"))).as("seed %d op %d %s", seed, i, what)
                            .isEqualTo(expectedRange(sorted(z)));
                    assertThat(cmd(c, "ZCARD", key)).as("seed %d op %d %s", seed, i, what).isEqualTo((long) z.size());
                }
            }
            for (String k : keys) {
                assertThat(parsedRange(cmd(c, "ZRANGE", k, "0", "-1", "WITHSCORES"))).as("seed %d, at the end, %s", seed, k)
                        .isEqualTo(expectedRange(sorted(model.get(k))));
            }
        } finally {
            c.close();
            s.close();
        }
    }
}
