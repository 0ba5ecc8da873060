package io.cairn.server.command;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of the command table: everything COMMAND reports and the dispatcher checks, and the handler.
 *
 * @param name        lower-case name ({@code "get"}; {@code "config|get"} for a subcommand)
 * @param arity       Redis's convention: N means exactly N arguments counting the name, -N means at least N
 * @param flags       Redis's command flags ({@code write}, {@code readonly}, {@code fast}, {@code noauth}, ...)
 * @param firstKey    position of the first key argument, 0 if none
 * @param lastKey     position of the last key, -1 for the last argument
 * @param step        distance between keys
 * @param group       Redis's documentation group ({@code string}, {@code generic}, {@code server}, ...)
 * @param summary     one line for COMMAND DOCS
 * @param since       the Redis version that introduced it
 * @param handler     runs it; null for a container whose subcommands run instead
 * @param subcommands for containers (CONFIG, CLIENT, ...): the subcommands by lower-case name
 * @param stats       calls and time spent, for INFO commandstats: kept with the entry so counting needs no lookup
 */
public record Command(String name, int arity, Set<String> flags, int firstKey, int lastKey, int step, String group,
                      String summary, String since, Handler handler, Map<String, Command> subcommands, Stats stats) {

    /**
     * Counters updated from every event loop without locks, as Redis's commandstats and latencystats count: a call that
     * ran counts in {@code calls} and its time whether it succeeded or answered an error ({@code failed} counts the
     * latter too); a call refused before it ran (arity, NOAUTH, OOM, a refusal while queueing) counts only in
     * {@code rejected}. The latency histogram (HdrHistogram, 1 ns to 1 s at two significant digits, as Redis's) is
     * made at the first call, so commands never called cost no memory.
     */
    public static final class Stats {
        /** Redis's range: 1 ns to 1 s; slower calls are recorded as 1 s. */
        static final long HISTOGRAM_MAX_NANOS = 1_000_000_000L;

        private final java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder rejected = new java.util.concurrent.atomic.LongAdder();
        private volatile org.HdrHistogram.AtomicHistogram histogram;
        /** The /metrics latency histogram's data point for this command, when metrics are on. */
        private volatile java.util.function.LongConsumer observer;

        public void record(long tookNanos) {
            calls.increment();
            nanos.add(tookNanos);
            java.util.function.LongConsumer o = observer;
            if (o != null) o.accept(tookNanos);
        }

        /** Also passes every {@link #record}ed time to {@code o} (null: stop). */
        public void observer(java.util.function.LongConsumer o) {
            observer = o;
        }

        /** Adds a call's duration to the latency histogram (INFO latencystats, LATENCY HISTOGRAM). */
        public void latency(long tookNanos) {
            org.HdrHistogram.AtomicHistogram h = histogram;
            if (h == null) h = newHistogram();
            h.recordValue(Math.max(1, Math.min(HISTOGRAM_MAX_NANOS, tookNanos)));
        }

        private synchronized org.HdrHistogram.AtomicHistogram newHistogram() {
            if (histogram == null) histogram = new org.HdrHistogram.AtomicHistogram(1, HISTOGRAM_MAX_NANOS, 2);
            return histogram;
        }

        /** The call ran and answered an error: counted in {@link #record} too. */
        public void failed() {
            failed.increment();
        }

        /** The call was refused before it ran. */
        public void rejected() {
            rejected.increment();
        }

        public long calls() {
            return calls.sum();
        }

        public long micros() {
            return nanos.sum() / 1000;
        }

        public long failedCalls() {
            return failed.sum();
        }

        public long rejectedCalls() {
            return rejected.sum();
        }

        /** A copy of the latency histogram (values in nanoseconds), or null if nothing was recorded since the reset. */
        public org.HdrHistogram.Histogram latencies() {
            org.HdrHistogram.AtomicHistogram h = histogram;
            if (h == null || h.getTotalCount() == 0) return null;
            org.HdrHistogram.Histogram copy = new org.HdrHistogram.Histogram(1, HISTOGRAM_MAX_NANOS, 2);
            copy.add(h);
            return copy;
        }

        public void reset() {
            calls.reset();
            nanos.reset();
            failed.reset();
            rejected.reset();
            org.HdrHistogram.AtomicHistogram h = histogram;
            if (h != null) h.reset();
        }
    }

    public Command {
        flags = Set.copyOf(flags);
        subcommands = Map.copyOf(subcommands);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    public boolean isWrite() {
        return flags.contains("write");
    }

    /** Whether {@code argc} arguments (name included) fit the arity. */
    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** The key positions of a request, per the table's first/last/step. */
    public List<Integer> keyPositions(int argc) {
        if (firstKey <= 0) return List.of();
        int last = lastKey < 0 ? argc + lastKey : lastKey;
        java.util.ArrayList<Integer> keys = new java.util.ArrayList<>();
        for (int i = firstKey; i <= last && i < argc; i += Math.max(1, step)) keys.add(i);
        return keys;
    }

    /** A builder, so the families declare their commands as data in a few readable lines. */
    public static Builder of(String name, int arity, String flags) {
        return new Builder(name, arity, flags);
    }

    public static final class Builder {
        private final String name;
        private final int arity;
        private final Set<String> flags;
        private int firstKey;
        private int lastKey;
        private int step;
        private String group = "generic";
        private String summary = "";
        private String since = "1.0.0";
        private final Map<String, Command> subs = new java.util.LinkedHashMap<>();

        Builder(String name, int arity, String flags) {
            this.name = name.toLowerCase(java.util.Locale.ROOT);
            this.arity = arity;
            this.flags = flags.isBlank() ? Set.of() : Set.of(flags.trim().split("\\s+"));
        }

        /** Keys from {@code first} to {@code last} (negative counts from the end) every {@code step}. */
        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.step = step;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder doc(String summary, String since) {
            this.summary = summary;
            this.since = since;
            return this;
        }

        public Builder sub(Command c) {
            subs.put(c.name().substring(c.name().indexOf('|') + 1), c);
            return this;
        }

        public Command run(Handler h) {
            return new Command(name, arity, flags, firstKey, lastKey, step, group, summary, since, h, subs, new Stats());
        }

        /** A container: its subcommands run; the container itself answers only to a missing or unknown one. */
        public Command container() {
            return new Command(name, arity, flags, firstKey, lastKey, step, group, summary, since, null, subs, new Stats());
        }
    }
}
