package io.cairn.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks that a {@link History} of operations on string keys is linearizable: that some total order of the operations,
 * consistent with their real-time order (an operation that completed before another was invoked comes first), explains
 * every result as if one register per key had applied them one at a time. Every key starts absent ({@code null}).
 *
 * <h2>Use from a cluster test</h2>
 * <pre>{@code
 * History history = new History();
 * // in each client thread, around every request:
 * long id = history.invoke(client, Op.write("k3", "c2-17"));
 * try {
 *     jedis.set("k3", "c2-17");
 *     history.ok(id, null);
 * } catch (JedisDataException e) {            // MOVED, CLUSTERDOWN, not leader: refused before the log
 *     history.fail(id);
 * } catch (JedisConnectionException e) {      // timeout, reset, killed node: may or may not have happened
 *     history.info(id);
 * }
 * // reads: history.ok(id, jedis.get("k3")), a null reply meaning absent
 * // ... leader kills, SIGSTOP pauses, partitions; then, with every client stopped:
 * LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
 * assertThat(result.ok()).as("%s", result).isTrue();
 * }</pre>
 * Only mark {@code fail} what certainly did not happen: an error the server returns after the write may have reached
 * the log (a timeout inside the server, a leader stepping down mid-commit) is {@code info}. Give every write a distinct
 * value (client and sequence number): a read then names the one write it saw, violations are definite, and the search
 * stays short. Keep the number of operations in flight on one key modest (tens): the search is exponential in it in
 * the worst case, and a key whose search exceeds its step budget yields {@link Verdict#UNKNOWN} rather than a hang.
 *
 * <h2>What it checks</h2>
 * Keys are independent registers, so each key's operations are checked alone (linearizability is compositional), with
 * Wing and Gong's search and Lowe's memoization (see {@link RegisterSearch}). Operations that {@code fail}ed are left
 * out. An operation of unknown outcome ({@code info}, or still pending) may take effect at any point after its
 * invocation, or never; a read of unknown outcome constrains nothing and is left out.
 *
 * <p>A violation's explanation names the key, the first completion no linearization of the earlier operations can
 * explain, the values the register could hold at that point, one linearization of what came before, and the
 * operations around it, with times in milliseconds from the history's first invocation.
 */
public final class LinearizabilityChecker {
    /**
     * Search steps allowed per key by {@link #check(History)}; about a second of work, and a few hundred MB of memo at
     * most.
     */
    public static final long DEFAULT_STEP_BUDGET = 2_000_000;

    /** Operations around the failing one listed in an explanation, at most. */
    private static final int CONTEXT_LINES = 25;
    /** Steps of the partial linearization shown, at most. */
    private static final int LINEARIZATION_LINES = 12;

    public enum Verdict {
        LINEARIZABLE,
        /** A definite violation on {@link Result#key()}. */
        NOT_LINEARIZABLE,
        /** Some key's search ran out of steps (and no other key has a violation): nothing proved either way. */
        UNKNOWN
    }

    /**
     * The verdict; for {@code NOT_LINEARIZABLE} and {@code UNKNOWN} the key concerned. {@link #explanation()} (also
     * {@link #toString()}) is written for a person reading a failed test.
     */
    public record Result(Verdict verdict, String key, String explanation, int keys, int operations, long steps) {
        public boolean ok() {
            return verdict == Verdict.LINEARIZABLE;
        }

        public boolean unknown() {
            return verdict == Verdict.UNKNOWN;
        }

        @Override
        public String toString() {
            return explanation;
        }
    }

    private LinearizabilityChecker() {
    }

    /** Checks with {@link #DEFAULT_STEP_BUDGET} steps per key. */
    public static Result check(History history) {
        return check(history, DEFAULT_STEP_BUDGET);
    }

    /** Checks with at most {@code stepBudgetPerKey} search steps per key. */
    public static Result check(History history, long stepBudgetPerKey) {
        if (stepBudgetPerKey < 1) {
            throw new IllegalArgumentException("the step budget must be at least 1, not " + stepBudgetPerKey);
        }
        List<History.Operation> all = history.operations();
        long start = all.stream().mapToLong(History.Operation::invokeNanos).min().orElse(0);
        Map<String, List<History.Operation>> byKey = new TreeMap<>();
        int checked = 0;
        for (History.Operation o : all) {
            boolean unknownRead = o.op().kind() == Op.Kind.READ && o.outcome() != History.Outcome.OK;
            if (o.outcome() != History.Outcome.FAIL && !unknownRead) {
                byKey.computeIfAbsent(o.op().key(), k -> new ArrayList<>()).add(o);
                checked++;
            }
        }
        long steps = 0;
        RegisterSearch.Outcome gaveUp = null;
        String gaveUpKey = null;
        for (Map.Entry<String, List<History.Operation>> e : byKey.entrySet()) {
            RegisterSearch.Outcome out = new RegisterSearch(e.getValue()).run(stepBudgetPerKey);
            steps += out.steps();
            if (out.verdict() == RegisterSearch.Verdict.VIOLATION) {
                return new Result(Verdict.NOT_LINEARIZABLE, e.getKey(),
                        explainViolation(e.getKey(), out, start, byKey.size(), all.size()),
                        byKey.size(), all.size(), steps);
            }
            if (out.verdict() == RegisterSearch.Verdict.UNKNOWN && gaveUp == null) {
                gaveUp = out;
                gaveUpKey = e.getKey();
            }
        }
        if (gaveUp != null) {
            String why = "unknown: the search for key " + Op.quote(gaveUpKey) + " (" + gaveUp.operations().size()
                    + " operations, at most " + maxConcurrency(gaveUp.operations()) + " in flight at once) gave up after "
                    + stepBudgetPerKey + " steps without finding a linearization or a violation; the other keys are"
                    + " linearizable. Raise the budget with check(history, steps), or keep fewer operations in flight"
                    + " on one key.";
            return new Result(Verdict.UNKNOWN, gaveUpKey, why, byKey.size(), all.size(), steps);
        }
        String fine = "linearizable: " + byKey.size() + " keys, " + all.size() + " operations (" + checked
                + " checked, the rest failed or unknown reads), " + steps + " search steps";
        return new Result(Verdict.LINEARIZABLE, null, fine, byKey.size(), all.size(), steps);
    }

    private static String explainViolation(String key, RegisterSearch.Outcome out, long start, int keys, int total) {
        History.Operation x = out.blockedOp();
        StringBuilder b = new StringBuilder();
        b.append("not linearizable: key ").append(Op.quote(key)).append(" (").append(out.operations().size())
                .append(" operations on it checked; ").append(keys).append(" keys, ").append(total)
                .append(" operations in the history; times from its first invocation)\n");
        b.append("The operations completing before ").append(History.Operation.millis(x.completeNanos() - start))
                .append(" can be linearized, but not together with\n  ").append(x.format(start)).append('\n');
        String values = out.possibleValues().stream().map(Op::quote).collect(Collectors.joining(", "));
        b.append("A linearization of the operations before it leaves the register holding ")
                .append(out.possibleValues().size() == 1 ? "" : "one of ").append(values);
        switch (x.op().kind()) {
            case READ -> b.append(", never ").append(Op.quote(x.result()));
            case CAS -> b.append(", which cas ").append(x.op().describe()).append(" -> ").append(x.result())
                    .append(" contradicts");
            case WRITE -> { }
        }
        b.append(".\n");

        List<History.Operation> lin = out.linearization();
        if (!lin.isEmpty()) {
            int from = Math.max(0, lin.size() - LINEARIZATION_LINES);
            b.append("One linearization of the operations before it (")
                    .append(from == 0 ? "all " + lin.size() : "last " + (lin.size() - from) + " of " + lin.size())
                    .append(" steps), with the value after each:\n");
            for (int k = from; k < lin.size(); k++) {
                b.append("  ").append(lin.get(k).format(start)).append("  => ")
                        .append(Op.quote(out.valuesAfter().get(k))).append('\n');
            }
        }

        List<History.Operation> context = context(out.operations(), x);
        b.append("Operations on ").append(Op.quote(key)).append(" overlapping it, and the last few completed before it:\n");
        for (int k = 0; k < context.size() && k < CONTEXT_LINES; k++) {
            History.Operation o = context.get(k);
            b.append(o == x ? "> " : "  ").append(o.format(start)).append('\n');
        }
        if (context.size() > CONTEXT_LINES) {
            b.append("  (").append(context.size() - CONTEXT_LINES).append(" more)\n");
        }
        return b.toString();
    }

    /** The operations overlapping {@code x} in time, and the five that completed last before its invocation. */
    private static List<History.Operation> context(List<History.Operation> ops, History.Operation x) {
        List<History.Operation> before = new ArrayList<>();
        List<History.Operation> overlapping = new ArrayList<>();
        for (History.Operation o : ops) {
            boolean open = o.outcome() != History.Outcome.OK;
            if (!open && o.completeNanos() < x.invokeNanos()) {
                before.add(o);
            } else if (o.invokeNanos() <= x.completeNanos()) {
                overlapping.add(o);
            }
        }
        before.sort((a, c) -> Long.compare(a.completeNanos(), c.completeNanos()));
        List<History.Operation> out = new ArrayList<>(before.subList(Math.max(0, before.size() - 5), before.size()));
        out.addAll(overlapping);
        out.sort((a, c) -> Long.compare(a.invokeNanos(), c.invokeNanos()));
        return out;
    }

    private static int maxConcurrency(List<History.Operation> ops) {
        long[][] events = new long[ops.size() * 2][];
        int k = 0;
        for (History.Operation o : ops) {
            events[k++] = new long[] {o.invokeNanos(), 1};
            long end = o.outcome() == History.Outcome.OK ? o.completeNanos() : Long.MAX_VALUE;
            events[k++] = new long[] {end, -1};
        }
        java.util.Arrays.sort(events, (a, c) -> a[0] != c[0] ? Long.compare(a[0], c[0]) : Long.compare(c[1], a[1]));
        int now = 0;
        int max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }
}
