package io.cairn.server.cluster;

import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.server.command.Args;
import io.cairn.server.command.Client;
import io.cairn.server.command.Command;
import io.cairn.server.command.CommandException;
import io.cairn.server.command.CommandTable;
import io.cairn.server.command.Errors;
import io.cairn.server.command.Handler;
import io.cairn.server.resp.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * CLUSTER's subcommands and READONLY, READWRITE and ASKING, with Redis 7.0's replies, for the one-shard cluster a
 * replicated group presents ({@link ClusterView}): the leader is the master owning slots 0-16383, every other member
 * its replica. Without a view every one of them answers Redis's {@code -ERR This instance has cluster support
 * disabled}.
 *
 * <p>CLUSTER MEET and FORGET change the group's membership through Raft and reply once the new configuration is
 * committed, off the event loop ({@link Client#replyWhen}); Redis replies at once and each node forgets on its own.
 * The subcommands that would move slots or change roles by hand (RESET, ADDSLOTS, FAILOVER, REPLICATE, ...) answer an
 * error that says so: Raft elects the master.
 */
public final class ClusterCommands {
    static final String DISABLED = "ERR This instance has cluster support disabled";
    /** Redis's last slot range: the one shard owns all of it. */
    private static final int LAST_SLOT = KeySlot.SLOTS - 1;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,255}");

    private ClusterCommands() {
    }

    public static void register(CommandTable t) {
        t.add(Command.of("readonly", 1, "loading stale fast").group("cluster")
                .doc("Enables read-only queries for a connection to a Redis Cluster replica node.", "3.0.0")
                .run(clustered((v, c, a) -> {
                    c.readonly(true);
                    c.reply().ok();
                })));
        t.add(Command.of("readwrite", 1, "loading stale fast").group("cluster")
                .doc("Enables read-write queries for a connection to a Redis Cluster replica node.", "3.0.0")
                .run(clustered((v, c, a) -> {
                    c.readonly(false);
                    c.reply().ok();
                })));
        t.add(Command.of("asking", 1, "fast").group("cluster")
                .doc("Signals that a cluster client is following an -ASK redirect (Cairn: no slot migrates; no effect).", "3.0.0")
                .run(clustered((v, c, a) -> c.reply().ok())));
        t.add(cluster());
    }

    /** A handler that needs the view: the view's absence answers as Redis without cluster support. */
    @FunctionalInterface
    private interface ClusterHandler {
        void execute(ClusterView v, Client c, byte[][] a);
    }

    private static Handler clustered(ClusterHandler h) {
        return (c, a) -> {
            ClusterView v = c.server().cluster();
            if (v == null) throw Errors.error(DISABLED);
            h.execute(v, c, a);
        };
    }

    private static Command sub(String name, int arity, String flags, String summary, String since, ClusterHandler h) {
        return Command.of("cluster|" + name, arity, flags).group("cluster").doc(summary, since).run(clustered(h));
    }

    /** A subcommand Raft makes meaningless: refused with a sentence that says why. */
    private static Command managed(String name, int arity, String summary, String since) {
        String upper = name.toUpperCase(Locale.ROOT);
        return sub(name, arity, "admin stale no-async-loading", summary + " (Cairn: refused, Raft manages slots and roles)", since,
                (v, c, a) -> {
                    throw Errors.error("ERR CLUSTER " + upper + " is not supported: in Cairn one shard owns all 16384 slots"
                            + " and Raft elects its master (the leader); use CLUSTER MEET and CLUSTER FORGET to change"
                            + " the members");
                });
    }

    private static Command cluster() {
        return Command.of("cluster", -2, "").group("cluster").doc("A container for Redis Cluster commands.", "3.0.0")
                .sub(sub("info", 2, "stale", "Returns information about the state of a node.", "3.0.0",
                        (v, c, a) -> c.reply().verbatim(ClusterInfo.clusterInfo(v))))
                .sub(sub("myid", 2, "stale", "Returns the ID of a node.", "3.0.0",
                        (v, c, a) -> c.reply().bulk(v.self().id())))
                .sub(sub("nodes", 2, "stale", "Returns the cluster configuration for a node.", "3.0.0",
                        (v, c, a) -> c.reply().verbatim(nodes(v))))
                .sub(sub("slots", 2, "stale", "Returns the mapping of cluster slots to nodes.", "3.0.0", ClusterCommands::slots))
                .sub(sub("shards", 2, "stale", "Returns the mapping of cluster slots to shards.", "7.0.0", ClusterCommands::shards))
                .sub(sub("keyslot", 3, "stale", "Returns the hash slot for a key.", "3.0.0",
                        (v, c, a) -> c.reply().integer(KeySlot.of(a[2]))))
                .sub(sub("countkeysinslot", 3, "stale", "Returns the number of keys in a hash slot (Cairn: counts by a scan of db 0).",
                        "3.0.0", ClusterCommands::countKeysInSlot))
                .sub(sub("getkeysinslot", 4, "stale", "Returns the key names in a hash slot (Cairn: found by a scan of db 0).",
                        "3.0.0", ClusterCommands::getKeysInSlot))
                .sub(sub("replicas", 3, "admin stale", "Lists the replica nodes of a master node.", "5.0.0", ClusterCommands::replicas))
                .sub(sub("slaves", 3, "admin stale", "Lists the replica nodes of a master node.", "3.0.0", ClusterCommands::replicas))
                .sub(sub("meet", -4, "admin stale no-async-loading",
                        "Forces a node to handshake with another node (Cairn: adds a member to the Raft group).", "3.0.0",
                        ClusterCommands::meet))
                .sub(sub("forget", 3, "admin stale no-async-loading",
                        "Removes a node from the nodes table (Cairn: removes a member from the Raft group).", "3.0.0",
                        ClusterCommands::forget))
                .sub(sub("help", 2, "loading stale", "Returns helpful text about the different subcommands.", "5.0.0",
                        ClusterCommands::help))
                .sub(managed("reset", -2, "Resets a node.", "3.0.0"))
                .sub(managed("addslots", -3, "Assigns new hash slots to a node.", "3.0.0"))
                .sub(managed("addslotsrange", -4, "Assigns new hash slot ranges to a node.", "7.0.0"))
                .sub(managed("delslots", -3, "Sets hash slots as unbound for a node.", "3.0.0"))
                .sub(managed("delslotsrange", -4, "Sets hash slot ranges as unbound for a node.", "7.0.0"))
                .sub(managed("flushslots", 2, "Deletes all slots information from a node.", "3.0.0"))
                .sub(managed("failover", -2, "Forces a replica to perform a manual failover of its master.", "3.0.0"))
                .sub(managed("replicate", 3, "Configure a node as replica of a master node.", "3.0.0"))
                .sub(managed("setslot", -4, "Binds a hash slot to a node.", "3.0.0"))
                .sub(managed("bumpepoch", 2, "Advances the cluster config epoch.", "3.0.0"))
                .sub(managed("set-config-epoch", 3, "Sets the configuration epoch for a new node.", "3.0.0"))
                .sub(managed("saveconfig", 2, "Forces a node to save the cluster configuration to disk.", "3.0.0"))
                .container();
    }

    // ------------------------------------------------------------------ NODES, SLOTS, SHARDS, REPLICAS

    /** CLUSTER NODES: one line per member, each ending with a newline. */
    static String nodes(ClusterView v) {
        Optional<ClusterView.Node> leader = v.leader();
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder();
        for (ClusterView.Node n : v.nodes()) sb.append(nodeLine(v, n, leader, now)).append('\n');
        return sb.toString();
    }

    /**
     * A CLUSTER NODES line: {@code <id> <host>:<port>@<bus-port> <flags> <master id or -> <ping-sent> <pong-recv>
     * <config-epoch> <link-state> [0-16383]}. While no leader is known every member shows as a replica of none
     * ({@code slave -}), and no line has the slots.
     */
    static String nodeLine(ClusterView v, ClusterView.Node n, Optional<ClusterView.Node> leader, long now) {
        boolean master = leader.isPresent() && n.leader();
        StringBuilder sb = new StringBuilder(160);
        sb.append(n.id()).append(' ').append(n.host()).append(':').append(n.port()).append('@').append(n.busPort()).append(' ');
        if (n.self()) sb.append("myself,");
        sb.append(master ? "master" : "slave");
        if (!n.self() && !n.reachable()) sb.append(",fail");
        sb.append(' ').append(master || leader.isEmpty() ? "-" : leader.get().id());
        sb.append(" 0 ").append(n.self() || !n.reachable() ? 0 : now);
        sb.append(' ').append(v.epoch());
        sb.append(n.self() || n.reachable() ? " connected" : " disconnected");
        if (master) sb.append(" 0-").append(LAST_SLOT);
        return sb.toString();
    }

    /** The leader first, then the other members in the view's order; empty while no leader is known. */
    private static List<ClusterView.Node> masterFirst(ClusterView v) {
        Optional<ClusterView.Node> leader = v.leader();
        List<ClusterView.Node> out = new ArrayList<>();
        if (leader.isEmpty()) return out;
        out.add(leader.get());
        for (ClusterView.Node n : v.nodes()) if (!n.id().equals(leader.get().id())) out.add(n);
        return out;
    }

    /**
     * CLUSTER SLOTS: {@code [[0, 16383, master, replica...]]}, each node {@code [host, port, id, {}]} (the empty map of
     * networking metadata is an empty array in RESP2, as Redis 7 writes it). Replicas that cannot be reached are left
     * out, as Redis leaves out failed ones; no leader, no slots: an empty array.
     */
    private static void slots(ClusterView v, Client c, byte[][] a) {
        Reply r = c.reply();
        List<ClusterView.Node> shard = masterFirst(v);
        if (shard.isEmpty()) {
            r.array(0);
            return;
        }
        List<ClusterView.Node> shown = new ArrayList<>();
        for (ClusterView.Node n : shard) if (shown.isEmpty() || n.self() || n.reachable()) shown.add(n);
        r.array(1);
        r.array(2 + shown.size());
        r.integer(0);
        r.integer(LAST_SLOT);
        for (ClusterView.Node n : shown) {
            r.array(4);
            r.bulk(n.host());
            r.integer(n.port());
            r.bulk(n.id());
            r.map(0);
        }
    }

    /**
     * CLUSTER SHARDS: one shard, {@code slots} [0, 16383] (empty while no leader is known) and its {@code nodes}, the
     * master first, each a map of id, port, ip, endpoint, role, replication-offset (this node's applied index for
     * itself, the leader's match index for the others when it has one, else 0) and health ({@code online}, or
     * {@code failed} when it cannot be reached).
     */
    private static void shards(ClusterView v, Client c, byte[][] a) {
        Reply r = c.reply();
        List<ClusterView.Node> nodes = masterFirst(v);
        boolean led = !nodes.isEmpty();
        if (!led) nodes = v.nodes();
        r.array(1);
        r.map(2);
        r.bulk("slots");
        if (led) {
            r.array(2);
            r.integer(0);
            r.integer(LAST_SLOT);
        } else {
            r.array(0);
        }
        r.bulk("nodes");
        r.array(nodes.size());
        for (ClusterView.Node n : nodes) {
            r.map(7);
            r.bulk("id");
            r.bulk(n.id());
            r.bulk("port");
            r.integer(n.port());
            r.bulk("ip");
            r.bulk(n.host());
            r.bulk("endpoint");
            r.bulk(n.host());
            r.bulk("role");
            r.bulk(led && n.leader() ? "master" : "replica");
            r.bulk("replication-offset");
            r.integer(n.self() ? v.appliedIndex() : Math.max(0, v.replicatedIndex(n.id())));
            r.bulk("health");
            r.bulk(n.self() || n.reachable() ? "online" : "failed");
        }
    }

    /** CLUSTER REPLICAS id: the CLUSTER NODES lines of the master's replicas. */
    private static void replicas(ClusterView v, Client c, byte[][] a) {
        String id = Args.str(a[2]);
        ClusterView.Node node = node(v, id);
        Optional<ClusterView.Node> leader = v.leader();
        if (leader.isEmpty() || !node.id().equals(leader.get().id())) throw Errors.error("ERR The specified node is not a master");
        long now = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        for (ClusterView.Node n : v.nodes()) if (!n.id().equals(node.id())) lines.add(nodeLine(v, n, leader, now));
        c.reply().array(lines.size());
        for (String l : lines) c.reply().bulk(l);
    }

    private static ClusterView.Node node(ClusterView v, String id) {
        for (ClusterView.Node n : v.nodes()) if (n.id().equalsIgnoreCase(id)) return n;
        throw Errors.error("ERR Unknown node " + Errors.abbreviate(id));
    }

    // ------------------------------------------------------------------ KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT

    private static void countKeysInSlot(ClusterView v, Client c, byte[][] a) {
        long slot = Args.toLong(a[2]);
        if (slot < 0 || slot > LAST_SLOT) throw Errors.error("ERR Invalid slot");
        long n = 0;
        try (CloseableIterator<Entry> it = c.server().db(0).iterator()) {
            while (it.hasNext()) if (KeySlot.of(it.next().key()) == slot) n++;
        }
        c.reply().integer(n);
    }

    private static void getKeysInSlot(ClusterView v, Client c, byte[][] a) {
        long slot = Args.toLong(a[2]);
        long count = Args.toLong(a[3]);
        if (slot < 0 || slot > LAST_SLOT || count < 0) throw Errors.error("ERR Invalid slot or number of keys");
        List<byte[]> keys = new ArrayList<>();
        try (CloseableIterator<Entry> it = c.server().db(0).iterator()) {
            while (keys.size() < count && it.hasNext()) {
                byte[] k = it.next().key();
                if (KeySlot.of(k) == slot) keys.add(k);
            }
        }
        c.reply().array(keys.size());
        for (byte[] k : keys) c.reply().bulk(k);
    }

    // ------------------------------------------------------------------ MEET, FORGET, HELP

    /** CLUSTER MEET host port [bus-port]: the bus port defaults to port + 10000, as Redis's. */
    private static void meet(ClusterView v, Client c, byte[][] a) {
        if (a.length > 5) {
            throw Errors.error("ERR unknown subcommand or wrong number of arguments for 'meet'. Try CLUSTER HELP.");
        }
        String host = Args.str(a[2]);
        Long port = Args.parseLong(a[3]);
        if (port == null) throw Errors.error("ERR Invalid TCP base port specified: " + Errors.abbreviate(Args.str(a[3])));
        long bus = port + 10000;
        if (a.length == 5) {
            Long b = Args.parseLong(a[4]);
            if (b == null) throw Errors.error("ERR Invalid TCP bus port specified: " + Errors.abbreviate(Args.str(a[4])));
            bus = b;
        }
        if (!HOST.matcher(host).matches() || port <= 0 || port > 65535 || bus <= 0 || bus > 65535) {
            throw Errors.error("ERR Invalid node address specified: " + Errors.abbreviate(host) + ":" + Errors.abbreviate(Args.str(a[3])));
        }
        replyOkWhen(c, v.addNode(host, port.intValue(), (int) bus));
    }

    /** CLUSTER FORGET id: removes the member from the group, this node included (it steps down first). */
    private static void forget(ClusterView v, Client c, byte[][] a) {
        ClusterView.Node n = node(v, Args.str(a[2]));
        replyOkWhen(c, v.removeNode(n.id()));
    }

    /** Replies OK once {@code change} completes, or its failure as an error; the connection waits, the loop does not. */
    private static void replyOkWhen(Client c, CompletableFuture<Void> change) {
        c.replyWhen(change, () -> {
            try {
                change.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof CommandException ce) throw ce;
                String m = cause.getMessage();
                throw Errors.error("ERR " + (m == null || m.isBlank() ? cause.getClass().getSimpleName() : m.replace('\r', ' ').replace('\n', ' ')));
            }
            c.reply().ok();
        });
    }

    private static void help(ClusterView v, Client c, byte[][] a) {
        io.cairn.server.command.Help.reply(c, "cluster",
                "COUNTKEYSINSLOT <slot>",
                "    Return the number of keys in <slot>.",
                "FORGET <node-id>",
                "    Remove a node from the cluster (Cairn: from the Raft group, once committed).",
                "GETKEYSINSLOT <slot> <count>",
                "    Return key names stored by current node in a slot.",
                "INFO",
                "    Return information about the cluster.",
                "KEYSLOT <key>",
                "    Return the hash slot for <key>.",
                "MEET <ip> <port> [<bus-port>]",
                "    Connect nodes into a working cluster (Cairn: add a member to the Raft group, once committed;",
                "    <bus-port> is its Raft port, default <port>+10000).",
                "MYID",
                "    Return the node id.",
                "NODES",
                "    Return cluster configuration seen by node. Output format:",
                "    <id> <ip:port@bus-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
                "REPLICAS <node-id>",
                "    Return <node-id> replicas.",
                "SLOTS",
                "    Return information about slots range mappings. Each range is made of:",
                "    start, end, master and replicas IP addresses, ports and ids",
                "SHARDS",
                "    Return information about slot range mappings and the nodes associated with them.",
                "Slots and roles are Raft's: one shard owns all 16384 slots and the Raft leader is its master, so",
                "RESET, ADDSLOTS, DELSLOTS, FAILOVER, REPLICATE, SETSLOT and the like are refused.");
    }
}
