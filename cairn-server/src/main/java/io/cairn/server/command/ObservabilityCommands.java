package io.cairn.server.command;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SLOWLOG, LATENCY and MONITOR, with Redis 7's replies and error texts. The state behind them is
 * {@link Observability}'s.
 */
final class ObservabilityCommands {
    private ObservabilityCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("slowlog", -2, "").group("server").doc("A container for slow log commands.", "2.2.12")
                .sub(Command.of("slowlog|get", -2, "admin loading stale").group("server")
                        .doc("Returns the slow log's entries.", "2.2.12").run(ObservabilityCommands::slowlogGet))
                .sub(Command.of("slowlog|len", 2, "admin loading stale").group("server")
                        .doc("Returns the number of entries in the slow log.", "2.2.12")
                        .run((c, a) -> c.reply().integer(Observability.of(c.server()).slowlog.size())))
                .sub(Command.of("slowlog|reset", 2, "admin loading stale").group("server")
                        .doc("Clears all entries from the slow log.", "2.2.12")
                        .run((c, a) -> {
                            Observability.of(c.server()).slowlog.reset();
                            c.reply().ok();
                        }))
                .sub(Command.of("slowlog|help", 2, "loading stale").group("server")
                        .doc("Show helpful text about the different subcommands", "6.2.0")
                        .run((c, a) -> Help.reply(c, "slowlog",
                                "GET [<count>]",
                                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                                "    Entries are made of:",
                                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                                "    client name",
                                "LEN",
                                "    Return the length of the slowlog.",
                                "RESET",
                                "    Reset the slowlog.")))
                .container());
        t.add(Command.of("latency", -2, "").group("server").doc("A container for latency diagnostics commands.", "2.8.13")
                .sub(Command.of("latency|latest", 2, "admin noscript loading stale").group("server")
                        .doc("Returns the latest latency samples for all events.", "2.8.13")
                        .run(ObservabilityCommands::latencyLatest))
                .sub(Command.of("latency|history", 3, "admin noscript loading stale").group("server")
                        .doc("Returns timestamp-latency samples for an event.", "2.8.13")
                        .run(ObservabilityCommands::latencyHistory))
                .sub(Command.of("latency|reset", -2, "admin noscript loading stale").group("server")
                        .doc("Resets the latency data for one or more events.", "2.8.13")
                        .run((c, a) -> {
                            List<String> names = new ArrayList<>();
                            for (int i = 2; i < a.length; i++) names.add(Args.str(a[i]));
                            c.reply().integer(Observability.of(c.server()).latency.reset(names));
                        }))
                .sub(Command.of("latency|doctor", 2, "admin noscript loading stale").group("server")
                        .doc("Returns a human-readable latency analysis report.", "2.8.13")
                        .run((c, a) -> c.reply().verbatim(
                                Observability.of(c.server()).latency.doctor(System.currentTimeMillis() / 1000))))
                .sub(Command.of("latency|histogram", -2, "admin noscript loading stale").group("server")
                        .doc("Returns the cumulative distribution of latencies of a subset or all commands.", "7.0.0")
                        .run(ObservabilityCommands::latencyHistogram))
                .sub(Command.of("latency|help", 2, "loading stale").group("server")
                        .doc("Returns helpful text about the different subcommands.", "2.8.13")
                        .run((c, a) -> Help.reply(c, "latency",
                                "DOCTOR",
                                "    Return a human readable latency analysis report.",
                                "HISTORY <event>",
                                "    Return time-latency samples for the <event> class.",
                                "LATEST",
                                "    Return the latest latency samples for all events.",
                                "RESET [<event> ...]",
                                "    Reset latency data of one or more <event> classes.",
                                "    (default: reset all data for all event classes)",
                                "HISTOGRAM [COMMAND ...]",
                                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                                "    If no commands are specified then all histograms are replied.")))
                .container());
        t.add(Command.of("monitor", 1, "admin noscript loading stale").group("server")
                .doc("Listens for all requests received by the server in real-time.", "1.0.0")
                .run((c, a) -> {
                    // EXEC's clients expect one reply per command (Redis: DENY BLOCKING)
                    if (c.denyBlocking()) throw Errors.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
                    if (c.monitoring()) return; // as Redis: a second MONITOR is ignored, without a reply
                    c.reply().ok();
                    c.startMonitor();
                }));
    }

    private static void slowlogGet(Client c, byte[][] a) {
        long count = 10;
        if (a.length > 3) throw Errors.arity("slowlog|get");
        if (a.length == 3) {
            Long n = Args.parseLong(a[2]);
            if (n == null || n < -1) throw Errors.error("ERR count should be greater than or equal to -1");
            count = n;
        }
        List<SlowLog.Entry> entries = Observability.of(c.server()).slowlog.newest(count);
        c.reply().array(entries.size());
        for (SlowLog.Entry e : entries) {
            c.reply().array(6);
            c.reply().integer(e.id());
            c.reply().integer(e.unixSeconds());
            c.reply().integer(e.micros());
            c.reply().array(e.args().length);
            for (byte[] arg : e.args()) c.reply().bulk(arg);
            c.reply().bulk(e.addr());
            c.reply().bulk(e.name());
        }
    }

    private static void latencyLatest(Client c, byte[][] a) {
        List<LatencyMonitor.Series> all = Observability.of(c.server()).latency.all();
        c.reply().array(all.size());
        for (LatencyMonitor.Series s : all) {
            c.reply().array(4);
            c.reply().bulk(s.event());
            c.reply().integer(s.latest().unixSeconds());
            c.reply().integer(s.latest().millis());
            c.reply().integer(s.max());
        }
    }

    private static void latencyHistory(Client c, byte[][] a) {
        LatencyMonitor.Series s = Observability.of(c.server()).latency.series(Args.str(a[2]));
        if (s == null) {
            c.reply().array(0);
            return;
        }
        c.reply().array(s.samples().size());
        for (LatencyMonitor.Sample x : s.samples()) {
            c.reply().array(2);
            c.reply().integer(x.unixSeconds());
            c.reply().integer(x.millis());
        }
    }

    /**
     * LATENCY HISTOGRAM [command ...]: per command called since the last reset, its calls and the cumulative count of
     * calls at or below each power-of-two microseconds, as Redis reports its HdrHistogram.
     */
    private static void latencyHistogram(Client c, byte[][] a) {
        Map<String, Command> chosen = new LinkedHashMap<>();
        if (a.length == 2) {
            for (Command cmd : ServerCommands.everyCommand(c.server())) chosen.put(cmd.name(), cmd);
        } else {
            for (int i = 2; i < a.length; i++) {
                String name = Args.str(a[i]).toLowerCase(Locale.ROOT);
                Command cmd = lookup(c.server(), name);
                if (cmd != null) chosen.putIfAbsent(cmd.name(), cmd);
            }
        }
        Map<String, Histogram> shown = new LinkedHashMap<>();
        for (Command cmd : chosen.values()) {
            Histogram h = cmd.stats().latencies();
            if (h != null) shown.put(cmd.name(), h);
        }
        c.reply().map(shown.size());
        for (Map.Entry<String, Histogram> e : shown.entrySet()) {
            c.reply().bulk(e.getKey());
            c.reply().map(2);
            c.reply().bulk("calls");
            c.reply().integer(e.getValue().getTotalCount());
            c.reply().bulk("histogram_usec");
            List<long[]> buckets = new ArrayList<>();
            long previous = 0;
            for (HistogramIterationValue v : e.getValue().logarithmicBucketValues(1024, 2)) {
                long cumulative = v.getTotalCountToThisValue();
                if (cumulative > previous) buckets.add(new long[]{v.getValueIteratedTo() / 1000, cumulative});
                previous = cumulative;
                if (cumulative >= e.getValue().getTotalCount()) break;
            }
            c.reply().map(buckets.size());
            for (long[] b : buckets) {
                c.reply().integer(b[0]);
                c.reply().integer(b[1]);
            }
        }
    }

    /** A command or {@code container|sub} by name, or null. */
    private static Command lookup(ServerContext s, String name) {
        int bar = name.indexOf('|');
        Command cmd = s.commands().lookup((bar < 0 ? name : name.substring(0, bar)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (cmd == null || bar < 0) return cmd;
        return cmd.subcommands().get(name.substring(bar + 1));
    }
}
