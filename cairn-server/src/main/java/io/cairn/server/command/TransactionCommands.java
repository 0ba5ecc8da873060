package io.cairn.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7's semantics and texts.
 *
 * <p>Between MULTI and EXEC the connection's handler queues every command but these and QUIT and RESET, answering
 * {@code +QUEUED}; a command refused while queueing (unknown, wrong arity, not allowed in a transaction) flags the
 * transaction, and EXEC then discards it with EXECABORT. EXEC runs the queued commands in one
 * {@link io.cairn.Writer#exclusive exclusive group} of the store: no other client sees the store between them, what
 * they write is one log record (all or none after a crash), and the reply leaves only once that record is durable, as
 * any write's reply does. A command that fails at run time is that element of the reply; the others run (Redis does not
 * roll back). WATCHed keys are checked inside the group: if a write marked one ({@link Watches}), or one that existed at
 * WATCH has expired since, EXEC runs nothing and answers nil.
 */
public final class TransactionCommands {
    /** The commands a transaction runs at once instead of queueing them. */
    private static final Set<String> NOT_QUEUED = Set.of("exec", "discard", "multi", "watch", "unwatch", "quit", "reset");

    private TransactionCommands() {
    }

    /** Whether {@code cmd} runs at once inside MULTI (it is not queued). */
    public static boolean runsInMulti(Command cmd) {
        return NOT_QUEUED.contains(cmd.name());
    }

    static void register(CommandTable t) {
        t.add(Command.of("multi", 1, "noscript loading stale fast allow-busy").group("transactions")
                .doc("Starts a transaction.", "1.2.0").run((c, a) -> {
                    if (c.inMulti()) throw Errors.error("ERR MULTI calls can not be nested");
                    c.beginMulti();
                    c.reply().ok();
                }));
        t.add(Command.of("exec", 1, "noscript loading stale skip-slowlog").group("transactions")
                .doc("Executes all commands in a transaction.", "1.2.0").run(TransactionCommands::exec));
        t.add(Command.of("discard", 1, "noscript loading stale fast allow-busy").group("transactions")
                .doc("Discards a transaction.", "2.0.0").run((c, a) -> {
                    if (!c.inMulti()) throw Errors.error("ERR DISCARD without MULTI");
                    c.resetTransaction();
                    c.reply().ok();
                }));
        t.add(Command.of("watch", -2, "noscript loading stale fast allow-busy").keys(1, -1, 1).group("transactions")
                .doc("Monitors changes to keys to determine the execution of a transaction.", "2.2.0")
                .run(TransactionCommands::watch));
        t.add(Command.of("unwatch", 1, "noscript loading stale fast allow-busy").group("transactions")
                .doc("Forgets about watched keys of a transaction.", "2.2.0").run((c, a) -> {
                    c.server().watches().unwatch(c);
                    c.reply().ok();
                }));
    }

    private static void watch(Client c, byte[][] a) {
        if (c.inMulti()) throw Errors.error("ERR WATCH inside MULTI is not allowed");
        String ks = c.keyspace().name();
        List<Watches.Key> fresh = new ArrayList<>();
        Map<Watches.Key, Boolean> watched = c.watched();
        for (int i = 1; i < a.length; i++) {
            Watches.Key k = Watches.Key.of(ks, a[i]);
            if (watched.containsKey(k)) continue;
            // read before registering: a registration holds the writes' gate and must not wait for the store
            watched.put(k, c.keyspace().contains(a[i]));
            fresh.add(k);
        }
        c.server().watches().watch(c, fresh);
        c.reply().ok();
    }

    private static void exec(Client c, byte[][] a) {
        if (!c.inMulti()) throw Errors.error("ERR EXEC without MULTI");
        if (c.multiFlagged()) {
            c.resetTransaction();
            throw Errors.error("EXECABORT Transaction discarded because of previous errors.");
        }
        List<byte[][]> queued = c.endMulti();
        boolean[] aborted = {false};
        try {
            c.writer().exclusive(() -> {
                // inside the group: a write that came before it marked its watchers before it wrote
                if (c.isWatchTouched() || watchedKeyExpired(c)) {
                    aborted[0] = true;
                    return null;
                }
                c.reply().array(queued.size());
                Client.Runner run = c.runner();
                c.denyBlocking(true); // blocking commands answer at once inside EXEC, as in Redis
                try {
                    for (byte[][] args : queued) run.run(args);
                } finally {
                    c.denyBlocking(false);
                }
                return null;
            });
        } finally {
            c.server().watches().unwatch(c);
        }
        if (aborted[0]) c.reply().nullArray();
    }

    /** A key that existed when it was WATCHed and is gone now expired (a delete would have marked it). */
    private static boolean watchedKeyExpired(Client c) {
        for (Map.Entry<Watches.Key, Boolean> e : c.watched().entrySet()) {
            if (!e.getValue()) continue;
            Watches.Key k = e.getKey();
            io.cairn.Keyspace ks = k.keyspace().equals(c.keyspace().name()) ? c.keyspace()
                    : c.server().store().findKeyspace(k.keyspace()).orElse(null);
            byte[] key = new byte[k.key().remaining()];
            k.key().duplicate().get(key);
            if (ks == null || !ks.contains(key)) return true;
        }
        return false;
    }
}
