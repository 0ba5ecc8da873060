package io.cairn.bench;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.FsyncPolicy;
import io.cairn.RecoveryInfo;
import io.cairn.SnapshotInfo;
import io.cairn.WriteBatch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Snapshot figures that are one long run each rather than a JMH loop: restart time (snapshot plus a short log against
 * the log alone), snapshot write throughput and size, and write latency while a checkpoint runs.
 *
 * <pre>
 * java -Xmx12g -cp cairn-bench/target/benchmarks.jar io.cairn.bench.SnapshotBench restart  DIR KEYS
 * java -Xmx12g -cp cairn-bench/target/benchmarks.jar io.cairn.bench.SnapshotBench latency  DIR KEYS SECONDS always|never
 * java -cp cairn-bench/target/benchmarks.jar io.cairn.bench.SnapshotBench resp DIR KEYS > data.resp   (the same data as
 *     Redis SET commands, for redis-cli --pipe)
 * </pre>
 * Keys are 16 bytes ({@code k%015d}), values 100 bytes of 16 letters at random (LZ4 shrinks them by about a third).
 */
public final class SnapshotBench {
    private SnapshotBench() {
    }

    static byte[] key(long i) {
        return String.format("k%015d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(SplittableRandom rnd) {
        byte[] v = new byte[100];
        for (int j = 0; j < v.length; j++) v[j] = (byte) ('a' + rnd.nextInt(16));
        return v;
    }

    static CairnOptions.Builder options(FsyncPolicy policy) {
        return CairnOptions.builder().fsyncPolicy(policy).checkpointInterval(Duration.ZERO).checkpointLogBytes(0);
    }

    static void populate(Cairn db, long keys) {
        SplittableRandom rnd = new SplittableRandom(42);
        WriteBatch b = new WriteBatch();
        for (long i = 0; i < keys; i++) {
            b.put(key(i), value(rnd));
            if (b.size() == 1000) {
                db.write(b);
                b = new WriteBatch();
            }
        }
        if (!b.isEmpty()) db.write(b);
    }

    static long du(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SnapshotBench restart DIR KEYS | latency DIR KEYS SECONDS always|never | resp DIR KEYS");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        long keys = Long.parseLong(args[2]);
        switch (args[0]) {
            case "restart" -> restart(dir, keys);
            case "latency" -> latency(dir, keys, Integer.parseInt(args[3]), FsyncPolicy.parse(args[4]));
            case "resp" -> resp(keys);
            case "load" -> load(dir, (int) keys);
            case "incremental" -> incremental(dir, keys);
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    static void restart(Path base, long keys) throws Exception {
        long raw = keys * (16 + 100);
        System.out.printf("dataset: %,d keys, %,d bytes of keys and values%n", keys, raw);
        // 1. snapshot + a short log
        Path snap = base.resolve("with-snapshot");
        deleteTree(snap);
        try (Cairn db = Cairn.open(snap, options(FsyncPolicy.NEVER).build())) {
            long t0 = System.nanoTime();
            populate(db, keys);
            System.out.printf("populate: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            SnapshotInfo s = db.checkpoint();
            double took = (System.nanoTime() - t0) / 1e9;
            System.out.printf("snapshot write: %.2f s, %,d bytes on disk (%.0f%% of raw), %.0f MB/s of raw data, %.0f MB/s written%n",
                    took, s.sizeBytes(), 100.0 * s.sizeBytes() / raw, raw / took / 1e6, s.sizeBytes() / took / 1e6);
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < 10_000; i++) db.put(key(rnd.nextLong(keys)), value(rnd));
        }
        long t0 = System.nanoTime();
        try (Cairn db = Cairn.open(snap, options(FsyncPolicy.NEVER).build())) {
            double took = (System.nanoTime() - t0) / 1e9;
            RecoveryInfo ri = db.recoveryInfo();
            long disk = du(snap.resolve("snapshots"));
            System.out.printf("restart from snapshot + 10k-record log: %.2f s (snapshot load %.2f s: %.2f GB/s of raw data,"
                            + " %.2f GB/s of file), %d records replayed, %,d keys%n",
                    took, ri.snapshotLoad().toNanos() / 1e9, raw / (ri.snapshotLoad().toNanos() / 1e9) / 1e9,
                    disk / (ri.snapshotLoad().toNanos() / 1e9) / 1e9, ri.recordsReplayed(), db.size());
        }
        if (System.getenv("KEEP") == null) deleteTree(snap);
        // 2. the log alone
        Path log = base.resolve("log-only");
        deleteTree(log);
        if (System.getenv("SNAPSHOT_ONLY") != null) return;
        try (Cairn db = Cairn.open(log, options(FsyncPolicy.NEVER).build())) {
            populate(db, keys);
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < 10_000; i++) db.put(key(rnd.nextLong(keys)), value(rnd));
        }
        t0 = System.nanoTime();
        try (Cairn db = Cairn.open(log, options(FsyncPolicy.NEVER).build())) {
            double took = (System.nanoTime() - t0) / 1e9;
            System.out.printf("restart from the log alone: %.2f s, %,d records, %,d bytes of log, %,d keys%n", took,
                    db.recoveryInfo().recordsReplayed(), du(log.resolve("wal")), db.size());
        }
        deleteTree(log);
    }

    static void latency(Path base, long keys, int seconds, FsyncPolicy policy) throws Exception {
        Path dir = base.resolve("latency");
        deleteTree(dir);
        try (Cairn db = Cairn.open(dir, options(policy).build())) {
            populate(db, keys);
            db.checkpoint();
            System.out.printf("%,d keys, fsync %s, one writer, %d s per phase%n", keys, policy, seconds);
            measure(db, keys, seconds, false);
            measure(db, keys, seconds, true);
            measure(db, keys, seconds, false);
            measure(db, keys, seconds, true);
        }
        deleteTree(dir);
    }

    private static void measure(Cairn db, long keys, int seconds, boolean checkpoints) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] taken = new long[1];
        Thread cp = new Thread(() -> {
            while (!stop.get()) {
                db.put(key(0), key(taken[0]));
                db.checkpoint();
                taken[0]++;
            }
        });
        long[] lat = new long[1 << 24];
        int n = 0;
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] v = value(rnd);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        // every write dirties a random partition, so each checkpoint rewrites about what a busy store's would
        if (checkpoints) cp.start();
        while (System.nanoTime() < end && n < lat.length) {
            byte[] k = key(rnd.nextLong(keys));
            long t = System.nanoTime();
            db.put(k, v);
            lat[n++] = System.nanoTime() - t;
        }
        stop.set(true);
        if (checkpoints) cp.join();
        long[] s = Arrays.copyOf(lat, n);
        Arrays.sort(s);
        System.out.printf("%-22s %,9d writes  p50 %7.1f us  p99 %7.1f us  p99.9 %8.1f us  max %8.1f ms%s%n",
                checkpoints ? "checkpoints running:" : "no checkpoint:", n, s[n / 2] / 1e3, s[(int) (n * 0.99)] / 1e3,
                s[(int) (n * 0.999)] / 1e3, s[n - 1] / 1e6, checkpoints ? "  (" + taken[0] + " checkpoints)" : "");
    }

    /** A full checkpoint of a large store, then checkpoints after a few random writes each: time and bytes written. */
    static void incremental(Path base, long keys) throws Exception {
        Path dir = base.resolve("incremental");
        deleteTree(dir);
        try (Cairn db = Cairn.open(dir, options(FsyncPolicy.NEVER).build())) {
            populate(db, keys);
            long t0 = System.nanoTime();
            SnapshotInfo full = db.checkpoint();
            System.out.printf("full checkpoint of %,d keys: %.2f s, %d parts, %,d bytes written; writers paused %.1f us%n",
                    keys, (System.nanoTime() - t0) / 1e9, full.partsWritten(), full.writtenBytes(),
                    db.stats().lastCheckpointPause().toNanos() / 1e3);
            SplittableRandom rnd = new SplittableRandom(3);
            for (int writes : new int[]{0, 10, 100, 1000, 10_000}) {
                for (int i = 0; i < writes; i++) db.put(key(rnd.nextLong(keys)), value(rnd));
                t0 = System.nanoTime();
                SnapshotInfo s = db.checkpoint();
                System.out.printf("after %,6d random writes: %.2f s, %4d parts written, %4d shared, %,d bytes written (%.1f%%),"
                                + " writers paused %.1f us%n",
                        writes, (System.nanoTime() - t0) / 1e9, s.partsWritten(), s.partsReused(), s.writtenBytes(),
                        100.0 * s.writtenBytes() / full.writtenBytes(), db.stats().lastCheckpointPause().toNanos() / 1e3);
            }
        }
        deleteTree(dir);
    }

    /** Times {@code rounds} opens of an existing store, and one pass over its parts that only decodes them. */
    static void load(Path dir, int rounds) throws Exception {
        Path snaps = dir.resolve("snapshots");
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long[] n = {0};
            try (Stream<Path> s = Files.list(snaps)) {
                for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".part"))::iterator) {
                    io.cairn.snapshot.PartReader.read(p, -1, -1, -1, (b, off, len) -> n[0] += len);
                }
            }
            double decode = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            try (Cairn db = Cairn.open(dir, options(FsyncPolicy.NEVER).build())) {
                System.out.printf("decode only: %.2f s (%,d bytes); open: %.2f s, snapshot load %.2f s%n", decode, n[0],
                        (System.nanoTime() - t0) / 1e9, db.recoveryInfo().snapshotLoad().toNanos() / 1e9);
            }
        }
    }

    /** The dataset as RESP SET commands on stdout, for {@code redis-cli --pipe}. */
    static void resp(long keys) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        try (OutputStream out = new BufferedOutputStream(System.out, 1 << 20)) {
            byte[] head = "*3\r\n$3\r\nSET\r\n$16\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] mid = "\r\n$100\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
            for (long i = 0; i < keys; i++) {
                out.write(head);
                out.write(key(i));
                out.write(mid);
                out.write(value(rnd));
                out.write(crlf);
            }
        }
    }
}
