package io.cairn.server.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The HyperLogLog format and estimator on their own. The hex constants are values redis-server 7.0.15 produced with
 * PFADD for the same elements (read back with GET).
 */
class HyperLogLogTest {
    static final long SPARSE_MAX = 3000;

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void empty_is_one_xzero_covering_every_register() {
        HyperLogLog h = HyperLogLog.empty();
        assertThat(h.toBytes()).isEqualTo(hex("48594c4c0100000000000000000000007fff"));
        assertThat(h.cacheValid()).isTrue();
        assertThat(h.count()).isZero();
        assertThat(h.decode()).isEqualTo("Z:16384");
    }

    @Test
    void add_gives_redis_bytes_for_elements_of_every_tail_length() {
        HyperLogLog h = HyperLogLog.empty();
        String s = "abcdefghijklmnopq";
        for (int i = 0; i < 17; i++) h.add(utf8(s.substring(0, i)), SPARSE_MAX); // 0..16 bytes: every MurmurHash tail
        assertThat(h.toBytes()).isEqualTo(hex("48594c4c01000000000000000000008042ce8042968049258c4772843d8440ef8443c3"
                + "8048cc8040a98040908040db90455d9c44848040938c414c8443a68441d88048d5"));
        assertThat(h.count()).isEqualTo(17);
    }

    @Test
    void add_reports_whether_a_register_changed() {
        HyperLogLog h = HyperLogLog.empty();
        assertThat(h.add(utf8("a"), SPARSE_MAX)).isTrue();
        assertThat(h.add(utf8("a"), SPARSE_MAX)).isFalse();
        assertThat(h.decode()).isEqualTo("Z:12711 v:2,1 Z:3672");
        assertThat(h.add(utf8("b"), SPARSE_MAX)).isTrue();
        assertThat(h.add(utf8("c"), SPARSE_MAX)).isTrue();
        assertThat(h.toBytes()).isEqualTo(hex("48594c4c01000000000000000000008060f38050b1844bfb80425a"));
    }

    @Test
    void the_cache_is_eight_little_endian_bytes_with_an_invalid_flag() {
        HyperLogLog h = HyperLogLog.empty();
        h.invalidateCache();
        assertThat(h.cacheValid()).isFalse();
        h.cacheCount(0x0102030405L);
        assertThat(h.cacheValid()).isTrue();
        assertThat(h.cachedCount()).isEqualTo(0x0102030405L);
        assertThat(HexFormat.of().formatHex(h.toBytes(), 8, 16)).isEqualTo("0504030201000000");
    }

