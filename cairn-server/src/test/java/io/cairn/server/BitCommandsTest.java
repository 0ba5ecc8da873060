package io.cairn.server;

import io.cairn.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;

/** SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD: replies and errors as redis-server 7.0.15 gives them for the same input. */
class BitCommandsTest extends SharedServerTest {
    static final String OFFSET = "ERR bit offset is not an integer or out of range";
    static final String BIT = "ERR bit is not an integer or out of range";
    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private static byte[] b(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = (byte) bytes[i];
        return out;
    }

    // ------------------------------------------------------------------ SETBIT / GETBIT

    @Test
    void setbit_grows_the_string_and_returns_the_old_bit() {
        assertThat(cmd(j, "SETBIT", "sb:k", "7", "1")).isEqualTo(0L);
        assertThat((byte[]) raw(j, "GET", "sb:k")).isEqualTo(b(0x01));
        assertThat(cmd(j, "SETBIT", "sb:k", "7", "1")).isEqualTo(1L);
        assertThat(cmd(j, "SETBIT", "sb:k", "0", "1")).isEqualTo(0L);
        assertThat(cmd(j, "SETBIT", "sb:k", "17", "1")).isEqualTo(0L); // bit 0 is the high bit of byte 0
        assertThat((byte[]) raw(j, "GET", "sb:k")).isEqualTo(b(0x81, 0x00, 0x40));
        assertThat(cmd(j, "SETBIT", "sb:k", "7", "0")).isEqualTo(1L);
        assertThat((byte[]) raw(j, "GET", "sb:k")).isEqualTo(b(0x80, 0x00, 0x40));
        // clearing a bit past the end still grows the string, as in Redis
        assertThat(cmd(j, "SETBIT", "sb:k", "39", "0")).isEqualTo(0L);
        assertThat(cmd(j, "STRLEN", "sb:k")).isEqualTo(5L);
        // on an existing string it edits in place
        cmd(j, "SET", "sb:s", "`");
        assertThat(cmd(j, "SETBIT", "sb:s", "1", "0")).isEqualTo(1L);
        assertThat(cmd(j, "SETBIT", "sb:s", "7", "1")).isEqualTo(0L);
        assertThat(cmd(j, "GET", "sb:s")).isEqualTo("!");
    }

    @Test
    void setbit_keeps_the_expiry() {
        cmd(j, "SET", "sb:ttl", "a", "EX", "1000");
        cmd(j, "SETBIT", "sb:ttl", "100", "1");
        assertThat((Long) cmd(j, "TTL", "sb:ttl")).isBetween(990L, 1000L);
        assertThat(cmd(j, "SETBIT", "sb:new", "3", "1")).isEqualTo(0L);
        assertThat(cmd(j, "TTL", "sb:new")).isEqualTo(-1L);
    }

    @Test
    void setbit_and_getbit_refuse_bad_arguments() {
        assertError(j, OFFSET, "SETBIT", "sb:e", "-1", "1");
        assertError(j, OFFSET, "SETBIT", "sb:e", "x", "1");
        assertError(j, OFFSET, "SETBIT", "sb:e", "4294967296", "1"); // 512 MiB: proto-max-bulk-len's default
        assertError(j, OFFSET, "SETBIT", "sb:e", "-0", "1");
        assertError(j, BIT, "SETBIT", "sb:e", "1", "2");
        assertError(j, BIT, "SETBIT", "sb:e", "1", "-1");
        assertError(j, BIT, "SETBIT", "sb:e", "1", "x");
        assertError(j, OFFSET, "SETBIT", "sb:e", "x", "x"); // the offset is checked first
        assertError(j, OFFSET, "GETBIT", "sb:e", "-1");
        assertError(j, OFFSET, "GETBIT", "sb:e", "4294967296");
        assertError(j, "ERR wrong number of arguments for 'setbit' command", "SETBIT", "sb:e", "1");
        assertError(j, "ERR wrong number of arguments for 'getbit' command", "GETBIT", "sb:e");
        assertThat(cmd(j, "EXISTS", "sb:e")).isEqualTo(0L);
    }

