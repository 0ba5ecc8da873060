package io.cairn.bench;

import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.nio.file.Path;

/**
 * RocksDB JNI, configured so the whole data set fits its block cache (512 MiB, uncompressed blocks, 10-bit Bloom
 * filters) and compacted after loading: the friendliest in-memory setup for point reads. Writes keep the WAL on;
 * {@code sync} is false or true per the durability asked for.
 */
final class RocksKv implements KvStore {
    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final Options options;
    private final WriteOptions writeOptions;
    private final WriteOptions loadOptions;
    private final ReadOptions readOptions;
    private final RocksDB db;
    private final Durability durability;

    RocksKv(Path dir, Durability durability) {
        this.durability = durability;
        this.cache = new LRUCache(512L << 20);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false));
        this.options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setTableFormatConfig(table);
        this.writeOptions = new WriteOptions().setSync(durability == Durability.FSYNC_PER_WRITE).setDisableWAL(false);
        this.loadOptions = new WriteOptions().setSync(false).setDisableWAL(false);
        this.readOptions = new ReadOptions();
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open RocksDB in " + dir, e);
        }
    }

    @Override
    public void load(byte[][] keys) {
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < keys.length; i++) {
                batch.put(keys[i], Dataset.value(i));
                if (batch.count() == 1000) {
                    db.write(loadOptions, batch);
                    batch.clear();
                }
            }
            if (batch.count() > 0) db.write(loadOptions, batch);
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int scan(byte[] from, int n, Blackhole bh) {
        int read = 0;
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(from); read < n && it.isValid(); it.next()) {
                bh.consume(it.key());
                bh.consume(it.value());
                read++;
            }
        }
        return read;
    }

    @Override
    public void close() {
        db.close();
        readOptions.close();
        writeOptions.close();
        loadOptions.close();
        options.close();
        cache.close();
    }

    @Override
    public String toString() {
        return "RocksDB[sync=" + (durability == Durability.FSYNC_PER_WRITE) + "]";
    }
}