    @Test
    void dense_registers_pack_six_bits_each_little_endian() {
        HyperLogLog h = HyperLogLog.empty();
        assertThat(h.toDense()).isTrue();
        assertThat(h.toDense()).isFalse();
        byte[] b = h.toBytes();
        assertThat(b).hasSize(HyperLogLog.DENSE_SIZE);
        assertThat(b[4]).isEqualTo((byte) HyperLogLog.DENSE);
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) assertThat(h.set(i, 1 + (i * 7) % 63, SPARSE_MAX)).isTrue();
        byte[] registers = h.registers();
        for (int i = 0; i < HyperLogLog.REGISTERS; i++) assertThat(registers[i]).isEqualTo((byte) (1 + (i * 7) % 63));
        // register 0 is the low 6 bits of the first byte, register 1 starts at its bit 6
        HyperLogLog one = HyperLogLog.empty();
        one.toDense();
        one.set(1, 63, SPARSE_MAX);
        byte[] d = one.toBytes();
        assertThat(d[16] & 0xff).isEqualTo(0xc0);
        assertThat(d[17] & 0xff).isEqualTo(0x0f);
        assertThat(one.set(1, 5, SPARSE_MAX)).isFalse(); // registers only grow
    }

    @Test
    void sparse_turns_dense_for_a_value_above_32_or_past_the_size_limit() {
        HyperLogLog big = HyperLogLog.empty();
        big.set(100, 33, SPARSE_MAX);
        assertThat(big.dense()).isTrue();
        assertThat(big.registers()[100]).isEqualTo((byte) 33);

        HyperLogLog small = HyperLogLog.empty();
        Random r = new Random(3);
        while (!small.dense()) {
            small.add(utf8("x" + r.nextLong()), 100);
            if (!small.dense()) assertThat(small.toBytes().length).isLessThanOrEqualTo(100);
        }
        assertThat(small.toBytes()).hasSize(HyperLogLog.DENSE_SIZE);
    }

    @Test
    void conversion_to_dense_keeps_every_register_and_the_header() {
        HyperLogLog h = HyperLogLog.empty();
        Random r = new Random(5);
        for (int i = 0; i < 300; i++) h.add(utf8("k" + r.nextInt()), SPARSE_MAX);
        assertThat(h.dense()).isFalse();
        h.cacheCount(1234);
        byte[] before = h.registers();
        long count = h.count();
        h.toDense();
        assertThat(h.registers()).isEqualTo(before);
        assertThat(h.count()).isEqualTo(count);
        assertThat(h.cachedCount()).isEqualTo(1234);
    }

    @Test
    void header_checks_match_redis() {
        assertThat(HyperLogLog.looksValid(HyperLogLog.empty().toBytes())).isTrue();
        assertThat(HyperLogLog.looksValid(utf8("HYLL"))).isFalse();
        assertThat(HyperLogLog.looksValid(utf8("HYLX\u0001aaaaaaaaaaaaaaaaa"))).isFalse();
        byte[] encoding2 = HyperLogLog.empty().toBytes();
        encoding2[4] = 2;
        assertThat(HyperLogLog.looksValid(encoding2)).isFalse();
        byte[] shortDense = HyperLogLog.empty().toBytes();
        shortDense[4] = 0;
        assertThat(HyperLogLog.looksValid(shortDense)).isFalse();
    }

    @Test
    void a_sparse_body_that_does_not_cover_16384_registers_is_corrupted() {
        for (String body : new String[]{"7ffe", "7fff80", "7f", "", "7fff7fff"}) {
            byte[] v = hex("48594c4c010000000000000000000080" + body);
            HyperLogLog h = HyperLogLog.of(v);
            assertThatThrownBy(h::count).as(body).isInstanceOf(HyperLogLog.Corrupted.class);
            assertThatThrownBy(h::checkSparse).as(body).isInstanceOf(HyperLogLog.Corrupted.class);
            assertThatThrownBy(h::toDense).as(body).isInstanceOf(HyperLogLog.Corrupted.class);
        }
    }

    @Test
    void estimates_stay_within_two_percent_at_100k_and_1m() {
        Random r = new Random(20261122);
        HyperLogLog h = HyperLogLog.empty();
        byte[] e = new byte[12];
        for (int n = 1; n <= 1_000_000; n++) {
            r.nextBytes(e);
            h.add(e, SPARSE_MAX);
            if (n == 100 || n == 1000 || n == 10_000 || n == 100_000 || n == 1_000_000) {
                double tolerance = n <= 1000 ? 0.05 : 0.02;
                assertThat((double) h.count()).as("n=" + n).isCloseTo(n, within(n * tolerance));
            }
        }
    }

    @Test
    void small_cardinalities_are_exact_or_nearly() {
        HyperLogLog h = HyperLogLog.empty();
        for (int i = 0; i < 50; i++) h.add(utf8("item:" + i), SPARSE_MAX);
        assertThat(h.count()).isEqualTo(50);
    }

    @Test
    void union_of_registers_counts_each_element_once() {
        HyperLogLog a = HyperLogLog.empty();
        HyperLogLog b = HyperLogLog.empty();
        for (int i = 0; i < 20_000; i++) a.add(utf8("u" + i), SPARSE_MAX);
        for (int i = 10_000; i < 30_000; i++) b.add(utf8("u" + i), SPARSE_MAX);
        byte[] max = new byte[HyperLogLog.REGISTERS];
        a.mergeInto(max);
        b.mergeInto(max);
        assertThat((double) HyperLogLog.count(max)).isCloseTo(30_000, within(600.0));
    }
}
