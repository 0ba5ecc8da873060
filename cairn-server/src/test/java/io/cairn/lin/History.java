package io.cairn.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A record of the operations concurrent clients sent and what came back, for {@link LinearizabilityChecker}.
 *
 * <p>A client calls {@link #invoke} just before it sends an operation and then exactly one of {@link #ok},
 * {@link #fail} or {@link #info} once it knows the outcome:
 * <ul>
 *   <li>{@code ok}: the server replied; a read's result is the value it returned ({@code null}: absent).</li>
 *   <li>{@code fail}: the operation certainly did not happen, e.g. a {@code MOVED}, {@code CLUSTERDOWN} or not-leader
 *       error returned before anything reached the log. The checker drops it.</li>
 *   <li>{@code info}: the outcome is unknown (a timeout, a closed connection, a killed server): the operation may take
 *       effect at any time after its invocation, even after the history ends, or never.</li>
 * </ul>
 * An operation still pending when the history is checked counts as {@code info}.
 *
 * <p>Thread safety: every method may be called from any thread. Times come from the clock (by default
 * {@link System#nanoTime()}), read on entry to each method, so an operation's recorded interval always contains the
 * real one when {@code invoke} is called before the request is written and the completion after the reply is read.
 */
public final class History {
    /** What a client knows about an operation. */
    public enum Outcome { PENDING, OK, FAIL, INFO }

    /**
     * One recorded operation. {@code completeNanos} is meaningful for {@code OK} and {@code FAIL} only; {@code result}
     * for {@code OK} only.
     */
    public record Operation(long id, int client, Op op, long invokeNanos, Outcome outcome, long completeNanos,
                            String result) {
        Operation complete(Outcome outcome, long nanos, String result) {
            return new Operation(id, client, op, invokeNanos, outcome, nanos, result);
        }

        /** E.g. {@code #17 client 3 read -> "v5" [+12.301 ms, +12.950 ms]}, times relative to {@code startNanos}. */
        String format(long startNanos) {
            String what = switch (op.kind()) {
                case WRITE -> op.describe();
                case READ -> outcome == Outcome.OK ? "read -> " + Op.quote(result) : "read";
                case CAS -> outcome == Outcome.OK ? op.describe() + " -> " + result : op.describe();
            };
            String from = millis(invokeNanos - startNanos);
            String span = switch (outcome) {
                case OK -> "[" + from + ", " + millis(completeNanos - startNanos) + "]";
                case FAIL -> "[" + from + ", " + millis(completeNanos - startNanos) + "] failed";
                case INFO -> "[" + from + ", ?) outcome unknown";
                case PENDING -> "[" + from + ", ?) never completed";
            };
            return "#" + id + " client " + client + " " + what + " " + span;
        }

        static String millis(long nanos) {
            return String.format("%+.3f ms", nanos / 1e6);
        }
    }

    private final LongSupplier clock;
    /** Indexed by operation id. */
    private final List<Operation> operations = new ArrayList<>();

    /** A history timed by {@link System#nanoTime()}. */
    public History() {
        this(System::nanoTime);
    }

    /** A history timed by {@code clock} (nanoseconds, never decreasing), e.g. a simulation's virtual clock. */
    public History(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records that {@code client} is about to send {@code op}; returns the id to complete it with. */
    public long invoke(int client, Op op) {
        Objects.requireNonNull(op, "op");
        long now = clock.getAsLong();
        synchronized (this) {
            long id = operations.size();
            operations.add(new Operation(id, client, op, now, Outcome.PENDING, 0, null));
            return id;
        }
    }

    /**
     * Records that the operation completed: {@code result} is a read's value ({@code null}: absent), a cas's
     * {@code "true"} or {@code "false"}, and is ignored for a write.
     */
    public void ok(long id, String result) {
        long now = clock.getAsLong();
        complete(id, Outcome.OK, now, result);
    }

    /** Records that the operation certainly did not take effect. */
    public void fail(long id) {
        long now = clock.getAsLong();
        complete(id, Outcome.FAIL, now, null);
    }

    /** Records that the operation's outcome is unknown: it may have taken effect, at any time after its invocation. */
    public void info(long id) {
        long now = clock.getAsLong();
        complete(id, Outcome.INFO, now, null);
    }

    private synchronized void complete(long id, Outcome outcome, long now, String result) {
        if (id < 0 || id >= operations.size()) {
            throw new IllegalArgumentException("no operation #" + id + " in this history (" + operations.size()
                    + " recorded)");
        }
        Operation o = operations.get((int) id);
        if (o.outcome() != Outcome.PENDING) {
            throw new IllegalStateException("operation " + o.format(o.invokeNanos()) + " was already completed");
        }
        if (now < o.invokeNanos()) {
            throw new IllegalArgumentException("operation #" + id + " completes at " + now
                    + " ns, before its invocation at " + o.invokeNanos() + " ns: the clock went backwards");
        }
        if (outcome == Outcome.OK) {
            if (o.op().kind() == Op.Kind.WRITE) {
                result = null;
            } else if (o.op().kind() == Op.Kind.CAS && !"true".equals(result) && !"false".equals(result)) {
                throw new IllegalArgumentException("a cas completes with \"true\" or \"false\", not " + Op.quote(result)
                        + " (operation #" + id + ")");
            }
        }
        operations.set((int) id, o.complete(outcome, now, result));
    }

    /** A snapshot of every operation recorded so far, in invocation order (by id). */
    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }

    public synchronized int size() {
        return operations.size();
    }
}
