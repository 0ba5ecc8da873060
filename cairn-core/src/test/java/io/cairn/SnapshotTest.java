package io.cairn;

import io.cairn.snapshot.SnapshotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Snapshots and checkpoints: recovery from a snapshot plus the log after it, incremental checkpoints, log deletion,
 * fallback past a damaged snapshot, failures while writing one, automatic checkpoints, read-only views.
 */
class SnapshotTest {
    @TempDir
    Path dir;

    static CairnOptions.Builder small() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024)
                .checkpointInterval(Duration.ZERO).checkpointLogBytes(0);
    }

    /** Every live entry of every keyspace, as text, for comparing whole stores. */
    static Map<String, Map<String, String>> contents(Cairn db) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (Keyspace ks : db.keyspaces()) {
            Map<String, String> m = new TreeMap<>();
            try (CloseableIterator<Entry> it = ks.iterator()) {
                while (it.hasNext()) {
                    Entry e = it.next();
                    m.put(new String(e.key(), StandardCharsets.ISO_8859_1), new String(e.value(), StandardCharsets.ISO_8859_1)
                            + (e.expiresAtMillis() == 0 ? "" : " @" + e.expiresAtMillis()));
                }
            }
            all.put(ks.name() + "/" + ks.kind(), m);
        }
        return all;
    }

    static long segments(Path store) throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("wal"))) {
            return s.filter(p -> p.toString().endsWith(".wal")).count();
        }
    }

    @Test
    void reopenLoadsTheSnapshotAndReplaysOnlyTheLogAfterIt() {
        Map<String, Map<String, String>> before;
        SnapshotInfo snap;
        try (Cairn db = Cairn.open(dir, small().build())) {
            Keyspace ordered = db.createKeyspace("ordered", IndexKind.ORDERED);
            for (int i = 0; i < 3000; i++) {
                db.put("k" + i, "v" + i);
                ordered.put("o" + i, "w" + i);
            }
            db.put("ttl", "lives", Duration.ofHours(1));
            db.put("gone", "soon", Duration.ofMillis(1));
            snap = db.checkpoint();
            assertThat(snap.entries()).isBetween(6001L, 6002L);
            assertThat(snap.partsWritten()).isEqualTo(2);
            db.put("after", "snapshot");
            db.delete("k7");
            ordered.put("o1", "changed");
            before = contents(db);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.snapshotSequence()).isEqualTo(snap.sequence());
            assertThat(ri.snapshotEntries()).isEqualTo(6001);
            assertThat(ri.recordsReplayed()).isEqualTo(3);
            assertThat(ri.snapshotsSkipped()).isEmpty();
            assertThat(ri.corruptionDetected()).isFalse();
            assertThat(contents(db)).isEqualTo(before);
            assertThat(db.ttlMillis("ttl")).isGreaterThan(0);
            assertThat(db.keyspace("ordered").kind()).isEqualTo(IndexKind.ORDERED);
            // keyspace ids continue after the snapshot's
            db.createKeyspace("later", IndexKind.HASH).put("x", "y");
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.keyspace("later").getString("x")).isEqualTo("y");
            assertThat(db.keyspace("ordered").getString("o1")).isEqualTo("changed");
        }
    }

    @Test
    void checkpointsDeleteTheLogTheyCoverAndKeepTwoSnapshots() throws IOException {
        try (Cairn db = Cairn.open(dir, small().build())) {
            for (int i = 0; i < 5000; i++) db.put("k" + i, "x".repeat(100));
            long before = segments(dir);
            assertThat(before).isGreaterThan(5);
            db.checkpoint();
            for (int i = 0; i < 10; i++) db.put("k" + i, "y");
            db.checkpoint();
            assertThat(segments(dir)).isLessThan(before).isLessThanOrEqualTo(2);
            for (int i = 0; i < 10; i++) db.put("z" + i, "y");
            db.checkpoint();
            assertThat(db.snapshots()).hasSize(2);
            assertThat(db.stats().snapshotSequence()).isEqualTo(db.snapshots().get(0).sequence());
            assertThat(db.stats().checkpoints()).isEqualTo(3);
        }
        try (Stream<Path> s = Files.list(dir.resolve(SnapshotDescriptor.DIRECTORY))) {
            assertThat(s.filter(p -> p.toString().endsWith(".manifest")).count()).isEqualTo(2);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.size()).isEqualTo(5010);
            assertThat(db.getString("k3")).isEqualTo("y");
        }
    }

    @Test
    void aCheckpointOfALargeStoreWhereLittleChangedRewritesOnlyThePartitionsThatDid() {
        try (Cairn db = Cairn.open(dir, small().segmentSize(8 << 20).build())) {
            WriteBatch b = new WriteBatch();
            for (int i = 0; i < 200_000; i++) {
                b.put(("key" + i).getBytes(StandardCharsets.UTF_8), ("value" + i).getBytes(StandardCharsets.UTF_8));
                if (b.size() == 1000) {
                    db.write(b);
                    b = new WriteBatch();
                }
            }
            SnapshotInfo full = db.checkpoint();
            assertThat(full.partsWritten()).as("200k entries in partitions of ~8k: 16").isEqualTo(16);
            db.put("key5", "changed");
            db.put("key6", "changed too");
            SnapshotInfo inc = db.checkpoint();
            assertThat(inc.partsWritten()).isBetween(1, 2);
            assertThat(inc.partsReused()).isBetween(14, 15);
            assertThat(inc.writtenBytes()).isLessThan(full.writtenBytes() / 6);
            // nothing written since: the same snapshot
            assertThat(db.checkpoint().sequence()).isEqualTo(inc.sequence());
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.recoveryInfo().recordsReplayed()).isZero();
            assertThat(db.size()).isEqualTo(200_000);
            assertThat(db.getString("key5")).isEqualTo("changed");
            assertThat(db.getString("key199999")).isEqualTo("value199999");
        }
    }

    /**
     * Writers run flat out while checkpoints are taken one after another; each writer owns its keys and keeps a model
     * of what it acknowledged. The log before the snapshots is deleted, so the reopened store can only be right if
     * every snapshot plus the log after it is exact.
     */
    @Test
    void snapshotsTakenUnderHeavyConcurrentWritesReproduceTheExactState() throws Exception {
        Map<String, Map<String, String>> models = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        int checkpoints = 0;
        try (Cairn db = Cairn.open(dir, small().build())) {
            db.createKeyspace("sorted", IndexKind.ORDERED);
            db.createKeyspace("swapA", IndexKind.HASH);
            db.createKeyspace("swapB", IndexKind.ORDERED);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    Random rnd = new Random(id);
                    Keyspace ks = id == 1 ? db.keyspace("sorted") : db.defaultKeyspace();
                    Map<String, String> model = new HashMap<>();
                    models.put(ks.name() + id, model);
                    int n = 0;
                    while (!stop.get() || n < 3000) {
                        String k = "w" + id + ":" + rnd.nextInt(4000);
                        int op = rnd.nextInt(10);
                        if (op < 6) {
                            String v = "v" + n;
                            ks.put(k, v);
                            model.put(k, v);
                        } else if (op < 8) {
                            ks.delete(k);
                            model.remove(k);
                        } else {
                            WriteBatch b = new WriteBatch();
                            String k2 = "w" + id + ":" + rnd.nextInt(4000);
                            b.put(ks, k.getBytes(StandardCharsets.UTF_8), ("b" + n).getBytes(StandardCharsets.UTF_8));
                            b.delete(ks, k2.getBytes(StandardCharsets.UTF_8));
                            db.write(b);
                            model.put(k, "b" + n);
                            model.remove(k2);
                            if (k2.equals(k)) model.remove(k);
                        }
                        n++;
                    }
                }, "writer-" + w);
                t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                threads.add(t);
                t.start();
            }
            // structural changes under the snapshots: swaps and clears
            Thread swapper = new Thread(() -> {
                Keyspace a = db.keyspace("swapA");
                Keyspace b = db.keyspace("swapB");
                int n = 0;
                while (!stop.get()) {
                    // keys written once each, so what a snapshot holds for them is never rewritten by the log after it
                    a.put("a" + n, "x" + n);
                    b.put("b" + n, "y" + n);
                    if (n % 97 == 0) db.swapKeyspaces(a, b);
                    if (n % 20_000 == 19_999) b.clear();
                    n++;
                }
            }, "swapper");
            swapper.setUncaughtExceptionHandler((th, e) -> failures.add(e));
            swapper.start();
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
                db.checkpoint();
                checkpoints++;
            }
            stop.set(true);
            for (Thread t : threads) t.join();
            swapper.join();
            assertThat(failures).isEmpty();
            Map<String, Map<String, String>> live = contents(db);
            db.close();
            try (Cairn again = Cairn.open(dir, small().build())) {
                assertThat(again.recoveryInfo().snapshotSequence()).isPositive();
                assertThat(contents(again)).isEqualTo(live);
                for (Map.Entry<String, Map<String, String>> m : models.entrySet()) {
                    Keyspace ks = again.keyspace(m.getKey().startsWith("sorted") ? "sorted" : "default");
                    for (Map.Entry<String, String> e : m.getValue().entrySet()) {
                        assertThat(ks.getString(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                    }
                }
            }
        }
        assertThat(checkpoints).isGreaterThan(3);
        assertThat(Files.exists(dir.resolve("wal").resolve("00000000000000000001.wal"))).as("the first segment was deleted").isFalse();
    }

    /**
     * Every kind of change made between the moment a snapshot notes its sequence and its walk of the indexes: the
     * snapshot may see some of them, and the log after its sequence must turn whatever it saw into the exact state.
     */
    @Test
    void changesBetweenTheCaptureAndTheWalkAreReproducedExactly() {
        Map<String, Map<String, String>> live;
        try (Cairn db = Cairn.open(dir, small().build())) {
            String[] names = {"a", "b", "c", "d", "e", "f", "h"};
            for (String n : names) {
                Keyspace ks = db.createKeyspace(n, n.equals("b") ? IndexKind.ORDERED : IndexKind.HASH);
                for (int i = 0; i < 200; i++) ks.put(n + i, n + "-" + i);
                ks.put("ttl", "x", Duration.ofHours(1));
            }
            for (int i = 0; i < 200; i++) db.put("d" + i, "default");
            Thread[] copier = new Thread[1];
            Checkpoints.afterCapture = () -> {
                Keyspace a = db.keyspace("a");
                Keyspace b = db.keyspace("b");
                db.swapKeyspaces(a, b);
                a.put("after-swap", "in a");
                b.delete("a3");
                db.keyspace("c").clear();
                db.keyspace("c").put("c-new", "1");
                db.renameKeyspace("d", "d2");
                db.keyspace("d2").put("d-renamed", "1");
                db.convertKeyspace("e", IndexKind.ORDERED);
                db.keyspace("e").delete("e5");
                db.dropKeyspace("f");
                db.createKeyspace("g", IndexKind.HASH).put("g", "new");
                db.expire("d1", Duration.ofHours(2));
                db.put("d2", "changed");
                db.delete("d3");
                // COPY_KEYSPACE reads its source: it waits for the walk to end, so wait for it only a while here
                copier[0] = new Thread(() -> {
                    db.copyKeyspace("h", "h-copy");
                    db.keyspace("h").put("h7", "after the copy");
                });
                copier[0].start();
                try {
                    copier[0].join(500);
                } catch (InterruptedException ex) {
                    throw new AssertionError(ex);
                }
            };
            try {
                db.checkpoint();
                copier[0].join();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            } finally {
                Checkpoints.afterCapture = null;
            }
            assertThat(db.keyspace("h-copy").getString("h7")).isEqualTo("h-7");
            live = contents(db);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.recoveryInfo().snapshotSequence()).isPositive();
            assertThat(contents(db)).isEqualTo(live);
        }
        // the snapshot opened on its own is exact too: the state when its walk ended, every change above included
        // but the copy, which waited for the walk to end
        Map<String, Map<String, String>> atWalkEnd = new TreeMap<>(live);
        atWalkEnd.remove("h-copy/HASH");
        Map<String, String> h = new TreeMap<>(atWalkEnd.get("h/HASH"));
        h.put("h7", "h-7");
        atWalkEnd.put("h/HASH", h);
        try (Cairn snap = Cairn.openSnapshot(dir, -1)) {
            assertThat(contents(snap)).isEqualTo(atWalkEnd);
        }
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToTheOlderOneAndSaysSo() throws IOException {
        Map<String, Map<String, String>> before;
        long older;
        long newer;
        try (Cairn db = Cairn.open(dir, small().build())) {
            for (int i = 0; i < 2000; i++) db.put("k" + i, "v" + i);
            older = db.checkpoint().sequence();
            for (int i = 0; i < 2000; i += 2) db.put("k" + i, "second" + i);
            newer = db.checkpoint().sequence();
            db.put("tail", "record");
            before = contents(db);
        }
        Path part = dir.resolve(SnapshotDescriptor.DIRECTORY).resolve(SnapshotDescriptor.partName(newer, 0, 0));
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.snapshotSequence()).isEqualTo(older);
            assertThat(ri.snapshotsSkipped()).hasSize(1);
            assertThat(ri.snapshotsSkipped().get(0)).contains(part.getFileName().toString()).contains("CRC");
            assertThat(ri.corruptionDetected()).isTrue();
            assertThat(ri.toString()).contains("fell back");
            assertThat(contents(db)).isEqualTo(before);
            // the damaged manifest is set aside, not deleted, and no longer counts as a snapshot
            assertThat(db.snapshots()).extracting(SnapshotInfo::sequence).containsExactly(older);
            try (Stream<Path> s = Files.list(dir.resolve("salvage"))) {
                assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(SnapshotDescriptor.manifestName(newer)));
            }
            db.put("more", "writes");
            db.checkpoint();
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.recoveryInfo().snapshotsSkipped()).isEmpty();
            assertThat(db.getString("more")).isEqualTo("writes");
            assertThat(db.getString("k2")).isEqualTo("second2");
        }
    }

    /** The same fallback for a snapshot large enough to be loaded by two threads: the reader's error reaches the open. */
    @Test
    void aDamagedLargeSnapshotFallsBackToo() throws IOException {
        long newer;
        try (Cairn db = Cairn.open(dir, small().segmentSize(8 << 20).build())) {
            WriteBatch b = new WriteBatch();
            for (int i = 0; i < 70_000; i++) {
                b.put(("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8));
                if (b.size() == 1000) {
                    db.write(b);
                    b = new WriteBatch();
                }
            }
            db.checkpoint();
            db.put("k1", "changed");
            newer = db.checkpoint().sequence();
        }
        Path part;
        try (Stream<Path> s = Files.list(dir.resolve(SnapshotDescriptor.DIRECTORY))) {
            part = s.filter(p -> p.getFileName().toString().startsWith(String.format("%020d-", newer))).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
            f.seek(40);
            int x = f.read();
            f.seek(40);
            f.write(x ^ 0x10);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.recoveryInfo().snapshotsSkipped()).hasSize(1);
            assertThat(db.recoveryInfo().snapshotSequence()).isLessThan(newer);
            assertThat(db.size()).isEqualTo(70_000);
            assertThat(db.getString("k1")).isEqualTo("changed");
        }
    }

    @Test
    void aFullDiskDuringACheckpointFailsItCleanlyAndTheNextOneSucceeds() {
        FaultyFileLayer layer = new FaultyFileLayer();
        try (Cairn db = Cairn.open(dir, small().build(), layer)) {
            for (int i = 0; i < 3000; i++) db.put("k" + i, "v".repeat(50));
            layer.quota(10_000);
            CairnException e = catchThrowableOfType(db::checkpoint, CairnException.class);
            assertThat(e.code()).isEqualTo(CairnException.Code.DISK_FULL);
            assertThat(e.getMessage()).contains("unaffected");
            assertThat(db.stats().lastCheckpointFailed()).isTrue();
            layer.quota(Long.MAX_VALUE);
            db.put("still", "writable");
            SnapshotInfo s = db.checkpoint();
            assertThat(s.entries()).isEqualTo(3001);
        }
        try (Stream<Path> s = Files.list(dir.resolve(SnapshotDescriptor.DIRECTORY))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.size()).isEqualTo(3001);
        }
    }

    /** Failing to delete what a new snapshot made unnecessary does not fail the snapshot, nor harm it. */
    @Test
    void aCheckpointThatCannotDeleteOldFilesStillSucceeds() {
        FaultyFileLayer layer = new FaultyFileLayer();
        try (Cairn db = Cairn.open(dir, small().build(), layer)) {
            for (int i = 0; i < 3000; i++) db.put("k" + i, "v".repeat(50));
            db.checkpoint();
            db.put("a", "1");
            db.checkpoint();
            layer.failDeletes(p -> true);
            db.put("b", "2");
            SnapshotInfo s = db.checkpoint(); // a third: the first is due for deletion, which fails
            assertThat(db.stats().lastCheckpointFailed()).isFalse();
            assertThat(db.snapshots().get(0).sequence()).isEqualTo(s.sequence());
            layer.failDeletes(null);
            db.put("c", "3");
            db.checkpoint(); // and the next one deletes what is left
            assertThat(db.snapshots()).hasSize(2);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.size()).isEqualTo(3003);
            assertThat(db.recoveryInfo().snapshotsSkipped()).isEmpty();
        }
    }

    /**
     * A failure after the manifest was renamed into place (its directory fsync) fails the call, but must not delete
     * the parts that manifest names: after a restart it may be the newest snapshot.
     */
    @Test
    void aFailureAfterTheManifestIsInPlaceLeavesItsPartsAlone() {
        FaultyFileLayer layer = new FaultyFileLayer();
        long seq;
        try (Cairn db = Cairn.open(dir, small().build(), layer)) {
            for (int i = 0; i < 3000; i++) db.put("k" + i, "v".repeat(50));
            seq = db.stats().lastSequence();
            Path manifest = dir.resolve(SnapshotDescriptor.DIRECTORY).resolve(SnapshotDescriptor.manifestName(seq));
            layer.failDirectorySyncs(d -> Files.exists(manifest));
            CairnException e = catchThrowableOfType(db::checkpoint, CairnException.class);
            assertThat(e.code()).isEqualTo(CairnException.Code.IO_ERROR);
            layer.failDirectorySyncs(null);
        }
        try (Cairn db = Cairn.open(dir, small().build())) {
            assertThat(db.recoveryInfo().snapshotSequence()).isEqualTo(seq);
            assertThat(db.recoveryInfo().snapshotsSkipped()).isEmpty();
            assertThat(db.size()).isEqualTo(3000);
        }
    }

    @Test
    void automaticCheckpointsFollowTheLogSize() throws Exception {
        try (Cairn db = Cairn.open(dir, small().checkpointLogBytes(256 * 1024).build())) {
            for (int i = 0; i < 4000; i++) db.put("k" + i, "x".repeat(100));
            ExpiryTest.awaitTrue("a checkpoint by log size", () -> db.stats().checkpoints() > 0);
            assertThat(db.stats().logBytesSinceCheckpoint()).isLessThan(256 * 1024);
        }
    }

    @Test
    void automaticCheckpointsFollowTheInterval() throws Exception {
        try (Cairn db = Cairn.open(dir, small().checkpointInterval(Duration.ofSeconds(1)).build())) {
            db.put("a", "1");
            ExpiryTest.awaitTrue("a checkpoint by time", () -> db.stats().checkpoints() > 0);
            long taken = db.stats().checkpoints();
            // nothing written since: the timer looks, more than once an interval's worth, and takes none
            Checkpoints c = db.defaultKeyspace().engine().checkpoints;
            long checks = c.timerChecks;
            ExpiryTest.awaitTrue("three more looks of the timer", () -> c.timerChecks >= checks + 3);
            assertThat(db.stats().checkpoints()).isEqualTo(taken);
        }
    }

    @Test
    void aBackgroundCheckpointRefusesASecondOneAndReportsItsResult() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (Cairn db = Cairn.open(dir, small().build())) {
            for (int i = 0; i < 1000; i++) db.put("k" + i, "v");
            Checkpoints.afterCapture = () -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            java.util.concurrent.CompletableFuture<SnapshotInfo> first;
            try {
                first = db.checkpointAsync();
                assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThat(db.stats().checkpointInProgress()).isTrue();
                java.util.concurrent.CompletableFuture<SnapshotInfo> second = db.checkpointAsync();
                CairnException busy = catchThrowableOfType(second::join, java.util.concurrent.CompletionException.class)
                        .getCause() instanceof CairnException c ? c : null;
                assertThat(busy).isNotNull();
                assertThat(busy.code()).isEqualTo(CairnException.Code.BUSY);
                db.put("during", "the checkpoint"); // writers are not held up by it
            } finally {
                release.countDown();
                Checkpoints.afterCapture = null;
            }
            SnapshotInfo s = first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(s.entries()).isBetween(1000L, 1001L);
            assertThat(db.stats().checkpointInProgress()).isFalse();
            assertThat(db.stats().lastCheckpointTook()).isPositive();
            assertThat(db.stats().lastCheckpointPause()).isPositive().isLessThan(db.stats().lastCheckpointTook());
        }
    }

    @Test
    void aSnapshotOpensReadOnlyWhileTheStoreStaysOpen() {
        try (Cairn db = Cairn.open(dir, small().build())) {
            db.put("a", "1");
            long first = db.checkpoint().sequence();
            db.put("a", "2");
            db.put("b", "3");
            db.checkpoint();
            assertThat(db.snapshots()).hasSize(2);
            assertThat(db.snapshots().get(0).created()).isAfterOrEqualTo(db.snapshots().get(1).created());
            try (Cairn old = Cairn.openSnapshot(dir, first)) {
                assertThat(old.getString("a")).isEqualTo("1");
                assertThat(old.contains("b")).isFalse();
                assertThat(catchThrowableOfType(() -> old.put("a", "x"), CairnException.class).code())
                        .isEqualTo(CairnException.Code.READ_ONLY);
            }
            try (Cairn newest = Cairn.openSnapshot(dir, -1)) {
                assertThat(newest.getString("a")).isEqualTo("2");
            }
            assertThat(catchThrowableOfType(() -> Cairn.openSnapshot(dir, 999_999), CairnException.class).code())
                    .isEqualTo(CairnException.Code.INVALID_ARGUMENT);
        }
    }
}
