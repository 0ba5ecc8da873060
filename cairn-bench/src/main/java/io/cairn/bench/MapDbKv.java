package io.cairn.bench;

import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * MapDB 3, one memory-mapped file. Without fsync: transactions disabled (MapDB's fastest, non-crash-safe mode), an
 * HTreeMap for point operations or a BTreeMap for scans. With {@link Durability#FSYNC_PER_WRITE}: transactions
 * enabled (write-ahead log) and {@code db.commit()} after every put. MapDB's commit is store-wide and serialised, so
 * concurrent writers queue on it (it does not batch them into one fsync).
 */
final class MapDbKv implements KvStore {
    private final DB db;
    private final boolean durable;
    private final boolean ordered;
    // Set by the constructor (HTreeMap) or by load() (BTreeMap, built by MapDB's bulk loader); JMH's setup
    // happens-before the measured threads start, so plain fields are safe.
    private ConcurrentMap<byte[], byte[]> map;
    private BTreeMap<byte[], byte[]> tree;

    MapDbKv(Path dir, Durability durability, boolean ordered) {
        this.durable = durability == Durability.FSYNC_PER_WRITE;
        this.ordered = ordered;
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("data.mapdb").toFile()).fileMmapEnable();
        if (durable) maker = maker.transactionEnable();
        this.db = maker.make();
        if (!ordered) {
            this.map = db.hashMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        }
    }

    @Override
    public void load(byte[][] keys) {
        if (ordered) {
            // Keys are generated in ascending order, which the pump requires.
            DB.TreeMapSink<byte[], byte[]> sink =
                    db.treeMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createFromSink();
            for (int i = 0; i < keys.length; i++) sink.put(keys[i], Dataset.value(i));
            tree = sink.create();
            map = tree;
        } else {
            for (int i = 0; i < keys.length; i++) map.put(keys[i], Dataset.value(i));
        }
        if (durable) db.commit();
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        if (durable) db.commit();
    }

    @Override
    public int scan(byte[] from, int n, Blackhole bh) {
        int read = 0;
        Iterator<Map.Entry<byte[], byte[]>> it = tree.entryIterator(from, true, null, false);
        while (read < n && it.hasNext()) {
            Map.Entry<byte[], byte[]> e = it.next();
            bh.consume(e.getKey());
            bh.consume(e.getValue());
            read++;
        }
        return read;
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "MapDB[" + (durable ? "transactions, commit per put" : "no transactions") + ", "
                + (ordered ? "BTreeMap" : "HTreeMap") + ", mmap]";
    }
}
