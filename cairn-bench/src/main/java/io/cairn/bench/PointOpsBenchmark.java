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
 * Point operations without fsync on {@code keys} preloaded entries (16-byte keys, 100-byte values): random get,
 * random overwrite, and 90 % get / 10 % put, each with 1 and 4 threads ({@code _t1}, {@code _t4}).
 *
 * <p>Durability matches across engines: Cairn FsyncPolicy.NEVER (HASH default keyspace; {@code cairn-ordered} uses
 * an ORDERED keyspace), RocksDB sync=false with the WAL on, MVStore with its default background auto-commit and no
 * commit per operation, MapDB with transactions disabled (HTreeMap, mmap file). In every case a write is handed to
 * the OS and survives a process crash only as far as the engine's own design allows; none waits for the disk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class PointOpsBenchmark {
    @Param({"cairn", "rocksdb", "mvstore", "mapdb"})
    public String engine;

    @Param("1000000")
    public int keys;

    private Trial trial;
    private KvStore store;
    private byte[][] keyArray;
    private byte[][] values;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        trial = Trial.open("point", engine, keys, KvStore.Durability.NO_FSYNC, false, bh);
        store = trial.store;
        keyArray = trial.keys;
        values = Dataset.valuePool(1024, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (trial != null) trial.close();
    }

    private byte[] randomKey(ThreadLocalRandom r) {
        return keyArray[r.nextInt(keyArray.length)];
    }

    private byte[] doGet() {
        return store.get(randomKey(ThreadLocalRandom.current()));
    }

    private void doPut() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        store.put(randomKey(r), values[r.nextInt(values.length)]);
    }

    private void doMixed(Blackhole bh) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (r.nextInt(10) == 0) {
            store.put(randomKey(r), values[r.nextInt(values.length)]);
        } else {
            bh.consume(store.get(randomKey(r)));
        }
    }

    @Benchmark
    @Threads(1)
    public byte[] get_t1() {
        return doGet();
    }

    @Benchmark
    @Threads(4)
    public byte[] get_t4() {
        return doGet();
    }

    @Benchmark
    @Threads(1)
    public void put_t1() {
        doPut();
    }

    @Benchmark
    @Threads(4)
    public void put_t4() {
        doPut();
    }

    @Benchmark
    @Threads(1)
    public void mixed_t1(Blackhole bh) {
        doMixed(bh);
    }

    @Benchmark
    @Threads(4)
    public void mixed_t4(Blackhole bh) {
        doMixed(bh);
    }
}