    @Test
    void getbit_reads_zero_past_the_end_and_on_missing_keys() {
        cmd(j, "SET", "gb:k", "\u0001");
        assertThat(cmd(j, "GETBIT", "gb:k", "7")).isEqualTo(1L);
        assertThat(cmd(j, "GETBIT", "gb:k", "6")).isEqualTo(0L);
        assertThat(cmd(j, "GETBIT", "gb:k", "8")).isEqualTo(0L);
        assertThat(cmd(j, "GETBIT", "gb:k", "4294967295")).isEqualTo(0L);
        assertThat(cmd(j, "GETBIT", "gb:missing", "0")).isEqualTo(0L);
        cmd(j, "SET", "gb:empty", "");
        assertThat(cmd(j, "GETBIT", "gb:empty", "0")).isEqualTo(0L);
    }

    @Test
    void setbit_offset_limit_follows_proto_max_bulk_len_and_the_stores_value_limit(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own, "proto-max-bulk-len", "1mb"); Jedis c = s.jedis()) {
            long bits = 8L * 1024 * 1024;
            assertError(c, OFFSET, "SETBIT", "k", Long.toString(bits), "1");
            assertThat(cmd(c, "SETBIT", "k", Long.toString(bits - 1), "1")).isEqualTo(0L);
            assertThat(cmd(c, "STRLEN", "k")).isEqualTo(1024L * 1024);
            assertThat(cmd(c, "BITCOUNT", "k")).isEqualTo(1L);
            assertThat(cmd(c, "BITPOS", "k", "1")).isEqualTo(bits - 1);
            // a proto-max-bulk-len above the store's own limit (512 MiB): that limit answers, before any allocation
            assertThat(cmd(c, "CONFIG", "SET", "proto-max-bulk-len", "2gb")).isEqualTo("OK");
            assertError(c, "ERR bit offset 4294967296 would grow the value past the store's limit of 536870912 bytes"
                    + " (CairnOptions.maxValueSize)", "SETBIT", "k", "4294967296", "1");
            assertThat(cmd(c, "GETBIT", "k", "4294967296")).isEqualTo(0L);
        }
    }

    // ------------------------------------------------------------------ BITCOUNT

    @Test
    void bitcount_counts_bytes_and_bit_ranges() {
        cmd(j, "SET", "bc:k", "foobar"); // 4 6 6 3 4 4 set bits per byte
        assertThat(cmd(j, "BITCOUNT", "bc:k")).isEqualTo(26L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "0", "0")).isEqualTo(4L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "1", "1")).isEqualTo(6L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "1", "1", "BYTE")).isEqualTo(6L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "5", "30", "BIT")).isEqualTo(17L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "5", "30", "bit")).isEqualTo(17L);
        // negative indexes count from the end, and are clamped
        assertThat(cmd(j, "BITCOUNT", "bc:k", "-2", "-1")).isEqualTo(7L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "-100", "100")).isEqualTo(26L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "-1", "-2")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "4", "2")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "6", "10")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "-8", "-1", "BIT")).isEqualTo(4L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "47", "47", "BIT")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:k", "46", "46", "BIT")).isEqualTo(1L);
    }

    @Test
    void bitcount_of_long_strings_matches_a_simple_count() {
        Random r = new Random(42);
        byte[] v = new byte[1000];
        r.nextBytes(v);
        cmd(j, "SET", "bc:long", v);
        for (int i = 0; i < 50; i++) {
            long from = r.nextInt(v.length * 8);
            long to = r.nextInt(v.length * 8);
            long expected = 0;
            for (long bit = from; bit <= to; bit++) expected += (v[(int) (bit >>> 3)] >> (7 - (bit & 7))) & 1;
            assertThat(cmd(j, "BITCOUNT", "bc:long", from, to, "BIT")).as(from + ".." + to).isEqualTo(expected);
        }
    }

    @Test
    void bitcount_edge_cases_and_errors() {
        assertThat(cmd(j, "BITCOUNT", "bc:missing")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:missing", "x", "y")).isEqualTo(0L); // Redis answers a missing key first
        cmd(j, "SET", "bc:empty", "");
        assertThat(cmd(j, "BITCOUNT", "bc:empty")).isEqualTo(0L);
        assertThat(cmd(j, "BITCOUNT", "bc:empty", "0", "-1", "BIT")).isEqualTo(0L);
        cmd(j, "SET", "bc:e", "abc");
        assertError(j, "ERR syntax error", "BITCOUNT", "bc:e", "1");
        assertError(j, "ERR syntax error", "BITCOUNT", "bc:e", "0", "1", "BITS");
        assertError(j, "ERR syntax error", "BITCOUNT", "bc:e", "0", "1", "BIT", "x");
        assertError(j, "ERR value is not an integer or out of range", "BITCOUNT", "bc:e", "a", "1");
        assertThat(cmd(j, "BITCOUNT", "bc:e", "-1", "-5", "x")).isEqualTo(0L); // as Redis 7.0: the empty range wins
        assertError(j, "ERR wrong number of arguments for 'bitcount' command", "BITCOUNT");
    }

    // ------------------------------------------------------------------ BITPOS

    @Test
    void bitpos_finds_set_and_clear_bits() {
        cmd(j, "SET", "bp:k", b(0xff, 0xf0, 0x00));
        assertThat(cmd(j, "BITPOS", "bp:k", "0")).isEqualTo(12L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1")).isEqualTo(0L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "1")).isEqualTo(8L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "2")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "2", "-1")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:k", "0", "-1")).isEqualTo(16L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "3", "100", "BIT")).isEqualTo(3L);
        assertThat(cmd(j, "BITPOS", "bp:k", "0", "3", "100", "bit")).isEqualTo(12L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "12", "-1", "BIT")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "-100", "0", "BYTE")).isEqualTo(0L);
        assertThat(cmd(j, "BITPOS", "bp:k", "1", "2", "1")).isEqualTo(-1L); // start after end
    }

    @Test
    void bitpos_for_a_clear_bit_past_an_all_ones_range_depends_on_whether_the_end_was_given() {
        cmd(j, "SET", "bp:ones", b(0xff, 0xff, 0xff));
        assertThat(cmd(j, "BITPOS", "bp:ones", "0")).isEqualTo(24L); // the string goes on with zeros
        assertThat(cmd(j, "BITPOS", "bp:ones", "0", "1")).isEqualTo(24L);
        assertThat(cmd(j, "BITPOS", "bp:ones", "0", "0", "-1")).isEqualTo(-1L); // an explicit range holds no 0
        assertThat(cmd(j, "BITPOS", "bp:ones", "0", "0", "23", "BIT")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:ones", "1", "0", "-1")).isEqualTo(0L);
    }

    @Test
    void bitpos_edge_cases_and_errors() {
        assertThat(cmd(j, "BITPOS", "bp:missing", "0")).isEqualTo(0L);
        assertThat(cmd(j, "BITPOS", "bp:missing", "1")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:missing", "0", "x")).isEqualTo(0L); // a missing key is answered first
        cmd(j, "SET", "bp:empty", "");
        assertThat(cmd(j, "BITPOS", "bp:empty", "0")).isEqualTo(-1L);
        assertThat(cmd(j, "BITPOS", "bp:empty", "1")).isEqualTo(-1L);
        cmd(j, "SET", "bp:e", "abc");
        assertError(j, "ERR The bit argument must be 1 or 0.", "BITPOS", "bp:e", "2");
        assertError(j, "ERR The bit argument must be 1 or 0.", "BITPOS", "bp:missing", "-1");
        assertError(j, "ERR value is not an integer or out of range", "BITPOS", "bp:e", "x");
        assertError(j, "ERR value is not an integer or out of range", "BITPOS", "bp:e", "1", "x");
        assertError(j, "ERR value is not an integer or out of range", "BITPOS", "bp:e", "1", "0", "x");
        assertError(j, "ERR syntax error", "BITPOS", "bp:e", "1", "0", "x", "BITS"); // the unit is read before the end
        assertError(j, "ERR syntax error", "BITPOS", "bp:e", "1", "0", "1", "BIT", "x");
    }

    @Test
    void bitpos_on_long_strings_matches_a_simple_scan() {
        Random r = new Random(7);
        byte[] v = new byte[600];
        for (int i = 0; i < 40; i++) v[r.nextInt(v.length)] = (byte) (1 << r.nextInt(8)); // sparse ones
        cmd(j, "SET", "bp:long", v);
        byte[] inverted = v.clone();
        for (int i = 0; i < inverted.length; i++) inverted[i] = (byte) ~inverted[i];
        cmd(j, "SET", "bp:longinv", inverted);
        for (int i = 0; i < 50; i++) {
            long from = r.nextInt(v.length * 8);
            long to = from + r.nextInt(v.length * 8 - (int) from);
            long expected = -1;
            for (long bit = from; bit <= to && expected < 0; bit++) {
                if (((v[(int) (bit >>> 3)] >> (7 - (bit & 7))) & 1) == 1) expected = bit;
            }
            assertThat(cmd(j, "BITPOS", "bp:long", "1", from, to, "BIT")).isEqualTo(expected);
            assertThat(cmd(j, "BITPOS", "bp:longinv", "0", from, to, "BIT")).isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------ BITOP

    @Test
    void bitop_combines_strings_of_different_lengths_zero_padded() {
        cmd(j, "SET", "bo:a", b(0xff, 0x0f, 0xaa));
        cmd(j, "SET", "bo:b", b(0x0f));
        assertThat(cmd(j, "BITOP", "AND", "bo:and", "bo:a", "bo:b")).isEqualTo(3L);
        assertThat((byte[]) raw(j, "GET", "bo:and")).isEqualTo(b(0x0f, 0x00, 0x00));
        assertThat(cmd(j, "BITOP", "or", "bo:or", "bo:b", "bo:a")).isEqualTo(3L);
        assertThat((byte[]) raw(j, "GET", "bo:or")).isEqualTo(b(0xff, 0x0f, 0xaa));
        assertThat(cmd(j, "BITOP", "XOR", "bo:xor", "bo:a", "bo:b", "bo:b", "bo:a", "bo:b")).isEqualTo(3L);
        assertThat((byte[]) raw(j, "GET", "bo:xor")).isEqualTo(b(0x0f, 0x00, 0x00));
        assertThat(cmd(j, "BITOP", "NOT", "bo:not", "bo:a")).isEqualTo(3L);
        assertThat((byte[]) raw(j, "GET", "bo:not")).isEqualTo(b(0x00, 0xf0, 0x55));
        // the destination may be a source
        assertThat(cmd(j, "BITOP", "NOT", "bo:a", "bo:a")).isEqualTo(3L);
        assertThat((byte[]) raw(j, "GET", "bo:a")).isEqualTo(b(0x00, 0xf0, 0x55));
    }

    @Test
    void bitop_on_missing_keys() {
        cmd(j, "SET", "bo:x", b(0xf0, 0x0f));
        // a missing key is an empty string: AND with it is all zeros, OR is the other source
        assertThat(cmd(j, "BITOP", "AND", "bo:d1", "bo:x", "bo:none")).isEqualTo(2L);
        assertThat((byte[]) raw(j, "GET", "bo:d1")).isEqualTo(b(0, 0));
        assertThat(cmd(j, "BITOP", "OR", "bo:d2", "bo:none", "bo:x")).isEqualTo(2L);
        assertThat((byte[]) raw(j, "GET", "bo:d2")).isEqualTo(b(0xf0, 0x0f));
        // nothing but missing or empty sources: the destination is deleted and the reply is 0
        cmd(j, "SET", "bo:d3", "old");
        cmd(j, "SET", "bo:empty", "");
        assertThat(cmd(j, "BITOP", "OR", "bo:d3", "bo:none", "bo:empty")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "bo:d3")).isEqualTo(0L);
        assertThat(cmd(j, "BITOP", "NOT", "bo:d4", "bo:none")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "bo:d4")).isEqualTo(0L);
    }

    @Test
    void bitop_replaces_the_destination_and_its_expiry() {
        cmd(j, "SET", "bo:src", "ab");
        cmd(j, "SET", "bo:dst", "longer value", "EX", "1000");
        assertThat(cmd(j, "BITOP", "OR", "bo:dst", "bo:src")).isEqualTo(2L);
        assertThat(cmd(j, "GET", "bo:dst")).isEqualTo("ab");
        assertThat(cmd(j, "TTL", "bo:dst")).isEqualTo(-1L);
    }

    @Test
    void bitop_errors() {
        assertError(j, "ERR syntax error", "BITOP", "NAND", "bo:d", "bo:a");
        assertError(j, "ERR BITOP NOT must be called with a single source key.", "BITOP", "NOT", "bo:d", "bo:a", "bo:b");
        assertError(j, "ERR wrong number of arguments for 'bitop' command", "BITOP", "AND", "bo:d");
        assertThat(cmd(j, "EXISTS", "bo:d")).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ BITFIELD

    static final String TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    @Test
    void bitfield_gets_sets_and_increments_with_each_overflow_mode() {
        assertThat(cmd(j, "BITFIELD", "bf:k", "SET", "u8", "0", "255", "GET", "u8", "0", "INCRBY", "u8", "0", "10",
                "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1",
                "GET", "i8", "0", "SET", "i4", "#1", "-3", "GET", "u4", "4"))
                .isEqualTo(java.util.Arrays.asList(0L, 255L, 9L, 255L, null, -1L, -1L, 13L));
        assertThat(cmd(j, "BITFIELD_RO", "bf:k", "GET", "u16", "0", "GET", "i8", "#3")).isEqualTo(List.of(64768L, 0L));
    }

    @Test
    void bitfield_64_bit_fields_and_redis_range_checks() {
        assertThat(cmd(j, "BITFIELD", "bf:s", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0",
                "SET", "i64", "8", "-9223372036854775808", "INCRBY", "i64", "8", "-1",
                "OVERFLOW", "WRAP", "INCRBY", "i64", "8", "-1"))
                // Redis takes a SET of Long.MIN_VALUE to a narrow signed field as an overflow upwards: SAT stores 127
                .isEqualTo(List.of(0L, 127L, 0L, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(cmd(j, "BITFIELD", "bf:u", "SET", "u63", "0", "-1", "GET", "u63", "0", "INCRBY", "u2", "100", "5"))
                .isEqualTo(List.of(0L, Long.MAX_VALUE, 1L));
        assertThat((byte[]) raw(j, "GET", "bf:u")).isEqualTo(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0, 0x04));
    }

    @Test
    void bitfield_creates_the_key_even_when_every_write_fails_and_keeps_the_expiry() {
        assertThat(cmd(j, "BITFIELD", "bf:fail", "OVERFLOW", "FAIL", "INCRBY", "u8", "100", "300"))
                .isEqualTo(java.util.Collections.singletonList(null));
        assertThat(cmd(j, "STRLEN", "bf:fail")).isEqualTo(14L);
        cmd(j, "SET", "bf:ttl", "x", "EX", "1000");
        cmd(j, "BITFIELD", "bf:ttl", "SET", "u8", "16", "1");
        assertThat((Long) cmd(j, "TTL", "bf:ttl")).isBetween(990L, 1000L);
        // only GETs: a missing key reads as zeros and is not created
        assertThat(cmd(j, "BITFIELD", "bf:none", "GET", "i16", "0")).isEqualTo(List.of(0L));
        assertThat(cmd(j, "BITFIELD", "bf:none")).isEqualTo(List.of());
        assertThat(cmd(j, "EXISTS", "bf:none")).isEqualTo(0L);
    }

    @Test
    void bitfield_errors() {
        assertError(j, TYPE, "BITFIELD", "bf:e", "GET", "u64", "0");
        assertError(j, TYPE, "BITFIELD", "bf:e", "GET", "i65", "0");
        assertError(j, TYPE, "BITFIELD", "bf:e", "GET", "i0", "0");
        assertError(j, TYPE, "BITFIELD", "bf:e", "GET", "x8", "0");
        assertError(j, OFFSET, "BITFIELD", "bf:e", "GET", "u8", "#-1");
        assertError(j, OFFSET, "BITFIELD", "bf:e", "SET", "u8", "#536870912", "1");
        assertError(j, "ERR value is not an integer or out of range", "BITFIELD", "bf:e", "SET", "i8", "0", "x");
        assertError(j, "ERR Invalid OVERFLOW type specified", "BITFIELD", "bf:e", "OVERFLOW", "foo");
        assertError(j, "ERR syntax error", "BITFIELD", "bf:e", "GET", "u8");
        assertError(j, "ERR syntax error", "BITFIELD", "bf:e", "foo");
        assertError(j, "ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "bf:e", "GET", "u8", "0", "SET", "u8", "0", "1");
        // every operation is parsed before BITFIELD_RO refuses a write, so a later parse error wins
        assertError(j, OFFSET, "BITFIELD_RO", "bf:e", "SET", "u8", "0", "1", "GET", "u8", "x");
        assertThat(cmd(j, "EXISTS", "bf:e")).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ metadata, restart

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, int first, int last, int step, String since) {
        }
        List<M> expected = List.of(
                new M("setbit", 4, "write denyoom", 1, 1, 1, "2.2.0"),
                new M("getbit", 3, "readonly fast", 1, 1, 1, "2.2.0"),
                new M("bitcount", -2, "readonly", 1, 1, 1, "2.6.0"),
                new M("bitpos", -3, "readonly", 1, 1, 1, "2.8.7"),
                new M("bitop", -4, "write denyoom", 2, -1, 1, "2.6.0"),
                new M("bitfield", -2, "write denyoom", 1, 1, 1, "3.2.0"),
                new M("bitfield_ro", -2, "readonly fast", 1, 1, 1, "6.0.0"));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(m.first(), m.last(), m.step()));
            assertThat(c.group()).as(m.name()).isEqualTo("bitmap");
            assertThat(c.since()).as(m.name()).isEqualTo(m.since());
        }
    }

    @Test
    void bitmaps_survive_a_restart(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            cmd(c, "SETBIT", "r:bits", "100", "1");
            cmd(c, "SETBIT", "r:bits", "3", "1");
            cmd(c, "SETBIT", "r:bits", "100", "0");
            cmd(c, "SET", "r:other", b(0x0f));
            cmd(c, "BITOP", "OR", "r:or", "r:bits", "r:other");
            cmd(c, "BITFIELD", "r:field", "SET", "i16", "#1", "-2", "INCRBY", "u4", "0", "3");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(cmd(c, "GETBIT", "r:bits", "3")).isEqualTo(1L);
            assertThat(cmd(c, "GETBIT", "r:bits", "100")).isEqualTo(0L);
            assertThat(cmd(c, "STRLEN", "r:bits")).isEqualTo(13L);
            assertThat(cmd(c, "BITCOUNT", "r:or")).isEqualTo(5L);
            assertThat(((byte[]) raw(c, "GET", "r:or"))[0]).isEqualTo((byte) 0x1f);
            assertThat(cmd(c, "BITFIELD_RO", "r:field", "GET", "i16", "#1", "GET", "u4", "0")).isEqualTo(List.of(-2L, 3L));
        }
    }
}
