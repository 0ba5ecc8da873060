package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link CairnOptions.Builder#gatherWrites}: records gathered in memory and written once per fsync. Acknowledged writes
 * survive reopening, through segment rolls and records too large to gather; a failed gathered write makes the store
 * read-only and fails the writes waiting on it.
 */
class GatherWritesTest {
    @TempDir
    Path dir;

    CairnOptions options() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.ALWAYS).gatherWrites(true).segmentSize(256 * 1024).build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void concurrentWriters_rolls_andLargeRecords_allRecover() throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        try (Cairn db = Cairn.open(dir, options())) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String k = "t" + id + "-" + i;
                        String v = "v".repeat(10 + (i % 200));
                        db.put(k, v);
                        acked.put(k, v);
                    }
                });
                threads.add(th);
                th.start();
            }
            // async writes ride along with the synchronous ones' fsyncs
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) futures.add(db.putAsync(b("async" + i), b("a" + i)));
            // larger than the gather limit (1 MiB) and than a segment: written directly, after what was gathered
            byte[] big = new byte[(1 << 20) + 123];
            big[big.length - 1] = 7;
            db.put(b("big"), big);
            for (Thread th : threads) th.join();
            for (CompletableFuture<byte[]> f : futures) f.get(30, TimeUnit.SECONDS);
            assertThat(db.stats().fsyncs()).isLessThan(db.stats().writes()); // groups formed
            assertThat(db.stats().walSegments()).isGreaterThan(2);
        }
        try (Cairn db = Cairn.open(dir, options())) {
            for (Map.Entry<String, String> e : acked.entrySet()) assertThat(db.getString(e.getKey())).isEqualTo(e.getValue());
            for (int i = 0; i < 500; i++) assertThat(db.getString("async" + i)).isEqualTo("a" + i);
            assertThat(db.get(b("big"))).hasSize((1 << 20) + 123).endsWith(7);
        }
        // and through a store that does not gather: the files are the same format
        try (Cairn db = Cairn.open(dir, options().toBuilder().gatherWrites(false).build())) {
            assertThat(db.size()).isEqualTo(acked.size() + 500 + 1);
        }
    }

    @Test
    void aFailedGatheredWriteMakesTheStoreReadOnly_andAcknowledgedWritesSurvive() {
        FaultyFileLayer layer = new FaultyFileLayer();
        Map<String, String> acked = new ConcurrentHashMap<>();
        Cairn db = Cairn.open(dir, options(), layer);
        try {
            for (int i = 0; i < 50; i++) {
                db.put("k" + i, "v" + i);
                acked.put("k" + i, "v" + i);
            }
            // the active segment was opened under its .wal.prealloc name, then renamed
            layer.failWrites((file, thread) -> file.getFileName().toString().contains(".wal"), 0, true);
            CairnException failed = catchThrowableOfType(CairnException.class, () -> db.put("doomed", "x"));
            assertThat(failed).isNotNull();
            assertThat(failed.code()).as("%s", failed).isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(failed.getMessage()).contains("failed");
            layer.clearWriteFaults();
            CairnException after = catchThrowableOfType(CairnException.class, () -> db.put("after", "y"));
            assertThat(after.code()).isEqualTo(CairnException.Code.READ_ONLY);
            for (Map.Entry<String, String> e : acked.entrySet()) assertThat(db.getString(e.getKey())).isEqualTo(e.getValue());
        } finally {
            db.close();
        }
        try (Cairn again = Cairn.open(dir, options())) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertThat(again.getString(e.getKey())).as("acknowledged %s", e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(again.contains("after")).isFalse();
            again.put("writable", "again");
        }
    }
}
