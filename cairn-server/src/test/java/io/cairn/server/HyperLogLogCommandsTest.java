package io.cairn.server;

import io.cairn.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.RedisAsserts.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * PFADD, PFCOUNT, PFMERGE, PFDEBUG against the real server. The expected bytes are what redis-server 7.0.15 holds
 * after the same commands (read with GET; large values as their SHA-256), so values move between the two.
 */
class HyperLogLogCommandsTest extends SharedServerTest {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";
    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String sha256(byte[] v) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] get(Jedis c, String key) {
        return (byte[]) raw(c, "GET", key);
    }

    /** PFADD key with the elements prefix+from .. prefix+(to-1), in calls of 1000. */
    private static void addRange(Jedis c, String key, String prefix, int from, int to) {
        for (int start = from; start < to; start += 1000) {
            List<Object> args = new ArrayList<>(List.of("PFADD", key));
            for (int i = start; i < Math.min(to, start + 1000); i++) args.add(prefix + i);
            cmd(c, args.toArray());
        }
    }

    // ------------------------------------------------------------------ byte-for-byte compatibility

    @Test
    void pfadd_writes_the_bytes_redis_writes_and_pfcount_fills_the_cache() {
        assertThat(cmd(j, "PFADD", "h:abc", "a", "b", "c")).isEqualTo(1L);
        assertThat(get(j, "h:abc")).isEqualTo(hex("48594c4c01000000000000000000008060f38050b1844bfb80425a"));
        assertThat(cmd(j, "PFADD", "h:abc", "c", "a")).isEqualTo(0L);
        assertThat(cmd(j, "PFCOUNT", "h:abc")).isEqualTo(3L);
        assertThat(get(j, "h:abc")).isEqualTo(hex("48594c4c01000000030000000000000060f38050b1844bfb80425a"));
        assertThat(cmd(j, "PFCOUNT", "h:abc")).isEqualTo(3L);
        assertThat(cmd(j, "TYPE", "h:abc")).isEqualTo("string");
    }

    @Test
    void pfadd_without_elements_creates_an_empty_hll_once() {
        assertThat(cmd(j, "PFADD", "h:empty")).isEqualTo(1L);
        assertThat(get(j, "h:empty")).isEqualTo(hex("48594c4c0100000000000000000000807fff"));
        assertThat(cmd(j, "PFADD", "h:empty")).isEqualTo(0L);
        assertThat(cmd(j, "PFCOUNT", "h:empty")).isEqualTo(0L);
    }

    @Test
    void sparse_dense_and_merged_values_equal_redis() {
        addRange(j, "h:sparse", "e", 0, 1000);
        assertThat(cmd(j, "PFDEBUG", "ENCODING", "h:sparse")).isEqualTo("sparse");
        assertThat(sha256(get(j, "h:sparse"))).isEqualTo("519a7f0764d633e025ff9f8cdeb30cd2f452e2ad37f729f6b9ea7a4699791162");
        assertThat(cmd(j, "PFCOUNT", "h:sparse")).isEqualTo(1008L);
        assertThat(sha256(get(j, "h:sparse"))).isEqualTo("ab6313e24c05ff993730105e09ef76d5c0c4fcde58406d6a29d1889220a056e4");

        addRange(j, "h:dense", "", 0, 10_000); // past hll-sparse-max-bytes: dense
        assertThat(cmd(j, "PFDEBUG", "ENCODING", "h:dense")).isEqualTo("dense");
        assertThat(sha256(get(j, "h:dense"))).isEqualTo("7bdfedebdb80ae77a6881486fd9cc50eed74f56ab138887c2408bb8293205b05");
        assertThat(cmd(j, "PFCOUNT", "h:dense")).isEqualTo(9987L);
        assertThat(sha256(get(j, "h:dense"))).isEqualTo("6a92ca5ab849e1b88feadc5881cbe5549af2cb6e9b7f8670251061c602a2f846");

        assertThat(cmd(j, "PFMERGE", "h:merged", "h:sparse", "h:dense")).isEqualTo("OK");
        assertThat(sha256(get(j, "h:merged"))).isEqualTo("3832fb6627ffbb94f6bbe72179a0df558fe63fc4a483a9a601715c09592c4e9d");
        assertThat(cmd(j, "PFCOUNT", "h:merged")).isEqualTo(11060L);

        cmd(j, "PFADD", "h:abc2", "a", "b", "c");
        assertThat(cmd(j, "PFMERGE", "h:sparsemerge", "h:abc2", "h:sparse")).isEqualTo("OK"); // all sparse: stays sparse
        assertThat(cmd(j, "PFDEBUG", "ENCODING", "h:sparsemerge")).isEqualTo("sparse");
        assertThat(sha256(get(j, "h:sparsemerge"))).isEqualTo("da2623397a688b5033416b6cc454346a775e788c2b66b5f30a8fcbd351d1eff0");
        assertThat(cmd(j, "PFCOUNT", "h:sparsemerge")).isEqualTo(1012L);

        // several keys: the union's count, and nothing is written
        byte[] before = get(j, "h:abc2");
        assertThat(cmd(j, "PFCOUNT", "h:abc2", "h:sparse", "h:dense", "h:nothing")).isEqualTo(11063L);
        assertThat(get(j, "h:abc2")).isEqualTo(before);
        assertThat(cmd(j, "EXISTS", "h:nothing")).isEqualTo(0L);
    }

    @Test
    void a_value_made_by_redis_is_read_and_extended() {
        byte[] fromRedis = hex("48594c4c01000000000000000000008036843c8040a9a40e88409084406c9c048840e28041358840d38041"
                + "1d8840898041168c419080098040e08040948041578440a280408384405d8440e1844199844081803c844047840780404e80408f84"
                + "0984405184268441258440d38042638040a280404b8c406f80420b8c41798041478041638040668440f98c0184218811804182844062"
                + "803088407984228040de8440d3884045800a88420090118440c184018041138440848c1684228040a88440e180422a84410384168041"
                + "178441658c414e802680058040598040ec882e88413c880380405b841b803f80409b802184412e88408f90407e80408480415f803384"
                + "4079844193844058902e80406a840d8039801380409a882880408c"); // PFADD of e0..e99, cache invalid
        cmd(j, "SET", "h:redis", fromRedis);
        assertThat(cmd(j, "PFCOUNT", "h:redis")).isEqualTo(100L);
        assertThat(cmd(j, "PFADD", "h:redis", "e5", "e99")).isEqualTo(0L);
        addRange(j, "h:ours", "e", 0, 100);
        assertThat(get(j, "h:ours")).isEqualTo(fromRedis);
    }

    // ------------------------------------------------------------------ accuracy

    @Test
    void counts_100k_distinct_elements_within_two_percent() {
        Random r = new Random(1234);
        for (int batch = 0; batch < 10; batch++) {
            List<Object> args = new ArrayList<>(List.of("PFADD", "h:100k"));
            for (int i = 0; i < 10_000; i++) args.add(Long.toHexString(r.nextLong()));
            cmd(j, args.toArray());
        }
        assertThat(((Long) cmd(j, "PFCOUNT", "h:100k")).doubleValue()).isCloseTo(100_000, within(2_000.0));
    }

    // ------------------------------------------------------------------ PFCOUNT, PFMERGE details

    @Test
    void pfcount_of_missing_keys_is_zero() {
        assertThat(cmd(j, "PFCOUNT", "h:none")).isEqualTo(0L);
        assertThat(cmd(j, "PFCOUNT", "h:none", "h:none2")).isEqualTo(0L);
        assertThat(cmd(j, "EXISTS", "h:none")).isEqualTo(0L);
        assertError(j, "ERR wrong number of arguments for 'pfcount' command", "PFCOUNT");
    }

    @Test
    void pfmerge_into_a_new_key_and_into_an_existing_one() {
        cmd(j, "PFADD", "h:m1", "a", "b");
        cmd(j, "PFADD", "h:m2", "b", "c", "d");
        assertThat(cmd(j, "PFMERGE", "h:mnew", "h:m1", "h:m2", "h:missing")).isEqualTo("OK");
        assertThat(cmd(j, "PFCOUNT", "h:mnew")).isEqualTo(4L);
        // the destination's own registers are part of the union
        assertThat(cmd(j, "PFMERGE", "h:m1", "h:m2")).isEqualTo("OK");
        assertThat(cmd(j, "PFCOUNT", "h:m1")).isEqualTo(4L);
        // no sources: an empty HLL (cache invalid, as Redis leaves it)
        assertThat(cmd(j, "PFMERGE", "h:mempty")).isEqualTo("OK");
        assertThat(get(j, "h:mempty")).isEqualTo(hex("48594c4c0100000000000000000000807fff"));
        assertError(j, "ERR wrong number of arguments for 'pfmerge' command", "PFMERGE");
    }

    @Test
    void edits_keep_the_expiry() {
        cmd(j, "PFADD", "h:ttl", "a");
        cmd(j, "EXPIRE", "h:ttl", "1000");
        cmd(j, "PFADD", "h:ttl", "b", "c");
        assertThat(cmd(j, "PFCOUNT", "h:ttl")).isEqualTo(3L); // writes the cache
        cmd(j, "PFMERGE", "h:ttl", "h:abc-other");
        assertThat((Long) cmd(j, "TTL", "h:ttl")).isBetween(990L, 1000L);
    }

    // ------------------------------------------------------------------ wrong types, damage

    @Test
    void strings_that_are_not_hlls_are_refused() {
        byte[] encoding2 = hex("48594c4c0200000000000000000000807fff");
        byte[] shortDense = hex("48594c4c0000000000000000000000807fff");
        cmd(j, "PFADD", "h:good", "x");
        for (Object v : new Object[]{"plain", "HYLL", "", encoding2, shortDense}) {
            cmd(j, "SET", "h:bad", v);
            assertError(j, NOT_HLL, "PFADD", "h:bad", "a");
            assertError(j, NOT_HLL, "PFADD", "h:bad");
            assertError(j, NOT_HLL, "PFCOUNT", "h:bad");
            assertError(j, NOT_HLL, "PFCOUNT", "h:good", "h:bad");
            assertError(j, NOT_HLL, "PFMERGE", "h:dest", "h:good", "h:bad");
            assertError(j, NOT_HLL, "PFMERGE", "h:bad", "h:good");
            assertError(j, NOT_HLL, "PFDEBUG", "ENCODING", "h:bad");
        }
        assertThat(cmd(j, "EXISTS", "h:dest")).isEqualTo(0L);
        assertThat(cmd(j, "GET", "h:bad")).isNotNull();
    }

    @Test
    void a_damaged_sparse_hll_is_reported_and_left_alone() {
        byte[] tooFew = hex("48594c4c0100000000000000000000807ffe"); // covers 16383 registers
        byte[] tooMany = hex("48594c4c0100000000000000000000807fff80");
        byte[] cut = hex("48594c4c0100000000000000000000807f"); // an XZERO without its second byte
        cmd(j, "PFADD", "h:fine", "x");
        for (byte[] v : new byte[][]{tooFew, tooMany, cut}) {
            cmd(j, "SET", "h:damaged", v);
            assertError(j, CORRUPTED, "PFCOUNT", "h:damaged");
            assertError(j, CORRUPTED, "PFCOUNT", "h:damaged", "h:fine");
            assertError(j, CORRUPTED, "PFMERGE", "h:fine", "h:damaged");
            assertError(j, CORRUPTED, "PFADD", "h:damaged", "a");
            assertError(j, CORRUPTED, "PFDEBUG", "TODENSE", "h:damaged");
            assertThat(get(j, "h:damaged")).isEqualTo(v);
        }
        assertThat(cmd(j, "PFCOUNT", "h:fine")).isEqualTo(1L);
        // a valid cache is returned without reading the registers, as Redis does
        cmd(j, "SET", "h:damaged", hex("48594c4c0100000007000000000000007ffe"));
        assertThat(cmd(j, "PFCOUNT", "h:damaged")).isEqualTo(7L);
    }

    // ------------------------------------------------------------------ PFDEBUG, settings

    @Test
    void pfdebug_shows_and_converts_the_encoding() {
        cmd(j, "PFADD", "h:dbg", "a");
        assertThat(cmd(j, "PFDEBUG", "DECODE", "h:dbg")).isEqualTo("Z:12711 v:2,1 Z:3672");
        assertThat(cmd(j, "PFDEBUG", "encoding", "h:dbg")).isEqualTo("sparse");
        assertThat(cmd(j, "PFDEBUG", "TODENSE", "h:dbg")).isEqualTo(1L);
        assertThat(cmd(j, "PFDEBUG", "TODENSE", "h:dbg")).isEqualTo(0L);
        assertThat(cmd(j, "PFDEBUG", "ENCODING", "h:dbg")).isEqualTo("dense");
        assertThat(cmd(j, "STRLEN", "h:dbg")).isEqualTo(12304L);
        assertThat(cmd(j, "PFCOUNT", "h:dbg")).isEqualTo(1L);
        List<?> registers = (List<?>) cmd(j, "PFDEBUG", "GETREG", "h:dbg");
        assertThat(registers).hasSize(16384);
        assertThat(registers.get(12711)).isEqualTo(2L);
        assertThat(registers.stream().filter(r -> !r.equals(0L)).count()).isEqualTo(1);
        assertError(j, "ERR HLL encoding is not sparse", "PFDEBUG", "DECODE", "h:dbg");
        assertError(j, "ERR Unknown PFDEBUG subcommand 'x'", "PFDEBUG", "x", "h:dbg");
        assertError(j, "ERR The specified key does not exist", "PFDEBUG", "ENCODING", "h:nokey");
    }

    @Test
    void hll_sparse_max_bytes_decides_when_a_value_turns_dense(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own, "hll-sparse-max-bytes", "0"); Jedis c = s.jedis()) {
            cmd(c, "PFADD", "h", "a");
            assertThat(cmd(c, "PFDEBUG", "ENCODING", "h")).isEqualTo("dense");
            assertThat(cmd(c, "CONFIG", "SET", "hll-sparse-max-bytes", "3000")).isEqualTo("OK");
            cmd(c, "PFADD", "h2", "a");
            assertThat(cmd(c, "PFDEBUG", "ENCODING", "h2")).isEqualTo("sparse");
        }
    }

    // ------------------------------------------------------------------ metadata, restart

    @Test
    void command_metadata_matches_redis() {
        record M(String name, int arity, String flags, int first, int last, int step) {
        }
        List<M> expected = List.of(
                new M("pfadd", -2, "write denyoom fast", 1, 1, 1),
                new M("pfcount", -2, "readonly", 1, -1, 1),
                new M("pfmerge", -2, "write denyoom", 1, -1, 1),
                new M("pfdebug", 3, "write denyoom admin", 2, 2, 1));
        for (M m : expected) {
            Command c = server.server.commands().lookup(m.name());
            assertThat(c).as(m.name()).isNotNull();
            assertThat(c.arity()).as(m.name()).isEqualTo(m.arity());
            assertThat(c.flags()).as(m.name()).isEqualTo(Set.of(m.flags().split(" ")));
            assertThat(List.of(c.firstKey(), c.lastKey(), c.step())).as(m.name()).isEqualTo(List.of(m.first(), m.last(), m.step()));
            assertThat(c.group()).as(m.name()).isEqualTo("hyperloglog");
            assertThat(c.since()).as(m.name()).isEqualTo("2.8.9");
        }
    }

    @Test
    void hlls_survive_a_restart(@TempDir Path own) throws Exception {
        byte[] sparse;
        byte[] dense;
        byte[] merged;
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            addRange(c, "r:sparse", "e", 0, 1000);
            addRange(c, "r:dense", "", 0, 10_000);
            cmd(c, "PFMERGE", "r:merged", "r:sparse", "r:dense");
            cmd(c, "PFCOUNT", "r:dense"); // the cached count is a write too
            sparse = get(c, "r:sparse");
            dense = get(c, "r:dense");
            merged = get(c, "r:merged");
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(get(c, "r:sparse")).isEqualTo(sparse);
            assertThat(get(c, "r:dense")).isEqualTo(dense);
            assertThat(get(c, "r:merged")).isEqualTo(merged);
            assertThat(sha256(dense)).isEqualTo("6a92ca5ab849e1b88feadc5881cbe5549af2cb6e9b7f8670251061c602a2f846");
            assertThat(cmd(c, "PFCOUNT", "r:sparse")).isEqualTo(1008L);
            assertThat(cmd(c, "PFCOUNT", "r:merged")).isEqualTo(11060L);
        }
    }
}
