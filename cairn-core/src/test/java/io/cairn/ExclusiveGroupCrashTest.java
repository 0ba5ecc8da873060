package io.cairn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 in the middle of large exclusive groups ({@link ExclusiveGroupCrashChild}), over and over on one directory:
 * after every reopen each group is all there or not at all (every key carries the counter's value), every
 * acknowledged group is there, and at most the one announced after it may be. Half the rounds take checkpoints back to
 * back meanwhile, whose walks overlap groups whose writes are applied before their record is appended.
 */
class ExclusiveGroupCrashTest {
    private static final long SEED = Long.getLong("cairn.crash.seed", System.nanoTime());

    @TempDir
    Path dir;

    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killNineInTheMiddleOfGroups_leavesEveryGroupAllOrNone_underFsyncNever() throws Exception {
        runKills(FsyncPolicy.NEVER, 8);
    }

    @Test
    void killNineInTheMiddleOfGroups_leavesEveryGroupAllOrNone_underFsyncAlways() throws Exception {
        runKills(FsyncPolicy.ALWAYS, 6);
    }

    private void runKills(FsyncPolicy policy, int rounds) throws Exception {
        System.out.println("ExclusiveGroupCrashTest " + policy + ": seed " + SEED);
        Random rnd = new Random(SEED);
        Path store = dir.resolve("store");
        long total = 0;
        long torn = 0;
        for (int round = 0; round < rounds; round++) {
            boolean checkpoints = round % 2 == 1;
            int delay = 100 + rnd.nextInt(400);
            String context = policy + " round " + round + " (kill " + delay + " ms after READY, checkpoints "
                    + checkpoints + ", seed " + SEED + ")";
            long[] dos = runChild(store, policy, delay, checkpoints, context);
            long announced = dos[0];
            long acked = dos[1];
            try (Cairn db = Cairn.open(store, ExclusiveGroupCrashChild.options(policy))) {
                if (db.recoveryInfo().corruptionDetected()) torn++;
                long n = db.getLong("n").orElse(0);
                assertThat(n).as("%s: the acknowledged group %s is there", context, acked).isGreaterThanOrEqualTo(acked);
                assertThat(n).as("%s: no group beyond the one announced (%s)", context, announced)
                        .isLessThanOrEqualTo(Math.max(announced, total));
                String expected = n == 0 ? null : ExclusiveGroupCrashChild.value(n);
                Keyspace other = db.findKeyspace("other").orElse(null);
                for (int i = 0; i < ExclusiveGroupCrashChild.KEYS; i++) {
                    assertThat(db.getString("k" + i)).as("%s: key k%s of group %s", context, i, n).isEqualTo(expected);
                    if (other != null) {
                        assertThat(other.getString("k" + i)).as("%s: other/k%s of group %s", context, i, n)
                                .isEqualTo(expected);
                    }
                }
                total = n;
            }
        }
        System.out.println("ExclusiveGroupCrashTest " + policy + ": " + rounds + " kills, " + total + " groups, "
                + torn + " torn tails cut");
        assertThat(total).as("groups over all rounds").isGreaterThan(rounds);
    }

    /** Runs the child until the kill; returns the last group it announced and the last it acknowledged. */
    private long[] runChild(Path store, FsyncPolicy policy, int delayMillis, boolean checkpoints, String context)
            throws Exception {
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        Path stderr = dir.resolve("child-stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(javaBinary, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ExclusiveGroupCrashChild.class.getName(),
                store.toString(), policy.toString().toLowerCase(Locale.ROOT), checkpoints ? "checkpoints" : "plain");
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
        }, "group-crash-child-reader");
        reader.start();
        try {
            boolean up = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!up && p.isAlive() && System.nanoTime() < deadline) up = ready.await(100, TimeUnit.MILLISECONDS);
            assertThat(up).as("%s: the child opened the store; its stderr:\n%s", context, read(stderr)).isTrue();
            boolean exited = p.waitFor(delayMillis, TimeUnit.MILLISECONDS);
            assertThat(exited).as("%s: the child exited on its own; its stderr:\n%s", context, read(stderr)).isFalse();
        } finally {
            p.toHandle().destroyForcibly(); // SIGKILL, keeping our end of the pipe open to read what was sent
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        long announced = 0;
        long acked = 0;
        for (String line : lines) {
            if (!line.endsWith(" ;")) continue; // cut by the kill
            String[] f = line.substring(0, line.length() - 2).split(" ");
            switch (f[0]) {
                case "DO" -> announced = Long.parseLong(f[1]);
                case "ACK" -> acked = Long.parseLong(f[1]);
                case "ERROR" -> throw new AssertionError(context + ": the child failed: " + line + "\n" + read(stderr));
                default -> { }
            }
        }
        return new long[] {announced, acked};
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
