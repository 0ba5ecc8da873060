package io.cairn.server;

import io.cairn.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.cairn.server.TestGroup.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real servers in this JVM form a replicated group (cairn-cluster on Ratis); Jedis's cluster client, seeded with a
 * follower only, finds the leader, and follows the new one when the leader stops.
 */
class ClusterFailoverTest {
    @TempDir
    Path dir;

    private TestGroup group;
    private CairnServer[] servers;
    private int[] ports;

    @AfterEach
    void stop() {
        if (group != null) group.close();
    }

    /** Starts the three servers together and waits for a leader ({@link TestGroup#start}). */
    private void startGroup() throws Exception {
        group = TestGroup.start(dir);
        servers = group.servers;
        ports = group.ports;
    }

    private int leader() {
        return group.leader();
    }

    @Test
    void aClusterClient_findsTheLeader_andFollowsTheNextOneAfterAFailover() throws Exception {
        startGroup();
        int l = leader();
        int f = (l + 1) % 3;
        // a plain client on a follower is redirected; with READONLY it may read there
        try (Jedis j = new Jedis("127.0.0.1", ports[f], 5000)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> j.set("x", "1")))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("MOVED").hasMessageEndingWith(":" + ports[l]);
        }
        try (RedisClusterClient c = RedisClusterClient.create(new HostAndPort("127.0.0.1", ports[f]))) {
            for (int i = 0; i < 100; i++) c.set("k" + i, "v" + i);
            assertThat(c.get("k42")).isEqualTo("v42");
            try (Jedis j = new Jedis("127.0.0.1", ports[f], 5000)) {
                j.readonly();
                await(() -> "v99".equals(j.get("k99")), Duration.ofSeconds(10), "the follower to apply the writes");
            }
            // the leader reports how far each follower holds the committed log (the commit index it last reported)
            try (Jedis j = new Jedis("127.0.0.1", ports[l], 5000)) {
                long applied = Long.parseLong(infoField(j.info("replication"), "master_repl_offset"));
                assertThat(applied).isGreaterThanOrEqualTo(100);
                await(() -> {
                    String info = j.info("replication");
                    return followerOffset(info, "slave0") >= applied && followerOffset(info, "slave1") >= applied;
                }, Duration.ofSeconds(10), "both followers' offsets to reach the leader's applied index");
            }
            servers[l].close();
            servers[l] = null;
            await(() -> leader() >= 0, Duration.ofSeconds(30), "a new leader");
            int l2 = leader();
            assertThat(l2).isNotEqualTo(l);
            // the client finds the new leader by itself (its connection to the old one fails, then CLUSTER SLOTS or MOVED)
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    c.set("after", "1");
                    break;
                } catch (JedisException e) {
                    if (System.nanoTime() > deadline) throw e;
                }
            }
            assertThat(c.get("after")).isEqualTo("1");
            for (int i = 0; i < 100; i++) assertThat(c.get("k" + i)).isEqualTo("v" + i);
        }
    }

    @Test
    void aLeaderCutOffFromItsFollowers_neverAnswersAReadWithAWriteItCouldNotCommit() throws Exception {
        startGroup();
        int l = leader();
        try (Jedis j = new Jedis("127.0.0.1", ports[l], 5000)) {
            assertThat(j.set("x", "committed")).isEqualTo("OK");
        }
        for (int i = 0; i < 3; i++) {
            if (i != l) {
                servers[i].close();
                servers[i] = null;
            }
        }
        Thread writer = new Thread(() -> {
            try (Jedis j = new Jedis("127.0.0.1", ports[l], 20_000)) {
                j.set("x", "uncommitted"); // decided and applied on the leader; the group can never commit it
            } catch (JedisException e) {
                // TRYAGAIN once the leader steps down
            }
        });
        writer.start();
        CairnServer leader = servers[l];
        await(() -> "uncommitted".equals(leader.store().getString("x")) || !leader.cluster().isLeader(),
                Duration.ofSeconds(10), "the write to be applied on the leader");
        try (Jedis j = new Jedis("127.0.0.1", ports[l], 20_000)) {
            String got;
            try {
                got = j.get("x");
            } catch (JedisException e) {
                got = null; // TRYAGAIN: the read could not be confirmed; or MOVED/CLUSTERDOWN once it stepped down
            }
            assertThat(got).as("a read on the cut-off leader").isNotEqualTo("uncommitted");
        }
        writer.join(30_000);
    }

    @Test
    void clusterMeetAddsAServerThatCatchesUp_andForgetRemovesIt() throws Exception {
        startGroup();
        int l = leader();
        try (Jedis j = new Jedis("127.0.0.1", ports[l], 10_000)) {
            for (int i = 0; i < 20; i++) j.set("m" + i, "v" + i);
        }
        // a fourth server started with the group's members but not itself waits, empty, to be added
        int[] ports4 = TestGroup.freePorts(2);
        int port4 = ports4[0];
        int bus4 = ports4[1];
        CairnServer fourth = new CairnServer(ServerConfig.fromArgs(List.of("--port", String.valueOf(port4), "--dir",
                dir.resolve("n4").toString(), "--io-threads", "1", "--cluster", group.spec, "--cluster-announce-bus-port",
                String.valueOf(bus4), "--cluster-node-timeout", "400"), Map.of()));
        try {
            fourth.start();
            try (Jedis j = new Jedis("127.0.0.1", ports[l], 30_000)) {
                assertThat(j.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "MEET", "127.0.0.1",
                        String.valueOf(port4), String.valueOf(bus4))).isEqualTo("OK".getBytes());
                assertThat(j.clusterNodes().lines().count()).isEqualTo(4);
                j.set("with-four", "1");
            }
            try (Jedis j = new Jedis("127.0.0.1", port4, 10_000)) {
                j.readonly();
                await(() -> "1".equals(j.get("with-four")) && "v19".equals(j.get("m19")), Duration.ofSeconds(30),
                        "the new member to catch up");
                assertThat(j.clusterNodes().lines().count()).isEqualTo(4);
            }
            String id4 = io.cairn.server.cluster.ClusterView.idOf("127.0.0.1:" + port4);
            try (Jedis j = new Jedis("127.0.0.1", ports[l], 30_000)) {
                assertThat(j.clusterForget(id4)).isEqualTo("OK");
                assertThat(j.clusterNodes().lines().count()).isEqualTo(3);
                j.set("without-four", "1");
            }
            try (Jedis j = new Jedis("127.0.0.1", port4, 10_000)) {
                j.readonly();
                assertThat(j.get("without-four")).isNull();
            }
        } finally {
            fourth.close();
        }
    }

    @Test
    void saveAndBgsave_onAFollower_snapshotWhatItApplied_andTheLeaderSavesToo() throws Exception {
        startGroup();
        int l = leader();
        int f = (l + 1) % 3;
        io.cairn.Cairn follower = servers[f].store();
        try (Jedis lj = new Jedis("127.0.0.1", ports[l], 5000); Jedis fj = new Jedis("127.0.0.1", ports[f], 5000)) {
            for (int i = 0; i < 50; i++) lj.set("s" + i, "v" + i);
            fj.readonly();
            await(() -> "v49".equals(fj.get("s49")), Duration.ofSeconds(10), "the follower to apply the writes");
            long lastsave = fj.lastsave();
            assertThat(fj.save()).isEqualTo("OK");
            io.cairn.SnapshotInfo saved = follower.snapshots().get(0);
            // the snapshot holds everything the follower had applied when SAVE was sent
            long applied = follower.replica().lastSequence();
            assertThat(saved.sequence()).isGreaterThanOrEqualTo(50).isLessThanOrEqualTo(applied);
            assertThat(fj.lastsave()).isGreaterThanOrEqualTo(lastsave);

            lj.set("s50", "v50");
            await(() -> "v50".equals(fj.get("s50")), Duration.ofSeconds(10), "the follower to apply one more write");
            assertThat(fj.bgsave()).isEqualTo("Background saving started");
            await(() -> follower.snapshots().get(0).sequence() > saved.sequence(), Duration.ofSeconds(10),
                    "the follower's background save");
            // the leader saves through its store, as a single server does
            assertThat(lj.save()).isEqualTo("OK");
        }
    }

    private static String infoField(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        }
        throw new AssertionError(name + " not in INFO: " + info);
    }

    /** The offset= of INFO replication's slaveN line. */
    private static long followerOffset(String info, String slave) {
        for (String part : infoField(info, slave).split(",")) {
            if (part.startsWith("offset=")) return Long.parseLong(part.substring(7));
        }
        throw new AssertionError("no offset in " + slave + ": " + info);
    }
}
