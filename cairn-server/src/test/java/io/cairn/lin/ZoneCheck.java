package io.cairn.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gibbons and Korach's test for a register whose writes all store distinct values ("Testing shared memories", SIAM J.
 * Comput. 1997; as "zones" in Anderson et al., "What consistency does your key-value store actually provide?", 2010):
 * in O(n log n), where a search is exponential in the operations in flight when it has to prove a violation.
 *
 * <p>With distinct values every read names the write it saw. A cluster is a write and the reads of its value (the
 * initial absent value is a write at -infinity). Its zone runs from its earliest completion {@code f} to its latest
 * invocation {@code s}: when {@code f < s} (a forward zone) the write must be linearized before {@code f} and the value
 * must still be there after {@code s}, so no other write may take effect in between; when {@code s <= f} (a backward
 * zone) its value must be current at some instant in {@code [s, f]}. The history is linearizable if and only if
 * every read follows (or overlaps) its write, no two forward zones overlap and no backward zone lies inside a forward
 * zone. Operations touching in time count as concurrent, as in {@link RegisterSearch}, so the intervals are open.
 *
 * <p>An operation of unknown outcome completes at +infinity. A write of unknown outcome that nobody read is left out
 * (it may never have happened); one that somebody read certainly happened.
 */
final class ZoneCheck {
    enum Verdict { NOT_APPLICABLE, LINEARIZABLE, VIOLATION }

    /** The verdict; for a violation, a sentence naming the operations that conflict. */
    record Outcome(Verdict verdict, String why) {
    }

    private static final Outcome NOT_APPLICABLE = new Outcome(Verdict.NOT_APPLICABLE, null);
    private static final Outcome LINEARIZABLE = new Outcome(Verdict.LINEARIZABLE, null);

    private static final class Cluster {
        final String value;
        History.Operation write;
        final List<History.Operation> reads = new ArrayList<>();
        /** The earliest completion and the latest invocation, and the operations they belong to. */
        long f = Long.MAX_VALUE;
        long s = Long.MIN_VALUE;
        History.Operation fOp;
        History.Operation sOp;

        Cluster(String value) {
            this.value = value;
        }

        void add(History.Operation o, long invoke, long complete) {
            if (complete < f) {
                f = complete;
                fOp = o;
            }
            if (invoke > s) {
                s = invoke;
                sOp = o;
            }
        }

        boolean forward() {
            return f < s;
        }
    }

    private ZoneCheck() {
    }

    /** {@code ops}: one key's operations, none failed, no read of unknown outcome. */
    static Outcome check(List<History.Operation> ops, long start) {
        Set<String> read = new HashSet<>();
        for (History.Operation o : ops) {
            if (o.op().kind() == Op.Kind.CAS) {
                return NOT_APPLICABLE;
            }
            if (o.op().kind() == Op.Kind.READ) {
                read.add(o.result());
            }
        }
        Map<String, Cluster> clusters = new HashMap<>();
        Cluster initial = new Cluster(null);
        initial.add(null, Long.MIN_VALUE, Long.MIN_VALUE);
        for (History.Operation o : ops) {
            if (o.op().kind() != Op.Kind.WRITE) {
                continue;
            }
            boolean ok = o.outcome() == History.Outcome.OK;
            if (!ok && !read.contains(o.op().value())) {
                continue;
            }
            Cluster c = new Cluster(o.op().value());
            if (clusters.putIfAbsent(c.value, c) != null) {
                return NOT_APPLICABLE; // a value written twice: a read no longer names its write
            }
            c.write = o;
            c.add(o, o.invokeNanos(), ok ? o.completeNanos() : Long.MAX_VALUE);
        }
        for (History.Operation o : ops) {
            if (o.op().kind() != Op.Kind.READ) {
                continue;
            }
            Cluster c = o.result() == null ? initial : clusters.get(o.result());
            if (c == null) {
                return violation(o.format(start) + " read a value no operation wrote.");
            }
            if (c.write != null && o.completeNanos() < c.write.invokeNanos()) {
                return violation(o.format(start) + " completed before the only write of its value began: "
                        + c.write.format(start) + ".");
            }
            c.reads.add(o);
            c.add(o, o.invokeNanos(), o.completeNanos());
        }

        List<Cluster> forward = new ArrayList<>();
        List<Cluster> backward = new ArrayList<>();
        for (Cluster c : clusters.values()) {
            (c.forward() ? forward : backward).add(c);
        }
        (initial.forward() ? forward : backward).add(initial);
        forward.sort(Comparator.comparingLong((Cluster c) -> c.f));

        // forward zones sorted by start: one overlaps an earlier one iff it starts before the furthest end so far
        long[] fs = new long[forward.size()];
        Cluster[] furthest = new Cluster[forward.size()];
        Cluster best = null;
        for (int i = 0; i < forward.size(); i++) {
            Cluster c = forward.get(i);
            fs[i] = c.f;
            if (best != null && c.f < best.s) {
                return violation(both(best, c, start));
            }
            if (best == null || c.s > best.s) {
                best = c;
            }
            furthest[i] = best;
        }
        // a backward zone [s, f] inside a forward zone: of the forward zones starting before s, the furthest-reaching
        for (Cluster b : backward) {
            int k = lowerBound(fs, b.s) - 1;
            if (k >= 0 && b.f < furthest[k].s) {
                return violation(inside(furthest[k], b, start));
            }
        }
        return LINEARIZABLE;
    }

    /** The first index whose value is {@code >= key} (all of them below: the length). */
    private static int lowerBound(long[] a, long key) {
        int i = Arrays.binarySearch(a, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && a[i - 1] == key) {
            i--;
        }
        return i;
    }

    private static Outcome violation(String why) {
        return new Outcome(Verdict.VIOLATION, why);
    }

    private static String both(Cluster a, Cluster b, long start) {
        return "Both " + describe(a, start) + " and " + describe(b, start) + "; those spans overlap, and only one value"
                + " can be current at a time.";
    }

    private static String inside(Cluster outer, Cluster inner, long start) {
        String by = inner.write == null ? "" : " (written by #" + inner.write.id() + ")";
        return describe(outer, start) + ", but " + Op.quote(inner.value) + by
                + " must be current at some instant between " + millis(inner.s, start) + " and "
                + millis(inner.f, start) + ", inside that span.";
    }

    /** E.g. {@code "1" must be current from +10.000 ms (#0 completed) to +40.000 ms (#2 began)}. */
    private static String describe(Cluster c, long start) {
        String from = c.fOp == null ? "the start" : millis(c.f, start) + " (#" + c.fOp.id() + " completed)";
        return Op.quote(c.value) + " must be current from " + from + " to " + millis(c.s, start) + " (#" + c.sOp.id()
                + " began)";
    }

    private static String millis(long nanos, long start) {
        return History.Operation.millis(nanos - start);
    }
}
