package io.cairn.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Range scans: seek to a random existing key and read the next {@code length} entries (key and value) in key order.
 * One operation is one whole scan. Cairn uses an ORDERED keyspace, RocksDB an iterator, MVStore a cursor, MapDB a
 * BTreeMap entry iterator. No writes happen during the scan benchmarks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class ScanBenchmark {
    @Param({"cairn", "rocksdb", "mvstore", "mapdb"})
    public String engine;

    @Param("1000000")
    public int keys;

    @Param("1000")
    public int length;

    private Trial trial;
    private KvStore store;
    private byte[][] keyArray;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        if (keys <= length) throw new IllegalArgumentException("keys must exceed the scan length");
        trial = Trial.open("scan", engine, keys, KvStore.Durability.NO_FSYNC, true, bh);
        store = trial.store;
        keyArray = trial.keys;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (trial != null) trial.close();
    }

    private int doScan(Blackhole bh) {
        // Start early enough that every scan reads exactly `length` entries.
        byte[] from = keyArray[ThreadLocalRandom.current().nextInt(keyArray.length - length + 1)];
        int n = store.scan(from, length, bh);
        if (n != length) throw new IllegalStateException(store + " scan read " + n + " entries, expected " + length);
        return n;
    }

    @Benchmark
    @Threads(1)
    public int scan_t1(Blackhole bh) {
        return doScan(bh);
    }

    @Benchmark
    @Threads(4)
    public int scan_t4(Blackhole bh) {
        return doScan(bh);
    }
}
