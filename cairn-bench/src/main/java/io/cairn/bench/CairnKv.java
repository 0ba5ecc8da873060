package io.cairn.bench;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.FsyncPolicy;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.WriteBatch;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;

/** Cairn: FsyncPolicy.NEVER or ALWAYS (group commit); the HASH default keyspace, or an ORDERED one for scans. */
final class CairnKv implements KvStore {
    private final Cairn db;
    private final Keyspace ks;
    private final boolean ordered;

    CairnKv(Path dir, Durability durability, boolean ordered) {
        FsyncPolicy policy = durability == Durability.FSYNC_PER_WRITE ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER;
        CairnOptions.Builder options = CairnOptions.builder().fsyncPolicy(policy);
        // Diagnostic knobs, unset by default (Cairn's defaults are what the results show):
        // -Dcairn.bench.segmentSize=1073741824 and -Dcairn.bench.preallocate=false show what segment rolls cost.
        String segmentSize = System.getProperty("cairn.bench.segmentSize");
        if (segmentSize != null) options.segmentSize(Long.parseLong(segmentSize));
        String preallocate = System.getProperty("cairn.bench.preallocate");
        if (preallocate != null) options.preallocate(Boolean.parseBoolean(preallocate));
        this.db = Cairn.open(dir, options.build());
        this.ordered = ordered;
        this.ks = ordered ? db.createKeyspace("bench", IndexKind.ORDERED) : db.defaultKeyspace();
    }

    @Override
    public void load(byte[][] keys) {
        // Batches of 1,000: one log record and (under ALWAYS) one fsync each, so loading stays cheap whatever
        // the policy the benchmark itself measures.
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < keys.length; i++) {
            batch.put(ks, keys[i], Dataset.value(i));
            if (batch.size() == 1000) {
                db.write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) db.write(batch);
    }

    @Override
    public byte[] get(byte[] key) {
        return ks.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        ks.put(key, value);
    }

    @Override
    public int scan(byte[] from, int n, Blackhole bh) {
        int read = 0;
        try (CloseableIterator<Entry> it = ks.scan().from(from).limit(n).iterator()) {
            while (it.hasNext()) {
                Entry e = it.next();
                bh.consume(e.key());
                bh.consume(e.value());
                read++;
            }
        }
        return read;
    }

    @Override
    public String diagnostics() {
        return db.stats().toString();
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "Cairn[" + db.options().fsyncPolicy() + ", " + (ordered ? "ORDERED" : "HASH") + ", segments of "
                + (db.options().segmentSize() >> 20) + " MiB" + (db.options().preallocate() ? "" : ", not preallocated") + "]";
    }
}
