package io.cairn.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.cairn.server.RedisAsserts.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as a child JVM, killed with SIGKILL while several clients run EXECs that each write one group of keys:
 * after every restart each group is all or none (every key of a group carries the same generation), and no
 * acknowledged EXEC is lost.
 */
class TransactionCrashTest {
    private static final int WRITERS = 4;
    private static final int KEYS = 50;

    @TempDir
    Path tmp;

    private final List<Process> children = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process launch(Path data, int port, int n) throws Exception {
        Path out = tmp.resolve("child-" + n + ".out");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", data.toString(),
                "--appendfsync", "always", "--io-threads", "2");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        children.add(p);
        // ready when PING answers PONG: while the store loads, connections are accepted and answered -LOADING
        await(Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) throw new AssertionError("server exited: " + read(out));
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port, 1000)) {
                return "PONG".equals(j.ping());
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                return false;
            }
        });
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String key(int writer, int i) {
        return "g" + writer + ":" + i;
    }

    @Test
    void killNineDuringExecs_leavesEveryGroupAllOrNone_andLosesNoAcknowledgedExec() throws Exception {
        Path data = tmp.resolve("data");
        long[] acked = new long[WRITERS];
        long[] sent = new long[WRITERS];
        for (int round = 0; round <= 3; round++) {
            int port = freePort();
            Process p = launch(data, port, round);
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                for (int w = 0; w < WRITERS; w++) {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < KEYS; i++) values.add(j.get(key(w, i)));
                    String first = values.get(0);
                    assertThat(values).as("round %d: writer %d's group is all or none", round, w)
                            .allMatch(v -> java.util.Objects.equals(v, first));
                    long gen = first == null ? 0 : Long.parseLong(first.substring(0, first.indexOf(':')));
                    assertThat(gen).as("round %d: writer %d lost an acknowledged EXEC", round, w)
                            .isGreaterThanOrEqualTo(acked[w]).isLessThanOrEqualTo(sent[w]);
                    acked[w] = gen;
                    sent[w] = gen;
                }
            }
            if (round == 3) {
                p.destroyForcibly();
                break;
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong execs = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int wid = w;
                Thread t = new Thread(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                        while (!stop.get()) {
                            long gen = sent[wid] + 1;
                            sent[wid] = gen;
                            String pad = "x".repeat(100 + (int) (gen % 200));
                            Transaction t1 = j.multi();
                            for (int i = 0; i < KEYS; i++) t1.set(key(wid, i), gen + ":" + pad);
                            List<Object> r = t1.exec();
                            assertThat(r).hasSize(KEYS);
                            acked[wid] = gen;
                            execs.incrementAndGet();
                        }
                    } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                        // the server died under us: expected
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "exec-writer-" + w);
                t.start();
                writers.add(t);
            }
            long target = execs.get() + 200L + round * 37L;
            await(Duration.ofSeconds(60), () -> execs.get() >= target || failure.get() != null);
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            for (Thread t : writers) t.join(30_000);
            if (failure.get() != null) throw new AssertionError("a writer failed", failure.get());
        }
    }
}
