package io.cairn.cluster;

import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.cluster.ClusterOptions.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationTest {
    @TempDir
    Path dir;

    private static long keys(Cairn c) {
        long[] n = {0};
        c.defaultKeyspace().forEach((k, v) -> n[0]++);
        return n[0];
    }

    private static Map<String, String> contents(Cairn c) {
        Map<String, String> m = new TreeMap<>();
        c.defaultKeyspace().forEach((k, v) -> m.put(new String(k), new String(v)));
        return m;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void writesOnTheLeader_reachEveryNode_andFollowersRefuseWrites(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            Cairn leader = g.nodes[l].store();
            for (int i = 0; i < 200; i++) leader.put("k" + i, "v" + i);
            int f = (l + 1) % 3;
            TestGroup.await(() -> contents(g.nodes[f].store()).size() == 200, Duration.ofSeconds(10), "replication");
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(contents(leader)), Duration.ofSeconds(10), "agreement");
            }
            assertThatThrownBy(() -> g.nodes[f].store().put("x", "y")).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.NOT_LEADER);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void leaderStops_aNewOneTakesOver_andTheOldOneCatchesUp(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                g.nodes[l].store().put("a" + i, "1");
                acked.add("a" + i);
            }
            g.stop(l);
            int l2 = g.leader(Duration.ofSeconds(20));
            assertThat(l2).isNotEqualTo(l);
            for (int i = 0; i < 100; i++) {
                g.nodes[l2].store().put("b" + i, "2");
                acked.add("b" + i);
            }
            g.start(l);
            Map<String, String> want = contents(g.nodes[l2].store());
            assertThat(want.keySet()).containsAll(acked);
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(want), Duration.ofSeconds(20), "the restarted node catching up");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theWholeGroupStopsAndStartsAgain_withEveryAcknowledgedWrite_fromSnapshotAndLog(Transport t) throws Exception {
        // the log keeps no commit-index entries (ClusterNode): what a restarted node applies past its snapshot it
        // learns is committed from the leader the restarted group elects. Nodes here stop without the snapshot Ratis
        // takes on a clean stop, as after a crash, so their logs past the last snapshot must be applied again (with
        // the stop snapshot, a restarted node holds everything before it hears from anyone).
        String key = "raft.server.snapshot.trigger-when-stop.enabled";
        System.setProperty(key, "false"); // read as each node starts (ClusterNode); tests in this module run one at a time
        try (TestGroup g = new TestGroup(dir, 3, 200, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            Map<String, String> want = new TreeMap<>();
            List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                acks.add(g.nodes[l].store().defaultKeyspace().putAsync(("w" + i).getBytes(), ("v" + i).getBytes()));
                want.put("w" + i, "v" + i);
                if (acks.size() % 4 == 0) acks.get(acks.size() - 1).join(); // many entries: snapshots, then a log tail
            }
            for (var a : acks) a.join();
            // node 0 must hold writes only its log has: applied past its latest snapshot
            ClusterNode first = g.nodes[0];
            TestGroup.await(() -> contents(first.store()).equals(want), Duration.ofSeconds(20), "node 0 up to date");
            for (int i = 0; first.store().replica().latest() == null
                    || first.store().replica().latest().index() >= first.appliedIndex(); i++) {
                assertThat(i).as("writes past node 0's snapshot").isLessThan(5);
                g.nodes[l].store().put("x" + i, "y");
                want.put("x" + i, "y");
                TestGroup.await(() -> contents(first.store()).equals(want), Duration.ofSeconds(20), "node 0 up to date");
            }
            for (int i = 0; i < 3; i++) g.stop(i);
            g.start(0);
            // alone it cannot learn what is committed: its snapshot's state only
            assertThat(keys(g.nodes[0].store())).as("node 0 alone").isLessThan(want.size());
            g.start(1);
            g.start(2);
            int l2 = g.leader(Duration.ofSeconds(30));
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(want), Duration.ofSeconds(20), "every node back to every write");
            }
            g.nodes[l2].store().put("after", "restart");
            want.put("after", "restart");
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(want), Duration.ofSeconds(20), "a write after the restart");
            }
        } finally {
            System.clearProperty(key);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFollowerFarBehind_catchesUpThroughASnapshot(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 50, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            int behind = (l + 1) % 3;
            g.stop(behind);
            List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                acks.add(g.nodes[l].store().defaultKeyspace().putAsync(("s" + i).getBytes(), ("v" + i).getBytes()));
                if (acks.size() % 5 == 0) acks.get(acks.size() - 1).join(); // many entries, not a few
            }
            for (var a : acks) a.join();
            // the leader and the other follower snapshot and purge their logs past what the stopped one has
            TestGroup.await(() -> g.nodes[l].store().replica().latest() != null
                    && g.nodes[l].store().replica().latest().index() > 100, Duration.ofSeconds(20), "a snapshot on the leader");
            g.start(behind);
            Map<String, String> want = contents(g.nodes[l].store());
            TestGroup.await(() -> contents(g.nodes[behind].store()).equals(want), Duration.ofSeconds(30), "catching up");
            assertThat(g.nodes[behind].snapshotsInstalled()).as("caught up through the leader's snapshot").isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void expiredKeys_areDeletedByTheLeader_onEveryNode(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            for (int i = 0; i < 50; i++) g.nodes[l].store().put("t" + i, "v", Duration.ofMillis(200));
            g.nodes[l].store().put("stays", "v");
            // a follower never removes an expired key by its own clock: only the leader's DELETE records remove them
            // one key left is not enough: a follower that has applied only the first write also holds one
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> n.store().defaultKeyspace().size() == 1 && n.store().getString("stays") != null,
                        Duration.ofSeconds(20), "expiry on " + n.self());
            }
            for (ClusterNode n : g.nodes) assertThat(contents(n.store())).containsOnlyKeys("stays");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void evictionOnTheLeader_isReplicatedAsDeletes(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            Cairn leader = g.nodes[l].store();
            leader.limits().setPolicy(io.cairn.EvictionPolicy.ALLKEYS_LRU);
            leader.limits().setMaxKeys(40);
            for (int i = 0; i < 200; i++) leader.put("e" + i, "v" + i);
            assertThat(leader.defaultKeyspace().size()).isLessThanOrEqualTo(40);
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(contents(leader)), Duration.ofSeconds(20), "eviction on " + n.self());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLeaderCutOffFromItsFollowers_failsWhatItCouldNotCommit_andReloadsTheCommittedState(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            Cairn leader = g.nodes[l].store();
            for (int i = 0; i < 20; i++) leader.put("c" + i, "committed");
            Map<String, String> committed = contents(leader);
            for (int i = 0; i < 3; i++) if (i != l) g.stop(i);
            // decided and applied on the leader, never committed: the writes fail once it steps down
            List<java.util.concurrent.CompletableFuture<byte[]>> lost = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                try {
                    lost.add(leader.defaultKeyspace().putAsync(("u" + i).getBytes(), "uncommitted".getBytes()));
                } catch (CairnException e) {
                    assertThat(e.code()).isEqualTo(CairnException.Code.NOT_LEADER); // it stepped down already
                }
            }
            // a linearizable read on it never returns what it decided alone
            if (!lost.isEmpty()) {
                assertThatThrownBy(() -> g.nodes[l].read(c -> c.getString("u0"))).isInstanceOf(CairnException.class)
                        .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.NOT_LEADER);
            }
            for (var f : lost) {
                assertThatThrownBy(f::join).hasCauseInstanceOf(CairnException.class)
                        .cause().extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.NOT_LEADER);
            }
            // the old leader throws away what it decided alone and holds exactly what was committed
            TestGroup.await(() -> contents(g.nodes[l].store()).equals(committed), Duration.ofSeconds(30),
                    "the cut-off leader reloading the committed state");
            for (int i = 0; i < 3; i++) if (i != l) g.start(i);
            int l2 = g.leader(Duration.ofSeconds(30));
            g.nodes[l2].store().put("after", "1");
            Map<String, String> want = contents(g.nodes[l2].store());
            assertThat(want).containsAllEntriesOf(committed).containsKey("after");
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> contents(n.store()).equals(want), Duration.ofSeconds(30), "agreement after the cut");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aValueLargerThanAnEntry_isRefusedBeforeItApplies_andTheGroupGoesOn(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            Cairn leader = g.nodes[l].store();
            byte[] huge = new byte[33 << 20];
            assertThatThrownBy(() -> leader.defaultKeyspace().put("huge".getBytes(), huge)).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.TOO_LARGE);
            assertThat(leader.get("huge")).isNull();
            byte[] big = new byte[5 << 20]; // larger than the entries the proposer gathers, smaller than the limit
            java.util.Arrays.fill(big, (byte) 'b');
            leader.defaultKeyspace().put("big".getBytes(), big);
            leader.put("after", "1");
            for (ClusterNode n : g.nodes) {
                TestGroup.await(() -> "1".equals(n.store().getString("after")), Duration.ofSeconds(20), "replication");
                assertThat(n.store().defaultKeyspace().get("big".getBytes())).isEqualTo(big);
                assertThat(n.store().get("huge")).isNull();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMemberAddedAtRunTime_catchesUp_andOneRemovedLeavesTheGroup(Transport t) throws Exception {
        try (TestGroup g = new TestGroup(dir, 3, 100_000, t)) {
            g.startAll();
            int l = g.leader(Duration.ofSeconds(20));
            for (int i = 0; i < 50; i++) g.nodes[l].store().put("m" + i, "v");
            int[] ports4 = TestGroup.freePorts(2);
            Member fourth = new Member("127.0.0.1", ports4[0], ports4[1]);
            // started with the group's members but not itself: it waits, empty, to be added
            try (ClusterNode joining = ClusterNode.start(ClusterOptions.of(fourth, g.members, dir.resolve("n4"))
                    .withElectionTimeout(Duration.ofMillis(400)).withTransport(t))) {
                g.nodes[l].addMember(fourth).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(g.nodes[l].members()).contains(fourth).hasSize(4);
                Map<String, String> want = contents(g.nodes[l].store());
                TestGroup.await(() -> contents(joining.store()).equals(want), Duration.ofSeconds(30), "the new member catching up");
                g.nodes[l].store().put("with-four", "1");
                TestGroup.await(() -> "1".equals(joining.store().getString("with-four")), Duration.ofSeconds(20), "replication to it");
                assertThatThrownBy(() -> g.nodes[l].addMember(fourth).join()).hasCauseInstanceOf(CairnException.class);

                g.nodes[l].removeMember(fourth.name()).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(g.nodes[l].members()).doesNotContain(fourth).hasSize(3);
                g.nodes[l].store().put("without-four", "1");
                for (ClusterNode n : g.nodes) {
                    TestGroup.await(() -> "1".equals(n.store().getString("without-four")), Duration.ofSeconds(20), "the three");
                }
                assertThat(joining.store().getString("without-four")).isNull();
            }
        }
    }
}
