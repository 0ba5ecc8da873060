package io.cairn.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
 * value (client and sequence number): a read then names the one write it saw, violations are definite, and the key is
 * decided in O(n log n) however many operations are in flight. A check gives {@link Verdict#UNKNOWN}, never a hang,
 * when a key that needs the search (see below) runs out of steps.
 *
 * <h2>What it checks</h2>
 * Keys are independent registers, so each key's operations are checked alone (linearizability is compositional).
 * Operations that {@code fail}ed are left out. An operation of unknown outcome ({@code info}, or still pending) may
 * take effect at any point after its invocation, or never; a read of unknown outcome constrains nothing and is left
 * out.
 * Operations that touch in time (one completes at the nanosecond another is invoked) count as concurrent.
 * <ul>
 *   <li>A key whose writes all store distinct values, without cas, is decided by Gibbons and Korach's zones
 *       ({@link ZoneCheck}): 2,000 operations with 50 in flight take about a millisecond; explaining a violation
 *       among them, tens of milliseconds.</li>
 *   <li>Any other key (cas, or a value written twice) by Wing and Gong's search with Lowe's memoization
 *       ({@link RegisterSearch}). It finds a linearization quickly when there is one (the same 2,000 operations in
 *       about 10 ms; 2,500 with 30% cas and 50 in flight as fast), but proving that there is none can mean visiting
 *       every order the operations in flight allow. In simulated runs with 50 clients on one cas key, a changed read
 *       was found in tens of milliseconds, once in 1.4 s; a history built against the search may run out of steps,
 *       and the verdict is then {@code UNKNOWN}.</li>
 * </ul>
 *
 * <p>A violation's explanation names the key; the first completion that no linearization of the operations before it
 * can explain (a binary search over prefixes of the history); for a key with distinct values, the two values
 * whose spans conflict; one linearization of what came before, with the register's value after each step; and the
 * operations around it, with times in milliseconds from the history's first invocation.
 *
 * <p>Thread safety: {@code check} reads a snapshot of the history; call it once the clients have stopped.
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
     * The verdict; for {@code NOT_LINEARIZABLE} and {@code UNKNOWN} the key concerned; for {@code NOT_LINEARIZABLE} the
     * operation whose completion no linearization of the operations before it can explain. {@link #explanation()}
     * (also {@link #toString()}) is written for a person reading a failed test.
     */
    public record Result(Verdict verdict, String key, History.Operation firstUnexplained, String explanation, int keys,
                         int operations, long steps) {
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
        return check(history, stepBudgetPerKey, true);
    }

    /**
     * {@code zones}: whether keys whose writes store distinct values, without cas, are checked by {@link ZoneCheck}
     * (always, but for tests that compare it with the search).
     */
    static Result check(History history, long stepBudgetPerKey, boolean zones) {
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
        Checker checker = new Checker(stepBudgetPerKey, zones, start);
        RegisterSearch.Outcome gaveUp = null;
        String gaveUpKey = null;
        for (Map.Entry<String, List<History.Operation>> e : byKey.entrySet()) {
            RegisterSearch.Verdict verdict = checker.verdict(e.getValue());
            if (verdict == RegisterSearch.Verdict.VIOLATION) {
                String why = checker.explainViolation(e.getKey(), e.getValue(), byKey.size(), all.size());
                return new Result(Verdict.NOT_LINEARIZABLE, e.getKey(), checker.unexplained, why, byKey.size(),
                        all.size(), checker.steps);
            }
            if (verdict == RegisterSearch.Verdict.UNKNOWN && gaveUp == null) {
                gaveUp = checker.last;
                gaveUpKey = e.getKey();
            }
        }
        long steps = checker.steps;
        if (gaveUp != null) {
            String why = "unknown: the search for key " + Op.quote(gaveUpKey) + " (" + gaveUp.operations().size()
                    + " operations, at most " + maxConcurrency(gaveUp.operations())
                    + " in flight at once) gave up after " + stepBudgetPerKey + " steps without finding a"
                    + " linearization or a violation; no key has a violation. Raise the budget with"
                    + " check(history, steps), give every write a distinct value, or keep fewer operations in flight"
                    + " on one key.";
            return new Result(Verdict.UNKNOWN, gaveUpKey, null, why, byKey.size(), all.size(), steps);
        }
        String fine = "linearizable: " + byKey.size() + " keys, " + all.size() + " operations (" + checked
                + " checked, the rest failed or unknown reads), " + checker.zoneChecked
                + " keys by zones, the rest by a " + steps + "-step search";
        return new Result(Verdict.LINEARIZABLE, null, null, fine, byKey.size(), all.size(), steps);
    }

    /** One check's settings and counters. */
    private static final class Checker {
        final long budget;
        final boolean zones;
        final long start;
        long steps;
        int zoneChecked;
        RegisterSearch.Outcome last;
        History.Operation unexplained;

        Checker(long budget, boolean zones, long start) {
            this.budget = budget;
            this.zones = zones;
            this.start = start;
        }

        RegisterSearch.Verdict verdict(List<History.Operation> ops) {
            ZoneCheck.Outcome zone = zones ? ZoneCheck.check(ops, start) : null;
            if (zone != null && zone.verdict() != ZoneCheck.Verdict.NOT_APPLICABLE) {
                zoneChecked++;
                return zone.verdict() == ZoneCheck.Verdict.LINEARIZABLE
                        ? RegisterSearch.Verdict.LINEARIZABLE : RegisterSearch.Verdict.VIOLATION;
            }
            last = new RegisterSearch(ops).run(budget);
            steps += last.steps();
            return last.verdict();
        }

        /**
         * Finds the first completion the history cannot explain: the shortest prefix (the operations invoked by
         * some completion time, those still running then counted as of unknown outcome) that is not linearizable.
         * Prefixes only gain constraints as they grow, so a binary search over the completion times finds it.
         */
        private String explainViolation(String key, List<History.Operation> ops, int keys, int total) {
            long[] cuts = ops.stream().filter(o -> o.outcome() == History.Outcome.OK)
                    .mapToLong(History.Operation::completeNanos).sorted().distinct().toArray();
            if (cuts.length == 0) {
                return "not linearizable: key " + Op.quote(key) + ", though none of its operations completed";
            }
            int lo = 0;
            int hi = cuts.length - 1;
            boolean proven = true; // the whole history is; a prefix whose search ran out of steps is not
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                RegisterSearch.Verdict v = verdict(prefix(ops, cuts[mid], true));
                if (v == RegisterSearch.Verdict.LINEARIZABLE) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                    proven = v == RegisterSearch.Verdict.VIOLATION;
                }
            }
            long cut = cuts[lo];
            List<History.Operation> failing = ops.stream()
                    .filter(o -> o.outcome() == History.Outcome.OK && o.completeNanos() == cut).toList();
            History.Operation x = failing.get(0);
            unexplained = x;
            RegisterSearch.Outcome before = new RegisterSearch(prefix(ops, cut, false)).run(budget);
            ZoneCheck.Outcome zone = zones ? ZoneCheck.check(prefix(ops, cut, true), start) : null;
            Map<Long, History.Operation> byId = new TreeMap<>();
            for (History.Operation o : ops) {
                byId.put(o.id(), o);
            }
            List<History.Operation> lin = new ArrayList<>();
            List<String> values = new ArrayList<>();
            String register = null;
            for (History.Operation o : before.linearization()) {
                Op op = o.op();
                // a linearized cas swaps exactly when the register holds what it expects (the search checked that)
                if (op.kind() == Op.Kind.WRITE
                        || op.kind() == Op.Kind.CAS && Objects.equals(register, op.expected())) {
                    register = op.value();
                }
                lin.add(byId.get(o.id()));
                values.add(register);
            }
            StringBuilder b = new StringBuilder();
            b.append("not linearizable: key ").append(Op.quote(key)).append(" (").append(ops.size())
                    .append(" operations on it checked; ").append(keys).append(" keys, ").append(total)
                    .append(" operations in the history; times from its first invocation)\n");
            b.append("Everything completing before ").append(History.Operation.millis(cut - start))
                    .append(" can be linearized, but no linearization of it also explains\n  ").append(x.format(start))
                    .append('\n');
            if (failing.size() > 1) {
                b.append("  (and ").append(failing.size() - 1)
                        .append(" more operations completing at the same time)\n");
            }
            if (!proven) {
                b.append("(The search of the history up to there ran out of steps: the history as a whole is not"
                        + " linearizable, but the first completion it cannot explain may come later.)\n");
            }
            if (zone != null && zone.verdict() == ZoneCheck.Verdict.VIOLATION) {
                b.append("Why: ").append(zone.why()).append('\n');
            }
            String claim = switch (x.op().kind()) {
                case READ -> "No linearization of the operations before it leaves the register holding "
                        + Op.quote(x.result());
                case CAS -> ("true".equals(x.result())
                        ? "No linearization of the operations before it leaves the register holding "
                        : "Every linearization of the operations before it leaves the register holding ")
                        + Op.quote(x.op().expected());
                case WRITE -> "";
            };
            if (before.verdict() != RegisterSearch.Verdict.LINEARIZABLE) {
                b.append(claim).append(claim.isEmpty() ? "" : ".\n").append("(The search for a linearization of the"
                        + " operations before it ran out of its ").append(budget).append(" steps.)\n");
            } else if (lin.isEmpty()) {
                b.append(claim).append(claim.isEmpty() ? "" : "; ").append("no operation before it took effect.\n");
            } else {
                int from = Math.max(0, lin.size() - LINEARIZATION_LINES);
                b.append(claim.isEmpty() ? "One linearization of them" : claim + "; one that leaves "
                        + Op.quote(register)).append(" (")
                        .append(from == 0 ? "all " + lin.size() : "last " + (lin.size() - from) + " of " + lin.size())
                        .append(" steps), with the value after each:\n");
                for (int k = from; k < lin.size(); k++) {
                    b.append("  ").append(lin.get(k).format(start)).append("  => ").append(Op.quote(values.get(k)))
                            .append('\n');
                }
            }

            List<History.Operation> context = context(ops, x);
            b.append("Operations on ").append(Op.quote(key))
                    .append(" overlapping it, and the last few completed before it:\n");
            for (int k = 0; k < context.size() && k < CONTEXT_LINES; k++) {
                History.Operation o = context.get(k);
                b.append(o == x ? "> " : "  ").append(o.format(start)).append('\n');
            }
            if (context.size() > CONTEXT_LINES) {
                b.append("  (").append(context.size() - CONTEXT_LINES).append(" more)\n");
            }
            return b.toString();
        }
    }

    /**
     * The operations invoked by {@code cut}; those completing after it (or at it, unless {@code inclusive}) become of
     * unknown outcome, reads among them left out.
     */
    private static List<History.Operation> prefix(List<History.Operation> ops, long cut, boolean inclusive) {
        List<History.Operation> out = new ArrayList<>();
        for (History.Operation o : ops) {
            if (o.invokeNanos() > cut) {
                continue;
            }
            boolean done = o.outcome() == History.Outcome.OK
                    && (o.completeNanos() < cut || inclusive && o.completeNanos() == cut);
            if (done || o.outcome() != History.Outcome.OK) {
                out.add(o);
            } else if (o.op().kind() != Op.Kind.READ) {
                out.add(o.complete(History.Outcome.INFO, o.completeNanos(), null));
            }
        }
        return out;
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
        Arrays.sort(events, (a, c) -> a[0] != c[0] ? Long.compare(a[0], c[0]) : Long.compare(c[1], a[1]));
        int now = 0;
        int max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }
}
