package io.cairn.bench;

import io.cairn.Cairn;
import io.cairn.cluster.ClusterNode;
import io.cairn.cluster.ClusterOptions;
import io.cairn.cluster.Member;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a replicated write's time goes: a group of {@code nodes} {@link ClusterNode}s in this JVM on loopback, {@code
 * writers} threads putting small values on the leader's store for {@code seconds} a round, three rounds; prints each
 * round's writes per second and latency percentiles, then Ratis's own timers (the follower's append, the leader's
 * round trip per follower, the log worker's write and fsync) from its metric registries. Not a throughput figure for
 * the server (bench/cluster-vs-single.sh is): it isolates the group from the network server and redis-benchmark.
 *
 * <pre>
 * ./mvnw -q -Pbench -pl cairn-bench -am package -DskipTests
 * java -cp cairn-bench/target/benchmarks.jar io.cairn.bench.ClusterWriteProbe [nodes] [writers] [seconds] [dir]
 * java -Draft.server.log.append-entries.compose.enabled=true -cp ... io.cairn.bench.ClusterWriteProbe 3 1 5
 * </pre>
 * Any {@code raft.*} system property reaches the nodes' Ratis properties, as with the server.
 */
public final class ClusterWriteProbe {
    private ClusterWriteProbe() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path base = args.length > 3 ? Path.of(args[3]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "cairn-cluster-probe");
        List<Member> members = new ArrayList<>();
        int[] ports = freePorts(2 * nodes);
        for (int i = 0; i < nodes; i++) members.add(new Member("127.0.0.1", ports[2 * i], ports[2 * i + 1]));
        ClusterNode[] group = new ClusterNode[nodes];
        try {
            List<Thread> starting = new ArrayList<>();
            Exception[] failed = new Exception[1];
            for (int i = 0; i < nodes; i++) {
                int k = i;
                ClusterOptions o = ClusterOptions.of(members.get(k), members, dir.resolve("n" + k))
                        .withElectionTimeout(Duration.ofMillis(400)).withSnapshotEntries(1_000_000);
                Thread t = new Thread(() -> {
                    try {
                        group[k] = ClusterNode.start(o);
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                });
                t.start();
                starting.add(t);
            }
            for (Thread t : starting) t.join();
            if (failed[0] != null) throw failed[0];
            Cairn store = leader(group, Duration.ofSeconds(30)).store();
            System.out.printf("%d nodes, %d writers, %d s a round, Ratis settings from -Draft.*: %s%n", nodes, writers,
                    seconds, System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("raft.")).sorted()
                            .map(k -> k + "=" + System.getProperty(k)).toList());
            for (int round = 1; round <= 3; round++) round(store, round, writers, seconds);
            printRatisTimers();
        } finally {
            for (ClusterNode n : group) {
                if (n != null) n.close();
            }
            deleteTree(dir);
        }
    }

    private static void round(Cairn store, int round, int writers, int seconds) throws InterruptedException {
        byte[] value = "xyz".getBytes(StandardCharsets.UTF_8);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[][] latencies = new long[writers][];
        int[] counts = new int[writers];
        AtomicLong total = new AtomicLong();
        Thread[] ts = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            int me = w;
            ts[w] = new Thread(() -> {
                long[] lat = new long[1 << 20];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    store.put(("r" + round + ":w" + me + ":" + n).getBytes(StandardCharsets.UTF_8), value);
                    if (n < lat.length) lat[n] = System.nanoTime() - t0;
                    n++;
                }
                latencies[me] = lat;
                counts[me] = Math.min(n, lat.length);
                total.addAndGet(n);
            });
            ts[w].start();
        }
        for (Thread t : ts) t.join();
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int w = 0; w < writers; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Arrays.sort(all);
        System.out.printf("round %d: %,.0f writes/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", round,
                total.get() / (double) seconds, pct(all, 50), pct(all, 90), pct(all, 99));
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, (long) sorted.length * p / 100)] / 1e6;
    }

    private static void printRatisTimers() {
        System.out.println("Ratis timers (p50 and mean, ms; since the group started):");
        List<String> lines = new ArrayList<>();
        for (RatisMetricRegistry r : MetricRegistries.global().getMetricRegistries()) {
            if (!(r instanceof RatisMetricRegistryImpl impl)) continue;
            impl.getDropWizardMetricRegistry().getTimers().forEach((name, t) -> {
                if (t.getCount() < 100) return;
                var s = t.getSnapshot();
                lines.add(String.format("  %-95s n=%8d p50=%8.3f mean=%8.3f", name, t.getCount(), s.getMedian() / 1e6,
                        s.getMean() / 1e6));
            });
        }
        lines.sort(Comparator.naturalOrder());
        lines.forEach(System.out::println);
    }

    private static ClusterNode leader(ClusterNode[] group, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (ClusterNode n : group) {
                if (n.isLeader()) return n;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no leader within " + within);
    }

    /**
     * {@code n} distinct free ports: their sockets stay open until all are chosen, so the system cannot hand out one
     * port twice (it may once the one before it was closed: two members with one port).
     */
    private static int[] freePorts(int n) throws IOException {
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

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
