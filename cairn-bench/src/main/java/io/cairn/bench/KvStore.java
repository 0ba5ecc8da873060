package io.cairn.bench;

import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The few operations the benchmarks need, implemented once per engine. Each JMH fork runs one engine, so calls
 * through this interface stay monomorphic and inline.
 */
interface KvStore extends AutoCloseable {

    /** How writes reach the disk. */
    enum Durability {
        /** Writes are handed to the OS; nobody fsyncs per write (Cairn NEVER, RocksDB sync=false, ...). */
        NO_FSYNC,
        /** Every acknowledged write has been fsynced (Cairn ALWAYS, RocksDB sync=true, ...). */
        FSYNC_PER_WRITE
    }

    /** The engine names accepted by {@link #open}. */
    String[] ENGINES = {"cairn", "cairn-ordered", "rocksdb", "mvstore", "mapdb"};

    /**
     * Opens a fresh store of {@code engine} in {@code dir}.
     *
     * @param ordered whether the store must support {@link #scan} (Cairn: ORDERED keyspace instead of the HASH
     *                default; MapDB: BTreeMap instead of HTreeMap; RocksDB and MVStore are always ordered)
     */
    static KvStore open(String engine, Path dir, Durability durability, boolean ordered) {
        switch (engine) {
            case "cairn": return new CairnKv(dir, durability, ordered);
            case "cairn-ordered": return new CairnKv(dir, durability, true);
            case "rocksdb": return new RocksKv(dir, durability);
            case "mvstore": return new MvStoreKv(dir, durability);
            case "mapdb": return new MapDbKv(dir, durability, ordered);
            default: throw new IllegalArgumentException("unknown engine '" + engine + "', expected one of "
                    + String.join(", ", ENGINES));
        }
    }

    /** Loads keys[i] = {@link Dataset#value}(i) as cheaply as the engine allows (batches where it has them). */
    void load(byte[][] keys);

    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    /** Reads up to {@code n} entries in key order from {@code from} (inclusive); returns how many it read. */
    int scan(byte[] from, int n, Blackhole bh);

    /** Engine statistics worth printing after a trial (empty if the engine has none cheap to get). */
    default String diagnostics() {
        return "";
    }

    @Override
    void close();

    /** Fails loudly if the engine does not return what was loaded: a benchmark of wrong answers is worthless. */
    static void verify(KvStore store, byte[][] keys, boolean ordered, Blackhole bh) {
        SplittableRandom r = new SplittableRandom(7);
        for (int t = 0; t < 1000; t++) {
            int i = r.nextInt(keys.length);
            byte[] v = store.get(keys[i]);
            if (!Arrays.equals(v, Dataset.value(i))) {
                throw new IllegalStateException(store + ": wrong value for key " + new String(keys[i])
                        + ": " + (v == null ? "null" : v.length + " bytes"));
            }
        }
        if (store.get(Dataset.key(keys.length + 1L)) != null) {
            throw new IllegalStateException(store + ": found a key that was never written");
        }
        if (ordered) {
            int from = Math.max(0, keys.length - 1500);
            int n = store.scan(keys[from], 1000, bh);
            int expected = Math.min(1000, keys.length - from);
            if (n != expected) {
                throw new IllegalStateException(store + ": scan from " + new String(keys[from]) + " read " + n
                        + " entries, expected " + expected);
            }
        }
    }
}
