package io.cairn.bench;

import io.cairn.server.command.Command;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the server's statistics cost each command (issue 6): {@code record} is the commandstats counters alone (what
 * the server did before latency tracking), {@code recordAndLatency} adds the HdrHistogram behind INFO latencystats.
 * One thread is one event loop; {@code _t2} has two event loops running the same command, so they share its counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommandStatsBenchmark {
    private final Command.Stats stats = new Command.Stats();

    @State(Scope.Thread)
    public static class Durations {
        final long[] nanos = new long[4096];
        int next;

        @Setup
        public void setUp() {
            SplittableRandom r = new SplittableRandom(42);
            for (int i = 0; i < nanos.length; i++) nanos[i] = 500 + r.nextLong(50_000); // 0.5-50 µs, GET/SET-like
        }

        long next() {
            return nanos[next++ & 4095];
        }
    }

    @Benchmark
    @Threads(1)
    public void record_t1(Durations d) {
        stats.record(d.next());
    }

    @Benchmark
    @Threads(1)
    public void recordAndLatency_t1(Durations d) {
        long n = d.next();
        stats.record(n);
        stats.latency(n);
    }

    @Benchmark
    @Threads(2)
    public void record_t2(Durations d) {
        stats.record(d.next());
    }

    @Benchmark
    @Threads(2)
    public void recordAndLatency_t2(Durations d) {
        long n = d.next();
        stats.record(n);
        stats.latency(n);
    }
}
