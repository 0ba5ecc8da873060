package io.cairn.server;

import io.cairn.server.cluster.FakeClusterView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jedis's cluster client (RedisClusterClient, which reads CLUSTER SLOTS and follows MOVED) against servers in cluster
 * mode whose groups the test describes: each server keeps its own data, so where a key landed shows where the client
 * sent it.
 */
class ClusterClientTest {
    @TempDir
    Path dir;

    @Test
    void clusterClient_readsAndWrites_throughTheLeader() throws IOException {
        FakeClusterView group = new FakeClusterView().member(0).self(0).leader(0);
        try (TestServer leader = TestServer.startClustered(dir.resolve("a"), group)) {
            group.port(0, leader.port());
            try (RedisClusterClient cluster = RedisClusterClient.create(new HostAndPort("127.0.0.1", leader.port()))) {
                assertThat(cluster.set("foo", "bar")).isEqualTo("OK");
                assertThat(cluster.get("foo")).isEqualTo("bar");
                assertThat(cluster.mset("{u1}a", "1", "{u1}b", "2")).isEqualTo("OK");
                assertThat(cluster.mget("{u1}a", "{u1}b")).containsExactly("1", "2");
                assertThat(cluster.getClusterNodes()).containsOnlyKeys("127.0.0.1:" + leader.port());
            }
        }
    }

    @Test
    void clusterClient_seededWithAFollower_reachesTheLeader_andFollowsAFailover() throws IOException {
        FakeClusterView groupA = new FakeClusterView().member(0).member(0).self(0).leader(0);
        FakeClusterView groupB = new FakeClusterView().member(0).member(0).self(1).leader(0);
        try (TestServer a = TestServer.startClustered(dir.resolve("a"), groupA);
             TestServer b = TestServer.startClustered(dir.resolve("b"), groupB)) {
            for (FakeClusterView g : new FakeClusterView[]{groupA, groupB}) g.port(0, a.port()).port(1, b.port());
            try (RedisClusterClient cluster = RedisClusterClient.create(Set.of(new HostAndPort("127.0.0.1", b.port())));
                 Jedis directA = a.jedis(); Jedis directB = b.jedis()) {
                directA.readonly(); // reads here whatever the role
                directB.readonly();
                assertThat(cluster.set("foo", "bar")).isEqualTo("OK");
                assertThat(cluster.get("foo")).isEqualTo("bar");
                assertThat(directA.get("foo")).isEqualTo("bar");
                assertThat(directB.get("foo")).isNull(); // nothing replicates here: the write went to the leader only

                // b wins an election: a answers MOVED, the client refreshes its slots and writes to b
                groupA.leader(1).epoch(2);
                groupB.leader(1).epoch(2);
                assertThat(cluster.set("after", "failover")).isEqualTo("OK");
                assertThat(directB.get("after")).isEqualTo("failover");
                assertThat(directA.get("after")).isNull();
                assertThat(cluster.get("after")).isEqualTo("failover");
            }
        }
    }
}
