package io.cairn;

import io.cairn.snapshot.PartReader;
import io.cairn.snapshot.SnapshotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded damage to snapshot files: flipped bytes, cuts, garbage appended, zeroed ranges, and whole files of random
 * bytes. Reading a damaged snapshot must fail with a clear error naming the file (never another exception, never an
 * allocation sized by a damaged length), and a damaged snapshot must never load as if it were whole.
 */
class SnapshotCorruptionTest {
    private static final long SEED = Long.getLong("cairn.corrupt.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void damagedSnapshotFilesAreAlwaysRefusedWithAClearError() throws IOException {
        Path store = dir.resolve("store");
        Map<String, Map<String, String>> expected;
        try (Cairn db = Cairn.open(store, SnapshotTest.small().build())) {
            Keyspace sorted = db.createKeyspace("sorted", IndexKind.ORDERED);
            for (int i = 0; i < 3000; i++) {
                db.put("k" + i, "value-" + i);
                sorted.put("s" + i, "v".repeat(i % 50));
            }
            db.put("ttl", "x", Duration.ofHours(1));
            db.checkpoint();
            expected = SnapshotTest.contents(db);
        }
        Path snaps = store.resolve("snapshots");
        Map<Path, byte[]> originals = new HashMap<>();
        try (Stream<Path> s = Files.list(snaps)) {
            for (Path p : (Iterable<Path>) s::iterator) originals.put(p, Files.readAllBytes(p));
        }
        List<Path> files = new ArrayList<>(originals.keySet());
        files.sort(null);
        Random rnd = new Random(SEED);
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            Path victim = files.get(rnd.nextInt(files.size()));
            byte[] orig = originals.get(victim);
            byte[] bad = damage(orig, rnd);
            Files.write(victim, bad);
            String what = "seed " + SEED + " round " + round + ": " + victim.getFileName();
            try (Cairn snap = Cairn.openSnapshot(store, -1)) {
                // only a change that changed nothing may load, and then it must be whole
                assertThat(bad).as(what + " loaded although damaged").isEqualTo(orig);
                assertThat(SnapshotTest.contents(snap)).as(what).isEqualTo(expected);
            } catch (CairnException e) {
                refused++;
                assertThat(e.code()).as(what).isEqualTo(CairnException.Code.INVALID_ARGUMENT);
                assertThat(e.getMessage()).as(what).contains("no valid snapshot");
            } finally {
                Files.write(victim, orig);
            }
        }
        assertThat(refused).isGreaterThan(150);
        // every file put back: the snapshot reads whole again
        try (Cairn snap = Cairn.openSnapshot(store, -1)) {
            assertThat(SnapshotTest.contents(snap)).isEqualTo(expected);
        }
    }

    @Test
    void partFilesOfRandomBytesNeverEscapeAsAnythingButASnapshotError() throws IOException {
        Random rnd = new Random(SEED);
        Path f = dir.resolve("random.part");
        for (int round = 0; round < 300; round++) {
            byte[] b = new byte[rnd.nextInt(4096)];
            rnd.nextBytes(b);
            if (b.length >= 8 && rnd.nextBoolean()) System.arraycopy("CAIRNPRT".getBytes(), 0, b, 0, 8);
            Files.write(f, b);
            try {
                PartReader.read(f, -1, -1, -1, (block, off, len) -> { });
                throw new AssertionError("seed " + SEED + " round " + round + ": random bytes read as a part");
            } catch (SnapshotException e) {
                assertThat(e.file()).isEqualTo(f);
            }
        }
    }

    static byte[] damage(byte[] orig, Random rnd) {
        byte[] b = orig.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> { // flip one to three bytes
                for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            }
            case 1 -> b = java.util.Arrays.copyOf(orig, rnd.nextInt(orig.length)); // cut short
            case 2 -> { // garbage after the end
                b = java.util.Arrays.copyOf(orig, orig.length + 1 + rnd.nextInt(100));
                for (int i = orig.length; i < b.length; i++) b[i] = (byte) rnd.nextInt();
            }
            case 3 -> { // a zeroed range, as a lost page would leave
                int at = rnd.nextInt(b.length);
                java.util.Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(4096)), (byte) 0);
            }
            default -> { // a length field of a block header set to something huge
                int at = Math.min(b.length - 4, 32 + 24 * rnd.nextInt(4));
                if (at >= 0) {
                    b[at] = (byte) 0xff;
                    b[at + 1] = (byte) 0xff;
                    b[at + 2] = (byte) 0xff;
                    b[at + 3] = (byte) 0x7f;
                }
            }
        }
        return b;
    }
}
