package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Disk failures injected under the log through {@link FaultyFileLayer}: a full disk, failing writes, a failing fsync.
 * Each test checks what the failing call reports, that nothing of a failed call is visible, that the store keeps
 * serving, and that a reopen (on the real file system) recovers exactly what was acknowledged.
 */
class FaultInjectionTest {
    private static final int SEGMENT = 8192;

    @TempDir
    Path dir;

    private static String value(String key, int length) {
        StringBuilder sb = new StringBuilder(length).append(key).append('=');
        while (sb.length() < length) sb.append((char) ('a' + (sb.length() * 7 + key.length()) % 26));
        sb.setLength(length);
        return sb.toString();
    }

    private static CairnException.Code code(Throwable t) {
        assertThat(t).isInstanceOf(CairnException.class);
        return ((CairnException) t).code();
    }

    /** Writes {@code key} and, once the call returns, counts it as acknowledged. */
    private static void putAcked(Cairn db, Map<String, String> acked, String key, int length) {
        String v = value(key, length);
        db.put(key, v);
        acked.put(key, v);
    }

    /** Every acknowledged key holds its value, no other key exists, and the size agrees. */
    private static void assertExactly(Cairn db, Map<String, String> acked) {
        for (Map.Entry<String, String> e : acked.entrySet()) {
            assertThat(db.getString(e.getKey())).as("acknowledged key %s", e.getKey()).isEqualTo(e.getValue());
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Entry> s = db.stream()) {
            s.forEach(e -> keys.add(e.keyString()));
        }
        assertThat(keys).as("keys in the store").containsExactlyInAnyOrderElementsOf(acked.keySet());
        assertThat(db.size()).isEqualTo(acked.size());
    }

    private void assertRecoversExactly(CairnOptions options, Map<String, String> acked) {
        try (Cairn db = Cairn.open(dir, options)) {
            assertThat(db.recoveryInfo().corruptionDetected()).as("%s", db.recoveryInfo()).isFalse();
            assertExactly(db, acked);
            // and the recovered store takes writes
            db.put("after-reopen", "ok");
            assertThat(db.getString("after-reopen")).isEqualTo("ok");
        }
    }

    // ------------------------------------------------------------------ a full disk

