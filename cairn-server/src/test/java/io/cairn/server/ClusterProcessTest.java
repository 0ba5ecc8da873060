package io.cairn.server;

import io.cairn.lin.History;
import io.cairn.lin.LinearizabilityChecker;
import io.cairn.lin.Op;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three server processes form a replicated group on loopback. Writers and register clients run against whichever node
 * leads while the leader is killed with SIGKILL and restarted, and a later leader is paused with SIGSTOP (to the group,
 * a leader cut off by a partition) and resumed. Afterwards every acknowledged write is on every node, the nodes agree,
 * and the clients' recorded history of reads and writes is linearizable.
 */
class ClusterProcessTest {
    @TempDir
    Path dir;

    private final Process[] procs = new Process[3];
    private final int[] ports = new int[3];
    private final int[] bus = new int[3];
    private String spec;
    private String transport;

    @AfterEach
    void stopAll() {
        for (Process p : procs) {
            if (p == null) continue;
            resume(p);
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void launch(int i) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--port", String.valueOf(ports[i]), "--bind", "127.0.0.1", "--dir", dir.resolve("n" + i).toString(),
                "--cluster", spec, "--cluster-transport", transport, "--cluster-node-timeout", "400", "--io-threads", "1",
                "--save", ""));
        Path log = dir.resolve("n" + i + ".log");
        procs[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static void signal(Process p, String sig) {
        try {
            new ProcessBuilder("sh", "-c", "kill -" + sig + " " + p.pid()).start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void resume(Process p) {
        if (p.isAlive()) signal(p, "CONT");
    }

    /** The node that accepts a write now, or -1. */
    private int findLeader() {
        for (int i = 0; i < 3; i++) {
            if (procs[i] == null || !procs[i].isAlive()) continue;
            try (Jedis j = new Jedis("127.0.0.1", ports[i], 500)) {
                if ("OK".equals(j.set("leader-probe", String.valueOf(i)))) return i;
            } catch (JedisException e) {
                // a follower (MOVED, or not the leader), a paused or dead node
            }
        }
        return -1;
    }

    private int awaitLeader(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            int l = findLeader();
            if (l >= 0) return l;
            pause(50);
        }
        throw new AssertionError("no leader within " + within + logs());
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("n" + i + ".log"));
                sb.append("\n--- node ").append(i).append(" (last lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            } catch (IOException e) {
                sb.append("\n--- node ").append(i).append(": no log");
            }
        }
        return sb.toString();
    }

