package io.cairn.server.cluster;

import io.cairn.server.command.Command;
import io.cairn.server.command.CommandTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The routing rules over the whole command table, for a leader, a follower and a group without a leader. */
class ClusterRoutingTest {
    private static final CommandTable TABLE = CommandTable.standard();
    /** Member 0 is this server; member 1 is at port 7001. */
    private final FakeClusterView group = new FakeClusterView().member(7000).member(7001).self(0);

    /** Every command and subcommand that runs, with a request of its minimal arity: "1" for every argument. */
    private static List<Command> commands() {
        List<Command> l = new ArrayList<>();
        for (Command c : TABLE.all()) {
            if (c.handler() != null) l.add(c);
            l.addAll(c.subcommands().values());
        }
        return l;
    }

    private static byte[][] request(Command c) {
        int n = Math.max(Math.abs(c.arity()), 2);
        byte[][] argv = new byte[n][];
        String[] name = c.name().split("\\|");
        for (int i = 0; i < n; i++) argv[i] = (i < name.length ? name[i] : "1").getBytes(StandardCharsets.UTF_8);
        return argv;
    }

    private static boolean hasKeys(Command c, byte[][] argv) {
        return ClusterRouting.firstKeyPosition(c, argv) >= 0;
    }

    @Test
    void leader_runsEverything() {
        group.leader(0);
        for (Command c : commands()) {
            assertThat(ClusterRouting.refusal(group, false, c, request(c))).as(c.name()).isNull();
        }
    }

    @Test
    void follower_movesEveryKeyedCommand_refusesKeylessWrites_runsTheRest() {
        group.leader(1);
        int keyed = 0;
        for (Command c : commands()) {
            byte[][] argv = request(c);
            String refusal = ClusterRouting.refusal(group, false, c, argv);
            if (hasKeys(c, argv)) {
                keyed++;
                int slot = KeySlot.of(argv[ClusterRouting.firstKeyPosition(c, argv)]);
                assertThat(refusal).as(c.name()).isEqualTo("MOVED " + slot + " 127.0.0.1:7001");
            } else if (c.isWrite()) {
                assertThat(refusal).as(c.name()).isEqualTo(ClusterRouting.READONLY_REPLICA);
            } else {
                assertThat(refusal).as(c.name()).isNull();
            }
        }
        assertThat(keyed).isGreaterThan(100);
    }

    @Test
    void follower_readonlyConnection_runsKeyedReads_movesKeyedWrites() {
        group.leader(1);
        for (Command c : commands()) {
            byte[][] argv = request(c);
            if (!hasKeys(c, argv)) continue;
            String refusal = ClusterRouting.refusal(group, true, c, argv);
            if (c.isWrite()) assertThat(refusal).as(c.name()).startsWith("MOVED ");
            else assertThat(refusal).as(c.name()).isNull();
        }
    }

    @Test
    void noLeader_keyedCommandsAreDown_butReadonlyReads() {
        group.leader(-1);
        for (Command c : commands()) {
            byte[][] argv = request(c);
            if (!hasKeys(c, argv)) continue;
            assertThat(ClusterRouting.refusal(group, false, c, argv)).as(c.name()).isEqualTo(ClusterRouting.CLUSTER_DOWN);
            assertThat(ClusterRouting.refusal(group, true, c, argv)).as(c.name())
                    .isEqualTo(c.isWrite() ? ClusterRouting.CLUSTER_DOWN : null);
        }
    }

    @Test
    void keysAfterACount_areFound_aBadCountHasNone() {
        Command zunion = TABLE.lookup("zunion");
        assertThat(ClusterRouting.firstKeyPosition(zunion, args("zunion", "2", "a", "b"))).isEqualTo(2);
        assertThat(ClusterRouting.firstKeyPosition(zunion, args("zunion", "0", "a"))).isEqualTo(-1);
        assertThat(ClusterRouting.firstKeyPosition(zunion, args("zunion", "x", "a"))).isEqualTo(-1);
        Command bzmpop = TABLE.lookup("bzmpop");
        assertThat(ClusterRouting.firstKeyPosition(bzmpop, args("bzmpop", "0", "1", "k", "MIN"))).isEqualTo(3);
        Command zunionstore = TABLE.lookup("zunionstore");
        assertThat(ClusterRouting.firstKeyPosition(zunionstore, args("zunionstore", "dst", "1", "k"))).isEqualTo(1);
        Command get = TABLE.lookup("get");
        assertThat(ClusterRouting.firstKeyPosition(get, args("get"))).isEqualTo(-1); // arity is checked elsewhere
    }

    private static byte[][] args(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = a[i].getBytes(StandardCharsets.UTF_8);
        return out;
    }
}
