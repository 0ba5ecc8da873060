package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.cairn.KeyspaceTest.b;
import static io.cairn.KeyspaceTest.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exclusive groups ({@link Cairn#exclusively}, {@link Writer#exclusive}): writes through every API applied at once and
 * seen by the body, seen by no other thread until the end, logged as one record, and what happens when the body
 * throws or the record cannot be appended. The kill -9 side is {@link ExclusiveGroupCrashTest}.
 */
class ExclusiveGroupTest {
    @TempDir
    Path dir;

    static CairnOptions options() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024)
                .expiryInterval(Duration.ofHours(1)).build();
    }

    @Test
    void exclusively_everyApiWritesAndReadsItsOwnWrites_andIsOneRecord() {
        long before;
        try (Cairn db = Cairn.open(dir, options())) {
            Keyspace a = db.defaultKeyspace();
            Keyspace ordered = db.createKeyspace("ordered", IndexKind.ORDERED);
            Keyspace other = db.createKeyspace("other", IndexKind.HASH);
            a.put("old", "x");
            other.put("o", "1");
            before = db.stats().lastSequence();
            Writer w = db.writer();
            String r = db.exclusively(() -> {
                a.put("k1", "1");
                assertThat(a.getString("k1")).isEqualTo("1");
                w.put(a, b("k2"), b("2"));
                assertThat(db.defaultKeyspace().getAll(List.of(b("k1"), b("k2")))).containsExactly(b("1"), b("2"));
                db.write(new WriteBatch().put("k3", "3").delete("old"));
                assertThat(a.contains("old")).isFalse();
                long n = db.atomically(tx -> {
                    tx.put(ordered, b("z"), tx.get(a, b("k3")), 0);
                    return 1L;
                });
                assertThat(n).isEqualTo(1L);
                ordered.put("y", "2");
                List<String> scanned = new ArrayList<>();
                try (CloseableIterator<Entry> it = ordered.iterator()) {
                    it.forEachRemaining(e -> scanned.add(new String(e.key())));
                }
                assertThat(scanned).containsExactly("y", "z");
                assertThat(a.increment("n", 5)).isEqualTo(5);
                db.swapKeyspaces(other, db.createKeyspace("fresh", IndexKind.HASH));
                assertThat(other.size()).isZero();
                return "done";
            });
            assertThat(r).isEqualTo("done");
            assertThat(db.stats().lastSequence()).as("one record for the whole group").isEqualTo(before + 1);
            assertThat(entries(a)).containsExactlyInAnyOrder("k1=1", "k2=2", "k3=3", "n=5");
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(db.recoveryInfo().lastSequence()).isEqualTo(before + 1);
            assertThat(entries(db.defaultKeyspace())).containsExactlyInAnyOrder("k1=1", "k2=2", "k3=3", "n=5");
            assertThat(entries(db.keyspace("ordered"))).containsExactly("y=2", "z=3");
            assertThat(db.keyspace("other").size()).isZero();
            assertThat(entries(db.keyspace("fresh"))).containsExactly("o=1");
        }
    }

    @Test
    void exclusive_onAWriter_returnsBeforeDurability_andNamesTheRecord() {
        try (Cairn db = Cairn.open(dir, options())) {
            Writer w = db.writer();
            long before = db.stats().lastSequence();
            assertThat(w.exclusive(() -> 0)).isZero();
            assertThat(w.lastSequence()).as("nothing written, nothing to wait for").isZero();
            assertThat(db.stats().lastSequence()).isEqualTo(before);
            w.exclusive(() -> {
                db.put("a", "1");
                db.put("b", "2");
                return null;
            });
            assertThat(w.lastSequence()).isEqualTo(before + 1).isEqualTo(db.stats().lastSequence());
        }
    }

    @Test
    void applySeq_isTheSequenceOfTheRecordTheMutationBelongsTo() {
        try (Cairn db = Cairn.open(dir, options())) {
            Engine e = db.defaultKeyspace().engine();
            db.put("a", "1");
            assertThat(e.applySeq).isEqualTo(db.stats().lastSequence());
            long next = db.stats().lastSequence() + 1;
            List<Long> seen = new ArrayList<>();
            db.exclusively(() -> {
                db.put("b", "1");
                seen.add(e.applySeq);
                db.put("c", "1");
                seen.add(e.applySeq);
                return null;
            });
            assertThat(seen).containsExactly(next, next);
            assertThat(db.stats().lastSequence()).isEqualTo(next);
        }
    }

    @Test
    void applySeq_predictionHolds_withATimedLog() {
        CairnOptions timed = CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).logRetention(Duration.ofHours(1))
                .expiryInterval(Duration.ofHours(1)).build();
        try (Cairn db = Cairn.open(dir, timed)) {
            Engine e = db.defaultKeyspace().engine();
            for (int i = 0; i < 20; i++) {
                long[] predicted = {0};
                Writer w = db.writer();
                w.exclusive(() -> {
                    db.put("k", "v");
                    predicted[0] = e.applySeq;
                    return null;
                });
                assertThat(w.lastSequence()).isEqualTo(predicted[0]);
            }
        }
    }

    @Test
    void exclusively_isInvisibleToOtherThreadsUntilItEnds() throws Exception {
        try (Cairn db = Cairn.open(dir, options())) {
            db.put("a", "0");
            db.put("b", "0");
            CountDownLatch inside = new CountDownLatch(1);
            AtomicReference<List<byte[]>> seen = new AtomicReference<>();
            AtomicReference<Thread> reader = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    inside.await();
                } catch (InterruptedException ex) {
                    return;
                }
                seen.set(db.defaultKeyspace().getAll(List.of(b("a"), b("b"))));
            }, "reader");
            reader.set(t);
            t.start();
            db.exclusively(() -> {
                db.put("a", "1");
                inside.countDown();
                // the reader must come to wait for the group before the group goes on
                awaitState(t, Thread.State.WAITING);
                assertThat(seen.get()).as("nothing was read during the group").isNull();
                db.put("b", "1");
                return null;
            });
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(seen.get()).containsExactly(b("1"), b("1"));
            // and a single-key read waits too
            CountDownLatch inside2 = new CountDownLatch(1);
            AtomicReference<String> one = new AtomicReference<>();
            Thread t2 = new Thread(() -> {
                try {
                    inside2.await();
                } catch (InterruptedException ex) {
                    return;
                }
                one.set(db.getString("a"));
            }, "reader-2");
            t2.start();
            db.exclusively(() -> {
                db.put("a", "2");
                inside2.countDown();
                awaitState(t2, Thread.State.WAITING);
                assertThat(one.get()).isNull();
                db.put("a", "3");
                return null;
            });
            t2.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(one.get()).isEqualTo("3");
        }
    }

    @Test
    void exclusively_concurrentReadersNeverSeeHalfAGroup() throws Exception {
        int keys = 100;
        List<byte[]> names = new ArrayList<>();
        for (int i = 0; i < keys; i++) names.add(b("k" + i));
        try (Cairn db = Cairn.open(dir, options())) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> problem = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            long[] reads = new long[2];
            for (int r = 0; r < 2; r++) {
                int id = r;
                Thread t = new Thread(() -> {
                    while (!stop.get() && problem.get() == null) {
                        List<byte[]> vs = db.defaultKeyspace().getAll(names);
                        String first = vs.get(0) == null ? null : new String(vs.get(0));
                        for (byte[] v : vs) {
                            String s = v == null ? null : new String(v);
                            if (!java.util.Objects.equals(s, first)) problem.set("saw " + first + " and " + s);
                        }
                        // a single key read during a group waits for it; it must never be ahead of a later getAll
                        reads[id]++;
                    }
                }, "reader-" + r);
                readers.add(t);
                t.start();
            }
            for (int round = 1; round <= 300 && problem.get() == null; round++) {
                String v = "v" + round;
                db.exclusively(() -> {
                    for (byte[] k : names) db.defaultKeyspace().put(k, b(v));
                    return null;
                });
            }
            stop.set(true);
            for (Thread t : readers) t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(problem.get()).isNull();
            assertThat(reads[0] + reads[1]).isPositive();
        }
    }

    @Test
    void exclusively_whenTheBodyThrows_whatItWroteIsKeptAndLogged_andTheExceptionComesOut() {
        long before;
        try (Cairn db = Cairn.open(dir, options())) {
            before = db.stats().lastSequence();
            assertThatThrownBy(() -> db.exclusively(() -> {
                db.put("a", "1");
                db.put("b", "2");
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(db.getString("a")).isEqualTo("1");
            assertThat(db.stats().lastSequence()).isEqualTo(before + 1);
            // the store is usable afterwards, by this thread and others
            db.put("c", "3");
            Writer w = db.writer();
            assertThatThrownBy(() -> w.exclusive(() -> {
                db.put("d", "4");
                throw new IllegalArgumentException("again");
            })).isInstanceOf(IllegalArgumentException.class);
            assertThat(w.lastSequence()).as("the writer names the record it must wait for").isEqualTo(before + 3);
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.defaultKeyspace())).containsExactlyInAnyOrder("a=1", "b=2", "c=3", "d=4");
        }
    }

    @Test
    void exclusively_doesNotNest_andRefusesCheckpoints_butLeavesTheStoreUsable() {
        try (Cairn db = Cairn.open(dir, options())) {
            assertThatThrownBy(() -> db.exclusively(() -> {
                db.put("a", "1");
                return db.exclusively(() -> null);
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("do not nest");
            assertThat(db.getString("a")).isEqualTo("1");
            CairnException e = (CairnException) org.assertj.core.api.Assertions.catchThrowable(() -> db.exclusively(() -> {
                db.put("b", "1");
                return db.checkpoint();
            }));
            assertThat(e.code()).isEqualTo(CairnException.Code.INVALID_ARGUMENT);
            assertThat(e).hasMessageContaining("inside an exclusive group");
            db.put("c", "1");
            db.checkpoint();
            assertThat(db.getString("b")).isEqualTo("1");
        }
        try (Cairn db = Cairn.open(dir, options())) {
            assertThat(entries(db.defaultKeyspace())).containsExactlyInAnyOrder("a=1", "b=1", "c=1");
        }
    }

    @Test
    void exclusively_whoseRecordCannotBeAppended_turnsTheStoreReadOnly_andRecoveryHasNoneOfIt() {
        FaultyFileLayer layer = new FaultyFileLayer();
        CairnOptions opts = CairnOptions.builder().segmentSize(64 * 1024).expiryInterval(Duration.ofHours(1)).build();
        try (Cairn db = Cairn.open(dir, opts, layer)) {
            db.put("before", "1");
            CairnException e = (CairnException) org.assertj.core.api.Assertions.catchThrowable(() -> db.exclusively(() -> {
                db.put("a", "1");
                db.put("b", "1");
                layer.failWrites(FaultyFileLayer.Target.thread(Thread.currentThread()), 0, false);
                return null;
            }));
            layer.clearWriteFaults();
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(e).hasMessageContaining("exclusive group").hasMessageContaining("reopened");
            CairnException later = (CairnException) org.assertj.core.api.Assertions.catchThrowable(() -> db.put("c", "1"));
            assertThat(later.code()).isEqualTo(CairnException.Code.READ_ONLY);
            assertThat(later).hasMessageContaining("exclusive group");
            // memory is ahead of the log until the reopen; reads go on
            assertThat(db.getString("a")).isEqualTo("1");
        }
        try (Cairn db = Cairn.open(dir, opts)) {
            assertThat(entries(db.defaultKeyspace())).containsExactly("before=1");
            db.put("c", "1");
        }
    }

    /** Waits (on the thread's state, not the clock) until {@code t} parks: here, on the group's lock. */
    static void awaitState(Thread t, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) throw new AssertionError(t.getName() + " never reached " + state);
            Thread.onSpinWait();
        }
    }
}
