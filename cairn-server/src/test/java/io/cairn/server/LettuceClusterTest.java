package io.cairn.server;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.slots.ClusterSlotRange;
import io.lettuce.core.cluster.models.slots.ClusterSlotsParser;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.cairn.server.TestGroup.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Lettuce's cluster client (RedisClusterClient, which reads the topology from CLUSTER NODES and follows MOVED) against
 * a real three-server group in this JVM: seeded with a follower only it finds the leader, and after the leader stops it
 * finds the next one through its topology refresh.
 */
class LettuceClusterTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private ClientResources resources;
    private TestGroup group;
    private final List<RedisClient> clients = new ArrayList<>();
    private final List<RedisClusterClient> clusterClients = new ArrayList<>();

    @BeforeEach
    void resources() {
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (RedisClusterClient c : clusterClients) c.shutdown(0, 2, TimeUnit.SECONDS);
            for (RedisClient c : clients) c.shutdown(0, 2, TimeUnit.SECONDS);
        } finally {
            try {
                resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
                await(() -> lettuceThreads().isEmpty(), Duration.ofSeconds(5), "Lettuce's threads to end");
            } finally {
                if (group != null) group.close();
            }
        }
    }

    /** The threads Lettuce's event loops, executors and timer run on (Lettuce names them all "lettuce-..."). */
    private static List<String> lettuceThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("lettuce-")) names.add(t.getName());
        }
        return names;
    }

    private RedisURI uri(int port) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(COMMAND_TIMEOUT).build();
    }

    private RedisClusterClient clusterClient(int seedPort, ClusterClientOptions options) {
        RedisClusterClient c = RedisClusterClient.create(resources, uri(seedPort));
        clusterClients.add(c);
        c.setOptions(options);
        return c;
    }

    /** A plain (not cluster-aware) connection to one server. */
    private RedisCommands<String, String> direct(int port) {
        RedisClient c = RedisClient.create(resources, uri(port));
        clients.add(c);
        StatefulRedisConnection<String, String> conn = c.connect();
        return conn.sync();
    }

    private int follower(int leader) {
        return (leader + 1) % TestGroup.SIZE;
    }

    /** Runs {@code op} until it succeeds, failing with its last error once {@code within} has passed. */
    private static <T> T retry(Duration within, Supplier<T> op) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return op.get();
            } catch (RedisException e) {
                if (System.nanoTime() > deadline) throw e;
            }
        }
    }

    @Test
    void clusterClient_seededWithAFollower_findsTheLeader_andFollowersReadItsWrites() throws Exception {
        group = TestGroup.start(dir);
        int l = group.leader();
        int f = follower(l);
        RedisClusterClient client = clusterClient(group.ports[f], ClusterClientOptions.create());
        try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
            // the topology read from the follower: three members, the leader the master owning every slot
            Partitions partitions = client.getPartitions();
            assertThat(partitions.size()).isEqualTo(TestGroup.SIZE);
            for (int slot : new int[]{0, SlotHash.getSlot("k"), SlotHash.SLOT_COUNT - 1}) {
                RedisClusterNode owner = partitions.getPartitionBySlot(slot);
                assertThat(owner).as("the owner of slot %d", slot).isNotNull();
                assertThat(owner.getUri().getPort()).isEqualTo(group.ports[l]);
                assertThat(owner.is(RedisClusterNode.NodeFlag.UPSTREAM)).isTrue();
            }
            for (RedisClusterNode n : partitions) {
                if (n.getUri().getPort() != group.ports[l]) {
                    assertThat(n.is(RedisClusterNode.NodeFlag.REPLICA)).as("%s", n).isTrue();
                    assertThat(n.getSlaveOf()).isEqualTo(partitions.getPartitionBySlot(0).getNodeId());
                    assertThat(n.getSlots()).isEmpty();
                }
            }

            RedisAdvancedClusterCommands<String, String> c = conn.sync();
            // CLUSTER SLOTS, asked of the seed (a keyless command) over RESP3, where each node's metadata is a map,
            // read by Lettuce's own parser
            List<ClusterSlotRange> ranges = ClusterSlotsParser.parse(c.clusterSlots());
            assertThat(ranges).hasSize(1);
            assertThat(ranges.get(0).getFrom()).isZero();
            assertThat(ranges.get(0).getTo()).isEqualTo(SlotHash.SLOT_COUNT - 1);
            assertThat(ranges.get(0).getUpstream().getUri().getPort()).isEqualTo(group.ports[l]);
            assertThat(ranges.get(0).getReplicaNodes()).extracting(n -> n.getUri().getPort())
                    .containsExactlyInAnyOrder(group.ports[f], group.ports[(l + 2) % TestGroup.SIZE]);

            for (int i = 0; i < 20; i++) assertThat(c.set("k" + i, "v" + i)).isEqualTo("OK");
            assertThat(c.get("k12")).isEqualTo("v12");
            assertThat(c.incr("counter")).isEqualTo(1L);
            assertThat(c.incr("counter")).isEqualTo(2L);
            assertThat(c.set("gone", "soon")).isEqualTo("OK");
            assertThat(c.del("gone")).isEqualTo(1L);
            assertThat(c.get("gone")).isNull();
            assertThat(c.get("counter")).isEqualTo("2");
            assertThat(c.set("last", "write")).isEqualTo("OK");

            // once committed, each follower has them too (READONLY lets a plain connection read there); it applies
            // them in order, so once it has the last one it has every one before it (the DEL of "gone" included)
            for (int i = 0; i < TestGroup.SIZE; i++) {
                if (i == l) continue;
                RedisCommands<String, String> onFollower = direct(group.ports[i]);
                assertThat(onFollower.readOnly()).isEqualTo("OK");
                await(() -> "write".equals(onFollower.get("last")), Duration.ofSeconds(10),
                        "follower " + i + " to apply the writes");
                assertThat(onFollower.get("counter")).isEqualTo("2");
                assertThat(onFollower.get("k12")).isEqualTo("v12");
                assertThat(onFollower.get("k0")).isEqualTo("v0");
                assertThat(onFollower.exists("gone")).isZero();
            }

            // Lettuce's own replica reads: it sends READONLY on its connections to the followers and reads there
            conn.setReadFrom(ReadFrom.REPLICA);
            assertThat(c.get("k7")).isEqualTo("v7");
            assertThat(c.get("counter")).isEqualTo("2");
        }
    }

    @Test
    void clusterClient_followsTheNewLeader_afterTheLeaderStops_andLosesNoAcknowledgedWrite() throws Exception {
        group = TestGroup.start(dir);
        int l = group.leader();
        ClusterClientOptions options = ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofMillis(250))
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofMillis(100))
                        .refreshTriggersReconnectAttempts(1)
                        .build())
                .build();
        RedisClusterClient client = clusterClient(group.ports[follower(l)], options);
        List<String> acknowledged = new ArrayList<>();
        try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
            RedisAdvancedClusterCommands<String, String> c = conn.sync();
            for (int i = 0; i < 20; i++) {
                assertThat(c.set("before" + i, "v" + i)).isEqualTo("OK");
                acknowledged.add("before" + i);
            }

            group.stop(l);
            await(() -> group.leader() >= 0, Duration.ofSeconds(15), "a new leader");
            int l2 = group.leader();
            assertThat(l2).isNotEqualTo(l);

            // the client's connection to the old leader fails; its topology refresh finds the new one
            for (int i = 0; i < 20; i++) {
                String key = "after" + i;
                int n = i;
                assertThat(retry(Duration.ofSeconds(15), () -> c.set(key, "v" + n))).isEqualTo("OK");
                acknowledged.add(key);
            }
            RedisClusterNode owner = client.getPartitions().getPartitionBySlot(SlotHash.getSlot("after0"));
            assertThat(owner.getUri().getPort()).isEqualTo(group.ports[l2]);
            for (String key : acknowledged) {
                assertThat(c.get(key)).as(key).isEqualTo("v" + key.replaceAll("\\D", ""));
            }
            RedisCommands<String, String> onNewLeader = direct(group.ports[l2]);
            for (String key : acknowledged) {
                assertThat(onNewLeader.get(key)).as(key).isEqualTo("v" + key.replaceAll("\\D", ""));
            }
        }
    }

    @Test
    void plainClient_onAFollower_getsMovedForAWrite() throws Exception {
        group = TestGroup.start(dir);
        int l = group.leader();
        RedisCommands<String, String> onFollower = direct(group.ports[follower(l)]);
        Throwable t = catchThrowable(() -> onFollower.set("x", "1"));
        assertThat(t).isInstanceOf(RedisCommandExecutionException.class)
                .hasMessage("MOVED " + SlotHash.getSlot("x") + " 127.0.0.1:" + group.ports[l]);
        assertThat(onFollower.readOnly()).isEqualTo("OK");
        assertThat(onFollower.get("x")).isNull();
    }
}
