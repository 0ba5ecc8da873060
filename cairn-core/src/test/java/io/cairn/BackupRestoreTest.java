package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Online backups, restores to a sequence or an instant, and persisting and loading one keyspace. */
class BackupRestoreTest {
    private static final long SEED = Long.getLong("cairn.restore.seed", System.nanoTime());

    @TempDir
    Path dir;

    static CairnOptions.Builder options() {
        return SnapshotTest.small();
    }

    /**
     * A writer puts key i = "v" + i for i = 0, 1, 2, ... while a backup is taken: the backup must hold exactly keys
     * 0..m for some m, with their values, and m must reach at least every key written before the backup began.
     */
    @Test
    void aBackupTakenDuringWritesOpensAndHoldsAPrefixOfThem() throws Exception {
        Path backup = dir.resolve("backup");
        AtomicLong written = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long before;
        long backupSeq;
        try (Cairn db = Cairn.open(dir.resolve("store"), options().build())) {
            for (int i = 0; i < 3000; i++) db.put("k" + written.getAndIncrement(), "v".repeat(30));
            db.checkpoint(); // the backup's own checkpoint then shares most of it
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    long i = written.get();
                    db.put("k" + i, "v".repeat(30));
                    written.incrementAndGet();
                }
            });
            writer.start();
            ExpiryTest.awaitTrue("the writer under way", () -> written.get() >= 3500);
            long started = written.get();
            before = started;
            backupSeq = db.backup(backup);
            ExpiryTest.awaitTrue("writes after the backup", () -> written.get() >= started + 500);
            stop.set(true);
            writer.join();
            assertThat(catchThrowableOfType(() -> db.backup(backup), CairnException.class).code())
                    .as("a backup never goes into a directory that holds something").isEqualTo(CairnException.Code.INVALID_ARGUMENT);
        }
        try (Cairn copy = Cairn.open(backup, options().build())) {
            long n = copy.size();
            assertThat(n).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(written.get());
            for (long i = 0; i < n; i++) assertThat(copy.getString("k" + i)).as("k" + i).isEqualTo("v".repeat(30));
            assertThat(copy.contains("k" + n)).isFalse();
            assertThat(copy.recoveryInfo().lastSequence()).isEqualTo(backupSeq);
            assertThat(copy.recoveryInfo().corruptionDetected()).isFalse();
            copy.put("the copy", "is a store of its own");
        }
        try (Cairn original = Cairn.open(dir.resolve("store"), options().build())) {
            assertThat(original.size()).isEqualTo(written.get());
            assertThat(original.contains("the copy")).isFalse();
        }
    }

    /**
     * Random writes under a clock the test moves, with checkpoints now and then and a retention window: restoring to
     * random instants (and to sequences) gives exactly the model's state at that instant.
     */
    @Test
    void pointInTimeRestoreToRandomInstantsMatchesTheModelsHistory() {
        Random rnd = new Random(SEED);
        long start = System.currentTimeMillis();
        ExpiryTest.TestClock clock = new ExpiryTest.TestClock(start);
        Path store = dir.resolve("store");
        List<Long> times = new ArrayList<>();
        List<Map<String, String>> history = new ArrayList<>();
        Map<String, String> model = new TreeMap<>();
        try (Cairn db = Cairn.open(store, options().clock(clock).logRetention(Duration.ofDays(1)).build())) {
            Keyspace ks = db.defaultKeyspace();
            for (int op = 0; op < 1500; op++) {
                clock.advance(1 + rnd.nextInt(5));
                String k = "k" + rnd.nextInt(60);
                int kind = rnd.nextInt(10);
                if (kind < 6) {
                    String v = "v" + op;
                    ks.put(k, v);
                    model.put(k, v);
                } else if (kind < 8) {
                    ks.delete(k);
                    model.remove(k);
                } else if (kind < 9) {
                    WriteBatch b = new WriteBatch().put(k, "b" + op).delete("k" + rnd.nextInt(60));
                    db.write(b);
                    model.put(k, "b" + op);
                    // the delete comes after the put in the batch
                    b.ops.stream().filter(o -> o.kind() == WriteBatch.Op.DELETE).forEach(o ->
                            model.remove(new String(o.key(), StandardCharsets.UTF_8)));
                } else {
                    db.checkpoint();
                    continue;
                }
                times.add(clock.millis());
                history.add(new TreeMap<>(model));
            }
            assertThat(db.snapshots().size()).as("a retention window keeps every snapshot inside it").isGreaterThan(10);
        }
        for (int round = 0; round < 12; round++) {
            int i = rnd.nextInt(times.size());
            long at = times.get(i) + (rnd.nextBoolean() ? 0 : rnd.nextInt(2)); // exactly at a write, or just after
            int expected = i;
            while (expected + 1 < times.size() && times.get(expected + 1) <= at) expected++;
            Path target = dir.resolve("restored-" + round);
            Cairn.restore(store, target, RestorePoint.time(Instant.ofEpochMilli(at)));
            try (Cairn r = Cairn.open(target, options().build())) {
                assertThat(contents(r)).as("seed %d: restored to %d (op %d)", SEED, at - start, expected)
                        .isEqualTo(history.get(expected));
            }
        }
        // before the first write: empty
        Cairn.restore(store, dir.resolve("restored-start"), RestorePoint.time(Instant.ofEpochMilli(start)));
        try (Cairn r = Cairn.open(dir.resolve("restored-start"), options().build())) {
            assertThat(r.size()).isZero();
        }
        // latest: everything
        Cairn.restore(store, dir.resolve("restored-latest"), RestorePoint.latest());
        try (Cairn r = Cairn.open(dir.resolve("restored-latest"), options().build())) {
            assertThat(contents(r)).isEqualTo(model);
            r.put("after", "restore"); // a restored store is a store: it writes after its snapshot's sequence
        }
        try (Cairn r = Cairn.open(dir.resolve("restored-latest"), options().build())) {
            assertThat(r.getString("after")).isEqualTo("restore");
        }
    }

    /** A window longer than the store's life keeps the whole log: instants before the first snapshot stay reachable. */
    @Test
    void aRetentionWindowKeepsTheLogFromBeforeTheFirstSnapshot() {
        ExpiryTest.TestClock clock = new ExpiryTest.TestClock(System.currentTimeMillis());
        Path store = dir.resolve("store");
        long early;
        try (Cairn db = Cairn.open(store, options().clock(clock).logRetention(Duration.ofHours(1)).build())) {
            for (int i = 0; i < 2000; i++) db.put("k" + i, "first".repeat(20)); // several 64 KiB segments
            clock.advance(10);
            early = clock.millis();
            clock.advance(10);
            for (int i = 0; i < 2000; i++) db.put("k" + i, "second".repeat(20));
            db.checkpoint();
            db.put("k0", "third");
            db.checkpoint();
            db.put("k0", "fourth");
            db.checkpoint(); // three snapshots: more than snapshotsToKeep, all inside the window
            assertThat(db.snapshots()).hasSize(3);
        }
        assertThat(store.resolve("wal").resolve("00000000000000000001.wal")).exists();
        Cairn.restore(store, dir.resolve("early"), RestorePoint.time(Instant.ofEpochMilli(early)));
        try (Cairn r = Cairn.open(dir.resolve("early"), options().build())) {
            assertThat(r.getString("k1999")).isEqualTo("first".repeat(20));
            assertThat(r.getString("k0")).isEqualTo("first".repeat(20));
        }
    }

    @Test
    void restoreToASequenceAndTheErrorsOfRestore() {
        Path store = dir.resolve("store");
        long mid;
        try (Cairn db = Cairn.open(store, options().build())) {
            db.put("a", "1");
            db.put("b", "2");
            mid = db.stats().lastSequence();
            db.checkpoint();
            db.put("a", "3");
            db.delete("b");
        }
        Cairn.restore(store, dir.resolve("at-mid"), RestorePoint.sequence(mid));
        try (Cairn r = Cairn.open(dir.resolve("at-mid"), options().build())) {
            assertThat(r.getString("a")).isEqualTo("1");
            assertThat(r.getString("b")).isEqualTo("2");
        }
        Cairn.restore(store, dir.resolve("at-mid-minus-one"), RestorePoint.sequence(mid - 1));
        try (Cairn r = Cairn.open(dir.resolve("at-mid-minus-one"), options().build())) {
            assertThat(r.getString("a")).isEqualTo("1");
            assertThat(r.contains("b")).isFalse();
        }
        // a kept snapshot, as it was
        SnapshotInfo first;
        try (Cairn db = Cairn.open(store, options().build())) {
            first = db.snapshots().get(0);
        }
        Cairn.restore(store, dir.resolve("at-snapshot"), RestorePoint.snapshot(first.sequence()));
        try (Cairn r = Cairn.open(dir.resolve("at-snapshot"), options().build())) {
            assertThat(r.getString("a")).isEqualTo("1");
            assertThat(r.getString("b")).isEqualTo("2");
            assertThat(r.recoveryInfo().lastSequence()).isEqualTo(first.consistentSequence());
        }
        assertThat(catchThrowableOfType(() -> Cairn.restore(store, dir.resolve("z"), RestorePoint.snapshot(424242)),
                CairnException.class).getMessage()).contains("no snapshot 424242");
        assertThat(catchThrowableOfType(() -> Cairn.restore(store, dir.resolve("x"), RestorePoint.sequence(1_000_000)),
                CairnException.class).getMessage()).contains("reaches only sequence");
        // no timed log without a retention window: a restore to an instant is refused, not silently wrong
        assertThat(catchThrowableOfType(() -> Cairn.restore(store, dir.resolve("y"), RestorePoint.time(Instant.now())),
                CairnException.class).getMessage()).contains("logRetention");
    }

    @Test
    void aKeyspacePersistedToAFileLoadsBackUnderAnyNameAndKind() throws Exception {
        Path file = dir.resolve("files").resolve("users.cks");
        Map<String, String> expected = new TreeMap<>();
        try (Cairn db = Cairn.open(dir.resolve("a"), options().build())) {
            Keyspace users = db.createKeyspace("users", IndexKind.HASH);
            for (int i = 0; i < 5000; i++) {
                users.put("user:" + i, "{\"n\":" + i + "}");
                expected.put("user:" + i, "{\"n\":" + i + "}");
            }
            users.put("ttl", "kept", Duration.ofHours(1));
            expected.put("ttl", "kept");
            users.put(new byte[]{0, (byte) 0xff}, new byte[]{1, 2, 3});
            assertThat(db.persistKeyspace("users", file)).isEqualTo(5002);
            users.put("after", "not in the file");
            // load back into the same store under a new name and the other kind (seed 003's COPY)
            Keyspace copy = db.loadKeyspace(file, "users-sorted", IndexKind.ORDERED);
            assertThat(copy.kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(copy.size()).isEqualTo(5002);
            assertThat(copy.contains("after")).isFalse();
            assertThat(copy.ttlMillis("ttl")).isGreaterThan(0);
            assertThat(copy.get(new byte[]{0, (byte) 0xff})).containsExactly(1, 2, 3);
            assertThat(catchThrowableOfType(() -> db.loadKeyspace(file, "users", IndexKind.HASH), CairnException.class).code())
                    .isEqualTo(CairnException.Code.KEYSPACE_EXISTS);
        }
        // and into another store; durable like any write
        try (Cairn other = Cairn.open(dir.resolve("b"), options().build())) {
            other.loadKeyspace(file, "users", IndexKind.HASH);
        }
        try (Cairn other = Cairn.open(dir.resolve("b"), options().build())) {
            Keyspace users = other.keyspace("users");
            for (Map.Entry<String, String> e : expected.entrySet()) assertThat(users.getString(e.getKey())).isEqualTo(e.getValue());
            assertThat(users.size()).isEqualTo(5002);
        }
        // a damaged file loads nothing
        Path bad = dir.resolve("bad.cks");
        Files.copy(file, bad);
        try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
            f.seek(f.length() - 100);
            int b = f.read();
            f.seek(f.length() - 100);
            f.write(b ^ 1);
        }
        try (Cairn db = Cairn.open(dir.resolve("c"), options().build())) {
            CairnException e = catchThrowableOfType(() -> db.loadKeyspace(bad, "users", IndexKind.HASH), CairnException.class);
            assertThat(e.code()).isEqualTo(CairnException.Code.CORRUPTED);
            assertThat(e.getMessage()).contains("bad.cks");
            assertThat(db.keyspaces()).extracting(Keyspace::name).containsExactly("default");
        }
    }

    @Test
    void aLoadThatDidNotFinishIsDroppedAtTheNextOpen() {
        try (Cairn db = Cairn.open(dir, options().build())) {
            // what a load leaves when the process dies midway: its hidden keyspace, half filled
            db.createKeyspace(Engine.LOADING_PREFIX + "123", IndexKind.HASH).put("half", "filled");
        }
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.keyspaces()).extracting(Keyspace::name).containsExactly("default");
        }
    }

    static Map<String, String> contents(Cairn db) {
        Map<String, String> m = new TreeMap<>();
        try (CloseableIterator<Entry> it = db.iterator()) {
            while (it.hasNext()) {
                Entry e = it.next();
                m.put(new String(e.key(), StandardCharsets.UTF_8), new String(e.value(), StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