    private static void pause(long millis) {
        Object o = new Object();
        synchronized (o) {
            try {
                o.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(BooleanSupplier cond, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            pause(50);
        }
    }

    /** A client that follows the leader: one connection at a time, to the node it believes leads. */
    private final class Client implements AutoCloseable {
        private Jedis jedis;
        private int node = -1;

        Jedis connection() {
            if (jedis == null) {
                int l = findLeader();
                if (l < 0) throw new JedisException("no leader now");
                node = l;
                jedis = new Jedis("127.0.0.1", ports[l], 1000);
            }
            return jedis;
        }

        void drop() {
            if (jedis != null) {
                try {
                    jedis.close();
                } catch (RuntimeException e) {
                    // already broken
                }
            }
            jedis = null;
        }

        @Override
        public void close() {
            drop();
        }
    }

    /** An error that says the write was refused before this node decided it: it certainly did not happen. */
    private static boolean refusedBeforeDeciding(JedisException e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof JedisDataException && (m.startsWith("MOVED") || m.contains("does not lead its group")
                || m.startsWith("READONLY") || m.startsWith("CLUSTERDOWN"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"grpc", "netty"})
    void leaderKilledAndPaused_underLoad_everyAcknowledgedWriteIsOnEveryNode_andTheHistoryIsLinearizable(String transport)
            throws Exception {
        this.transport = transport;
        int[] chosen = TestGroup.freePorts(6);
        for (int i = 0; i < 3; i++) {
            ports[i] = chosen[i];
            bus[i] = chosen[3 + i];
        }
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) members.add("127.0.0.1:" + ports[i] + "@" + bus[i]);
        spec = String.join(",", members);
        for (int i = 0; i < 3; i++) launch(i);
        awaitLeader(Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) { // the transport each member's Raft server really runs on
            try (Jedis j = new Jedis("127.0.0.1", ports[i], 5000)) {
                assertThat(j.info("cluster")).contains("cairn_cluster_transport:" + transport + "\r\n");
            }
        }

        Map<String, String> acked = new ConcurrentHashMap<>();
        History history = new History();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 3; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try (Client c = new Client()) {
                    for (int n = 0; !stop.get(); n++) {
                        String key = "w" + id + "-" + n;
                        try {
                            if ("OK".equals(c.connection().set(key, "v" + n))) acked.put(key, "v" + n);
                        } catch (JedisException e) {
                            c.drop();
                            pause(20);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "writer-" + t));
        }
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                Random r = new Random(id);
                try (Client c = new Client()) {
                    for (int n = 0; !stop.get(); n++) {
                        String key = "r" + r.nextInt(3);
                        boolean write = r.nextBoolean();
                        String value = id + "-" + n;
                        long op = history.invoke(id, write ? Op.write(key, value) : Op.read(key));
                        try {
                            Jedis j = c.connection();
                            if (write) {
                                j.set(key, value);
                                history.ok(op, null);
                            } else {
                                history.ok(op, j.get(key));
                            }
                        } catch (JedisException e) {
                            if (!write || refusedBeforeDeciding(e)) history.fail(op);
                            else history.info(op);
                            c.drop();
                            pause(20);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "register-" + t));
        }
        threads.forEach(Thread::start);

        pause(1500);
        int first = awaitLeader(Duration.ofSeconds(30));
        procs[first].destroyForcibly(); // SIGKILL
        procs[first].waitFor();
        int second = awaitLeader(Duration.ofSeconds(30));
        assertThat(second).isNotEqualTo(first);
        pause(1000);
        launch(first);
        pause(1500);
        int third = awaitLeader(Duration.ofSeconds(30));
        signal(procs[third], "STOP"); // to the group, a leader cut off
        int fourth = awaitLeader(Duration.ofSeconds(30));
        assertThat(fourth).isNotEqualTo(third);
        pause(1000);
        signal(procs[third], "CONT");
        pause(1500);
        stop.set(true);
        for (Thread t : threads) t.join(30_000);
        assertThat(errors).isEmpty();
        assertThat(acked).hasSizeGreaterThan(50);

        // every acknowledged write is on every node, read locally on each (READONLY)
        for (int i = 0; i < 3; i++) {
            int node = i;
            await(() -> {
                try (Jedis j = new Jedis("127.0.0.1", ports[node], 2000)) {
                    try {
                        j.sendCommand(redis.clients.jedis.Protocol.Command.READONLY);
                    } catch (JedisDataException e) {
                        // a server without READONLY reads locally anyway
                    }
                    for (Map.Entry<String, String> e : acked.entrySet()) {
                        if (!e.getValue().equals(j.get(e.getKey()))) return false;
                    }
                    return true;
                } catch (JedisException e) {
                    return false;
                }
            }, Duration.ofSeconds(60), "node " + node + " to hold every acknowledged write" + logs());
        }
        // and the nodes agree on everything else too (register keys included)
        List<String> views = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int node = i;
            String[] view = new String[1];
            await(() -> {
                try (Jedis j = new Jedis("127.0.0.1", ports[node], 2000)) {
                    try {
                        j.sendCommand(redis.clients.jedis.Protocol.Command.READONLY);
                    } catch (JedisDataException e) {
                        // as above
                    }
                    view[0] = j.dbSize() + " " + j.get("r0") + " " + j.get("r1") + " " + j.get("r2");
                    return true;
                } catch (JedisException e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "node " + node);
            views.add(view[0]);
        }
        await(() -> {
            List<String> now = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (Jedis j = new Jedis("127.0.0.1", ports[i], 2000)) {
                    try {
                        j.sendCommand(redis.clients.jedis.Protocol.Command.READONLY);
                    } catch (JedisDataException e) {
                        // as above
                    }
                    now.add(j.dbSize() + " " + j.get("r0") + " " + j.get("r1") + " " + j.get("r2"));
                } catch (JedisException e) {
                    return false;
                }
            }
            views.clear();
            views.addAll(now);
            return now.stream().distinct().count() == 1;
        }, Duration.ofSeconds(30), "the nodes to agree: " + views);

        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        long completed = history.operations().stream().filter(o -> o.outcome() == History.Outcome.OK).count();
        System.out.printf("ClusterProcessTest: %d acknowledged writes on every node; %d register operations, %d completed; %s%n",
                acked.size(), history.size(), completed, result);
        assertThat(completed).as("register operations that completed").isGreaterThan(100);
        assertThat(result.ok()).as(result.toString()).isTrue();
    }
}
