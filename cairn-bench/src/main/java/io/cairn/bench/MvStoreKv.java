package io.cairn.bench;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;

/**
 * H2 MVStore, one file, byte[] keys (unsigned order) and values, a 256 MiB page cache so the data set fits.
 * Auto-commit stays at its default (a background writer, 1 s delay). With {@link Durability#FSYNC_PER_WRITE} every
 * put is followed by {@code commit()} (which writes the chunk synchronously) and {@code sync()} (FileChannel.force):
 * MVStore's commit alone writes but does not fsync.
 */
final class MvStoreKv implements KvStore {
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final boolean durable;

    MvStoreKv(Path dir, Durability durability) {
        this.durable = durability == Durability.FSYNC_PER_WRITE;
        this.store = new MVStore.Builder()
                .fileName(dir.resolve("data.mv").toString())
                .cacheSize(256)
                .open();
        this.map = store.openMap("bench", new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    public void load(byte[][] keys) {
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], Dataset.value(i));
        }
        store.commit();
        store.sync();
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        if (durable) {
            store.commit();
            store.sync();
        }
    }

    @Override
    public int scan(byte[] from, int n, Blackhole bh) {
        int read = 0;
        Cursor<byte[], byte[]> c = map.cursor(from);
        while (read < n && c.hasNext()) {
            bh.consume(c.next());
            bh.consume(c.getValue());
            read++;
        }
        return read;
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "MVStore[" + (durable ? "commit+sync per put" : "autoCommit") + "]";
    }
}
