package io.cairn.server.cluster;

import io.cairn.server.command.Args;
import io.cairn.server.command.Client;
import io.cairn.server.command.Command;
import io.cairn.server.command.CommandTable;
import io.cairn.server.command.Errors;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which node runs a command, by Redis Cluster's rules for a cluster of one shard that owns every slot: the leader runs
 * everything; a follower is a replica of it. The dispatcher asks {@link #refusal} after the arity and authentication
 * checks and before queueing inside MULTI, as Redis redirects in {@code processCommand}:
 * <ul>
 *   <li>On the leader, nothing is refused. Keys in different slots are allowed (one shard holds them all), where Redis
 *       answers {@code -CROSSSLOT}.</li>
 *   <li>On a follower, a command with keys gets {@code -MOVED <slot of its first key> <leader host>:<port>}, or
 *       {@code -CLUSTERDOWN The cluster is down} while no leader is known; except that a connection that sent READONLY
 *       runs commands that do not write (Redis's test: not flagged {@code write}) here, leader or not.</li>
 *   <li>On a follower, a write without keys (FLUSHALL, SWAPDB, ...) gets Redis's
 *       {@code -READONLY You can't write against a read only replica.}</li>
 *   <li>Commands without keys that do not write (PING, INFO, CLUSTER, CONFIG, CLIENT, ...) run anywhere.</li>
 *   <li>Inside MULTI each command is checked as it is queued (a refusal makes EXEC answer EXECABORT); EXEC checks the
 *       queued commands again, since leadership may have moved meanwhile, and a refused EXEC discards the transaction,
 *       as Redis does.</li>
 * </ul>
 * Thread safety: stateless; reads the view, which answers from state it keeps.
 */
public final class ClusterRouting {
    public static final String CLUSTER_DOWN = "CLUSTERDOWN The cluster is down";
    public static final String READONLY_REPLICA = "READONLY You can't write against a read only replica.";

    /**
     * Where the count of keys sits in commands whose keys follow a count ({@code ZUNION numkeys key ...}): Redis's
     * "keynum" key specifications, which first/last/step cannot say. The keys start right after the count.
     */
    private static final Map<String, Integer> NUMKEYS_AT = Map.of(
            "sintercard", 1, "zinter", 1, "zunion", 1, "zdiff", 1, "zintercard", 1, "zmpop", 1, "lmpop", 1,
            "blmpop", 2, "bzmpop", 2);

    private ClusterRouting() {
    }

    /** {@link #refusal} as the dispatcher uses it: throws the refusal as the command's error reply. */
    public static void check(ClusterView v, Client c, Command cmd, byte[][] argv) {
        String no = refusal(v, c, cmd, argv);
        if (no != null) throw Errors.error(no);
    }

    /**
     * Null if {@code cmd} (a subcommand already resolved, with {@code argv} the whole request) runs on this node, else
     * the error line to answer instead (without the leading '-'). Refusing EXEC also discards {@code c}'s transaction.
     */
    public static String refusal(ClusterView v, Client c, Command cmd, byte[][] argv) {
        if (cmd.name().equals("exec")) return execRefusal(v, c);
        return refusal(v, c.readonly(), cmd, argv);
    }

    /** The rule for one command, for a connection that sent READONLY or not. */
    public static String refusal(ClusterView v, boolean readonlyConnection, Command cmd, byte[][] argv) {
        int key = firstKeyPosition(cmd, argv);
        if (key < 0) return cmd.isWrite() && !v.isLeader() ? READONLY_REPLICA : null;
        Optional<ClusterView.Node> leader = v.leader();
        if (leader.isPresent() && leader.get().self()) return null;
        if (readonlyConnection && !cmd.isWrite()) return null;
        if (leader.isEmpty()) return CLUSTER_DOWN;
        return moved(KeySlot.of(argv[key]), leader.get());
    }

    /** EXEC: the queued commands as one, the first refusal answering for all. */
    private static String execRefusal(ClusterView v, Client c) {
        if (!c.inMulti()) return null; // EXEC's own "EXEC without MULTI"
        CommandTable table = c.server().commands();
        for (byte[][] args : c.queuedCommands()) {
            Command cmd = resolve(table, args);
            if (cmd == null) continue; // cannot be: an unknown command was refused when queued
            String no = refusal(v, c.readonly(), cmd, args);
            if (no != null) {
                c.resetTransaction();
                return no;
            }
        }
        return null;
    }

    static String moved(int slot, ClusterView.Node leader) {
        return "MOVED " + slot + " " + leader.host() + ":" + leader.port();
    }

    /** The command or subcommand a request names, or null. */
    private static Command resolve(CommandTable table, byte[][] args) {
        Command cmd = table.lookup(args[0]);
        if (cmd == null || cmd.handler() != null) return cmd;
        if (args.length < 2) return null;
        return cmd.subcommands().get(Args.str(args[1]).toLowerCase(Locale.ROOT));
    }

    /**
     * The position of the request's first key, or -1 if it names none: the table's first key, or for the commands whose
     * keys follow a count the first of them (none when the count is not a positive integer or the request is too short:
     * the command then answers its own syntax error).
     */
    static int firstKeyPosition(Command cmd, byte[][] argv) {
        if (cmd.firstKey() > 0) return cmd.firstKey() < argv.length ? cmd.firstKey() : -1;
        Integer at = NUMKEYS_AT.get(cmd.name());
        if (at == null || at + 1 >= argv.length) return -1;
        Long n = Args.parseLong(argv[at]);
        return n != null && n > 0 ? at + 1 : -1;
    }
}
