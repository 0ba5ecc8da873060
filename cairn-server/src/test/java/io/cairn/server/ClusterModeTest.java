package io.cairn.server;

import io.cairn.server.cluster.ClusterView;
import io.cairn.server.cluster.FakeClusterView;
import io.cairn.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static io.cairn.server.ServerCommandsTest.parseInfo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode against a group the test describes ({@link FakeClusterView}): member 0 is this server, members 1 and 2
 * exist only in the view (nothing listens on their ports). Each test starts with this server leading; tests make it a
 * follower, take the leader away or make members unreachable.
 */
class ClusterModeTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static final FakeClusterView group = new FakeClusterView().member(0).member(7001).member(7002);

    static String self;
    static String b;
    static String c;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.startClustered(dir.resolve("shared"), group);
        group.port(0, server.port());
        self = group.id(0);
        b = group.id(1);
        c = group.id(2);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @BeforeEach
    void leading() {
        group.self(0).leader(0).unreachable(1, false).unreachable(2, false).epoch(3).indexes(10, 9)
                .nextChange(CompletableFuture.completedFuture(null));
        group.added.clear();
        group.removed.clear();
        try (Jedis j = server.jedis()) {
            j.flushAll();
        }
    }

    private static String addr(int port) {
        return "127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ settings

    @Test
    void clusterTransport_isGrpcByDefault_orNetty_andNothingElse() throws IOException {
        assertThat(ServerConfig.fromArgs(List.of(), Map.of()).get("cluster-transport")).isEqualTo("grpc");
        assertThat(ServerConfig.fromArgs(List.of("--cluster-transport", "Netty"), Map.of()).get("cluster-transport"))
                .isEqualTo("netty");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServerConfig.fromArgs(List.of("--cluster-transport", "udp"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--cluster-transport 'udp': argument must be one of grpc, netty");
    }

    // ------------------------------------------------------------------ CLUSTER INFO, MYID, NODES

    @Test
    void clusterInfo_ok_withLeader_fail_without() {
        try (Jedis j = server.jedis()) {
            Map<String, String> f = parseInfo((String) cmd(j, "CLUSTER", "INFO"));
            assertThat(f).containsEntry("cluster_state", "ok").containsEntry("cluster_slots_assigned", "16384")
                    .containsEntry("cluster_slots_ok", "16384").containsEntry("cluster_slots_pfail", "0")
                    .containsEntry("cluster_slots_fail", "0").containsEntry("cluster_known_nodes", "3")
                    .containsEntry("cluster_size", "1").containsEntry("cluster_current_epoch", "3")
                    .containsEntry("cluster_my_epoch", "3").containsEntry("cluster_stats_messages_sent", "0");
            group.leader(-1);
            f = parseInfo((String) cmd(j, "CLUSTER", "INFO"));
            assertThat(f).containsEntry("cluster_state", "fail").containsEntry("cluster_slots_ok", "0")
                    .containsEntry("cluster_slots_fail", "16384");
        }
    }

    @Test
    void clusterInfo_isVerbatimText_inResp3() throws IOException {
        try (RawClient r = server.raw()) {
            r.call("HELLO", "3");
            assertThat(r.call("CLUSTER", "INFO")).startsWith("=").contains("txt:cluster_state:ok\r\n");
            assertThat(r.call("CLUSTER", "NODES")).startsWith("=").contains("txt:" + self + " ");
        }
    }

    @Test
    void myid_isTheSha1OfTheName() {
        try (Jedis j = server.jedis()) {
            assertThat(cmd(j, "CLUSTER", "MYID")).isEqualTo(ClusterView.idOf(addr(server.port()))).isEqualTo(self);
        }
    }

    @Test
    void nodes_onTheLeader() {
        try (Jedis j = server.jedis()) {
            String[] lines = ((String) cmd(j, "CLUSTER", "NODES")).split("\n", -1);
            assertThat(lines).hasSize(4);
            assertThat(lines[3]).isEmpty(); // every line ends with a newline
            assertThat(lines[0]).isEqualTo(self + " " + addr(server.port()) + "@" + (server.port() + 10000)
                    + " myself,master - 0 0 3 connected 0-16383");
            assertThat(lines[1]).matches(b + " 127\\.0\\.0\\.1:7001@17001 slave " + self + " 0 \\d+ 3 connected");
            assertThat(lines[2]).matches(c + " 127\\.0\\.0\\.1:7002@17002 slave " + self + " 0 \\d+ 3 connected");
        }
    }

    @Test
    void nodes_onAFollower_withAnUnreachableMember() {
        group.leader(1).unreachable(2, true).epoch(4);
        try (Jedis j = server.jedis()) {
            String[] lines = ((String) cmd(j, "CLUSTER", "NODES")).split("\n");
            assertThat(lines[0]).isEqualTo(self + " " + addr(server.port()) + "@" + (server.port() + 10000)
                    + " myself,slave " + b + " 0 0 4 connected");
            assertThat(lines[1]).matches(b + " 127\\.0\\.0\\.1:7001@17001 master - 0 \\d+ 4 connected 0-16383");
            assertThat(lines[2]).isEqualTo(c + " 127.0.0.1:7002@17002 slave,fail " + b + " 0 0 4 disconnected");
        }
    }

    @Test
    void nodes_withoutLeader_showNoMasterAndNoSlots() {
        group.leader(-1);
        try (Jedis j = server.jedis()) {
            String nodes = (String) cmd(j, "CLUSTER", "NODES");
            assertThat(nodes).doesNotContain("master").doesNotContain("0-16383");
            assertThat(nodes.split("\n")[0]).endsWith(" myself,slave - 0 0 3 connected");
        }
    }

    // ------------------------------------------------------------------ SLOTS, SHARDS, REPLICAS

    @Test
    void slots_oneRange_masterFirst_thenReachableReplicas() {
        group.unreachable(2, true);
        try (Jedis j = server.jedis()) {
            assertThat(cmd(j, "CLUSTER", "SLOTS")).isEqualTo(List.of(List.of(0L, 16383L,
                    List.of("127.0.0.1", (long) server.port(), self, List.of()),
                    List.of("127.0.0.1", 7001L, b, List.of()))));
            group.leader(-1);
            assertThat(cmd(j, "CLUSTER", "SLOTS")).isEqualTo(List.of());
        }
    }

    @Test
    void slots_bytes_emptyArrayInResp2_emptyMapInResp3() throws IOException {
        group.leader(1);
        String leaderNode = bulk("127.0.0.1") + ":7001\r\n" + bulk(b);
        String selfNode = bulk("127.0.0.1") + ":" + server.port() + "\r\n" + bulk(self);
        String others = "*4\r\n" + bulk("127.0.0.1") + ":7002\r\n" + bulk(c);
        try (RawClient r = server.raw()) {
            assertThat(r.call("CLUSTER", "SLOTS")).isEqualTo("*1\r\n*5\r\n:0\r\n:16383\r\n*4\r\n" + leaderNode + "*0\r\n*4\r\n"
                    + selfNode + "*0\r\n" + others + "*0\r\n");
            r.call("HELLO", "3");
            assertThat(r.call("CLUSTER", "SLOTS")).isEqualTo("*1\r\n*5\r\n:0\r\n:16383\r\n*4\r\n" + leaderNode + "%0\r\n*4\r\n"
                    + selfNode + "%0\r\n" + others + "%0\r\n");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shards_oneShard_withEveryMember() {
        group.unreachable(1, true);
        try (Jedis j = server.jedis()) {
            List<Object> shards = (List<Object>) cmd(j, "CLUSTER", "SHARDS");
            assertThat(shards).hasSize(1);
            List<Object> shard = (List<Object>) shards.get(0);
            assertThat(shard.subList(0, 3)).isEqualTo(List.of("slots", List.of(0L, 16383L), "nodes"));
            List<Object> nodes = (List<Object>) shard.get(3);
            assertThat(nodes).containsExactly(
                    List.of("id", self, "port", (long) server.port(), "ip", "127.0.0.1", "endpoint", "127.0.0.1",
                            "role", "master", "replication-offset", 9L, "health", "online"),
                    List.of("id", b, "port", 7001L, "ip", "127.0.0.1", "endpoint", "127.0.0.1",
                            "role", "replica", "replication-offset", 8L, "health", "failed"),
                    List.of("id", c, "port", 7002L, "ip", "127.0.0.1", "endpoint", "127.0.0.1",
                            "role", "replica", "replication-offset", 8L, "health", "online"));
        }
    }

    @Test
    void shards_resp3_areMaps() throws IOException {
        try (RawClient r = server.raw()) {
            r.call("HELLO", "3");
            assertThat(r.call("CLUSTER", "SHARDS")).startsWith("*1\r\n%2\r\n" + bulk("slots") + "*2\r\n:0\r\n:16383\r\n"
                    + bulk("nodes") + "*3\r\n%7\r\n" + bulk("id") + bulk(self));
        }
    }

    @Test
    void replicas_ofTheLeader_areTheOtherLines() {
        try (Jedis j = server.jedis()) {
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) cmd(j, "CLUSTER", "REPLICAS", self);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith(b + " 127.0.0.1:7001@17001 slave " + self + " ");
            @SuppressWarnings("unchecked")
            List<String> slaves = (List<String>) cmd(j, "CLUSTER", "SLAVES", self);
            assertThat(slaves).hasSize(2); // the same lines, but for the pong times
            assertThat(slaves.get(1)).startsWith(c + " 127.0.0.1:7002@17002 slave " + self + " ");
            assertError(j, "ERR The specified node is not a master", "CLUSTER", "REPLICAS", b);
            assertError(j, "ERR Unknown node abc", "CLUSTER", "REPLICAS", "abc");
        }
    }

    // ------------------------------------------------------------------ KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT

    @Test
    @SuppressWarnings("unchecked")
    void keyslot_countkeysinslot_getkeysinslot() {
        try (Jedis j = server.jedis()) {
            assertThat(cmd(j, "CLUSTER", "KEYSLOT", "foo")).isEqualTo(12182L);
            assertThat(cmd(j, "CLUSTER", "KEYSLOT", "{user1000}.following")).isEqualTo(3443L);
            j.set("foo", "1");
            j.set("{foo}bar", "2");
            j.set("other", "3");
            assertThat(cmd(j, "CLUSTER", "COUNTKEYSINSLOT", "12182")).isEqualTo(2L);
            assertThat(cmd(j, "CLUSTER", "COUNTKEYSINSLOT", "0")).isEqualTo(0L);
            assertThat((List<Object>) cmd(j, "CLUSTER", "GETKEYSINSLOT", "12182", "10")).containsExactlyInAnyOrder("foo", "{foo}bar");
            assertThat((List<?>) cmd(j, "CLUSTER", "GETKEYSINSLOT", "12182", "1")).hasSize(1);
            assertThat(cmd(j, "CLUSTER", "GETKEYSINSLOT", "12182", "0")).isEqualTo(List.of());
            assertError(j, "ERR Invalid slot", "CLUSTER", "COUNTKEYSINSLOT", "16384");
            assertError(j, "ERR Invalid slot", "CLUSTER", "COUNTKEYSINSLOT", "-1");
            assertError(j, "ERR value is not an integer or out of range", "CLUSTER", "COUNTKEYSINSLOT", "x");
            assertError(j, "ERR Invalid slot or number of keys", "CLUSTER", "GETKEYSINSLOT", "12182", "-1");
            assertError(j, "ERR Invalid slot or number of keys", "CLUSTER", "GETKEYSINSLOT", "16384", "1");
            assertError(j, "ERR wrong number of arguments for 'cluster|keyslot' command", "CLUSTER", "KEYSLOT");
        }
    }

    // ------------------------------------------------------------------ routing

    @Test
    void follower_movesKeyedCommands_toTheLeader() {
        group.leader(1);
        try (Jedis j = server.jedis()) {
            assertError(j, "MOVED 12182 127.0.0.1:7001", "SET", "foo", "1");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "GET", "foo");
            assertError(j, "MOVED 3443 127.0.0.1:7001", "GET", "{user1000}.followers");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "MGET", "foo", "bar"); // the first key's slot
            // keys after a count: the first of them
            assertError(j, "MOVED 12182 127.0.0.1:7001", "ZUNION", "2", "foo", "bar");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "BLMPOP", "0", "1", "foo", "LEFT");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "ZUNIONSTORE", "foo", "1", "bar");
            // keyless and not writing: here
            assertThat(cmd(j, "PING")).isEqualTo("PONG");
            assertThat(cmd(j, "DBSIZE")).isEqualTo(0L);
            assertThat(cmd(j, "CLUSTER", "MYID")).isEqualTo(self);
            // a count that is no count: no keys, the command's own error
            assertError(j, "ERR at least 1 input key is needed for 'zunion' command", "ZUNION", "0", "foo");
        }
    }

    @Test
    void follower_refusesKeylessWrites() {
        group.leader(1);
        try (Jedis j = server.jedis()) {
            for (String[] w : List.of(new String[]{"FLUSHALL"}, new String[]{"FLUSHDB"}, new String[]{"SWAPDB", "0", "1"})) {
                assertError(j, "READONLY You can't write against a read only replica.", (Object[]) w);
            }
        }
    }

    @Test
    void readonly_letsReadsRunOnAFollower_writesStillMove() {
        try (Jedis j = server.jedis()) {
            j.set("foo", "local");
            group.leader(1);
            assertThat(cmd(j, "READONLY")).isEqualTo("OK");
            assertThat(cmd(j, "GET", "foo")).isEqualTo("local");
            assertThat(cmd(j, "MGET", "foo", "bar")).isEqualTo(java.util.Arrays.asList("local", null));
            assertError(j, "MOVED 12182 127.0.0.1:7001", "SET", "foo", "1");
            assertThat(cmd(j, "CLIENT", "INFO")).asString().contains(" flags=r ");
            assertThat(cmd(j, "READWRITE")).isEqualTo("OK");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "GET", "foo");
            assertThat(cmd(j, "CLIENT", "INFO")).asString().contains(" flags=N ");
            cmd(j, "READONLY");
            assertThat(cmd(j, "RESET")).isEqualTo("RESET"); // RESET forgets READONLY, as in Redis
            assertError(j, "MOVED 12182 127.0.0.1:7001", "GET", "foo");
        }
    }

    @Test
    void noLeader_clusterDown_butReadonlyReadsRun() {
        group.leader(-1);
        try (Jedis j = server.jedis()) {
            assertError(j, "CLUSTERDOWN The cluster is down", "GET", "foo");
            assertError(j, "CLUSTERDOWN The cluster is down", "SET", "foo", "1");
            cmd(j, "READONLY");
            assertThat(cmd(j, "GET", "foo")).isNull();
            assertError(j, "CLUSTERDOWN The cluster is down", "SET", "foo", "1");
            assertError(j, "READONLY You can't write against a read only replica.", "FLUSHALL");
        }
    }

    @Test
    void leader_runsKeysOfDifferentSlots() {
        try (Jedis j = server.jedis()) {
            assertThat(cmd(j, "MSET", "foo", "1", "somekey", "2")).isEqualTo("OK");
            assertThat(cmd(j, "MGET", "foo", "somekey")).isEqualTo(List.of("1", "2"));
        }
    }

    @Test
    void multi_onAFollower_movedWhileQueueing_abortsExec() {
        group.leader(1);
        try (Jedis j = server.jedis()) {
            cmd(j, "MULTI");
            assertThat(cmd(j, "PING")).isEqualTo("QUEUED");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "SET", "foo", "1");
            assertError(j, "EXECABORT Transaction discarded because of previous errors.", "EXEC");
        }
    }

    @Test
    void multi_leadershipLostBeforeExec_execMovesAndDiscards() {
        try (Jedis j = server.jedis()) {
            cmd(j, "MULTI");
            assertThat(cmd(j, "SET", "foo", "1")).isEqualTo("QUEUED");
            group.leader(2);
            assertError(j, "MOVED 12182 127.0.0.1:7002", "EXEC");
            assertError(j, "ERR DISCARD without MULTI", "DISCARD");
            group.leader(0);
            assertThat(cmd(j, "GET", "foo")).isNull();
        }
    }

    @Test
    void refusedCommands_countInErrorstats() {
        group.leader(1);
        try (Jedis j = server.jedis()) {
            cmd(j, "CONFIG", "RESETSTAT");
            assertError(j, "MOVED 12182 127.0.0.1:7001", "GET", "foo");
            assertThat(parseInfo(j.info("errorstats"))).containsEntry("errorstat_MOVED", "count=1");
            assertThat(j.info("commandstats")).contains("cmdstat_get:calls=0,", "rejected_calls=1,");
        }
    }

    // ------------------------------------------------------------------ one database

    @Test
    void onlyDatabaseZero() {
        try (Jedis j = server.jedis()) {
            assertError(j, "ERR SELECT is not allowed in cluster mode", "SELECT", "1");
            assertError(j, "ERR SELECT is not allowed in cluster mode", "SELECT", "db3");
            assertThat(cmd(j, "SELECT", "0")).isEqualTo("OK");
            j.set("foo", "1");
            assertError(j, "ERR MOVE is not allowed in cluster mode", "MOVE", "foo", "1");
            assertError(j, "ERR SWAPDB is not allowed in cluster mode", "SWAPDB", "0", "1");
            assertError(j, "ERR Copying to another database is not allowed in cluster mode", "COPY", "foo", "bar", "DB", "1");
            assertThat(cmd(j, "COPY", "foo", "bar")).isEqualTo(1L);
        }
    }

    // ------------------------------------------------------------------ MEET, FORGET, refused subcommands

    @Test
    void meet_addsAMember_replyWaitsForTheCommit() throws Exception {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        group.nextChange(commit);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis j = server.jedis(); Jedis other = server.jedis()) {
            Future<Object> reply = pool.submit(() -> cmd(j, "CLUSTER", "MEET", "127.0.0.1", "7003"));
            await(Duration.ofSeconds(10), () -> group.added.contains("127.0.0.1:7003@17003"));
            assertThat(other.ping()).isEqualTo("PONG"); // the event loop is free meanwhile
            assertThat(reply).isNotDone();
            commit.complete(null);
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
            assertThat(cmd(j, "CLUSTER", "MEET", "10.0.0.5", "7004", "17777")).isEqualTo("OK"); // the committed future again
            assertThat(group.added).containsExactly("127.0.0.1:7003@17003", "10.0.0.5:7004@17777");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void meet_failure_andBadArguments() {
        try (Jedis j = server.jedis()) {
            group.nextChange(CompletableFuture.failedFuture(new IllegalStateException("no quorum for the new configuration")));
            assertError(j, "ERR no quorum for the new configuration", "CLUSTER", "MEET", "127.0.0.1", "7003");
            assertError(j, "ERR Invalid TCP base port specified: x", "CLUSTER", "MEET", "127.0.0.1", "x");
            assertError(j, "ERR Invalid TCP bus port specified: y", "CLUSTER", "MEET", "127.0.0.1", "7003", "y");
            assertError(j, "ERR Invalid node address specified: 127.0.0.1:70000", "CLUSTER", "MEET", "127.0.0.1", "70000");
            assertError(j, "ERR Invalid node address specified: bad host:7003", "CLUSTER", "MEET", "bad host", "7003");
            assertError(j, "ERR unknown subcommand or wrong number of arguments for 'meet'. Try CLUSTER HELP.",
                    "CLUSTER", "MEET", "127.0.0.1", "1", "2", "3");
            assertThat(group.added).containsExactly("127.0.0.1:7003@17003");
        }
    }

    @Test
    void forget_removesAMember() {
        try (Jedis j = server.jedis()) {
            assertThat(cmd(j, "CLUSTER", "FORGET", c)).isEqualTo("OK");
            assertThat(cmd(j, "CLUSTER", "FORGET", self)).isEqualTo("OK"); // Raft steps down first
            assertError(j, "ERR Unknown node abc", "CLUSTER", "FORGET", "abc");
            assertThat(group.removed).containsExactly(c, self);
        }
    }

    @Test
    void slotAndRoleCommands_areRefused_withAReason() {
        try (Jedis j = server.jedis()) {
            assertError(j, "ERR CLUSTER FAILOVER is not supported: in Cairn one shard owns all 16384 slots and Raft elects"
                    + " its master (the leader); use CLUSTER MEET and CLUSTER FORGET to change the members", "CLUSTER", "FAILOVER");
            for (Object[] sub : List.of(new Object[]{"RESET"}, new Object[]{"ADDSLOTS", "1"}, new Object[]{"DELSLOTS", "1"},
                    new Object[]{"REPLICATE", b}, new Object[]{"SETSLOT", "1", "STABLE"}, new Object[]{"ADDSLOTSRANGE", "1", "2"})) {
                Object[] args = new Object[sub.length + 1];
                args[0] = "CLUSTER";
                System.arraycopy(sub, 0, args, 1, sub.length);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> cmd(j, args))
                        .hasMessageStartingWith("ERR CLUSTER " + sub[0] + " is not supported");
            }
        }
    }

    // ------------------------------------------------------------------ INFO, HELLO, CONFIG, COMMAND

    @Test
    void info_replication_onTheLeader_andOnAFollower() {
        group.unreachable(2, true);
        try (Jedis j = server.jedis()) {
            Map<String, String> f = parseInfo(j.info());
            assertThat(f).containsEntry("redis_mode", "cluster").containsEntry("cluster_enabled", "1")
                    .containsEntry("role", "master").containsEntry("connected_slaves", "1")
                    .containsEntry("slave0", "ip=127.0.0.1,port=7001,state=online,offset=8,lag=0")
                    .containsEntry("master_replid", self).containsEntry("master_repl_offset", "9");
            group.leader(1);
            f = parseInfo(j.info("replication"));
            assertThat(f).containsEntry("role", "slave").containsEntry("master_host", "127.0.0.1")
                    .containsEntry("master_port", "7001").containsEntry("master_link_status", "up")
                    .containsEntry("slave_read_repl_offset", "10").containsEntry("slave_repl_offset", "9")
                    .containsEntry("slave_read_only", "1").containsEntry("connected_slaves", "0")
                    .containsEntry("master_replid", b);
            group.leader(-1);
            assertThat(parseInfo(j.info("replication"))).containsEntry("role", "slave").containsEntry("master_link_status", "down");
        }
    }

    @Test
    void hello_saysClusterMode_andTheRole() throws IOException {
        try (RawClient r = server.raw()) {
            assertThat(r.call("HELLO", "3")).contains(bulk("mode") + bulk("cluster") + bulk("role") + bulk("master"));
            group.leader(1);
            assertThat(r.call("HELLO", "3")).contains(bulk("mode") + bulk("cluster") + bulk("role") + bulk("replica"));
        }
    }

    @Test
    void config_clusterEnabled_isReadOnly() {
        try (Jedis j = server.jedis()) {
            assertThat(j.configGet("cluster-enabled")).containsEntry("cluster-enabled", "yes");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.configSet("cluster-enabled", "yes"))
                    .hasMessageContaining("cluster-enabled");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void commandInfo_describesTheClusterCommands() {
        try (Jedis j = server.jedis()) {
            List<Object> keyslot = (List<Object>) ((List<Object>) cmd(j, "COMMAND", "INFO", "cluster|keyslot")).get(0);
            assertThat(keyslot.subList(0, 6)).isEqualTo(List.of("cluster|keyslot", 3L, List.of("stale"), 0L, 0L, 0L));
            List<Object> meet = (List<Object>) ((List<Object>) cmd(j, "COMMAND", "INFO", "cluster|meet")).get(0);
            assertThat(meet.subList(0, 3)).isEqualTo(List.of("cluster|meet", -4L, List.of("admin", "no_async_loading", "stale")));
            List<Object> readonly = (List<Object>) ((List<Object>) cmd(j, "COMMAND", "INFO", "readonly")).get(0);
            assertThat(readonly.subList(0, 3)).isEqualTo(List.of("readonly", 1L, List.of("fast", "loading", "stale")));
            assertThat(cmd(j, "COMMAND", "DOCS", "cluster")).asString().contains("cluster|shards", "cluster|meet");
        }
    }

    // ------------------------------------------------------------------ without a group

    @Test
    void standalone_answersClusterSupportDisabled() throws IOException {
        try (TestServer plain = TestServer.start(dir.resolve("plain")); Jedis j = plain.jedis()) {
            for (Object[] c : List.of(new Object[]{"CLUSTER", "INFO"}, new Object[]{"CLUSTER", "KEYSLOT", "foo"},
                    new Object[]{"CLUSTER", "HELP"}, new Object[]{"READONLY"}, new Object[]{"READWRITE"}, new Object[]{"ASKING"})) {
                assertError(j, "ERR This instance has cluster support disabled", c);
            }
            assertThat(parseInfo(j.info())).containsEntry("cluster_enabled", "0").containsEntry("redis_mode", "standalone");
            assertThat(j.configGet("cluster-enabled")).containsEntry("cluster-enabled", "no");
            assertThat(cmd(j, "SELECT", "1")).isEqualTo("OK");
        }
    }
}