    @ParameterizedTest(name = "preallocate={0}")
    @ValueSource(booleans = {true, false})
    void aFullDiskFailsTheCallCleanlyAndWritesResumeOnceThereIsRoom(boolean preallocate) {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(SEGMENT).preallocate(preallocate).build();
        Map<String, String> acked = new LinkedHashMap<>();
        List<String> neverWritten = new ArrayList<>();
        try (Cairn db = Cairn.open(dir, options, layer)) {
            for (int i = 0; i < 10; i++) {
                String k = "key" + i;
                putAcked(db, acked, k, 200);
            }
            layer.quota(3L * SEGMENT); // room for about three more segments

            CairnException full = null;
            String failedKey = null;
            for (int i = 10; i < 2000 && full == null; i++) {
                String k = "key" + i;
                long sizeBefore = db.size();
                try {
                    putAcked(db, acked, k, 200);
                } catch (CairnException e) {
                    full = e;
                    failedKey = k;
                    assertThat(db.size()).as("size after the failed put").isEqualTo(sizeBefore);
                }
            }
            assertThat(full).as("a put fails once the quota is used up").isNotNull();
            assertThat(full.code()).as("%s", full).isEqualTo(CairnException.Code.DISK_FULL);
            assertThat(full.getMessage()).contains("No space left on device");
            assertThat(layer.injectedDiskFull()).isPositive();

            // nothing of the failed call was applied; reads still work
            assertThat(db.getString(failedKey)).isNull();
            assertThat(db.contains(failedKey)).isFalse();
            assertExactly(db, acked);

            // still full: the same write, a batch and an async write fail the same way and change nothing
            String again = failedKey;
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.put(again, value(again, 200)))))
                    .isEqualTo(CairnException.Code.DISK_FULL);
            WriteBatch batch = new WriteBatch();
            for (int j = 0; j < 3; j++) {
                String k = "batch" + j;
                batch.put(k, value(k, 200));
                neverWritten.add(k);
            }
            batch.delete("key0");
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.write(batch))))
                    .isEqualTo(CairnException.Code.DISK_FULL);
            CompletableFuture<byte[]> async = db.putAsync("async".getBytes(StandardCharsets.UTF_8),
                    value("async", 400).getBytes(StandardCharsets.UTF_8));
            neverWritten.add("async");
            assertThat(async).isCompletedExceptionally();
            assertThat(code(catchThrowableOfType(Exception.class, async::join).getCause()))
                    .isEqualTo(CairnException.Code.DISK_FULL);
            for (String k : neverWritten) assertThat(db.contains(k)).as(k).isFalse();
            assertExactly(db, acked);

            // room again: the failed write goes through, and so do enough more to roll several segments
            layer.quota(Long.MAX_VALUE);
            putAcked(db, acked, failedKey, 200);
            for (int i = 0; i < 150; i++) {
                String k = "later" + i;
                putAcked(db, acked, k, 200);
            }
            assertExactly(db, acked);
        }
        assertRecoversExactly(options, acked);
    }

    // ------------------------------------------------------------------ failing writes

    @Test
    void aWriteThatFailsPartWayFailsOnlyThatCall() {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(SEGMENT).build();
        Map<String, String> acked = new LinkedHashMap<>();
        try (Cairn db = Cairn.open(dir, options, layer)) {
            for (int i = 0; i < 10; i++) {
                String k = "key" + i;
                putAcked(db, acked, k, 100);
            }
            // The device starts failing writes from this thread; the first failing write gets half its bytes out.
            layer.failWrites(FaultyFileLayer.Target.thread(Thread.currentThread()), 0, true);
            CairnException failure = null;
            String failedKey = null;
            for (int i = 0; i < 20 && failure == null; i++) {
                String k = "big" + i;
                try {
                    putAcked(db, acked, k, 3000);
                } catch (CairnException e) {
                    failure = e;
                    failedKey = k;
                }
            }
            assertThat(failure).as("a put fails while writes fail").isNotNull();
            assertThat(failure.code()).as("%s", failure).isEqualTo(CairnException.Code.IO_ERROR);
            assertThat(layer.injectedWriteFailures()).isPositive();
            assertThat(db.contains(failedKey)).isFalse();
            assertExactly(db, acked);

            // The device recovers. The next record does not fit in what is left of the segment, so the log moves on
            // to a new one; then many more writes.
            layer.clearWriteFaults();
            putAcked(db, acked, "huge", SEGMENT - 1000);
            for (int i = 0; i < 60; i++) {
                String k = "after" + i;
                putAcked(db, acked, k, 150);
            }
            assertExactly(db, acked);
        }
        assertRecoversExactly(options, acked);
    }

    @Test
    void aFailureWhilePreparingTheNextSegmentFailsOnlyTheWriteThatNeedsIt() {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(SEGMENT).build();
        Map<String, String> acked = new LinkedHashMap<>();
        try (Cairn db = Cairn.open(dir, options, layer)) {
            db.put("first", "1");
            acked.put("first", "1");
            // every write to a segment being prepared fails, on any thread (the background preallocation included)
            layer.failWrites(FaultyFileLayer.Target.fileNameEndsWith(".prealloc"), 0, false);
            CairnException failure = null;
            String failedKey = null;
            for (int i = 0; i < 200 && failure == null; i++) {
                String k = "key" + i;
                try {
                    putAcked(db, acked, k, 300);
                } catch (CairnException e) {
                    failure = e;
                    failedKey = k;
                }
            }
            assertThat(failure).as("the write that needs a new segment fails").isNotNull();
            assertThat(failure.code()).as("%s", failure).isEqualTo(CairnException.Code.IO_ERROR);
            assertThat(db.contains(failedKey)).isFalse();
            assertExactly(db, acked);

            layer.clearWriteFaults();
            for (int i = 0; i < 100; i++) {
                String k = "more" + i;
                putAcked(db, acked, k, 300);
            }
            assertExactly(db, acked);
        }
        assertRecoversExactly(options, acked);
    }

    // ------------------------------------------------------------------ a failing fsync

    /** A store with some acknowledged data, reopened on {@code layer} so its active segment is a {@code .wal} file. */
    private Cairn reopenOn(FaultyFileLayer layer, CairnOptions options, Map<String, String> acked) {
        try (Cairn db = Cairn.open(dir, options)) {
            for (int i = 0; i < 5; i++) {
                db.put("before" + i, "v" + i);
                acked.put("before" + i, "v" + i);
            }
        }
        Cairn db = Cairn.open(dir, options, layer);
        for (int i = 0; i < 10; i++) {
            db.put("key" + i, value("key" + i, 100));
            acked.put("key" + i, value("key" + i, 100));
        }
        return db;
    }

    @Test
    void aFailedFsyncFailsTheWaitingCallAndMakesTheStoreReadOnlyUntilReopened() throws Exception {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(1 << 20).fsyncPolicy(FsyncPolicy.ALWAYS).build();
        Map<String, String> acked = new LinkedHashMap<>();
        Cairn db = reopenOn(layer, options, acked);
        try {
            layer.failForce(FaultyFileLayer.Target.fileNameEndsWith(".wal"));
            CairnException failed = catchThrowableOfType(CairnException.class, () -> db.put("doomed", "x"));
            assertThat(failed).as("a put whose fsync fails").isNotNull();
            assertThat(failed.code()).as("%s", failed).isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(layer.injectedForceFailures()).isPositive();

            // The device works again, but the store cannot know what of its page cache reached the disk: it refuses
            // every write until it is reopened.
            layer.clearForceFaults();
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.put("after", "x"))))
                    .isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.delete("key1"))))
                    .isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.increment("counter", 1))))
                    .isEqualTo(CairnException.Code.READ_ONLY);
            WriteBatch batch = new WriteBatch().put("b1", "1").put("b2", "2");
            assertThat(code(catchThrowableOfType(CairnException.class, () -> db.write(batch))))
                    .isEqualTo(CairnException.Code.READ_ONLY);
            ExecutionException async = catchThrowableOfType(ExecutionException.class,
                    () -> db.putAsync("async".getBytes(StandardCharsets.UTF_8), new byte[]{1}).get(30, TimeUnit.SECONDS));
            assertThat(async).isNotNull();
            assertThat(code(async.getCause())).isEqualTo(CairnException.Code.READ_ONLY);

            // reads keep working and show nothing of the refused writes
            for (String k : List.of("after", "counter", "b1", "b2", "async")) assertThat(db.contains(k)).as(k).isFalse();
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertThat(db.getString(e.getKey())).isEqualTo(e.getValue());
            }
        } finally {
            db.close();
        }
        assertThat(db.isClosed()).isTrue();

        try (Cairn again = Cairn.open(dir, options)) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertThat(again.getString(e.getKey())).as("acknowledged key %s", e.getKey()).isEqualTo(e.getValue());
            }
            // the write whose fsync failed may or may not have reached the disk; the refused ones never did
            String doomed = again.getString("doomed");
            assertThat(doomed == null || doomed.equals("x")).as("doomed = %s", doomed).isTrue();
            for (String k : List.of("after", "counter", "b1", "b2", "async")) assertThat(again.contains(k)).as(k).isFalse();
            assertThat(again.getString("key1")).isEqualTo(acked.get("key1"));
            again.put("writable", "again");
        }
        try (Cairn again = Cairn.open(dir, options)) {
            assertThat(again.getString("writable")).isEqualTo("again");
        }
    }

    @Test
    void aFailedFsyncFailsAnAsyncWriteWaitingForIt() throws Exception {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(1 << 20).fsyncPolicy(FsyncPolicy.ALWAYS).build();
        Map<String, String> acked = new LinkedHashMap<>();
        Cairn db = reopenOn(layer, options, acked);
        try {
            layer.failForce(FaultyFileLayer.Target.fileNameEndsWith(".wal"));
            CompletableFuture<byte[]> f = db.putAsync("doomed".getBytes(StandardCharsets.UTF_8), new byte[]{7});
            ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            assertThat(e).as("the future of an async write whose fsync failed").isNotNull();
            assertThat(code(e.getCause())).isEqualTo(CairnException.Code.READ_ONLY);
            layer.clearForceFaults();
            assertThatThrownBy(() -> db.put("after", "x"))
                    .isInstanceOfSatisfying(CairnException.class,
                            x -> assertThat(x.code()).isEqualTo(CairnException.Code.READ_ONLY));
            assertThat(db.getString("key3")).isEqualTo(acked.get("key3"));
        } finally {
            db.close();
        }
        try (Cairn again = Cairn.open(dir, options)) {
            for (Map.Entry<String, String> x : acked.entrySet()) {
                assertThat(again.getString(x.getKey())).isEqualTo(x.getValue());
            }
            assertThat(again.contains("after")).isFalse();
        }
    }

    @Test
    void aFailedFsyncWhenTheLogMovesToANewSegmentFailsThatCallAsReadOnly() {
        // Under NEVER the only fsync is the one that seals a full segment before the next one starts.
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(SEGMENT).fsyncPolicy(FsyncPolicy.NEVER).build();
        Map<String, String> acked = new LinkedHashMap<>();
        try (Cairn db = Cairn.open(dir, options, layer)) {
            // only this thread's fsyncs: the background preparation of segments is left alone
            layer.failForce(FaultyFileLayer.Target.thread(Thread.currentThread()));
            CairnException failed = null;
            for (int i = 0; i < 1000 && failed == null; i++) {
                String key = "k" + i;
                String value = value(key, 100);
                try {
                    db.put(key, value);
                    acked.put(key, value);
                } catch (CairnException e) {
                    failed = e;
                }
            }
            assertThat(failed).as("a write that needed a new segment").isNotNull();
            assertThat(failed.code()).isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(failed.getMessage()).contains("fsync");
            layer.clearForceFaults();
            assertThatThrownBy(() -> db.put("later", "x"))
                    .isInstanceOfSatisfying(CairnException.class,
                            x -> assertThat(x.code()).isEqualTo(CairnException.Code.READ_ONLY));
            assertExactly(db, acked); // reads still work, and the failed write was not applied
        }
        assertRecoversExactly(options, acked);
    }

    @Test
    void theFaultyLayerItselfPassesDataThrough() throws Exception {
        // guards the harness: with no fault armed, the layer must behave exactly like the real file system
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions options = CairnOptions.builder().segmentSize(SEGMENT).build();
        Map<String, String> acked = new LinkedHashMap<>();
        try (Cairn db = Cairn.open(dir, options, layer)) {
            for (int i = 0; i < 100; i++) {
                db.put("k" + i, value("k" + i, 250));
                acked.put("k" + i, value("k" + i, 250));
            }
        }
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".wal")).count()).as("segments").isGreaterThan(2);
        }
        assertThat(layer.injectedDiskFull() + layer.injectedForceFailures() + layer.injectedWriteFailures()).isZero();
        assertRecoversExactly(options, acked);
    }
}
