package io.cairn.server.command;

import io.cairn.Cairn;
import io.cairn.Keyspace;
import io.cairn.Stats;
import io.cairn.server.resp.Reply;

import java.util.List;
import java.util.Locale;

/**
 * MEMORY USAGE, STATS, DOCTOR and HELP, answered from the store's memory account ({@link Stats#usedMemory()}: what
 * maxmemory limits), not from the JVM's heap, which also holds garbage the collector has not reclaimed yet.
 */
final class MemoryCommands {
    private MemoryCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("memory", -2, "").group("server").doc("A container for memory diagnostics commands.", "4.0.0")
                .sub(Command.of("memory|usage", -3, "readonly").keys(2, 2, 1).group("server")
                        .doc("Estimates the memory usage of a key.", "4.0.0").run(MemoryCommands::usage))
                .sub(Command.of("memory|stats", 2, "").group("server")
                        .doc("Returns details about memory usage.", "4.0.0").run(MemoryCommands::stats))
                .sub(Command.of("memory|doctor", 2, "").group("server")
                        .doc("Outputs a memory problems report.", "4.0.0").run(MemoryCommands::doctor))
                .sub(Command.of("memory|malloc-stats", 2, "").group("server")
                        .doc("Returns the allocator statistics.", "4.0.0")
                        .run((c, a) -> c.reply().verbatim("Stats not supported for the current allocator")))
                .sub(Command.of("memory|purge", 2, "").group("server")
                        .doc("Asks the allocator to release memory.", "4.0.0")
                        .run((c, a) -> c.reply().ok())) // the JVM's collector returns memory by its own rules
                .sub(Command.of("memory|help", 2, "loading stale").group("server")
                        .doc("Returns helpful text about the different subcommands.", "4.0.0")
                        .run((c, a) -> Help.reply(c, "memory", HELP)))
                .container());
    }

    private static final String[] HELP = {
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
    };

    private static void usage(Client c, byte[][] a) {
        if (a.length != 3 && a.length != 5) throw Errors.error(Errors.SYNTAX);
        if (a.length == 5) {
            if (!Args.str(a[3]).equalsIgnoreCase("samples")) throw Errors.error(Errors.SYNTAX);
            long n = Args.toLong(a[4]);
            if (n < 0) throw Errors.error(Errors.SYNTAX);
            // the account is exact for every value: there is nothing to sample
        }
        long bytes = c.keyspace().memoryUsage(a[2]);
        if (bytes < 0) c.reply().nullBulk();
        else c.reply().integer(bytes);
    }

    private static void stats(Client c, byte[][] a) {
        Cairn store = c.server().store();
        Stats st = store.stats();
        List<Keyspace> all = store.keyspaces();
        ServerCommands.State state = ServerCommands.state(c.server());
        long used = st.usedMemory();
        long peak = Math.max(state.peakMemory, used);
        state.peakMemory = peak;
        long overhead = 0; // Cairn's account has no part that is not the data's: indexes are counted with their keyspaces
        int dbs = 0;
        for (Keyspace ks : all) {
            if (ks.size() > 0) dbs++;
        }
        Reply r = c.reply();
        r.map(12 + dbs);
        r.bulk("peak.allocated");
        r.integer(peak);
        r.bulk("total.allocated");
        r.integer(used);
        r.bulk("startup.allocated");
        r.integer(0);
        r.bulk("replication.backlog");
        r.integer(0);
        r.bulk("clients.normal");
        r.integer(0);
        r.bulk("aof.buffer");
        r.integer(0);
        int db = 0;
        for (Keyspace ks : all) {
            if (ks.size() == 0) continue;
            long ksMemory = ks.memoryUsage();
            r.bulk("db." + dbIndex(c, ks, db++));
            r.map(2);
            r.bulk("overhead.hashtable.main");
            r.integer(ksMemory);
            r.bulk("overhead.hashtable.expires");
            r.integer(0); // an expiring key's expiry entry is in its keyspace's account above
        }
        r.bulk("overhead.total");
        r.integer(overhead);
        r.bulk("keys.count");
        r.integer(st.keys());
        r.bulk("keys.bytes-per-key");
        r.integer(st.keys() == 0 ? 0 : used / st.keys());
        r.bulk("dataset.bytes");
        r.integer(used);
        r.bulk("dataset.percentage");
        r.doubleValue(used == 0 ? 0 : 100.0);
        r.bulk("peak.percentage");
        r.doubleValue(peak == 0 ? 0 : used * 100.0 / peak);
    }

    /** The database number a keyspace serves, or its position among the keyspaces listed. */
    private static String dbIndex(Client c, Keyspace ks, int position) {
        String name = ks.name();
        if (name.equals(Cairn.DEFAULT_KEYSPACE)) return "0";
        String digits = name.replaceAll("\\D", "");
        return digits.isEmpty() ? name : digits;
    }

    private static void doctor(Client c, byte[][] a) {
        Cairn store = c.server().store();
        Stats st = store.stats();
        long max = store.limits().maxMemory();
        String text;
        if (st.keys() == 0) {
            text = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
                    + "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam "
                    + "and I will be back to our programming as soon as I finished rebooting.";
        } else if (max > 0 && st.usedMemory() > max * 9 / 10) {
            text = String.format(Locale.ROOT, "Sam, the data holds %d bytes, over 90%% of maxmemory (%d bytes): "
                    + "writes will %s. Raise maxmemory or the JVM heap with it.", st.usedMemory(), max,
                    store.limits().policy().configName().equals("noeviction") ? "be refused with OOM soon" : "evict keys");
        } else {
            text = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
        }
        c.reply().verbatim(text);
    }
}
