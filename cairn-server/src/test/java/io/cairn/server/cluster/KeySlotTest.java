package io.cairn.server.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Slots as Redis 7.0.15's CLUSTER KEYSLOT answered them (a cluster started by hand, not by these tests). */
class KeySlotTest {
    private static int slot(String key) {
        return KeySlot.of(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16_isXmodem() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(KeySlot.crc16(check, 0, check.length)).isEqualTo(0x31C3); // the check value Redis's crc16.c cites
    }

    @Test
    void slot_ofPlainKeys_matchesRedis() {
        assertThat(slot("foo")).isEqualTo(12182);
        assertThat(slot("somekey")).isEqualTo(11058);
        assertThat(slot("")).isZero();
    }

    @Test
    void slot_withHashTag_hashesOnlyTheTag() {
        assertThat(slot("{user1000}.following")).isEqualTo(3443);
        assertThat(slot("{user1000}.followers")).isEqualTo(3443);
        assertThat(slot("user1000")).isEqualTo(3443);
        assertThat(slot("foo{bar}{zap}")).isEqualTo(5061).isEqualTo(slot("bar"));
        assertThat(slot("foo{{bar}}zap")).isEqualTo(4015).isEqualTo(slot("{bar"));
    }

    @Test
    void slot_withEmptyOrUnclosedTag_hashesTheWholeKey() {
        assertThat(slot("foo{}{bar}")).isEqualTo(8363);
        assertThat(slot("{}")).isEqualTo(15257);
        assertThat(slot("a{b")).isEqualTo(13340);
    }

    @Test
    void slot_ofBinaryKeys_staysInRange() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] k = new byte[r.nextInt(40)];
            r.nextBytes(k);
            assertThat(KeySlot.of(k)).isBetween(0, KeySlot.SLOTS - 1);
        }
    }

    @Test
    void idOf_isTheSha1HexOfTheName() {
        // sha1("127.0.0.1:7000"), by sha1sum
        assertThat(ClusterView.idOf("127.0.0.1:7000")).isEqualTo("866a95987cd8f228c2a99d31f2928d64ebbdcd34");
        assertThat(ClusterView.idOf("127.0.0.1:7000")).isEqualTo(ClusterView.idOf("127.0.0.1:7000"))
                .isNotEqualTo(ClusterView.idOf("127.0.0.1:7001"));
    }
}
