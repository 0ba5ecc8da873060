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

/**
 * The search for a linearization of one key's operations: Wing and Gong's algorithm with Lowe's memoization
 * ("Testing for linearizability", 2017), as in Porcupine, with three reductions that keep it short for registers.
 *
 * <p>Every operation is a call entry and a return entry on a doubly linked list ordered by time. A configuration is
 * the set of operations linearized so far and the register's value. From a configuration the search walks the list
 * from its head; the operations whose call entries come before the first return entry are the candidates. It
 * linearizes one (the register's model must accept its result), removes both its entries and starts again from the
 * head; reaching a return entry means that operation had to be linearized by now and was not, so it undoes the last
 * step and tries the next candidate. The list emptying means every operation was placed. A configuration reached once
 * is never explored again (the memo), which keeps the search polynomial in the common case.
 *
 * <p>An operation of unknown outcome has its return at +infinity, after every other entry: it may be linearized
 * anywhere after its call, and when the walk reaches such a return all operations left are of unknown outcome, which
 * may all be left out, so the history is linearizable.
 *
 * <p>Before it starts, it looks for an operation that needs a value only operations invoked after it completed could
 * store (a read from the future): proving that by search would mean visiting every order of the operations before it.
 *
 * <p>The reductions, each of which only removes configurations that cannot lead to a linearization:
 * <ol>
 *   <li>Reads first: a candidate that does not change the register (a read, a cas that failed) and whose result fits
 *       the current value is linearized at once, with no alternative tried. If the configuration has a linearization
 *       at all, it has one that starts with that operation (moving it to the front breaks no real-time order, since
 *       everything that completed before its call is already linearized, and changes no value), so when that fails
 *       the configuration fails.</li>
 *   <li>Doomed values: an operation that needs the register to hold {@code v} (a read of {@code v}, a successful cas
 *       from {@code v}) can never be linearized once the register holds something else and no operation that could
 *       store {@code v} again is left. A step that leaves such an operation behind is refused at once, rather than
 *       when the search reaches that operation's return, possibly much later.</li>
 *   <li>Unread values: every value that no operation needs the register to hold (no read returned it, no cas expects
 *       it) is one value, {@code UNREAD}, to the model and the memo: no step can tell them apart.</li>
 * </ol>
 * The explanation of a violation does not come from this search (the doomed-value rule looks ahead); the checker
 * searches prefixes of the history for the shortest that fails.
 */
final class RegisterSearch {
    enum Verdict { LINEARIZABLE, VIOLATION, UNKNOWN }

    /** What the search found; for a linearizable history, one linearization (of every operation it placed). */
    record Outcome(Verdict verdict, long steps, List<History.Operation> operations,
                   List<History.Operation> linearization) {
    }

    private static final int ILLEGAL = -1;
    private static final int NIL = 0;
    private static final int UNREAD = 1;

    private final List<History.Operation> ops;
    private final int n;
    private final Op.Kind[] kind;
    /** A write's or cas's new value, a read's result, as value ids. */
    private final int[] value;
    private final int[] expected;
    private final boolean[] unknown;
    /** A known cas's result. */
    private final boolean[] swapped;
    private final int initial;
    /** Per value id: operations not yet linearized that need the register to hold it / that may store it. */
    private final int[] needs;
    private final int[] stores;

    // the entry list: positions 0..2n-1 in time order, HEAD the sentinel
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final int[] opAt;
    private final boolean[] callAt;
    private final int[] returnOf;
    private boolean ran;

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

