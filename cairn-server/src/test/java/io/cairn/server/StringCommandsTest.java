package io.cairn.server;

import io.cairn.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;

class StringCommandsTest extends SharedServerTest {
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

    // ------------------------------------------------------------------ GET / SET

    @Test
    void get_and_set_are_binary_safe() {
        byte[] key = new byte[256];
        byte[] value = new byte[256];
        for (int i = 0; i < 256; i++) {
            key[i] = (byte) i;
            value[i] = (byte) (255 - i);
        }
        assertThat(cmd(j, "SET", key, value)).isEqualTo("OK");
        assertThat((byte[]) raw(j, "GET", key)).isEqualTo(value);
        assertThat(cmd(j, "GET", "bin:missing")).isNull();
        assertThat(cmd(j, "SET", "bin:empty", "")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "bin:empty")).isEqualTo("");
        assertError(j, "ERR wrong number of arguments for 'get' command", "GET");
        assertError(j, "ERR wrong number of arguments for 'set' command", "SET", "k");
    }

    @Test
    void set_nx_xx_and_get() {
        assertThat(cmd(j, "SET", "s:nx", "1", "NX")).isEqualTo("OK");
        assertThat(cmd(j, "SET", "s:nx", "2", "NX")).isNull();
        assertThat(cmd(j, "GET", "s:nx")).isEqualTo("1");
        assertThat(cmd(j, "SET", "s:xx", "1", "XX")).isNull();
        assertThat(cmd(j, "EXISTS", "s:xx")).isEqualTo(0L);
        assertThat(cmd(j, "SET", "s:nx", "3", "xx")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "s:nx")).isEqualTo("3");
        // GET returns the old value, or nil
        assertThat(cmd(j, "SET", "s:get", "a", "GET")).isNull();
        assertThat(cmd(j, "SET", "s:get", "b", "GET")).isEqualTo("a");
        assertThat(cmd(j, "GET", "s:get")).isEqualTo("b");
        // NX with GET (Redis 7): the old value, and no change when it exists
        assertThat(cmd(j, "SET", "s:get", "c", "NX", "GET")).isEqualTo("b");
        assertThat(cmd(j, "GET", "s:get")).isEqualTo("b");
        assertThat(cmd(j, "SET", "s:nxget", "c", "NX", "GET")).isNull();
        assertThat(cmd(j, "GET", "s:nxget")).isEqualTo("c");
        assertThat(cmd(j, "SET", "s:xxget", "c", "XX", "GET")).isNull();
        assertThat(cmd(j, "EXISTS", "s:xxget")).isEqualTo(0L);
        // repeated options are accepted, as in Redis
        assertThat(cmd(j, "SET", "s:rep", "v", "NX", "NX")).isEqualTo("OK");
    }

    @Test
    void set_expiry_options() {
        long now = System.currentTimeMillis();
        assertThat(cmd(j, "SET", "s:ex", "v", "EX", "100")).isEqualTo("OK");
        assertThat(pttl("s:ex")).isBetween(98_000L, 100_000L);
        assertThat(cmd(j, "SET", "s:px", "v", "PX", "100000")).isEqualTo("OK");
        assertThat(pttl("s:px")).isBetween(98_000L, 100_000L);
        assertThat(cmd(j, "SET", "s:exat", "v", "EXAT", String.valueOf(now / 1000 + 100))).isEqualTo("OK");
        assertThat(cmd(j, "EXPIRETIME", "s:exat")).isEqualTo(now / 1000 + 100);
        assertThat(cmd(j, "SET", "s:pxat", "v", "PXAT", String.valueOf(now + 100_000))).isEqualTo("OK");
        assertThat(cmd(j, "PEXPIRETIME", "s:pxat")).isEqualTo(now + 100_000);
        // KEEPTTL keeps it; a plain SET and SET with other options drop it
        assertThat(cmd(j, "SET", "s:pxat", "w", "KEEPTTL")).isEqualTo("OK");
        assertThat(cmd(j, "PEXPIRETIME", "s:pxat")).isEqualTo(now + 100_000);
        assertThat(cmd(j, "GET", "s:pxat")).isEqualTo("w");
        assertThat(cmd(j, "SET", "s:pxat", "x", "XX")).isEqualTo("OK");
        assertThat(pttl("s:pxat")).isEqualTo(-1L);
        assertThat(cmd(j, "SET", "s:ex", "x")).isEqualTo("OK");
        assertThat(pttl("s:ex")).isEqualTo(-1L);
        assertThat(cmd(j, "SET", "s:keep-absent", "v", "KEEPTTL")).isEqualTo("OK");
        assertThat(pttl("s:keep-absent")).isEqualTo(-1L);
        // a time already past stores nothing visible, and says OK
        assertThat(cmd(j, "SET", "s:past", "v", "PXAT", "1000")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "s:past")).isNull();
        // a short one really expires
        assertThat(cmd(j, "SET", "s:short", "v", "PX", "150")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "s:short")).isEqualTo("v");
        await(Duration.ofSeconds(3), () -> cmd(j, "GET", "s:short") == null);
        assertThat(cmd(j, "EXISTS", "s:short")).isEqualTo(0L);
    }

    @Test
    void set_errors() {
        assertError(j, "ERR syntax error", "SET", "k", "v", "NX", "XX");
        assertError(j, "ERR syntax error", "SET", "k", "v", "XX", "NX");
        assertError(j, "ERR syntax error", "SET", "k", "v", "EX", "10", "PX", "100");
        assertError(j, "ERR syntax error", "SET", "k", "v", "KEEPTTL", "EX", "10");
        assertError(j, "ERR syntax error", "SET", "k", "v", "PXAT", "10", "KEEPTTL");
        assertError(j, "ERR syntax error", "SET", "k", "v", "EX");
        assertError(j, "ERR syntax error", "SET", "k", "v", "PERSIST");
        assertError(j, "ERR syntax error", "SET", "k", "v", "BOGUS");
        assertError(j, "ERR value is not an integer or out of range", "SET", "k", "v", "EX", "ten");
        assertError(j, "ERR value is not an integer or out of range", "SET", "k", "v", "EX", "1.5");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "0");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "PX", "-5");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EXAT", "0");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "9223372036854775");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "EX", "9223372036854776");
        assertError(j, "ERR invalid expire time in 'set' command", "SET", "k", "v", "PX", "9223372036854775807");
        assertThat(cmd(j, "EXISTS", "k")).isEqualTo(0L);
        // a syntax error comes before the GET's read and changes nothing
        cmd(j, "SET", "s:err", "keep");
        assertError(j, "ERR syntax error", "SET", "s:err", "v", "GET", "NX", "XX");
        assertThat(cmd(j, "GET", "s:err")).isEqualTo("keep");
    }

    @Test
    void put_is_an_alias_of_set() {
        assertThat(cmd(j, "PUT", "p:k", "v")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "p:k")).isEqualTo("v");
        assertThat(cmd(j, "PUT", "p:k", "w", "XX", "GET")).isEqualTo("v");
        assertThat(cmd(j, "PUT", "p:k", "x", "PX", "100000")).isEqualTo("OK");
        assertThat(pttl("p:k")).isPositive();
        assertError(j, "ERR invalid expire time in 'put' command", "PUT", "p:k", "v", "EX", "0");
    }

    @Test
    void setnx_setex_psetex() {
        assertThat(cmd(j, "SETNX", "nx:k", "1")).isEqualTo(1L);
        assertThat(cmd(j, "SETNX", "nx:k", "2")).isEqualTo(0L);
        assertThat(cmd(j, "GET", "nx:k")).isEqualTo("1");

        assertThat(cmd(j, "SETEX", "ex:k", "100", "v")).isEqualTo("OK");
        assertThat(cmd(j, "GET", "ex:k")).isEqualTo("v");
        assertThat(cmd(j, "TTL", "ex:k")).isEqualTo(100L);
        assertThat(cmd(j, "PSETEX", "ex:p", "100000", "v")).isEqualTo("OK");
        assertThat(pttl("ex:p")).isBetween(98_000L, 100_000L);
        assertError(j, "ERR invalid expire time in 'setex' command", "SETEX", "ex:k", "0", "v");
        assertError(j, "ERR invalid expire time in 'setex' command", "SETEX", "ex:k", "-10", "v");
        assertError(j, "ERR invalid expire time in 'psetex' command", "PSETEX", "ex:k", "0", "v");
        assertError(j, "ERR value is not an integer or out of range", "SETEX", "ex:k", "x", "v");
        assertError(j, "ERR wrong number of arguments for 'setex' command", "SETEX", "ex:k", "10");
        assertThat(cmd(j, "GET", "ex:k")).isEqualTo("v");
    }

    @Test
    void getset_getdel() {
        assertThat(cmd(j, "GETSET", "gs:k", "1")).isNull();
        cmd(j, "PEXPIRE", "gs:k", "100000");
        assertThat(cmd(j, "GETSET", "gs:k", "2")).isEqualTo("1");
        assertThat(pttl("gs:k")).isEqualTo(-1L); // GETSET drops the expiry
        assertThat(cmd(j, "GET", "gs:k")).isEqualTo("2");

        assertThat(cmd(j, "GETDEL", "gs:k")).isEqualTo("2");
        assertThat(cmd(j, "EXISTS", "gs:k")).isEqualTo(0L);
        assertThat(cmd(j, "GETDEL", "gs:k")).isNull();
    }

    @Test
    void getex_options() {
        long now = System.currentTimeMillis();
        cmd(j, "SET", "gx:k", "v");
        assertThat(cmd(j, "GETEX", "gx:k")).isEqualTo("v");
        assertThat(pttl("gx:k")).isEqualTo(-1L);
        assertThat(cmd(j, "GETEX", "gx:k", "EX", "100")).isEqualTo("v");
        assertThat(pttl("gx:k")).isBetween(98_000L, 100_000L);
        assertThat(cmd(j, "GETEX", "gx:k", "PX", "200000")).isEqualTo("v");
        assertThat(pttl("gx:k")).isBetween(198_000L, 200_000L);
        assertThat(cmd(j, "GETEX", "gx:k", "EXAT", String.valueOf(now / 1000 + 300))).isEqualTo("v");
        assertThat(cmd(j, "EXPIRETIME", "gx:k")).isEqualTo(now / 1000 + 300);
        assertThat(cmd(j, "GETEX", "gx:k", "PXAT", String.valueOf(now + 400_000))).isEqualTo("v");
        assertThat(cmd(j, "PEXPIRETIME", "gx:k")).isEqualTo(now + 400_000);
        assertThat(cmd(j, "GETEX", "gx:k", "PERSIST")).isEqualTo("v");
        assertThat(pttl("gx:k")).isEqualTo(-1L);
        assertThat(cmd(j, "GETEX", "gx:k", "PERSIST")).isEqualTo("v");
        // a time in the past deletes the key after returning it
        assertThat(cmd(j, "GETEX", "gx:k", "PXAT", "1")).isEqualTo("v");
        assertThat(cmd(j, "EXISTS", "gx:k")).isEqualTo(0L);
        // a missing key is nil even before the expiry is checked
        assertThat(cmd(j, "GETEX", "gx:none", "EX", "-1")).isNull();
        cmd(j, "SET", "gx:k", "v");
        assertError(j, "ERR invalid expire time in 'getex' command", "GETEX", "gx:k", "EX", "0");
        assertError(j, "ERR invalid expire time in 'getex' command", "GETEX", "gx:k", "EX", "9223372036854775807");
        assertError(j, "ERR value is not an integer or out of range", "GETEX", "gx:k", "PX", "soon");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "NX");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "KEEPTTL");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "GET");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "EX", "10", "PERSIST");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "PERSIST", "PX", "10");
        assertError(j, "ERR syntax error", "GETEX", "gx:k", "EX");
        assertThat(pttl("gx:k")).isEqualTo(-1L);
    }

    // ------------------------------------------------------------------ multi-key

    @Test
    void mget_mset_msetnx() {
        assertThat(cmd(j, "MSET", "m:a", "1", "m:b", "2")).isEqualTo("OK");
        assertThat(cmd(j, "MGET", "m:a", "m:none", "m:b", "m:a")).isEqualTo(java.util.Arrays.asList("1", null, "2", "1"));
        assertError(j, "ERR wrong number of arguments for 'mset' command", "MSET", "m:a", "1", "m:b");
        assertError(j, "ERR wrong number of arguments for 'msetnx' command", "MSETNX", "m:a", "1", "m:b");
        cmd(j, "PEXPIRE", "m:a", "100000");
        assertThat(cmd(j, "MSET", "m:a", "3")).isEqualTo("OK");
        assertThat(pttl("m:a")).isEqualTo(-1L);
        // MSETNX: all or nothing
        assertThat(cmd(j, "MSETNX", "m:x", "1", "m:a", "9", "m:y", "1")).isEqualTo(0L);
        assertThat(cmd(j, "MGET", "m:x", "m:a", "m:y")).isEqualTo(java.util.Arrays.asList(null, "3", null));
        assertThat(cmd(j, "MSETNX", "m:x", "1", "m:y", "2")).isEqualTo(1L);
        assertThat(cmd(j, "MGET", "m:x", "m:y")).isEqualTo(List.of("1", "2"));
        // the same key twice: both absent, the last value wins
        assertThat(cmd(j, "MSETNX", "m:z", "1", "m:z", "2")).isEqualTo(1L);
        assertThat(cmd(j, "GET", "m:z")).isEqualTo("2");
    }

    // ------------------------------------------------------------------ in-place edits

    @Test
    void append_and_strlen() {
        assertThat(cmd(j, "APPEND", "ap:k", "Hello")).isEqualTo(5L);
        assertThat(cmd(j, "APPEND", "ap:k", " World")).isEqualTo(11L);
        assertThat(cmd(j, "GET", "ap:k")).isEqualTo("Hello World");
        assertThat(cmd(j, "STRLEN", "ap:k")).isEqualTo(11L);
        assertThat(cmd(j, "STRLEN", "ap:none")).isEqualTo(0L);
        cmd(j, "PEXPIRE", "ap:k", "100000");
        assertThat(cmd(j, "APPEND", "ap:k", new byte[]{0, (byte) 0xff})).isEqualTo(13L);
        assertThat(pttl("ap:k")).isPositive(); // APPEND keeps the expiry
        byte[] v = (byte[]) raw(j, "GET", "ap:k");
        assertThat(v[11]).isEqualTo((byte) 0);
        assertThat(v[12]).isEqualTo((byte) 0xff);
    }

    @Test
    void getrange_and_substr() {
        cmd(j, "SET", "gr:k", "This is a string");
        assertThat(cmd(j, "GETRANGE", "gr:k", "0", "3")).isEqualTo("This");
        assertThat(cmd(j, "GETRANGE", "gr:k", "-3", "-1")).isEqualTo("ing");
        assertThat(cmd(j, "GETRANGE", "gr:k", "0", "-1")).isEqualTo("This is a string");
        assertThat(cmd(j, "GETRANGE", "gr:k", "10", "100")).isEqualTo("string");
        assertThat(cmd(j, "GETRANGE", "gr:k", "-100", "3")).isEqualTo("This");
        assertThat(cmd(j, "GETRANGE", "gr:k", "0", "-100")).isEqualTo("T");
        assertThat(cmd(j, "GETRANGE", "gr:k", "-1", "-5")).isEqualTo("");
        assertThat(cmd(j, "GETRANGE", "gr:k", "5", "3")).isEqualTo("");
        assertThat(cmd(j, "GETRANGE", "gr:k", "100", "200")).isEqualTo("");
        assertThat(cmd(j, "GETRANGE", "gr:none", "0", "-1")).isEqualTo("");
        assertThat(cmd(j, "SUBSTR", "gr:k", "5", "6")).isEqualTo("is");
        assertError(j, "ERR value is not an integer or out of range", "GETRANGE", "gr:k", "a", "1");
        assertError(j, "ERR value is not an integer or out of range", "GETRANGE", "gr:none", "0", "1.5");
    }

    @Test
    void setrange() {
        cmd(j, "SET", "sr:k", "Hello World");
        assertThat(cmd(j, "SETRANGE", "sr:k", "6", "Redis")).isEqualTo(11L);
        assertThat(cmd(j, "GET", "sr:k")).isEqualTo("Hello Redis");
        assertThat(cmd(j, "SETRANGE", "sr:k", "9", "island")).isEqualTo(15L);
        assertThat(cmd(j, "GET", "sr:k")).isEqualTo("Hello Redisland");
        assertThat(cmd(j, "SETRANGE", "sr:new", "3", "ab")).isEqualTo(5L);
        assertThat((byte[]) raw(j, "GET", "sr:new")).isEqualTo(new byte[]{0, 0, 0, 'a', 'b'});
        // writing nothing: the length, and no key created
        assertThat(cmd(j, "SETRANGE", "sr:k", "100", "")).isEqualTo(15L);
        assertThat(cmd(j, "SETRANGE", "sr:empty", "100", "")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "sr:empty")).isEqualTo(0L);
        cmd(j, "PEXPIRE", "sr:k", "100000");
        assertThat(cmd(j, "SETRANGE", "sr:k", "0", "J")).isEqualTo(15L);
        assertThat(pttl("sr:k")).isPositive(); // SETRANGE keeps the expiry
        assertError(j, "ERR offset is out of range", "SETRANGE", "sr:k", "-1", "x");
        assertError(j, "ERR value is not an integer or out of range", "SETRANGE", "sr:k", "one", "x");
        assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)", "SETRANGE", "sr:k", "536870912", "x");
        assertError(j, "ERR string exceeds maximum allowed size (proto-max-bulk-len)", "SETRANGE", "sr:big", "9223372036854775807", "x");
        assertThat(cmd(j, "EXISTS", "sr:big")).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ counters

    @Test
    void incr_decr_family() {
        assertThat(cmd(j, "INCR", "n:k")).isEqualTo(1L);
        assertThat(cmd(j, "INCRBY", "n:k", "10")).isEqualTo(11L);
        assertThat(cmd(j, "DECR", "n:k")).isEqualTo(10L);
        assertThat(cmd(j, "DECRBY", "n:k", "15")).isEqualTo(-5L);
        assertThat(cmd(j, "DECR", "n:new")).isEqualTo(-1L);
        assertThat(cmd(j, "GET", "n:k")).isEqualTo("-5");
        assertThat(cmd(j, "INCRBY", "n:k", "-9223372036854775803")).isEqualTo(Long.MIN_VALUE);
        assertError(j, "ERR increment or decrement would overflow", "DECR", "n:k");
        cmd(j, "SET", "n:max", "9223372036854775807");
        assertError(j, "ERR increment or decrement would overflow", "INCR", "n:max");
        assertError(j, "ERR decrement would overflow", "DECRBY", "n:max", "-9223372036854775808");
        assertError(j, "ERR value is not an integer or out of range", "INCRBY", "n:max", "1.5");
        assertError(j, "ERR value is not an integer or out of range", "INCRBY", "n:max", "9223372036854775808");
        for (String bad : List.of("abc", " 1", "1 ", "01", "-0", "+1", "1.0", "", "99999999999999999999")) {
            cmd(j, "SET", "n:bad", bad);
            assertError(j, "ERR value is not an integer or out of range", "INCR", "n:bad");
            assertThat(cmd(j, "GET", "n:bad")).isEqualTo(bad);
        }
        // INCR keeps the expiry
        cmd(j, "SET", "n:ttl", "5", "PX", "100000");
        assertThat(cmd(j, "INCR", "n:ttl")).isEqualTo(6L);
        assertThat(pttl("n:ttl")).isPositive();
        assertThat(cmd(j, "OBJECT", "ENCODING", "n:ttl")).isEqualTo("int");
    }

    @Test
    void incrbyfloat_formats_as_redis_does() {
        cmd(j, "SET", "f:k", "10.50");
        assertThat(cmd(j, "INCRBYFLOAT", "f:k", "0.1")).isEqualTo("10.6");
        assertThat(cmd(j, "INCRBYFLOAT", "f:k", "-5")).isEqualTo("5.6");
        cmd(j, "SET", "f:e", "5.0e3");
        assertThat(cmd(j, "INCRBYFLOAT", "f:e", "2.0e2")).isEqualTo("5200");
        assertThat(cmd(j, "INCRBYFLOAT", "f:new", "0.1")).isEqualTo("0.1");
        assertThat(cmd(j, "INCRBYFLOAT", "f:new", "0.2")).isEqualTo("0.3");
        cmd(j, "SET", "f:one", "1");
        assertThat(cmd(j, "INCRBYFLOAT", "f:one", "-1.1")).isEqualTo("-0.1");
        assertThat(cmd(j, "INCRBYFLOAT", "f:one", "0.1")).isEqualTo("0");
        assertThat(cmd(j, "INCRBYFLOAT", "f:tiny", "1e-20")).isEqualTo("0");
        assertThat(cmd(j, "INCRBYFLOAT", "f:int", "+3")).isEqualTo("3");
        assertThat(cmd(j, "INCRBYFLOAT", "f:int", ".5")).isEqualTo("3.5");
        assertThat(cmd(j, "INCRBYFLOAT", "f:int", "1.")).isEqualTo("4.5");
        assertThat(cmd(j, "INCRBYFLOAT", "f:big", "1e20")).isEqualTo("100000000000000000000");
        assertThat(cmd(j, "INCRBYFLOAT", "f:third", "0.333333333333333333333")).isEqualTo("0.33333333333333333");
        cmd(j, "SET", "f:32", "17179869184");
        assertThat(cmd(j, "INCRBYFLOAT", "f:32", "1.5")).isEqualTo("17179869185.5");
        assertThat(cmd(j, "INCRBYFLOAT", "f:32", "17179869184")).isEqualTo("34359738369.5");
        // no negative zero
        assertThat(cmd(j, "INCRBYFLOAT", "f:nz", "0.024390243902439025")).isEqualTo("0.02439024390243902");
        assertThat(cmd(j, "INCRBYFLOAT", "f:nz", "-0.024390243902439025")).isEqualTo("0");
        // a NUL inside the value is not a number
        cmd(j, "SET", "f:nul", "1");
        cmd(j, "SETRANGE", "f:nul", "2", "2");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:nul", "1");
        // errors
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:k", "abc");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:k", " 1");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:k", "1e");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:k", "nan");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:k", "1e99999");
        assertError(j, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "f:k", "inf");
        assertError(j, "ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "f:k", "-Infinity");
        cmd(j, "SET", "f:text", "ten");
        assertError(j, "ERR value is not a valid float", "INCRBYFLOAT", "f:text", "1");
        assertThat(cmd(j, "GET", "f:k")).isEqualTo("5.6");
        // it keeps the expiry
        cmd(j, "SET", "f:ttl", "1.5", "PX", "100000");
        assertThat(cmd(j, "INCRBYFLOAT", "f:ttl", "1.5")).isEqualTo("3");
        assertThat(pttl("f:ttl")).isPositive();
    }

    // ------------------------------------------------------------------ LCS

    @Test
    void lcs_replies_as_redis_7() {
        cmd(j, "MSET", "l:1", "ohmytext", "l:2", "mynewtext");
        assertThat(cmd(j, "LCS", "l:1", "l:2")).isEqualTo("mytext");
        assertThat(cmd(j, "LCS", "l:1", "l:2", "LEN")).isEqualTo(6L);
        assertThat(cmd(j, "LCS", "l:1", "l:2", "IDX")).isEqualTo(List.of(
                "matches", List.of(
                        List.of(List.of(4L, 7L), List.of(5L, 8L)),
                        List.of(List.of(2L, 3L), List.of(0L, 1L))),
                "len", 6L));
        assertThat(cmd(j, "LCS", "l:1", "l:2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(List.of(
                "matches", List.of(List.of(List.of(4L, 7L), List.of(5L, 8L), 4L)),
                "len", 6L));
        assertThat(cmd(j, "LCS", "l:1", "l:2", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-3")).isEqualTo(List.of(
                "matches", List.of(
                        List.of(List.of(4L, 7L), List.of(5L, 8L), 4L),
                        List.of(List.of(2L, 3L), List.of(0L, 1L), 2L)),
                "len", 6L));
        assertThat(cmd(j, "LCS", "l:1", "l:none")).isEqualTo("");
        assertThat(cmd(j, "LCS", "l:none", "l:none", "IDX")).isEqualTo(List.of("matches", List.of(), "len", 0L));
        cmd(j, "MSET", "l:a", "abc", "l:b", "abc");
        assertThat(cmd(j, "LCS", "l:a", "l:b", "IDX")).isEqualTo(List.of(
                "matches", List.of(List.of(List.of(0L, 2L), List.of(0L, 2L))), "len", 3L));
        assertError(j, "ERR If you want both the length and indexes, please just use IDX.", "LCS", "l:1", "l:2", "LEN", "IDX");
        assertError(j, "ERR syntax error", "LCS", "l:1", "l:2", "BOGUS");
        assertError(j, "ERR syntax error", "LCS", "l:1", "l:2", "MINMATCHLEN");
        assertError(j, "ERR value is not an integer or out of range", "LCS", "l:1", "l:2", "MINMATCHLEN", "x");
    }

    // ------------------------------------------------------------------ stats, metadata, restart

    @Test
    void reads_count_keyspace_hits_and_misses() {
        var store = server.server.store();
        cmd(j, "SET", "st:k", "v");
        cmd(j, "RPUSH", "st:l", "a", "b");
        long hits = store.stats().keyspaceHits();
        long misses = store.stats().keyspaceMisses();
        cmd(j, "GET", "st:k");
        cmd(j, "GET", "st:none");
        cmd(j, "MGET", "st:k", "st:none", "st:none");
        cmd(j, "LRANGE", "st:l", "0", "-1"); // every read command counts, as in Redis
        cmd(j, "SCARD", "st:none");
        cmd(j, "INCR", "st:n"); // writes do not
        cmd(j, "DEL", "st:n");
        assertThat(store.stats().keyspaceHits() - hits).isEqualTo(3);
        assertThat(store.stats().keyspaceMisses() - misses).isEqualTo(4);
    }

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, int first, int last, int step, String since) {
        }
        List<M> expected = List.of(
                new M("get", 2, "readonly fast", 1, 1, 1, "1.0.0"),
                new M("set", -3, "write denyoom", 1, 1, 1, "1.0.0"),
                new M("setnx", 3, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("setex", 4, "write denyoom", 1, 1, 1, "2.0.0"),
                new M("psetex", 4, "write denyoom", 1, 1, 1, "2.6.0"),
                new M("getset", 3, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("getdel", 2, "write fast", 1, 1, 1, "6.2.0"),
                new M("getex", -2, "write fast", 1, 1, 1, "6.2.0"),
                new M("mget", -2, "readonly fast", 1, -1, 1, "1.0.0"),
                new M("mset", -3, "write denyoom", 1, -1, 2, "1.0.1"),
                new M("msetnx", -3, "write denyoom", 1, -1, 2, "1.0.1"),
                new M("append", 3, "write denyoom fast", 1, 1, 1, "2.0.0"),
                new M("strlen", 2, "readonly fast", 1, 1, 1, "2.2.0"),
                new M("incr", 2, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("decr", 2, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("incrby", 3, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("decrby", 3, "write denyoom fast", 1, 1, 1, "1.0.0"),
                new M("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "2.6.0"),
                new M("getrange", 4, "readonly", 1, 1, 1, "2.4.0"),
                new M("substr", 4, "readonly", 1, 1, 1, "1.0.0"),
                new M("setrange", 4, "write denyoom", 1, 1, 1, "2.2.0"),
                new M("lcs", -3, "readonly", 1, 2, 1, "7.0.0"),
                new M("put", -3, "write denyoom", 1, 1, 1, "1.0.0"));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(m.first(), m.last(), m.step()));
            assertThat(c.group()).as(m.name()).isEqualTo("string");
            assertThat(c.since()).as(m.name()).isEqualTo(m.since());
            assertThat(c.summary()).as(m.name()).isNotBlank();
        }
    }

    @Test
    void values_and_expiries_survive_a_restart(@TempDir Path own) throws Exception {
        byte[] key = {'b', 0, (byte) 0xfe};
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            cmd(c, "SET", "r:plain", "v");
            cmd(c, "SET", key, new byte[]{1, 2, 3});
            cmd(c, "SET", "r:ttl", "v", "EX", "1000");
            cmd(c, "INCRBY", "r:n", "41");
            cmd(c, "INCR", "r:n");
            cmd(c, "APPEND", "r:plain", "w");
            cmd(c, "SETRANGE", "r:plain", "0", "V");
            cmd(c, "SET", "r:short", "v", "PX", "100");
            cmd(c, "GETDEL", "r:n2");
            cmd(c, "MSET", "r:m1", "1", "r:m2", "2");
            cmd(c, "GETDEL", "r:m2");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(cmd(c, "GET", "r:plain")).isEqualTo("Vw");
            assertThat((byte[]) raw(c, "GET", key)).isEqualTo(new byte[]{1, 2, 3});
            assertThat(cmd(c, "GET", "r:n")).isEqualTo("42");
            assertThat((Long) cmd(c, "TTL", "r:ttl")).isBetween(990L, 1000L);
            await(Duration.ofSeconds(5), () -> cmd(c, "GET", "r:short") == null); // its 100 ms expiry survived the restart
            assertThat(cmd(c, "MGET", "r:m1", "r:m2")).isEqualTo(java.util.Arrays.asList("1", null));
        }
    }
}
