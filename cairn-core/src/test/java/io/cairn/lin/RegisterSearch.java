package io.cairn.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The search for a linearization of one key's operations: Wing and Gong's algorithm with Lowe's memoization
 * ("Testing for linearizability", 2017), as in Porcupine.
 *
 * <p>Every operation is a call entry and a return entry on a doubly linked list ordered by time. The search walks the
 * list from its head: at a call entry it tries to linearize that operation now (the register's model must accept its
 * result from the current value); if it can, and the pair (set of operations linearized, register value) was never
 * reached before, it takes the step, removes both entries and starts again from the head. Reaching a return entry means
 * that operation had to be linearized before this point and was not: undo the last step and try the next candidate.
 * The list emptying means every operation was placed.
 *
 * <p>An operation of unknown outcome has its return at +infinity, after every other entry: it may be linearized
 * anywhere after its call, and when the walk reaches such a return all operations left are of unknown outcome, which
 * may all be left out, so the history is linearizable.
 *
 * <p>The pair cache is what keeps this polynomial in the common case; the register value is interned as an int and the
 * linearized set stored run-length encoded, a few ints for a set that is nearly a prefix of the history.
 */
final class RegisterSearch {
    enum Verdict { LINEARIZABLE, VIOLATION, UNKNOWN }

    /**
     * What the search found. For a violation: {@code blockedOp}, the operation whose completion no linearization of
     * the operations before it can explain (everything completing earlier is linearizable); {@code possibleValues},
     * the register values the search reached just before that completion; {@code linearization} and
     * {@code valuesAfter}, one linearization of the operations before it, with the register value after each.
     */
    record Outcome(Verdict verdict, long steps, List<History.Operation> operations, History.Operation blockedOp,
                   Set<String> possibleValues, List<History.Operation> linearization, List<String> valuesAfter) {
    }

    private static final int ILLEGAL = -1;
    private static final int NIL = 0;

    private final List<History.Operation> ops;
    private final int n;
    private final Op.Kind[] kind;
    /** A write's or cas's new value, a read's result. */
    private final int[] value;
    private final int[] expected;
    private final boolean[] unknown;
    /** A known cas's result. */
    private final boolean[] swapped;
    private final List<String> valueNames = new ArrayList<>();

    // the entry list: positions 0..2n-1 in time order, HEAD the sentinel
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final int[] opAt;
    private final boolean[] callAt;
    private final int[] returnOf;

    /**
     * {@code operations}: one key's operations, every one {@code OK}, {@code INFO} or {@code PENDING} (reads of unknown
     * outcome already left out by the caller, they constrain nothing).
     */
    RegisterSearch(List<History.Operation> operations) {
        List<History.Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparingLong(History.Operation::invokeNanos).thenComparingLong(History.Operation::id));
        this.ops = withoutUnobservedWrites(sorted);
        this.n = ops.size();
        kind = new Op.Kind[n];
        value = new int[n];
        expected = new int[n];
        unknown = new boolean[n];
        swapped = new boolean[n];
        Map<String, Integer> ids = new HashMap<>();
        valueNames.add(null);
        for (int i = 0; i < n; i++) {
            History.Operation o = ops.get(i);
            kind[i] = o.op().kind();
            unknown[i] = o.outcome() != History.Outcome.OK;
            value[i] = intern(kind[i] == Op.Kind.READ ? o.result() : o.op().value(), ids);
            expected[i] = intern(o.op().expected(), ids);
            swapped[i] = "true".equals(o.result());
        }

