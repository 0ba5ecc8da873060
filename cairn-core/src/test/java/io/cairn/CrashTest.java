package io.cairn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 in the middle of concurrent writes, many times over the same directory: after every kill the reopened store
 * must hold exactly the effect of every acknowledged call of every writer, plus possibly the one call each writer had
 * announced but not yet acknowledged. That one rule covers all the promises: an acknowledged put is present (or
 * superseded by a later call of its writer), an acknowledged delete stays deleted, a batch is all or nothing, an
 * increment is counted once.
 *
 * <p>The child ({@link CrashChild}) owns the keys per writer and announces each call before making it, so the
 * expectation is exact. Reproduce a failure with {@code -Dcairn.crash.seed=N} (the kill timing still varies).
 */
class CrashTest {
    private static final long SEED = Long.getLong("cairn.crash.seed", System.nanoTime());
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** Every failure names the seed, so it can be rerun. */
    @RegisterExtension
    static final TestExecutionExceptionHandler SEED_ON_FAILURE = (context, t) -> {
        throw new AssertionError("[seed " + SEED + ": rerun with -Dcairn.crash.seed=" + SEED + "] " + t.getMessage(), t);
    };

    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void acknowledgedWritesSurviveKillNineUnderFsyncAlways() throws Exception {
        runKills(FsyncPolicy.ALWAYS, 25, SEED);
    }

    @Test
    void acknowledgedWritesSurviveKillNineWhileCheckpointsAreBeingWritten() throws Exception {
        // the child takes checkpoints back to back: kills land while parts and manifests are written, while old ones
        // and the log they cover are deleted; every reopen must still be exact
        runKills(FsyncPolicy.ALWAYS, 15, SEED + 2, true);
    }

    @Test
    void acknowledgedWritesSurviveKillNineUnderFsyncNever() throws Exception {
        // NEVER acknowledges once the OS has the write, which is enough to survive the death of the process
        runKills(FsyncPolicy.NEVER, 10, SEED + 1);
    }

    // ------------------------------------------------------------------ the rounds

    private void runKills(FsyncPolicy policy, int rounds, long seed) throws Exception {
        runKills(policy, rounds, seed, false);
    }

