package io.cairn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 while writers change collections under fsync ALWAYS and checkpoints run back to back: after every kill,
 * each writer's collections equal a model replayed to exactly the step its counter says (written in the same atomic
 * block), which is the last acknowledged step or the one in flight — never a step half applied, never a pop or push
 * applied twice.
 */
class CollectionCrashTest {
    static final int WRITERS = 2;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void collectionsAreExactAfterEveryKill() throws Exception {
        long seed = Long.getLong("cairn.crash.seed", System.nanoTime());
        SplittableRandom r = new SplittableRandom(seed);
        Path store = dir.resolve("store");
        Map<Integer, Long> acked = new HashMap<>();
        int rounds = 8;
        int fromSnapshot = 0;
        for (int round = 0; round < rounds; round++) {
            int delay = 300 + r.nextInt(700);
            List<String> lines = runChild(store, delay);
            Map<Integer, Long> last = new HashMap<>();
            for (String line : lines) {
                if (!line.endsWith(" ;") || !line.startsWith("ACK ")) continue;
                String[] f = line.split(" ");
                last.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
            }
            try (Cairn db = Cairn.open(store, CairnOptions.builder().checkpointInterval(java.time.Duration.ZERO)
                    .checkpointLogBytes(0).build())) {
                if (db.recoveryInfo().snapshotSequence() > 0) fromSnapshot++;
                assertThat(db.recoveryInfo().snapshotsSkipped()).isEmpty();
                Keyspace ks = db.defaultKeyspace();
                for (int w = 0; w < WRITERS; w++) {
                    String n = ks.getString("w" + w + ":n");
                    long got = n == null ? 0 : Long.parseLong(n);
                    long ack = last.getOrDefault(w, acked.getOrDefault(w, 0L));
                    String context = "seed " + seed + " round " + round + " writer " + w;
                    assertThat(got).as(context + ": every acknowledged step is there").isBetween(ack, ack + 1);
                    acked.put(w, got);
                    expectModel(db, ks, w, got, context);
                }
            }
        }
        assertThat(fromSnapshot).as("recoveries that loaded a snapshot").isGreaterThan(rounds / 2);
    }

    /** The store's collections of writer {@code w} equal steps 1..n applied to an empty store. */
    private void expectModel(Cairn db, Keyspace ks, int w, long n, String context) {
        Path modelDir = dir.resolve("model-" + w + "-" + n + "-" + System.nanoTime());
        try (Cairn model = Cairn.open(modelDir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER)
                .checkpointInterval(java.time.Duration.ZERO).checkpointLogBytes(0).build())) {
            Keyspace mks = model.defaultKeyspace();
            model.atomically(tx -> {
                for (long i = 1; i <= n; i++) CollectionCrashChild.step(tx, mks, w, i);
                return null;
            });
            Map<String, String> want = new java.util.TreeMap<>();
            Map<String, String> got = new java.util.TreeMap<>();
            CollectionsTest.contents(model, mks).forEach((k, v) -> {
                if (k.startsWith("w" + w + ":")) want.put(k, v);
            });
            CollectionsTest.contents(db, ks).forEach((k, v) -> {
                if (k.startsWith("w" + w + ":")) got.put(k, v);
            });
            if (!got.equals(want)) {
                StringBuilder diff = new StringBuilder();
                for (String k : new java.util.TreeSet<>(union(got.keySet(), want.keySet()))) {
                    String g = got.get(k);
                    String m = want.get(k);
                    if (java.util.Objects.equals(g, m)) continue;
                    int i = 0;
                    while (g != null && m != null && i < Math.min(g.length(), m.length()) && g.charAt(i) == m.charAt(i)) i++;
                    diff.append("\n  ").append(k).append(": first difference at char ").append(i)
                            .append("\n    got  ").append(g == null ? "absent" : excerpt(g, i))
                            .append("\n    want ").append(m == null ? "absent" : excerpt(m, i));
                }
                throw new AssertionError(context + ": recovered collections differ from the model at step " + n + diff);
            }
        }
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static String excerpt(String s, int at) {
        int from = Math.max(0, at - 60);
        return (from > 0 ? "..." : "") + s.substring(from, Math.min(s.length(), at + 120)) + " (length " + s.length() + ")";
    }

    private List<String> runChild(Path store, int delayMillis) throws Exception {
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        Path stderr = dir.resolve("child-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(javaBinary, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CollectionCrashChild.class.getName(),
                store.toString(), Integer.toString(WRITERS));
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
            } catch (java.io.IOException e) {
                lines.add("READER-FAILED " + e);
            }
        });
        reader.start();
        try {
            boolean up = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!up && p.isAlive() && System.nanoTime() < deadline) up = ready.await(100, TimeUnit.MILLISECONDS);
            assertThat(up).as("the child opened the store; its stderr:\n%s", Files.exists(stderr) ? Files.readString(stderr) : "").isTrue();
            boolean exited = p.waitFor(delayMillis, TimeUnit.MILLISECONDS);
            assertThat(exited).as("the child exited on its own; its stderr:\n%s", Files.exists(stderr) ? Files.readString(stderr) : "").isFalse();
        } finally {
            p.toHandle().destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        synchronized (lines) {
            for (String l : lines) assertThat(l).doesNotStartWith("READER-FAILED");
            return new ArrayList<>(lines);
        }
    }
}
