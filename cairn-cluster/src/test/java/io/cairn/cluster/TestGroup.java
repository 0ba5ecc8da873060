package io.cairn.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A group of nodes in this JVM on loopback, for tests: start, stop and restart members by index. */
final class TestGroup implements AutoCloseable {
    final List<Member> members = new ArrayList<>();
    final ClusterNode[] nodes;
    private final Path dir;
    private final long snapshotEntries;
    private final ClusterOptions.Transport transport;

    TestGroup(Path dir, int n, long snapshotEntries) throws IOException {
        this(dir, n, snapshotEntries, ClusterOptions.Transport.GRPC);
    }

    TestGroup(Path dir, int n, long snapshotEntries, ClusterOptions.Transport transport) throws IOException {
        this.dir = dir;
        this.snapshotEntries = snapshotEntries;
        this.transport = transport;
        int[] ports = freePorts(2 * n);
        for (int i = 0; i < n; i++) members.add(new Member("127.0.0.1", ports[2 * i], ports[2 * i + 1]));
        nodes = new ClusterNode[n];
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

    ClusterOptions options(int i) {
        return ClusterOptions.of(members.get(i), members, dir.resolve("n" + i))
                .withElectionTimeout(Duration.ofMillis(400)).withSnapshotEntries(snapshotEntries)
                .withLogSegmentBytes(snapshotEntries < 1000 ? 16 << 10 : 64L << 20).withTransport(transport);
    }

    void startAll() throws Exception {
        List<Thread> ts = new ArrayList<>();
        Exception[] failed = new Exception[1];
        for (int i = 0; i < nodes.length; i++) {
            int k = i;
            Thread t = new Thread(() -> {
                try {
                    start(k);
                } catch (Exception e) {
                    failed[0] = e;
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        if (failed[0] != null) throw failed[0];
    }

    void start(int i) throws IOException {
        nodes[i] = ClusterNode.start(options(i));
    }

    void stop(int i) throws IOException {
        ClusterNode n = nodes[i];
        nodes[i] = null;
        if (n != null) n.close();
    }

    int leader(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < nodes.length; i++) if (nodes[i] != null && nodes[i].isLeader()) return i;
            Thread.onSpinWait();
            sleepBriefly();
        }
        throw new AssertionError("no leader within " + within);
    }

    static void await(BooleanSupplier cond, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            sleepBriefly();
        }
    }

    /** Waits on a monitor briefly: polling a condition without spinning a core. */
    static void sleepBriefly() {
        Object o = new Object();
        synchronized (o) {
            try {
                o.wait(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < nodes.length; i++) {
            try {
                stop(i);
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
