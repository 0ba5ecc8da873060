package io.cairn.server;

import io.cairn.CairnException;
import io.cairn.cluster.ClusterNode;
import io.cairn.cluster.ClusterOptions;
import io.cairn.cluster.Member;
import io.cairn.lin.History;
import io.cairn.lin.LinearizabilityChecker;
import io.cairn.lin.Op;
import org.apache.ratis.util.CodeInjectionForTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Network partitions in a group of three nodes in this JVM: Ratis's receiving side refuses every request (append
 * entries, which carry heartbeats and ReadIndex rounds, votes, snapshots) between nodes on different sides, through
 * its test injection points. Register clients write on whichever node leads and read through
 * {@link ClusterNode#read}, while the leader is cut off from both followers and healed, then a follower, then the
 * group split with the leader in the minority; the recorded history must be linearizable and the nodes must agree.
 */
class ClusterPartitionTest {
    @TempDir
    Path dir;

    private final ClusterNode[] nodes = new ClusterNode[3];
    /** Peer ids ("host_port") cut off from everyone else. */
    private static final Set<String> isolated = ConcurrentHashMap.newKeySet();

    private static final CodeInjectionForTesting.Code REFUSE = (local, remote, args) -> {
        if (local == null || remote == null) return false;
        String l = local.toString();
        String r = remote.toString();
        if (!l.equals(r) && (isolated.contains(l) != isolated.contains(r))) {
            throw new IllegalStateException("partitioned: " + r + " cannot reach " + l);
        }
        return false;
    };

    @AfterEach
    void heal() throws IOException {
        isolated.clear();
        for (String point : List.of("RaftServerImpl.appendEntries", "RaftServerImpl.requestVote", "RaftServerImpl.installSnapshot")) {
            CodeInjectionForTesting.remove(point);
        }
        for (ClusterNode n : nodes) if (n != null) n.close();
    }

    private static void pause(long ms) {
        Object o = new Object();
        synchronized (o) {
            try {
                o.wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(BooleanSupplier c, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            pause(20);
        }
    }

    private ClusterNode leader() {
        for (ClusterNode n : nodes) if (n.isLeader() && !isolated.contains(peer(n))) return n;
        for (ClusterNode n : nodes) if (n.isLeader()) return n;
        return null;
    }

    /** What a client sees: any node that says it leads, a deposed one that has not noticed included. */
    private ClusterNode anyClaimingLeader(Random r) {
        List<ClusterNode> claiming = new ArrayList<>();
        for (ClusterNode n : nodes) if (n.isLeader()) claiming.add(n);
        return claiming.isEmpty() ? null : claiming.get(r.nextInt(claiming.size()));
    }

    private static String peer(ClusterNode n) {
        return n.self().host() + "_" + n.self().port();
    }

    private static Map<String, String> contents(ClusterNode n) {
        Map<String, String> m = new TreeMap<>();
        n.store().defaultKeyspace().forEach((k, v) -> m.put(new String(k), new String(v)));
        return m;
    }

    @ParameterizedTest
    @EnumSource(ClusterOptions.Transport.class)
    void partitions_leaveTheHistoryLinearizable_andTheNodesInAgreement(ClusterOptions.Transport transport) throws Exception {
        for (String point : List.of("RaftServerImpl.appendEntries", "RaftServerImpl.requestVote", "RaftServerImpl.installSnapshot")) {
            CodeInjectionForTesting.put(point, REFUSE);
        }
        List<Member> members = new ArrayList<>();
        int[] ports = TestGroup.freePorts(6);
        for (int i = 0; i < 3; i++) members.add(new Member("127.0.0.1", ports[2 * i], ports[2 * i + 1]));
        Thread[] starts = new Thread[3];
        for (int i = 0; i < 3; i++) {
            int k = i;
            starts[i] = new Thread(() -> {
                try {
                    nodes[k] = ClusterNode.start(ClusterOptions.of(members.get(k), members, dir.resolve("n" + k))
                            .withElectionTimeout(Duration.ofMillis(300)).withTransport(transport));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            starts[i].start();
        }
        for (Thread t : starts) t.join();
        await(() -> leader() != null, Duration.ofSeconds(30), "a leader");

        History history = new History();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            clients.add(new Thread(() -> {
                Random r = new Random(id);
                try {
                    for (int n = 0; !stop.get(); n++) {
                        String key = "r" + r.nextInt(3);
                        boolean write = r.nextBoolean();
                        String value = id + "-" + n;
                        ClusterNode target = anyClaimingLeader(r);
                        if (target == null) {
                            pause(20);
                            continue;
                        }
                        long op = history.invoke(id, write ? Op.write(key, value) : Op.read(key));
                        try {
                            if (write) {
                                target.store().put(key, value);
                                history.ok(op, null);
                            } else {
                                history.ok(op, target.read(s -> s.getString(key)));
                            }
                        } catch (CairnException e) {
                            boolean refusedBeforeDeciding = e.code() == CairnException.Code.NOT_LEADER
                                    && String.valueOf(e.getMessage()).contains("does not lead its group");
                            if (!write || refusedBeforeDeciding) history.fail(op);
                            else history.info(op);
                            pause(10);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "register-" + c));
        }
        clients.forEach(Thread::start);

        pause(1000);
        // 1. the leader alone on one side
        ClusterNode first = leader();
        isolated.add(peer(first));
        await(() -> leader() != null && leader() != first, Duration.ofSeconds(30), "a leader on the majority side");
        pause(1500);
        isolated.clear();
        pause(1500);
        // 2. a follower alone
        ClusterNode l2 = leader();
        ClusterNode follower = nodes[0] != l2 ? nodes[0] : nodes[1];
        isolated.add(peer(follower));
        pause(1500);
        isolated.clear();
        pause(1500);
        // 3. the leader again, with writes in flight; healed after the majority has moved on
        ClusterNode third = leader();
        isolated.add(peer(third));
        await(() -> leader() != null && leader() != third, Duration.ofSeconds(30), "another leader");
        pause(1000);
        isolated.clear();
        pause(1500);
        stop.set(true);
        for (Thread t : clients) t.join(60_000);
        assertThat(errors).isEmpty();

        ClusterNode last = leader();
        last.store().put("final", "1");
        Map<String, String> want = contents(last);
        for (ClusterNode n : nodes) {
            await(() -> contents(n).equals(want), Duration.ofSeconds(30), "agreement on " + n.self());
        }
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        long completed = history.operations().stream().filter(o -> o.outcome() == History.Outcome.OK).count();
        System.out.printf("ClusterPartitionTest: %d register operations, %d completed; %s%n", history.size(), completed, result);
        assertThat(completed).isGreaterThan(100);
        assertThat(result.ok()).as(result.toString()).isTrue();
    }
}
