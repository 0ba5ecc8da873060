package io.cairn;

import java.util.List;

import io.cairn.index.Index;

import java.util.Arrays;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The live state of one keyspace. Fields change only under the store's write lock; readers see them through
 * volatile reads.
 */
final class KeyspaceState {
    /** While loading a snapshot: collection cells that may be past the compact limits (see Engine.install). */
    List<byte[]> oversized;

    /** One key with an expiry, ordered by expiry time then key, so the expirer takes the earliest first. */
    record Expiry(long at, byte[] key) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Arrays.compareUnsigned(key, o.key);
        }
    }

    final int id;
    volatile String name;
    private volatile Index index;
    volatile boolean dropped;
    /**
     * Which keys changed since the last snapshot captured this keyspace: bit b set if a key whose hash's top twelve
     * bits are b was written ({@link io.cairn.snapshot.SnapshotDescriptor#FINE_BITS}). A snapshot's partitions are runs
     * of these bits. All set for a new keyspace. Writer only.
     */
    long[] dirty = allDirty();

    static long[] allDirty() {
        long[] d = new long[(1 << io.cairn.snapshot.SnapshotDescriptor.FINE_BITS) / 64];
        java.util.Arrays.fill(d, -1L);
        return d;
    }

    void markDirty(int hash) {
        int bit = hash >>> (32 - io.cairn.snapshot.SnapshotDescriptor.FINE_BITS);
        dirty[bit >>> 6] |= 1L << bit;
    }
    /**
     * Key and value bytes held. Written only under the write lock, read by statistics from any thread: opaque access
     * (atomic, no fence), because a volatile write here put a full fence on every put's path.
     */
    private long bytes;
    private static final java.lang.invoke.VarHandle BYTES;

    static {
        try {
            BYTES = java.lang.invoke.MethodHandles.lookup().findVarHandle(KeyspaceState.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    void bytes(long v) {
        BYTES.setOpaque(this, v);
    }

    void addBytes(long delta) {
        BYTES.setOpaque(this, bytes + delta);
    }
    /** Every key that has an expiry. */
    final ConcurrentSkipListSet<Expiry> expiries = new ConcurrentSkipListSet<>();

    KeyspaceState(int id, String name, Index index) {
        this.id = id;
        this.name = name;
        this.index = index;
    }

    Index index() {
        return index;
    }

    /** Becomes {@code loaded} (same id): a replica reloading a snapshot keeps the objects its handles hold. */
    void takeFrom(KeyspaceState loaded) {
        name = loaded.name;
        index = loaded.index;
        dropped = false;
        dirty = allDirty();
        bytes(loaded.bytes());
        oversized = loaded.oversized;
        expiries.clear();
        expiries.addAll(loaded.expiries);
    }

    void index(Index index) {
        this.index = index;
    }

    /** The key that expires first, or null. */
    Expiry earliestExpiry() {
        java.util.Iterator<Expiry> it = expiries.iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** Keys that have expired at {@code now} but are still held. */
    int expiredAt(long now) {
        if (expiries.isEmpty()) return 0;
        return expiries.headSet(new Expiry(now + 1, new byte[0])).size();
    }
}
