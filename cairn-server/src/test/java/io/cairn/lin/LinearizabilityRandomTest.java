package io.cairn.lin;

import io.cairn.lin.LinearizabilityChecker.Result;
import io.cairn.lin.LinearizabilityChecker.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Histories of a register that is linearizable by construction, checked as they are and then with one read's result
 * changed so that no linearization can exist.
 *
 * <p>The simulation gives every operation of every client an invocation, a completion and, between them, the instant
 * it takes effect; applying the operations to one map in order of those instants computes every result. Operations of
 * unknown outcome take effect at any later time or never; failed ones never. The seed is in each test's name and every
 * message; rerun one with {@code -Dcairn.lin.seed=N}.
 */
class LinearizabilityRandomTest {

    /** One operation of a simulated or copied history. */
    private static final class Planned {
        final int client;
        final Op op;
        final long invoke;
        final long complete;
        final History.Outcome outcome;
        /** When it takes effect; {@code Long.MAX_VALUE}: never. */
        final long effect;
        String result;

        Planned(int client, Op op, long invoke, long complete, History.Outcome outcome, long effect, String result) {
            this.client = client;
            this.op = op;
            this.invoke = invoke;
            this.complete = complete;
            this.outcome = outcome;
            this.effect = effect;
            this.result = result;
        }

        boolean okRead() {
            return outcome == History.Outcome.OK && op.kind() == Op.Kind.READ;
        }

        /** A value only this operation ever stores: values are unique by construction. */
        String stored() {
            return op.kind() == Op.Kind.READ ? null : op.value();
        }
    }

    record Shape(int clients, int keys, int opsPerClient, double infoRate, double failRate, double casRate) {
    }

    static Stream<Long> seeds() {
        String fixed = System.getProperty("cairn.lin.seed");
        if (fixed != null && !fixed.isBlank()) {
            return Stream.of(Long.parseLong(fixed.trim()));
        }
        return Stream.concat(LongStream.rangeClosed(1, 12).boxed(), Stream.of(new Random().nextLong()));
    }

    /**
     * {@code span}: the longest time an operation spends before and after taking effect, so operations overlap their
     * neighbours in time (about {@code clients} in flight at once).
     */
    static List<Planned> simulate(long seed, Shape shape) {
        Random r = new Random(seed);
        int span = 20;
        List<Planned> plan = new ArrayList<>();
        for (int c = 0; c < shape.clients(); c++) {
            long cursor = r.nextInt(span);
            for (int i = 0; i < shape.opsPerClient(); i++) {
                String key = "k" + r.nextInt(shape.keys());
                String fresh = "c" + c + "-" + i;
                double kind = r.nextDouble();
                Op op;
                if (kind < shape.casRate()) {
                    // expected: the key's initial value or some value another client may have written to it
                    String expected = r.nextInt(4) == 0
                            ? null : "c" + r.nextInt(shape.clients()) + "-" + r.nextInt(i + 1);
                    op = Op.cas(key, expected, fresh);
                } else if (kind < shape.casRate() + (1 - shape.casRate()) / 2) {
                    op = Op.write(key, fresh);
                } else {
                    op = Op.read(key);
                }
                long invoke = cursor + 1 + r.nextInt(3);
                long at = invoke + r.nextInt(span);
                long complete = at + r.nextInt(span);
                double fate = r.nextDouble();
                History.Outcome outcome;
                long effect;
                if (fate < shape.failRate()) {
                    outcome = History.Outcome.FAIL;
                    effect = Long.MAX_VALUE;
                } else if (fate < shape.failRate() + shape.infoRate()) {
                    // unknown: took effect at some time, maybe long after the client gave up, or never
                    outcome = History.Outcome.INFO;
                    effect = r.nextInt(3) == 0 ? Long.MAX_VALUE : invoke + r.nextInt(span * 50);
                } else {
                    outcome = History.Outcome.OK;
                    effect = at;
                }
                // in microseconds, each client's events at its own offset: no two events of the run at the same time
                long unit = 3 * shape.clients();
                long offset = 3L * c;
                plan.add(new Planned(c, op, (invoke * unit + offset) * 1000, (complete * unit + offset + 2) * 1000,
                        outcome, effect == Long.MAX_VALUE ? effect : (effect * unit + offset + 1) * 1000, null));
                cursor = complete;
            }
        }
        List<Planned> byEffect = new ArrayList<>(plan);
        byEffect.removeIf(p -> p.effect == Long.MAX_VALUE);
        byEffect.sort(Comparator.comparingLong(p -> p.effect));
        Map<String, String> register = new HashMap<>();
        for (Planned p : byEffect) {
            String now = register.get(p.op.key());
            switch (p.op.kind()) {
                case READ -> p.result = now;
                case WRITE -> register.put(p.op.key(), p.op.value());
                case CAS -> {
                    boolean swap = Objects.equals(now, p.op.expected());
                    if (swap) {
                        register.put(p.op.key(), p.op.value());
                    }
                    p.result = Boolean.toString(swap);
                }
            }
        }
        return plan;
    }

