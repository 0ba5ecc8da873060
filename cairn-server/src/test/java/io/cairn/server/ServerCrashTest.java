package io.cairn.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.cairn.server.RedisAsserts.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as a separate JVM ({@code io.cairn.server.Main}, as the launcher runs it): kill -9 loses no acknowledged
 * write under {@code appendfsync always}; SIGTERM and SHUTDOWN stop it gracefully with exit code 0; a port already
 * taken is one line on stderr and a non-zero exit.
 */
class ServerCrashTest {
    @TempDir
    Path tmp;

    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());
    private int launches;

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A child server on {@code port} with its data in {@code data}; its stdout and stderr go to files. */
    private record Child(Process process, int port, Path out, Path err) {
        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    private Child launch(Path data, int port, String... extra) throws IOException {
        int n = ++launches;
        Path out = tmp.resolve("child-" + n + ".out");
        Path err = tmp.resolve("child-" + n + ".err");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", data.toString(),
                "--appendfsync", "always", "--io-threads", "2"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        children.add(p);
        return new Child(p, port, out, err);
    }

    private Child launchAndWait(Path data, int port) throws Exception {
        Child c = launch(data, port);
        // ready when PING answers PONG: while the store loads, connections are accepted and answered -LOADING
        await(Duration.ofSeconds(60), () -> {
            if (!c.process().isAlive()) {
                String output;
                try {
                    output = c.output();
                } catch (IOException e) {
                    output = "(unreadable: " + e + ")";
                }
                throw new AssertionError("server exited " + c.process().exitValue() + ": " + output);
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 1000)) {
                return "PONG".equals(j.ping());
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                return false;
            }
        });
        return c;
    }

    /** A port free right now: port 0 means "no plain TCP" to the server, so the test picks one. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void killNineLosesNoAcknowledgedWrite() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> acked = new ConcurrentHashMap<>();
        // per writer, the write it sent and has no answer for: the kill may or may not have let it through
        String[][] inFlight = new String[4][];
        for (int round = 0; round <= 3; round++) {
            Child c = launchAndWait(data, freePort());
            // everything acknowledged before is still there (or superseded by its writer's one unanswered write)
            try (Jedis j = new Jedis("127.0.0.1", c.port(), 10_000)) {
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    String got = j.get(e.getKey());
                    String[] pending = null;
                    for (String[] f : inFlight) if (f != null && f[0].equals(e.getKey())) pending = f;
                    if (pending != null && pending[1].equals(got)) {
                        e.setValue(got); // it did get through: from now on it is the value to keep
                        continue;
                    }
                    assertThat(got).as("round %d: key %s", round, e.getKey()).isEqualTo(e.getValue());
                }
            }
            if (round == 3) {
                c.process().destroyForcibly();
                break;
            }
            java.util.Arrays.fill(inFlight, null);
            // four writers, each key acknowledged one by one, killed while writing
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            int r = round;
            for (int w = 0; w < 4; w++) {
                int wid = w;
                Thread t = new Thread(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", c.port(), 10_000)) {
                        for (int i = 0; !stop.get(); i++) {
                            String k = "r" + r + ":w" + wid + ":" + i;
                            String v = "value-" + k;
                            inFlight[wid] = new String[] {k, v};
                            assertThat(j.set(k, v)).isEqualTo("OK");
                            acked.put(k, v);
                            // overwrite an older key of this writer now and then: the newest acknowledged value wins
                            if (i % 10 == 9) {
                                String old = "r" + r + ":w" + wid + ":" + (i - 5);
                                String v2 = "new-" + old;
                                inFlight[wid] = new String[] {old, v2};
                                assertThat(j.set(old, v2)).isEqualTo("OK");
                                acked.put(old, v2);
                            }
                        }
                    } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                        // the server died under us: expected
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "writer-" + w);
                t.start();
                writers.add(t);
            }
            int before = acked.size();
            await(Duration.ofSeconds(30), () -> acked.size() >= before + 400);
            c.process().destroyForcibly(); // SIGKILL
            assertThat(c.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            for (Thread t : writers) t.join(30_000);
            if (failure.get() != null) throw new AssertionError("a writer failed", failure.get());
            assertThat(acked.size()).as("acknowledged writes in round %d", round).isGreaterThan(before + 100);
        }
    }

    @Test
    void sigtermShutsDownGracefullyWithExitZero() throws Exception {
        Path data = tmp.resolve("data");
        Child c = launchAndWait(data, freePort());
        try (Jedis j = new Jedis("127.0.0.1", c.port(), 10_000)) {
            for (int i = 0; i < 100; i++) assertThat(j.set("k" + i, "v" + i)).isEqualTo("OK");
        }
        long t0 = System.nanoTime();
        c.process().destroy(); // SIGTERM
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s").isTrue();
        assertThat(c.process().exitValue()).as(c.output()).isZero();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
        assertThat(c.output()).contains("Received SIGTERM scheduling shutdown").contains("ready to exit");

        Child again = launchAndWait(data, freePort());
        try (Jedis j = new Jedis("127.0.0.1", again.port(), 10_000)) {
            for (int i = 0; i < 100; i++) assertThat(j.get("k" + i)).isEqualTo("v" + i);
        }
        again.process().destroy();
        assertThat(again.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(again.process().exitValue()).isZero();
    }

    @Test
    void shutdownCommandStopsTheServerWithExitZero() throws Exception {
        Path data = tmp.resolve("data");
        Child c = launchAndWait(data, freePort());
        try (Jedis j = new Jedis("127.0.0.1", c.port(), 10_000)) {
            assertThat(j.set("k", "v")).isEqualTo("OK");
            try {
                j.shutdown();
            } catch (RuntimeException e) {
                // the connection closes as the server goes
            }
        }
        assertThat(c.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process().exitValue()).as(c.output()).isZero();
        Child again = launchAndWait(data, freePort());
        try (Jedis j = new Jedis("127.0.0.1", again.port(), 10_000)) {
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void aPortAlreadyTakenIsOneLineAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Child c = launch(tmp.resolve("data"), taken.getLocalPort());
            assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(c.process().exitValue()).isNotZero();
            List<String> lines = c.stderr().lines().filter(l -> l.toLowerCase().contains("address already in use")).toList();
            assertThat(lines).as(c.output()).hasSize(1);
            assertThat(lines.get(0)).contains("127.0.0.1:" + taken.getLocalPort());
        }
    }
}