        // the values the register is compared with (a read's result, a cas's expected value) get their own ids;
        // every other value is UNREAD, and so is absence if nothing compares with it
        Map<String, Integer> ids = new HashMap<>();
        boolean nilNeeded = false;
        for (History.Operation o : ops) {
            if (o.op().kind() == Op.Kind.WRITE) {
                continue;
            }
            String v = o.op().kind() == Op.Kind.READ ? o.result() : o.op().expected();
            if (v == null) {
                nilNeeded = true;
            } else {
                ids.putIfAbsent(v, ids.size() + 2);
            }
        }
        initial = nilNeeded ? NIL : UNREAD;
        int values = ids.size() + 2;
        needs = new int[values];
        stores = new int[values];
        for (int i = 0; i < n; i++) {
            History.Operation o = ops.get(i);
            kind[i] = o.op().kind();
            unknown[i] = o.outcome() != History.Outcome.OK;
            swapped[i] = "true".equals(o.result());
            String v = kind[i] == Op.Kind.READ ? o.result() : o.op().value();
            value[i] = v == null ? initial : ids.getOrDefault(v, UNREAD);
            expected[i] = o.op().expected() == null ? initial : ids.get(o.op().expected());
            if (requiredValue(i) != ILLEGAL) {
                needs[requiredValue(i)]++;
            }
            if (storedValue(i) != ILLEGAL) {
                stores[storedValue(i)]++;
            }
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

    /** The value operation {@code i} needs the register to hold when it is linearized, or {@code ILLEGAL}: none. */
    private int requiredValue(int i) {
        return switch (kind[i]) {
            case READ -> value[i];
            case CAS -> !unknown[i] && swapped[i] ? expected[i] : ILLEGAL;
            case WRITE -> ILLEGAL;
        };
    }

    /** The value operation {@code i} may store, or {@code ILLEGAL}: none. */
    private int storedValue(int i) {
        return switch (kind[i]) {
            case READ -> ILLEGAL;
            case CAS -> unknown[i] || swapped[i] ? value[i] : ILLEGAL;
            case WRITE -> value[i];
        };
    }

    /** Whether operation {@code i} leaves the register as it is whenever it is legal. */
    private boolean preserving(int i) {
        return kind[i] == Op.Kind.READ || kind[i] == Op.Kind.CAS && !unknown[i] && !swapped[i];
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

    /**
     * Whether an operation needs the register to hold a value that only operations invoked after it completed could
     * store: the search would find that out only by exhausting every order of the operations before it.
     */
    private boolean needsAValueFromTheFuture() {
        long[] firstStore = new long[needs.length];
        Arrays.fill(firstStore, Long.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            int v = storedValue(i);
            if (v != ILLEGAL) {
                firstStore[v] = Math.min(firstStore[v], ops.get(i).invokeNanos());
            }
        }
        for (int i = 0; i < n; i++) {
            int v = requiredValue(i);
            if (v != ILLEGAL && v != initial && !unknown[i] && firstStore[v] > ops.get(i).completeNanos()) {
                return true;
            }
        }
        return false;
    }

    private boolean doomed(int v, int state) {
        return v != state && v != UNREAD && needs[v] > 0 && stores[v] == 0;
    }

    /** Counts operation {@code i} as linearized; false (and nothing counted) if that dooms a value. */
    private boolean account(int i, int from, int to) {
        int need = requiredValue(i);
        int store = storedValue(i);
        if (need != ILLEGAL) {
            needs[need]--;
        }
        if (store != ILLEGAL) {
            stores[store]--;
        }
        // only the value just replaced and the one whose last store was just spent can have become doomed
        if (doomed(from, to) || store != ILLEGAL && doomed(store, to)) {
            unaccount(i);
            return false;
        }
        return true;
    }

    private void unaccount(int i) {
        int need = requiredValue(i);
        int store = storedValue(i);
        if (need != ILLEGAL) {
            needs[need]++;
        }
        if (store != ILLEGAL) {
            stores[store]++;
        }
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

    /** Searches, at most {@code stepBudget} steps; once per instance (it consumes the counts it keeps). */
    Outcome run(long stepBudget) {
        if (ran) {
            throw new IllegalStateException("a RegisterSearch runs once");
        }
        ran = true;
        BitSet linearized = new BitSet(n);
        Set<Memo> seen = new HashSet<>();
        int[] stackCall = new int[n];
        int[] stackState = new int[n];
        boolean[] stackForced = new boolean[n];
        int depth = 0;
        int state = initial;
        long steps = 0;

        for (int v = 0; v < needs.length; v++) {
            if (doomed(v, state)) {
                return new Outcome(Verdict.VIOLATION, steps, ops, List.of());
            }
        }
        if (needsAValueFromTheFuture()) {
            return new Outcome(Verdict.VIOLATION, steps, ops, List.of());
        }
        int entry = next[head];
        boolean readsFirst = true;
        search:
        while (entry != head) {
            if (++steps > stepBudget) {
                return new Outcome(Verdict.UNKNOWN, steps - 1, ops, List.of());
            }
            int op = opAt[entry];
            if (callAt[entry]) {
                if (preserving(op) == readsFirst) {
                    int after = step(state, op);
                    if (after != ILLEGAL && account(op, state, after)) {
                        linearized.set(op);
                        if (seen.add(new Memo(linearized, after))) {
                            stackCall[depth] = entry;
                            stackState[depth] = state;
                            stackForced[depth] = readsFirst;
                            depth++;
                            state = after;
                            lift(entry);
                            entry = next[head];
                            readsFirst = true;
                            continue;
                        }
                        linearized.clear(op);
                        unaccount(op);
                        if (readsFirst) {
                            // this configuration's forced step leads where the search has failed before: it fails too
                            entry = head;
                        }
                    }
                }
                if (entry != head) {
                    entry = next[entry];
                    continue;
                }
            } else if (unknown[op]) {
                break; // only operations of unknown outcome are left: leave them out
            } else if (readsFirst) {
                readsFirst = false; // no read fits: now try the steps that change the register
                entry = next[head];
                continue;
            }
            // op had to be linearized by now (or a forced step failed): undo steps until one has an alternative
            while (true) {
                if (depth == 0) {
                    return new Outcome(Verdict.VIOLATION, steps, ops, List.of());
                }
                depth--;
                entry = stackCall[depth];
                int undone = opAt[entry];
                linearized.clear(undone);
                unaccount(undone);
                unlift(entry);
                state = stackState[depth];
                if (!stackForced[depth]) {
                    readsFirst = false;
                    entry = next[entry];
                    continue search;
                }
            }
        }
        List<History.Operation> lin = new ArrayList<>(depth);
        for (int k = 0; k < depth; k++) {
            lin.add(ops.get(opAt[stackCall[k]]));
        }
        return new Outcome(Verdict.LINEARIZABLE, steps, ops, lin);
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