    /** Records {@code plan} into a fresh history on a virtual clock; ids follow invocation order. */
    static History record(List<Planned> plan) {
        List<Planned> byInvoke = new ArrayList<>(plan);
        byInvoke.sort(Comparator.comparingLong(p -> p.invoke));
        AtomicLong clock = new AtomicLong();
        History h = new History(clock::get);
        for (Planned p : byInvoke) {
            clock.set(p.invoke);
            long id = h.invoke(p.client, p.op);
            clock.set(p.complete);
            switch (p.outcome) {
                case OK -> h.ok(id, p.result);
                case FAIL -> h.fail(id);
                case INFO -> h.info(id);
                case PENDING -> { }
            }
        }
        return h;
    }

    /**
     * Makes one read return a value that was overwritten before it began: the value of a write that completed before
     * another write to the key began, which completed before the read began. Values are unique, so nothing else could
     * have stored it again. Returns the read's index in invocation order, -1 if the history has no such read.
     */
    static int makeStaleRead(List<Planned> plan, Random r) {
        List<Planned> byInvoke = new ArrayList<>(plan);
        byInvoke.sort(Comparator.comparingLong(p -> p.invoke));
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < byInvoke.size(); i++) {
            if (byInvoke.get(i).okRead()) {
                reads.add(i);
            }
        }
        Collections.shuffle(reads, r);
        for (int i : reads) {
            Planned read = byInvoke.get(i);
            for (Planned later : byInvoke) {
                if (!isOkStore(later, read.op.key()) || later.complete >= read.invoke) {
                    continue;
                }
                for (Planned earlier : byInvoke) {
                    if (isOkStore(earlier, read.op.key()) && earlier.complete < later.invoke) {
                        read.result = earlier.stored();
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** Makes one read return the value of a write invoked only after the read completed. */
    static int makeReadFromTheFuture(List<Planned> plan, Random r) {
        List<Planned> byInvoke = new ArrayList<>(plan);
        byInvoke.sort(Comparator.comparingLong(p -> p.invoke));
        for (int attempt = 0; attempt < 1000; attempt++) {
            int i = r.nextInt(byInvoke.size());
            Planned read = byInvoke.get(i);
            if (!read.okRead()) {
                continue;
            }
            for (Planned w : byInvoke) {
                if (w.op.kind() == Op.Kind.WRITE && w.op.key().equals(read.op.key()) && w.invoke > read.complete
                        && w.outcome != History.Outcome.FAIL) {
                    read.result = w.op.value();
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isOkStore(Planned p, String key) {
        return p.op.key().equals(key) && p.outcome == History.Outcome.OK
                && (p.op.kind() == Op.Kind.WRITE || p.op.kind() == Op.Kind.CAS && "true".equals(p.result));
    }

    private static void assertAcceptedThenRejected(long seed, Shape shape) {
        List<Planned> plan = simulate(seed, shape);
        Result fine = LinearizabilityChecker.check(record(plan));
        assertThat(fine.verdict()).as("seed %d %s: %s", seed, shape, fine).isEqualTo(Verdict.LINEARIZABLE);

        Random r = new Random(seed);
        int stale = makeStaleRead(plan, r);
        assertThat(stale).as("seed %d: a read to make stale", seed).isNotNegative();
        assertRejectedAt(seed, shape, record(plan), stale);

        List<Planned> other = simulate(seed, shape);
        int future = makeReadFromTheFuture(other, r);
        assertThat(future).as("seed %d: a read to take from the future", seed).isNotNegative();
        assertRejectedAt(seed, shape, record(other), future);
    }

    private static void assertRejectedAt(long seed, Shape shape, History h, int id) {
        Result bad = LinearizabilityChecker.check(h);
        History.Operation read = h.operations().get(id);
        assertThat(bad.verdict()).as("seed %d %s, read #%d changed: %s", seed, shape, id, bad)
                .isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(bad.key()).isEqualTo(read.op().key());
        // the changed read is where the history stops being linearizable: everything completing before it is intact
        // (real clocks may complete another operation at the same nanosecond, which the checker may name instead)
        assertThat(bad.firstUnexplained().completeNanos()).as("seed %d: %s", seed, bad)
                .isEqualTo(read.completeNanos());
        if (bad.firstUnexplained().equals(read)) {
            assertThat(bad.explanation()).as("seed %d", seed)
                    .contains("also explains\n  #" + id + " client " + read.client() + " read -> ");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fewKeys_withFailuresAndUnknownOutcomes(long seed) {
        assertAcceptedThenRejected(seed, new Shape(6, 3, 80, 0.05, 0.05, 0));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oneHotKey_withCas(long seed) {
        // a key with cas is searched: ten clients on one key, about ten operations in flight
        assertAcceptedThenRejected(seed, new Shape(10, 1, 50, 0.05, 0.05, 0.3));
    }

    /**
     * The size the checker is meant for: 2,000 operations on one key, 50 clients in flight at once. Prints the time;
     * asserts only the verdicts (timings never gate a test), within the default step budget.
     */
    @Test
    void twoThousandOperations_fiftyConcurrent() {
        Shape shape = new Shape(50, 1, 40, 0.02, 0.02, 0);
        long seed = 7;
        List<Planned> plan = simulate(seed, shape);
        History h = record(plan);
        long t0 = System.nanoTime();
        Result fine = LinearizabilityChecker.check(h);
        long t1 = System.nanoTime();
        assertThat(fine.verdict()).as("%s", fine).isEqualTo(Verdict.LINEARIZABLE);
        // the search alone (what a key with cas gets) finds a linearization too
        long t4 = System.nanoTime();
        Result searched = LinearizabilityChecker.check(h, LinearizabilityChecker.DEFAULT_STEP_BUDGET, false);
        long t5 = System.nanoTime();
        assertThat(searched.verdict()).as("%s", searched).isEqualTo(Verdict.LINEARIZABLE);
        int stale = makeStaleRead(plan, new Random(seed));
        History bad = record(plan);
        long t2 = System.nanoTime();
        assertRejectedAt(seed, shape, bad, stale);
        long t3 = System.nanoTime();
        System.out.printf("%d operations on one key, %d clients: linearizable by zones in %.1f ms, by the search"
                + " alone in %.1f ms (%d steps); stale read found and explained in %.1f ms%n", plan.size(),
                shape.clients(), (t1 - t0) / 1e6, (t5 - t4) / 1e6, searched.steps(), (t3 - t2) / 1e6);
    }

    /**
     * Real threads on real registers ({@link AtomicReference}s, one per key), timed by {@link System#nanoTime()}, with
     * random busy waits around the atomic step: the history is linearizable whatever the scheduler does.
     */
    @Test
    void realThreads_atomicRegisters() throws Exception {
        int threads = 6;
        int opsPerThread = 300;
        String[] keys = {"a", "b", "c"};
        Map<String, AtomicReference<String>> registers = new ConcurrentHashMap<>();
        for (String k : keys) {
            registers.put(k, new AtomicReference<>());
        }
        History h = new History();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int client = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < opsPerThread; i++) {
                        String key = keys[r.nextInt(keys.length)];
                        AtomicReference<String> reg = registers.get(key);
                        boolean write = r.nextBoolean();
                        long id = h.invoke(client, write ? Op.write(key, "t" + client + "-" + i) : Op.read(key));
                        spin(r.nextInt(200));
                        int fate = r.nextInt(20); // 0: fails before the step, 1: unknown after it, 2: unknown before
                        if (fate == 0) {
                            h.fail(id);
                            continue;
                        }
                        if (fate == 2) {
                            h.info(id);
                            continue;
                        }
                        String result = null;
                        if (write) {
                            reg.set("t" + client + "-" + i);
                        } else {
                            result = reg.get();
                        }
                        spin(r.nextInt(200));
                        if (fate == 1) {
                            h.info(id);
                        } else {
                            h.ok(id, result);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "lin-client-" + t);
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(w.isAlive()).as("%s finished", w.getName()).isFalse();
        }
        assertThat(errors).isEmpty();
        assertThat(h.size()).isEqualTo(threads * opsPerThread);
        Result fine = LinearizabilityChecker.check(h);
        assertThat(fine.ok()).as("%s", fine).isTrue();

        // the same history, copied, with one read made stale
        List<Planned> copy = new ArrayList<>();
        for (History.Operation o : h.operations()) {
            copy.add(new Planned(o.client(), o.op(), o.invokeNanos(), o.outcome() == History.Outcome.INFO
                    ? o.invokeNanos() : o.completeNanos(), o.outcome(), 0, o.result()));
        }
        int stale = makeStaleRead(copy, new Random(1));
        assertThat(stale).isNotNegative();
        assertRejectedAt(1, null, record(copy), stale);
    }

    /** Busy-waits about {@code iterations} short steps: the scheduler may preempt the thread anywhere in it. */
    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }
}
