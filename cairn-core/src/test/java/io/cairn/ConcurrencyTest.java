package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads at once: no lost updates, CAS loops, batches never seen half applied (by getAll or by an ordered scan
 * that fits one page), read-your-writes on each thread's own keys; the final state survives reopen. Run with fsync
 * ALWAYS (writers share fsyncs: group commit under contention) and NEVER.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int COUNTERS = 4;
    static final int ORDERED_BATCH_KEYS = 100; // one ordered scan page (<= 256) covers them all
    static final int HASH_BATCH_KEYS = 50;
    static final int OWN_KEYS = 40;

    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static CairnOptions options(FsyncPolicy policy) {
        return CairnOptions.builder().fsyncPolicy(policy).segmentSize(64 * 1024).build();
    }

    static List<byte[]> orderedBatchKeys() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < ORDERED_BATCH_KEYS; i++) out.add(b(String.format("b%03d", i)));
        return out;
    }

    static List<byte[]> hashBatchKeys() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < HASH_BATCH_KEYS; i++) out.add(b("hb-" + i));
        return out;
    }

    /** Waits for a future, with a generous guard so a deadlock fails the test instead of hanging the build. */
    static <T> T await(Future<T> f) throws Exception {
        return f.get(5, TimeUnit.MINUTES);
    }

    /** One worker's own record of what it did. */
    static final class Worker {
        final int id;
        final long[] increments = new long[COUNTERS];
        long casIncrements;
        final Map<String, String> own = new HashMap<>(); // key -> value last written by this thread, null = deleted
        long lastBatch = -1;
        long batches;

        Worker(int id) {
            this.id = id;
        }
    }

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"always", "never"})
    void mixedWorkloadLosesNothingAndNeverShowsHalfABatch(String fsync) throws Exception {
        FsyncPolicy policy = FsyncPolicy.parse(fsync);
        int iterations = policy == FsyncPolicy.ALWAYS ? 250 : 1500;
        List<byte[]> orderedKeys = orderedBatchKeys();
        List<byte[]> hashKeys = hashBatchKeys();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<Worker> workers = new ArrayList<>();
        long startSeq;

        try (Cairn db = Cairn.open(dir, options(policy))) {
            Keyspace bo = db.createKeyspace("batch-ordered", IndexKind.ORDERED);
            Keyspace bh = db.createKeyspace("batch-hash", IndexKind.HASH);
            // neighbours outside the scanned range, written concurrently
            bo.put(b("a"), b("x"));
            bo.put(b("c"), b("x"));
            db.write(batchOf(bo, orderedKeys, bh, hashKeys, 0));
            db.put("cas", "0");
            startSeq = db.stats().lastSequence();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Worker w = new Worker(t);
                workers.add(w);
                futures.add(pool.submit(() -> {
                    start.await();
                    run(db, bo, bh, orderedKeys, hashKeys, w, iterations, violations);
                    return null;
                }));
            }
            for (Future<?> f : futures) await(f);
            pool.shutdown();

            assertThat(violations).as("reads that saw half a batch or lost a write").isEmpty();
            checkFinalState(db, workers, orderedKeys, hashKeys);
            Stats st = db.stats();
            long writes = st.lastSequence() - startSeq;
            assertThat(writes).isPositive();
            if (policy == FsyncPolicy.ALWAYS) {
                assertThat(st.fsyncs()).isPositive();
                assertThat(st.fsyncs()).as("every fsync covers at least one new record").isLessThanOrEqualTo(st.writes());
                System.out.println("ConcurrencyTest: " + writes + " writes from " + THREADS + " threads shared " + st.fsyncs() + " fsyncs");
            } else {
                assertThat(st.fsyncs()).as("under NEVER only sealing a full segment forces the log").isLessThan(st.walSegments());
            }
        }
        try (Cairn db = Cairn.open(dir, options(policy))) {
            assertThat(db.recoveryInfo().corruptionDetected()).isFalse();
            checkFinalState(db, workers, orderedKeys, hashKeys);
            assertThat(db.keyspace("batch-ordered").get(b("a"))).isEqualTo(b("x"));
        }
    }

    static WriteBatch batchOf(Keyspace bo, List<byte[]> orderedKeys, Keyspace bh, List<byte[]> hashKeys, long id) {
        WriteBatch batch = new WriteBatch();
        byte[] v = b(Long.toString(id));
        for (byte[] k : orderedKeys) batch.put(bo, k, v);
        for (byte[] k : hashKeys) batch.put(bh, k, v);
        return batch;
    }

    static void run(Cairn db, Keyspace bo, Keyspace bh, List<byte[]> orderedKeys, List<byte[]> hashKeys, Worker w,
                    int iterations, ConcurrentLinkedQueue<String> violations) {
        Random r = new Random(1000L + w.id);
        Keyspace ks = db.defaultKeyspace();
        for (int i = 0; i < iterations; i++) {
            int op = r.nextInt(100);
            if (op < 25) {
                int c = r.nextInt(COUNTERS);
                if (r.nextInt(5) == 0) ks.incrementAsync(b("ctr-" + c), 1).join();
                else db.increment("ctr-" + c, 1);
                w.increments[c]++;
            } else if (op < 35) {
                while (true) {
                    String cur = db.getString("cas");
                    String next = Long.toString(Long.parseLong(cur) + 1);
                    if (db.compareAndSet("cas", cur, next)) break;
                }
                w.casIncrements++;
            } else if (op < 45) {
                long id = (w.id + 1) * 1_000_000L + (++w.batches);
                WriteBatch batch = batchOf(bo, orderedKeys, bh, hashKeys, id);
                if (r.nextBoolean()) db.write(batch);
                else db.writeAsync(batch).join();
                w.lastBatch = id;
            } else if (op < 65) {
                int which = r.nextInt(3);
                List<String> values = new ArrayList<>();
                if (which == 0) {
                    bh.getAll(hashKeys).forEach(v -> values.add(s(v)));
                    if (values.contains(null)) violations.add("getAll(hash) missed a batch key");
                } else if (which == 1) {
                    bo.getAll(orderedKeys).forEach(v -> values.add(s(v)));
                    if (values.contains(null)) violations.add("getAll(ordered) missed a batch key");
                } else {
                    Scan scan = bo.scan().from(b("b")).to(b("c"));
                    if (r.nextBoolean()) scan.reverse();
                    try (CloseableIterator<Entry> it = scan.iterator()) {
                        it.forEachRemaining(e -> values.add(e.valueString()));
                    }
                    if (values.size() != ORDERED_BATCH_KEYS) violations.add("scan saw " + values.size() + " keys");
                }
                Set<String> distinct = new HashSet<>(values);
                if (distinct.size() != 1) violations.add("half a batch: " + distinct);
            } else if (op < 85) {
                String k = "t" + w.id + "-" + r.nextInt(OWN_KEYS);
                if (r.nextBoolean()) {
                    String v = "v" + r.nextInt(1_000_000);
                    if (r.nextInt(4) == 0) ks.putAsync(b(k), b(v)).join();
                    else db.put(k, v);
                    w.own.put(k, v);
                } else {
                    String got = db.getString(k);
                    String expected = w.own.get(k);
                    if (!java.util.Objects.equals(got, expected)) {
                        violations.add("thread " + w.id + " read " + k + "=" + got + " after writing " + expected);
                    }
                }
            } else if (op < 92) {
                String k = "t" + w.id + "-" + r.nextInt(OWN_KEYS);
                String prev = db.delete(k);
                if (!java.util.Objects.equals(prev, w.own.get(k))) {
                    violations.add("thread " + w.id + " deleted " + k + "=" + prev + " but had written " + w.own.get(k));
                }
                w.own.put(k, null);
            } else {
                // read another thread's keys and the counters: any value is fine, but it must read cleanly
                db.get("t" + r.nextInt(THREADS) + "-" + r.nextInt(OWN_KEYS));
                String c = db.getString("ctr-" + r.nextInt(COUNTERS));
                if (c != null) Values.toLong(b(c));
                if (r.nextInt(10) == 0) {
                    try (CloseableIterator<Entry> it = ks.iterator()) {
                        while (it.hasNext()) it.next();
                    }
                }
            }
        }
    }

    static void checkFinalState(Cairn db, List<Worker> workers, List<byte[]> orderedKeys, List<byte[]> hashKeys) {
        for (int c = 0; c < COUNTERS; c++) {
            long expected = 0;
            for (Worker w : workers) expected += w.increments[c];
            long got = db.getLong("ctr-" + c).orElse(0);
            assertThat(got).as("counter " + c + ": no lost increment").isEqualTo(expected);
        }
        long cas = workers.stream().mapToLong(w -> w.casIncrements).sum();
        assertThat(db.getLong("cas")).as("CAS-loop increments").hasValue(cas);

        for (Worker w : workers) {
            for (Map.Entry<String, String> e : w.own.entrySet()) {
                assertThat(db.getString(e.getKey())).as("last write of thread " + w.id + " to " + e.getKey()).isEqualTo(e.getValue());
            }
        }

        Set<String> values = new HashSet<>();
        db.keyspace("batch-hash").getAll(hashKeys).forEach(v -> values.add(s(v)));
        db.keyspace("batch-ordered").getAll(orderedKeys).forEach(v -> values.add(s(v)));
        assertThat(values).as("every batch key holds the same batch id").hasSize(1);
        Set<String> lastIds = new HashSet<>();
        for (Worker w : workers) if (w.lastBatch >= 0) lastIds.add(Long.toString(w.lastBatch));
        if (lastIds.isEmpty()) lastIds.add("0");
        assertThat(lastIds).as("the surviving batch is one thread's last").containsAll(values);
        assertThat(db.keyspace("batch-ordered").size()).isEqualTo(ORDERED_BATCH_KEYS + 2);
        assertThat(db.keyspace("batch-hash").size()).isEqualTo(HASH_BATCH_KEYS);
    }

    @Test
    void manyAsyncWritesFromSeveralThreadsAllCompleteAndSurviveReopen() throws Exception {
        int threads = 4;
        int perThread = 400;
        List<CompletableFuture<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Long> incrementResults = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicLong deletes = new AtomicLong();
        try (Cairn db = Cairn.open(dir, options(FsyncPolicy.ALWAYS))) {
            Keyspace ks = db.defaultKeyspace();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        byte[] k = b("async-" + id + "-" + i);
                        all.add(ks.putAsync(k, b("first")).thenAccept(prev -> {
                            if (prev != null) wrong.add("fresh key " + s(k) + " had " + s(prev));
                        }));
                        all.add(ks.putAsync(k, b("v" + i)).thenAccept(prev -> {
                            if (!Arrays.equals(prev, b("first"))) wrong.add(s(k) + " previous " + s(prev));
                        }));
                        all.add(ks.incrementAsync(b("async-counter"), 1).thenAccept(incrementResults::add));
                        if (i % 10 == 0) {
                            byte[] gone = b("async-" + id + "-gone-" + i);
                            ks.putAsync(gone, b("x"));
                            all.add(ks.deleteAsync(gone).thenAccept(prev -> {
                                if (!Arrays.equals(prev, b("x"))) wrong.add(s(gone) + " deleted " + s(prev));
                                deletes.incrementAndGet();
                            }));
                        }
                        if (i % 50 == 0) {
                            all.add(db.writeAsync(new WriteBatch().put(b("async-batch-" + id + "-" + i), b("b"))));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) await(f);
            pool.shutdown();
            await(CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])));
            assertThat(wrong).isEmpty();
            assertThat(all).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            long total = (long) threads * perThread;
            assertThat(new TreeSet<>(incrementResults)).as("every increment got its own result")
                    .hasSize((int) total).first().isEqualTo(1L);
            assertThat(new TreeSet<>(incrementResults).last()).isEqualTo(total);
            assertThat(deletes.get()).isEqualTo(threads * (perThread / 10));
            assertThat(db.stats().fsyncs()).isPositive();
        }
        try (Cairn db = Cairn.open(dir, options(FsyncPolicy.ALWAYS))) {
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertThat(db.getString("async-" + t + "-" + i)).isEqualTo("v" + i);
                    if (i % 10 == 0) assertThat(db.get("async-" + t + "-gone-" + i)).isNull();
                    if (i % 50 == 0) assertThat(db.getString("async-batch-" + t + "-" + i)).isEqualTo("b");
                }
            }
            assertThat(db.getLong("async-counter")).hasValue((long) threads * perThread);
            assertThat(db.size()).isEqualTo((long) threads * perThread + 1 + threads * (perThread / 50));
        }
    }
}
