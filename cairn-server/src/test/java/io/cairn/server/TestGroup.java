package io.cairn.server;

import io.cairn.server.config.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Three real servers in this JVM forming one replicated group (cairn-cluster on Ratis) on loopback, each on a free
 * client port and a free Raft port, with its data under the test's directory. {@link #close} stops those still running.
 */
final class TestGroup implements AutoCloseable {
    static final int SIZE = 3;

    final Path dir;
    final CairnServer[] servers = new CairnServer[SIZE];
    final int[] ports = new int[SIZE];
    /** The members as {@code --cluster} takes them: {@code host:port@bus-port,...}. */
    final String spec;

    private TestGroup(Path dir, String spec, int[] ports) {
        this.dir = dir;
        this.spec = spec;
        System.arraycopy(ports, 0, this.ports, 0, SIZE);
    }

    /** Starts the three servers together (each waits for the others to elect) and waits for a leader. */
    static TestGroup start(Path dir) throws Exception {
        int[] chosen = freePorts(2 * SIZE);
        int[] ports = new int[SIZE];
        List<String> members = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            ports[i] = chosen[i];
            members.add("127.0.0.1:" + ports[i] + "@" + chosen[SIZE + i]);
        }
        TestGroup g = new TestGroup(dir, String.join(",", members), ports);
        try {
            Thread[] ts = new Thread[SIZE];
            for (int i = 0; i < SIZE; i++) {
                int k = i;
                ts[i] = new Thread(() -> {
                    try {
                        g.start(k);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                ts[i].start();
            }
            for (Thread t : ts) t.join();
            await(() -> g.leader() >= 0, Duration.ofSeconds(30), "a leader");
        } catch (Throwable t) {
            g.close();
            throw t;
        }
        return g;
    }

    private void start(int i) throws IOException {
        ServerConfig config = ServerConfig.fromArgs(List.of("--port", String.valueOf(ports[i]), "--dir",
                dir.resolve("n" + i).toString(), "--io-threads", "1", "--cluster", spec, "--cluster-node-timeout", "400"),
                Map.of());
        CairnServer s = new CairnServer(config);
        s.start();
        servers[i] = s;
    }

    /** The index of the member that is leader now, or -1. */
    int leader() {
        for (int i = 0; i < SIZE; i++) if (servers[i] != null && servers[i].cluster().isLeader()) return i;
        return -1;
    }

    /** Stops member {@code i}, as a crash would for its clients: its connections close and it answers no more. */
    void stop(int i) {
        servers[i].close();
        servers[i] = null;
    }

    @Override
    public void close() {
        for (int i = 0; i < SIZE; i++) if (servers[i] != null) stop(i);
    }

    /**
     * {@code n} distinct free ports: their sockets stay open until all are chosen, so the system cannot hand out one
     * port twice (it may once the one before it was closed: two members with one port).
     */
    static int[] freePorts(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0);
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) if (s != null) s.close();
        }
    }

    /** Polls {@code c} until it holds, failing with "timed out waiting for {@code what}" after {@code within}. */
    static void await(BooleanSupplier c, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Object o = new Object();
            synchronized (o) {
                try {
                    o.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + what, e);
                }
            }
        }
    }
}
