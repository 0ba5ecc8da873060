package io.cairn.wal;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.FsyncPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapped window over the active segment (everysec and no): records that cross window boundaries, records larger
 * than a window, reopening in the middle of a segment and continuing, all read back exactly.
 */
class WalWindowTest {
    @TempDir
    Path dir;
    int saved;

    @BeforeEach
    void smallWindows() {
        saved = Wal.windowBytes;
        Wal.windowBytes = 8192;
    }

    @AfterEach
    void restore() {
        Wal.windowBytes = saved;
    }

    static byte[] value(int i, int len) {
        byte[] v = new byte[len];
        new Random(i).nextBytes(v);
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"never", "interval"})
    void recordsAcrossWindows_andReopenMidSegment(String policy) {
        FsyncPolicy p = policy.equals("never") ? FsyncPolicy.NEVER : FsyncPolicy.interval(Duration.ofMillis(5));
        CairnOptions options = CairnOptions.builder().fsyncPolicy(p).segmentSize(256 * 1024).build();
        Random sizes = new Random(42);
        int[] len = new int[3000];
        for (int i = 0; i < len.length; i++) len[i] = i % 500 == 0 ? 20_000 : 1 + sizes.nextInt(300); // some > a window
        try (Cairn db = Cairn.open(dir, options)) {
            for (int i = 0; i < 1500; i++) db.put(("k" + i).getBytes(StandardCharsets.UTF_8), value(i, len[i]));
        }
        // reopened with the append position in the middle of a segment and of a window
        try (Cairn db = Cairn.open(dir, options)) {
            for (int i = 1500; i < len.length; i++) db.put(("k" + i).getBytes(StandardCharsets.UTF_8), value(i, len[i]));
            assertThat(db.stats().walSegments()).isGreaterThanOrEqualTo(3); // rolls happened too
        }
        try (Cairn db = Cairn.open(dir, options)) {
            assertThat(db.size()).isEqualTo(len.length);
            for (int i = 0; i < len.length; i++) {
                assertThat(db.get(("k" + i).getBytes(StandardCharsets.UTF_8))).as("k%d", i).isEqualTo(value(i, len[i]));
            }
            assertThat(db.recoveryInfo().bytesTruncated()).isZero();
        }
    }
}
