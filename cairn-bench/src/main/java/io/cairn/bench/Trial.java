package io.cairn.bench;

import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark trial's store: a fresh data directory, the data set loaded and spot-checked, and a tear-down that
 * prints the engine's own figures and deletes the directory.
 */
final class Trial implements AutoCloseable {
    final Path dir;
    final KvStore store;
    final byte[][] keys;

    private Trial(Path dir, KvStore store, byte[][] keys) {
        this.dir = dir;
        this.store = store;
        this.keys = keys;
    }

    static Trial open(String name, String engine, int count, KvStore.Durability durability, boolean ordered,
                      Blackhole bh) {
        Path dir = BenchFiles.newDir(name + "-" + engine);
        byte[][] keys = Dataset.keys(count);
        KvStore store = KvStore.open(engine, dir, durability, ordered);
        long t0 = System.nanoTime();
        store.load(keys);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        KvStore.verify(store, keys, ordered, bh);
        System.out.println("# loaded " + count + " entries into " + store + " in " + ms + " ms (load average "
                + BenchFiles.loadAverage() + ")");
        return new Trial(dir, store, keys);
    }

    @Override
    public void close() {
        System.out.println("# load average at the end of the trial: " + BenchFiles.loadAverage());
        try {
            if (!store.diagnostics().isEmpty()) System.out.println("# " + store.diagnostics());
            store.close();
        } finally {
            BenchFiles.delete(dir);
        }
    }
}
