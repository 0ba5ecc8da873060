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
 * Random overwrites where every acknowledged put has been fsynced: Cairn FsyncPolicy.ALWAYS (group commit), RocksDB
 * WriteOptions sync=true, MVStore commit()+sync() after each put, MapDB transactions with commit() after each put.
 * {@code put_fsync_t8} is the headline (8 writer threads, where group commit matters); {@code put_fsync_t1} shows the
 * single-writer fsync latency. A smaller data set (100k keys) keeps setup short; fsync cost does not depend on it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class DurablePutBenchmark {
    @Param({"cairn", "rocksdb", "mvstore", "mapdb"})
    public String engine;

    @Param("100000")
    public int keys;

    private Trial trial;
    private KvStore store;
    private byte[][] keyArray;
    private byte[][] values;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        trial = Trial.open("durable", engine, keys, KvStore.Durability.FSYNC_PER_WRITE, false, bh);
        store = trial.store;
        keyArray = trial.keys;
        values = Dataset.valuePool(1024, 43);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (trial != null) trial.close();
    }

    private void doPut() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        store.put(keyArray[r.nextInt(keyArray.length)], values[r.nextInt(values.length)]);
    }

    @Benchmark
    @Threads(8)
    public void put_fsync_t8() {
        doPut();
    }

    @Benchmark
    @Threads(1)
    public void put_fsync_t1() {
        doPut();
    }
}