    private void runKills(FsyncPolicy policy, int rounds, long seed, boolean checkpoints) throws Exception {
        System.out.println("CrashTest " + policy + ": seed " + SEED + " (rerun with -Dcairn.crash.seed=" + SEED + ")");
        Random rnd = new Random(seed);
        Path store = dir.resolve("store");
        Map<String, String> model = new TreeMap<>(); // what the store held after the previous kill
        long lastSequence = 0;
        long totalAcks = 0;
        int tornTails = 0;
        int fromSnapshot = 0;
        for (int round = 0; round < rounds; round++) {
            // every sixth kill lands from the start of the child, so it may hit JVM start-up or the recovery itself
            boolean early = round % 6 == 5;
            int delay = 50 + rnd.nextInt(351);
            String context = policy + " round " + round + " (kill " + delay + " ms after " + (early ? "start" : "READY")
                    + ")";
            try {
                Round r = runChild(store, policy, rnd.nextLong(), (round + 1) * 1_000_000_000L, delay, early, checkpoints);
                totalAcks += r.acks;
                try (Cairn db = Cairn.open(store, CrashChild.options(policy))) {
                    RecoveryInfo ri = db.recoveryInfo();
                    checkRecoveryInfo(ri, store, lastSequence);
                    if (ri.corruptionDetected()) tornTails++;
                    if (ri.snapshotSequence() > 0) fromSnapshot++;
                    lastSequence = ri.lastSequence();
                    model = checkState(db, model, r);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(context + ": " + e.getMessage(), e);
            }
        }
        System.out.println("CrashTest " + policy + ": " + rounds + " kills, " + totalAcks + " acknowledged calls, "
                + lastSequence + " log records, " + tornTails + " torn tails cut");
        // the runs did real work: many calls, and enough log for segments to roll
        assertThat(totalAcks).as("acknowledged calls over all rounds").isGreaterThan(rounds * 10L);
        if (checkpoints) {
            System.out.println("CrashTest " + policy + " with checkpoints: " + fromSnapshot + " recoveries from a snapshot");
            assertThat(fromSnapshot).as("recoveries that loaded a snapshot").isGreaterThan(rounds / 2);
            assertThat(Files.exists(store.resolve("wal").resolve("00000000000000000001.wal")))
                    .as("checkpoints deleted the log they covered").isFalse();
        } else {
            try (Stream<Path> s = Files.list(store.resolve("wal"))) {
                assertThat(s.filter(p -> p.toString().endsWith(".wal")).count()).as("log segments").isGreaterThan(1);
            }
        }
    }

    /** What one child run reported: per writer, its announced calls and how many of them it acknowledged. */
    private static final class Round {
        final Map<Integer, List<Op>> announced = new HashMap<>();
        final Map<Integer, Integer> acknowledged = new HashMap<>();
        final Map<Integer, Map<Integer, Long>> results = new HashMap<>();
        long acks;
    }

    /** One announced call. */
    private record Op(int n, String kind, String key, long number, int pad, String id, List<String> keys) {
        void applyTo(Map<String, String> state) {
            switch (kind) {
                case "PUT" -> state.put(key, CrashChild.value("v" + number, pad));
                case "DEL" -> state.remove(key);
                case "BATCH" -> keys.forEach(k -> state.put(k, CrashChild.value("b" + id, pad)));
                case "INCR" -> state.put(key, Long.toString(Long.parseLong(state.getOrDefault(key, "0")) + number));
                default -> throw new IllegalStateException(kind);
            }
        }

        @Override
        public String toString() {
            return "#" + n + " " + kind + " " + (kind.equals("BATCH") ? id + " " + keys : key + " " + number);
        }
    }

    private Round runChild(Path store, FsyncPolicy policy, long seed, long versionBase, int delayMillis, boolean early,
                           boolean checkpoints) throws Exception {
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        Path stderr = dir.resolve("child-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(javaBinary, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                store.toString(), policy.toString().toLowerCase(Locale.ROOT), Long.toString(seed),
                Integer.toString(WRITERS), Long.toString(versionBase), checkpoints ? "checkpoints" : "plain");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        children.add(p);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.equals("READY ;")) ready.countDown();
                }
            } catch (IOException e) {
                lines.add("READER-FAILED " + e);
            }
        }, "crash-child-reader");
        reader.start();
        try {
            if (!early) {
                boolean up = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!up && p.isAlive() && System.nanoTime() < deadline) up = ready.await(100, TimeUnit.MILLISECONDS);
                assertThat(up).as("the child opened the store; its stderr:\n%s", read(stderr)).isTrue();
            }
            // the kill moment: if the child ends by itself before it, that is a failure
            boolean exited = p.waitFor(delayMillis, TimeUnit.MILLISECONDS);
            assertThat(exited).as("the child exited on its own (status %s); its stderr:\n%s",
                    exited ? p.exitValue() : 0, read(stderr)).isFalse();
        } finally {
            // SIGKILL, through the process handle: Process.destroyForcibly() would also close our end of the pipe
            // and lose the acknowledgements still in it
            p.toHandle().destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).as("the child's output was read to its end").isFalse();
        }
        return parse(lines, stderr);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static Round parse(List<String> lines, Path stderr) {
        Round r = new Round();
        synchronized (lines) {
            for (String line : lines) {
                assertThat(line).as("child output; its stderr:\n%s", read(stderr))
                        .doesNotStartWith("ERROR").doesNotStartWith("READER-FAILED");
                if (!line.endsWith(" ;")) continue; // cut short by the kill: never counted
                String[] f = line.substring(0, line.length() - 2).split(" ");
                if (f[0].equals("DO")) {
                    int w = Integer.parseInt(f[1]);
                    int n = Integer.parseInt(f[2]);
                    List<Op> ops = r.announced.computeIfAbsent(w, x -> new ArrayList<>());
                    assertThat(n).as("writer %d announces its calls in order", w).isEqualTo(ops.size() + 1);
                    assertThat(r.acknowledged.getOrDefault(w, 0)).as("writer %d acknowledged call %d before the next", w,
                            n - 1).isEqualTo(n - 1);
                    Op op = switch (f[3]) {
                        case "PUT" -> new Op(n, "PUT", f[4], Long.parseLong(f[5]), Integer.parseInt(f[6]), null, null);
                        case "DEL" -> new Op(n, "DEL", f[4], 0, 0, null, null);
                        case "BATCH" -> new Op(n, "BATCH", null, 0, Integer.parseInt(f[5]), f[4], List.of(f[6].split(",")));
                        case "INCR" -> new Op(n, "INCR", f[4], Long.parseLong(f[5]), 0, null, null);
                        default -> throw new AssertionError("unknown call in " + line);
                    };
                    ops.add(op);
                } else if (f[0].equals("ACK")) {
                    int w = Integer.parseInt(f[1]);
                    int n = Integer.parseInt(f[2]);
                    assertThat(n).as("writer %d acknowledges its last announced call", w)
                            .isEqualTo(r.announced.getOrDefault(w, List.of()).size());
                    r.acknowledged.put(w, n);
                    if (f.length > 4) r.results.computeIfAbsent(w, x -> new HashMap<>()).put(n, Long.parseLong(f[4]));
                    r.acks++;
                }
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ the checks

    private static void checkRecoveryInfo(RecoveryInfo ri, Path store, long previousLastSequence) throws IOException {
        assertThat(ri.recordsReplayed()).as("the records after the snapshot all replayed: %s", ri)
                .isEqualTo(ri.lastSequence() - ri.snapshotSequence());
        assertThat(ri.snapshotsSkipped()).as("a kill never leaves a snapshot half written: %s", ri).isEmpty();
        assertThat(ri.lastSequence()).as("the log never loses what an earlier recovery kept: %s", ri)
                .isGreaterThanOrEqualTo(previousLastSequence);
        assertThat(ri.segmentsScanned()).isPositive();
        assertThat(ri.took()).isNotNull();
        if (ri.corruptionDetected()) {
            // a kill can cut a write short: a torn tail, cut back, in the newest segment
            assertThat(ri.damagedFile()).isNotNull();
            assertThat(ri.damagedFile().getParent().toAbsolutePath()).isEqualTo(store.resolve("wal").toAbsolutePath());
            assertThat(ri.damagedOffset()).isGreaterThanOrEqualTo(0);
        } else {
            assertThat(ri.bytesTruncated()).isZero();
            assertThat(ri.damagedFile()).isNull();
            assertThat(ri.damagedOffset()).isEqualTo(-1);
            assertThat(ri.salvagedTo()).isNull();
            try (Stream<Path> s = Files.list(store.resolve("wal"))) {
                assertThat(s.filter(p -> p.toString().endsWith(".wal")).count()).as("segments scanned: %s", ri)
                        .isEqualTo(ri.segmentsScanned());
            }
        }
    }

    private static int writerOf(String key) {
        assertThat(key).as("a key some writer owns").matches("w\\d+:[kc]\\d+");
        return Integer.parseInt(key.substring(1, key.indexOf(':')));
    }

    /**
     * Checks the reopened store against {@code before} plus each writer's acknowledged calls, plus possibly its one
     * announced unacknowledged call; returns the state found, the base for the next round.
     */
    private static Map<String, String> checkState(Cairn db, Map<String, String> before, Round r) {
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Entry> s = db.stream()) {
            s.forEach(e -> actual.put(e.keyString(), e.valueString()));
        }
        assertThat(db.size()).isEqualTo(actual.size());
        for (String k : actual.keySet()) assertThat(writerOf(k)).isBetween(0, WRITERS - 1);

        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Map<String, String> acked = only(before, writer);
            List<Op> ops = r.announced.getOrDefault(w, List.of());
            int ackedCount = r.acknowledged.getOrDefault(w, 0);
            for (int i = 0; i < ackedCount; i++) {
                Op op = ops.get(i);
                op.applyTo(acked);
                Long result = r.results.getOrDefault(w, Map.of()).get(op.n());
                if (result != null) {
                    assertThat(acked.get(op.key())).as("writer %d: the increment %s returned what the model expects "
                            + "(the child saw the same recovered state as this check)", w, op).isEqualTo(result.toString());
                }
            }
            Op pending = ackedCount < ops.size() ? ops.get(ackedCount) : null;
            Map<String, String> withPending = new TreeMap<>(acked);
            if (pending != null) pending.applyTo(withPending);
            Map<String, String> found = only(actual, writer);

            if (pending != null && pending.kind().equals("BATCH")) {
                String tag = CrashChild.value("b" + pending.id(), pending.pad());
                long carrying = pending.keys().stream().filter(k -> tag.equals(found.get(k))).count();
                assertThat(carrying).as("writer %d: keys carrying the unacknowledged batch %s (all or none)", w, pending)
                        .isIn(0L, (long) pending.keys().size());
            }
            if (!found.equals(acked) && !found.equals(withPending)) {
                StringBuilder diff = new StringBuilder();
                for (String k : union(acked, withPending, found)) {
                    String a = acked.get(k);
                    String p = withPending.get(k);
                    String f = found.get(k);
                    if (!Objects.equals(a, f)) {
                        diff.append("\n  ").append(k).append(": found ").append(abbrev(f)).append(", acknowledged state ")
                                .append(abbrev(a)).append(Objects.equals(a, p) ? "" : ", with the pending call " + abbrev(p))
                                .append("; last acknowledged call on it: ").append(lastOn(ops, ackedCount, k));
                    }
                }
                throw new AssertionError("writer " + w + " (" + ackedCount + " calls acknowledged, pending "
                        + pending + "): the store does not hold the acknowledged state" + diff);
            }
        }
        return actual;
    }

    private static Map<String, String> only(Map<String, String> state, int writer) {
        Map<String, String> out = new TreeMap<>();
        state.forEach((k, v) -> {
            if (writerOf(k) == writer) out.put(k, v);
        });
        return out;
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        return Stream.of(a, b, c).flatMap(m -> m.keySet().stream()).distinct().sorted().collect(Collectors.toList());
    }

    private static String lastOn(List<Op> ops, int ackedCount, String key) {
        for (int i = ackedCount - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (key.equals(op.key()) || (op.keys() != null && op.keys().contains(key))) return op.toString();
        }
        return "none this round";
    }

    private static String abbrev(String v) {
        if (v == null) return "(absent)";
        return v.length() > 24 ? v.substring(0, v.indexOf(':') > 0 ? v.indexOf(':') : 24) + ":..." : v;
    }
}