        long start = n == 0 ? 0 : ops.get(0).invokeNanos();
        long[] time = new long[2 * n];
        Integer[] order = new Integer[2 * n];
        for (int i = 0; i < n; i++) {
            time[2 * i] = ops.get(i).invokeNanos() - start;
            time[2 * i + 1] = unknown[i] ? Long.MAX_VALUE : ops.get(i).completeNanos() - start;
            order[2 * i] = 2 * i;
            order[2 * i + 1] = 2 * i + 1;
        }
        // at equal times calls come first: operations that touch in time count as concurrent, the generous reading
        Arrays.sort(order, Comparator.<Integer>comparingLong(e -> time[e]).thenComparingInt(e -> e & 1));
        head = 2 * n;
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        opAt = new int[2 * n];
        callAt = new boolean[2 * n];
        returnOf = new int[n];
        for (int p = 0; p < 2 * n; p++) {
            int e = order[p];
            opAt[p] = e >> 1;
            callAt[p] = (e & 1) == 0;
            if (!callAt[p]) {
                returnOf[e >> 1] = p;
            }
            next[p] = p + 1;
            prev[p] = p == 0 ? head : p - 1;
        }
        next[head] = 2 * n == 0 ? head : 0;
        prev[head] = 2 * n == 0 ? head : 2 * n - 1;
        if (n > 0) {
            next[2 * n - 1] = head;
        }
    }

    /**
     * Leaves out writes of unknown outcome whose value nobody read: placed anywhere, such a write can only make the
     * reads after it harder to explain, so leaving it out is always at least as good. Not with cas on the key, whose
     * result depends on the value too.
     */
    private static List<History.Operation> withoutUnobservedWrites(List<History.Operation> ops) {
        Set<String> read = new HashSet<>();
        for (History.Operation o : ops) {
            if (o.op().kind() == Op.Kind.CAS) {
                return ops;
            }
            if (o.op().kind() == Op.Kind.READ && o.outcome() == History.Outcome.OK) {
                read.add(o.result());
            }
        }
        List<History.Operation> kept = new ArrayList<>(ops.size());
        for (History.Operation o : ops) {
            if (o.op().kind() != Op.Kind.WRITE || o.outcome() == History.Outcome.OK || read.contains(o.op().value())) {
                kept.add(o);
            }
        }
        return kept;
    }

    private int intern(String v, Map<String, Integer> ids) {
        if (v == null) {
            return NIL;
        }
        return ids.computeIfAbsent(v, k -> {
            valueNames.add(k);
            return valueNames.size() - 1;
        });
    }

    /** The register after operation {@code i} is linearized from {@code state}, or {@code ILLEGAL}. */
    private int step(int state, int i) {
        return switch (kind[i]) {
            case WRITE -> value[i];
            case READ -> state == value[i] ? state : ILLEGAL;
            case CAS -> {
                if (unknown[i]) {
                    yield state == expected[i] ? value[i] : state;
                }
                if (swapped[i]) {
                    yield state == expected[i] ? value[i] : ILLEGAL;
                }
                yield state != expected[i] ? state : ILLEGAL;
            }
        };
    }

    private void lift(int call) {
        int ret = returnOf[opAt[call]];
        next[prev[call]] = next[call];
        prev[next[call]] = prev[call];
        next[prev[ret]] = next[ret];
        prev[next[ret]] = prev[ret];
    }

    private void unlift(int call) {
        int ret = returnOf[opAt[call]];
        next[prev[ret]] = ret;
        prev[next[ret]] = ret;
        next[prev[call]] = call;
        prev[next[call]] = call;
    }

    Outcome run(long stepBudget) {
        BitSet linearized = new BitSet(n);
        Set<Memo> seen = new HashSet<>();
        int[] stackCall = new int[n];
        int[] stackState = new int[n + 1];
        int depth = 0;
        int state = NIL;
        long steps = 0;

        int deepest = -1;
        Set<Integer> deepestStates = new TreeSet<>();
        int[] deepestOps = new int[0];
        int[] deepestAfter = new int[0];

        int entry = next[head];
        while (entry != head) {
            if (++steps > stepBudget) {
                return new Outcome(Verdict.UNKNOWN, steps - 1, ops, null, Set.of(), List.of(), List.of());
            }
            int op = opAt[entry];
            if (callAt[entry]) {
                int after = step(state, op);
                if (after != ILLEGAL) {
                    linearized.set(op);
                    if (seen.add(new Memo(linearized, after))) {
                        stackCall[depth] = entry;
                        stackState[depth] = state;
                        depth++;
                        state = after;
                        lift(entry);
                        entry = next[head];
                        continue;
                    }
                    linearized.clear(op);
                }
                entry = next[entry];
                continue;
            }
            if (unknown[op]) {
                break; // only operations of unknown outcome are left: leave them out
            }
            // op had to be linearized by now: remember how far the search got, then undo the last step
            if (entry > deepest) {
                deepest = entry;
                deepestStates.clear();
                deepestOps = new int[depth];
                deepestAfter = new int[depth];
                for (int k = 0; k < depth; k++) {
                    deepestOps[k] = opAt[stackCall[k]];
                    deepestAfter[k] = k + 1 < depth ? stackState[k + 1] : state;
                }
            }
            if (entry == deepest) {
                deepestStates.add(state);
            }
            if (depth == 0) {
                return violation(steps, deepest, deepestStates, deepestOps, deepestAfter);
            }
            depth--;
            entry = stackCall[depth];
            state = stackState[depth];
            linearized.clear(opAt[entry]);
            unlift(entry);
            entry = next[entry];
        }
        return new Outcome(Verdict.LINEARIZABLE, steps, ops, null, Set.of(), List.of(), List.of());
    }

    private Outcome violation(long steps, int deepest, Set<Integer> states, int[] linOps, int[] after) {
        Set<String> possible = new java.util.LinkedHashSet<>();
        for (int s : states) {
            possible.add(valueNames.get(s));
        }
        List<History.Operation> lin = new ArrayList<>(linOps.length);
        List<String> values = new ArrayList<>(linOps.length);
        for (int k = 0; k < linOps.length; k++) {
            lin.add(ops.get(linOps[k]));
            values.add(valueNames.get(after[k]));
        }
        return new Outcome(Verdict.VIOLATION, steps, ops, ops.get(opAt[deepest]), possible, lin, values);
    }

    /** A (linearized set, register value) pair the search has reached; the set run-length encoded. */
    private static final class Memo {
        private final int[] runs;
        private final int state;
        private final int hash;

        Memo(BitSet set, int state) {
            int[] r = new int[8];
            int len = 0;
            for (int from = set.nextSetBit(0); from >= 0; ) {
                int to = set.nextClearBit(from);
                if (len + 2 > r.length) {
                    r = Arrays.copyOf(r, r.length * 2);
                }
                r[len++] = from;
                r[len++] = to;
                from = set.nextSetBit(to);
            }
            this.runs = len == r.length ? r : Arrays.copyOf(r, len);
            this.state = state;
            this.hash = 31 * Arrays.hashCode(runs) + state;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && m.hash == hash && m.state == state && Arrays.equals(m.runs, runs);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
