package io.cairn;

import io.cairn.wal.Wal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's warnings and progress lines, captured from the {@code io.cairn} logger (System.Logger goes to
 * java.util.logging when nothing else is installed, as in these tests): each is provoked, and each comes once per
 * occurrence rather than once per check.
 */
class OperationalLogTest {
    @TempDir
    Path dir;

    /** Held strongly: java.util.logging keeps loggers only weakly, and the handler must stay on this one. */
    private final Logger jul = Logger.getLogger("io.cairn");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
    }

    @AfterEach
    void restore() {
        jul.removeHandler(capture);
        jul.setLevel(null);
        Wal.slowFsyncThreshold(Duration.ofSeconds(1));
        Engine.slowRecovery = Duration.ofSeconds(30);
        ProgressLog.intervalNanos = 5_000_000_000L;
    }

    /** The formatted messages at {@code level} that contain {@code text}. */
    private List<String> messages(Level level, String text) {
        return records.stream().filter(r -> r.getLevel() == level).map(OperationalLogTest::format)
                .filter(m -> m.contains(text)).toList();
    }

    private static String format(LogRecord r) {
        Object[] p = r.getParameters();
        return p == null || p.length == 0 ? r.getMessage() : java.text.MessageFormat.format(r.getMessage(), p);
    }

    @Test
    void slowFsync_warnsOnce_thenCountsTheRepeats() {
        Wal.slowFsyncThreshold(Duration.ofMillis(1));
        FaultyFileLayer layer = new FaultyFileLayer();
        // segments are opened under their preallocation name (….wal.prealloc) and renamed: match both
        layer.slowForce((file, thread) -> file.getFileName().toString().contains(".wal"), Duration.ofMillis(3));
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().checkpointInterval(Duration.ZERO).checkpointLogBytes(0).build(), layer)) {
            for (int i = 0; i < 5; i++) db.put("k" + i, "v"); // fsync ALWAYS: five slow fsyncs at least
            assertThat(db.stats().fsyncs()).isGreaterThanOrEqualTo(5);
        }
        assertThat(layer.slowedForces()).as("the simulated slow disk delayed the fsyncs").isGreaterThanOrEqualTo(5);
        List<String> warnings = messages(Level.WARNING, "fsync of ");
        assertThat(warnings).as("one warning a minute, not one per fsync").hasSize(1);
        assertThat(warnings.get(0)).contains(".wal took ", " ms (over 1 ms)", "the disk is slow or saturated");
    }

    @Test
    void fastFsyncs_sayNothing() {
        try (Cairn db = Cairn.open(dir)) {
            for (int i = 0; i < 5; i++) db.put("k" + i, "v");
        }
        assertThat(messages(Level.WARNING, "fsync of ")).isEmpty();
    }

    @Test
    void slowRecovery_warns() {
        try (Cairn db = Cairn.open(dir)) {
            for (int i = 0; i < 100; i++) db.put("k" + i, "v" + i);
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.size()).isEqualTo(100);
        }
        assertThat(messages(Level.WARNING, "recovery took")).as("under the 30 s default").isEmpty();
        Engine.slowRecovery = Duration.ZERO;
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.size()).isEqualTo(100);
        }
        List<String> w = messages(Level.WARNING, "recovery took");
        assertThat(w).hasSize(1);
        // 100 puts and the record that created the default keyspace
        assertThat(w.get(0)).contains(dir.toString(), "(over 0 s)", "101 records replayed", "More frequent checkpoints");
    }

    @Test
    void tornTail_warns_withFileOffsetBytesAndSalvage() throws Exception {
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().checkpointInterval(Duration.ZERO).checkpointLogBytes(0).build())) {
            for (int i = 0; i < 10; i++) db.put("k" + i, "v" + i);
        }
        TornLogTest.Frame last = TornLogTest.frames(dir).get(TornLogTest.frames(dir).size() - 1);
        byte[] seg = Files.readAllBytes(last.file());
        int at = (last.end() + 7) & -8;
        Arrays.fill(seg, at, at + 40, (byte) 0xAB); // half a frame after the last record: a write that did not finish
        Files.write(last.file(), seg);

        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.size()).isEqualTo(10);
        }
        List<String> w = messages(Level.WARNING, "damage at");
        assertThat(w).hasSize(1);
        assertThat(w.get(0)).contains(last.file().toString(), "offset " + at, "40 bytes moved to ", "salvage");
    }

    @Test
    void logGrowth_warnsOncePerOccurrence() {
        CairnOptions o = CairnOptions.builder().checkpointInterval(Duration.ZERO).checkpointLogBytes(4096).build();
        byte[] big = new byte[12_000];
        Arrays.fill(big, (byte) 'x');
        try (Cairn db = Cairn.open(dir, o)) {
            // one record of three times the limit: past twice the limit before the checkpoint thread can act
            db.put("big".getBytes(StandardCharsets.UTF_8), big);
            ExpiryTest.awaitTrue("the warning", () -> messages(Level.WARNING, "over twice checkpointLogBytes").size() == 1);
            ExpiryTest.awaitTrue("the checkpoint by size", () -> db.stats().checkpoints() >= 1);
            Checkpoints c = db.defaultKeyspace().engine().checkpoints;
            long checks = c.timerChecks;
            ExpiryTest.awaitTrue("three more looks of the timer", () -> c.timerChecks >= checks + 3);
            assertThat(messages(Level.WARNING, "over twice checkpointLogBytes")).as("not once per check").hasSize(1);
            // a new occurrence after the checkpoint brought the log back under the limit: warned again
            db.put("big2".getBytes(StandardCharsets.UTF_8), big);
            ExpiryTest.awaitTrue("the second warning", () -> messages(Level.WARNING, "over twice checkpointLogBytes").size() == 2);
        }
        assertThat(messages(Level.WARNING, "over twice checkpointLogBytes").get(0))
                .contains(dir.toAbsolutePath().toString(), "MiB of log since the last checkpoint", "(0.0 MiB)");
    }

    @Test
    void progress_isLoggedForLongLoadsAndCheckpoints() {
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).checkpointInterval(Duration.ZERO)
                .checkpointLogBytes(0).build())) {
            WriteBatch b = new WriteBatch();
            for (int i = 0; i < 9000; i++) b.put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[16]);
            db.write(b);
            ProgressLog.intervalNanos = 0; // every step is "long" now
            db.checkpoint();
            db.put("after", "snapshot");
        }
        List<String> checkpoint = messages(Level.INFO, "checkpoint ");
        assertThat(checkpoint).anyMatch(m -> m.matches(".*checkpoint \\d+ of .*: \\d+\\.\\d% \\(\\d+ entries of 9000 entries\\), \\d+ entries/s.*"));
        assertThat(checkpoint).anyMatch(m -> m.contains(": done in "));

        LoadProgress progress = new LoadProgress();
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().loadProgress(progress).build())) {
            assertThat(db.size()).isEqualTo(9001);
        }
        List<String> loading = messages(Level.INFO, "loading " + dir.toAbsolutePath());
        assertThat(loading).anyMatch(m -> m.matches(".*: \\d+\\.\\d% \\(\\d+\\.\\d MiB of \\d+\\.\\d MiB\\), \\d+\\.\\d MiB/s.*"));
        assertThat(loading).anyMatch(m -> m.contains(": done in "));
        assertThat(progress.loading()).isFalse();
        assertThat(progress.loadedBytes()).isEqualTo(progress.totalBytes()).isPositive();
        assertThat(progress.startedAtMillis()).isPositive();
    }

    @Test
    void repair_logsItsProgress() {
        try (Cairn db = Cairn.open(dir, CairnOptions.builder().checkpointInterval(Duration.ZERO).checkpointLogBytes(0).build())) {
            for (int i = 0; i < 100; i++) db.put("k" + i, "v" + i);
            db.checkpoint();
            db.put("after", "snapshot");
        }
        ProgressLog.intervalNanos = 0;
        ToolTest.Run r = ToolTest.tool("repair", dir.toString());
        assertThat(r.code()).as(r.out()).isZero();
        List<String> lines = messages(Level.INFO, "repair " + dir.toAbsolutePath() + ": reading");
        assertThat(lines).anyMatch(m -> m.matches(".*: reading: \\d+\\.\\d% \\(\\d+\\.\\d MiB of \\d+\\.\\d MiB\\).*"));
        assertThat(lines).anyMatch(m -> m.contains(": done in "));
    }

    @Test
    void progress_saysNothingForShortWork() {
        try (Cairn db = Cairn.open(dir)) {
            db.put("a", "b");
            db.checkpoint();
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.getString("a")).isEqualTo("b");
        }
        assertThat(messages(Level.INFO, "% (")).isEmpty();
        assertThat(messages(Level.INFO, "done in")).isEmpty();
    }
}
