package io.cairn.wal;

import io.cairn.FsyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** The bytes on disk are exactly those docs/file-formats.md describes. */
class WalFormatTest {
    @TempDir
    Path dir;

    private static byte[] frame(byte[] payload) {
        byte[] f = new byte[WalRecordDescriptor.HEADER_LENGTH + payload.length];
        System.arraycopy(payload, 0, f, WalRecordDescriptor.HEADER_LENGTH, payload.length);
        return f;
    }

    @Test
    void segmentHeaderAndRecordFrames_areAsDocumented() throws Exception {
        Path wal = dir.resolve("wal");
        Wal.Config config = new Wal.Config(FsyncPolicy.ALWAYS, 4096, true);
        Wal.Opened opened = Wal.open(wal, dir.resolve("salvage"), FileLayer.DEFAULT, config, false, (s, p) -> { });
        try (Wal w = opened.wal()) {
            assertThat(w.append(frame(new byte[23]), 23)).isEqualTo(1);
            assertThat(w.append(frame("abc".getBytes()), 3)).isEqualTo(2);
            w.sync();
        }
        Path seg = wal.resolve("00000000000000000001.wal");
        byte[] bytes = Files.readAllBytes(seg);
        assertThat(bytes).hasSize(4096); // preallocated
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 0, 8, "US-ASCII")).isEqualTo("CAIRNWAL");
        assertThat(b.getInt(8)).isEqualTo(1);
        assertThat(b.getInt(12)).isEqualTo(64);
        assertThat(b.getLong(16)).isEqualTo(1);
        assertThat(b.getLong(24)).isEqualTo(1);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 60);
        assertThat(b.getInt(60)).isEqualTo((int) crc.getValue());

        // first record: 23-byte payload, 40-byte frame
        assertThat(b.getInt(64)).isEqualTo(23);
        assertThat(b.getLong(72)).isEqualTo(1);
        crc.reset();
        crc.update(bytes, 64, 4);
        crc.update(bytes, 72, 8 + 23);
        int c = (int) crc.getValue();
        assertThat(b.getInt(68)).isEqualTo(((c >>> 15) | (c << 17)) + 0xa282ead8);
        // second record starts 8-byte aligned right after: 64 + 40
        assertThat(b.getInt(104)).isEqualTo(3);
        assertThat(b.getLong(112)).isEqualTo(2);
        assertThat(new String(bytes, 120, 3, "US-ASCII")).isEqualTo("abc");
        // then zeros to the end
        for (int i = 123; i < bytes.length; i++) assertThat(bytes[i]).as("byte %d", i).isZero();
    }

    @Test
    void recordsRollIntoNewSegments_andReplayInOrder() throws Exception {
        Path wal = dir.resolve("wal");
        Wal.Config config = new Wal.Config(FsyncPolicy.NEVER, 4096, true);
        try (Wal w = Wal.open(wal, dir.resolve("salvage"), FileLayer.DEFAULT, config, false, (s, p) -> { }).wal()) {
            for (int i = 1; i <= 200; i++) {
                byte[] payload = ("record-" + i).repeat(5).getBytes();
                assertThat(w.append(frame(payload), payload.length)).isEqualTo(i);
            }
            // a record larger than a segment gets a segment of its own
            byte[] big = new byte[10_000];
            big[9_999] = 7;
            assertThat(w.append(frame(big), big.length)).isEqualTo(201);
            assertThat(w.segmentCount()).isGreaterThan(3);
        }
        List<Long> seqs = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        Wal.Opened again = Wal.open(wal, dir.resolve("salvage"), FileLayer.DEFAULT, config, false, (s, p) -> {
            seqs.add(s);
            lengths.add(p.remaining());
        });
        again.wal().close();
        assertThat(again.recovery().corruptionDetected()).isFalse();
        assertThat(seqs).hasSize(201);
        for (int i = 0; i < seqs.size(); i++) assertThat(seqs.get(i)).isEqualTo(i + 1L);
        assertThat(lengths.get(200)).isEqualTo(10_000);
        try (var files = Files.list(wal)) {
            assertThat(again.recovery().segmentsScanned())
                    .isEqualTo((int) files.filter(p -> p.toString().endsWith(".wal")).count());
        }
    }
}
