package io.cairn.index;

import io.cairn.IndexKind;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An open-addressing hash table with linear probing, holding one {@link Cells cell} array per entry (key inside).
 *
 * <p>Memory: per entry, one 4-byte reference in the table (at a load factor between 3/8 and 3/4) plus the cell's
 * 16-byte array header, a flag byte, a length byte and alignment: about 25-35 bytes beyond the key and value, and a
 * single object per entry for the collector. There is no separate array of hashes: a probe compares the key in the
 * cell directly, which costs one cache miss per probed entry, and linear probing at this load averages under 1.5 probes.
 *
 * <p>Concurrency: one writer (the store's write lock), any number of lock-free readers. A cell is immutable and
 * published with a release store, read with an acquire load. Deletes leave a tombstone (never shift entries), so a
 * probing reader never misses a key that stays present. Growth builds a new table and publishes it through a volatile
 * field.
 */
public final class HashIndex implements Index {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] TOMBSTONE = new byte[0];
    private static final int MIN_CAPACITY = 16;

    private static final class Table {
        final byte[][] cells;
        final int mask;
        /** Each slot's access stamp ({@link Access}), or null when the index keeps none (a collection's fields). */
        final int[] stamps;

        Table(int capacity, boolean stamped) {
            cells = new byte[capacity][];
            mask = capacity - 1;
            stamps = stamped ? new int[capacity] : null;
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY, false);
    private volatile int size;
    private int used; // live entries plus tombstones
    /** What the held cells cost ({@link Memory#cell}), kept by every change. Writer only; read with opaque loads. */
    private long cellMemory;
    private Access access;

    /** An index that keeps no access stamps (a large hash's or set's fields). */
    public HashIndex() {
    }

    @Override
    public void access(Access access) {
        this.access = access;
        Table t = table;
        if (t.stamps == null) {
            Table n = new Table(t.mask + 1, true);
            System.arraycopy(t.cells, 0, n.cells, 0, t.cells.length);
            int created = access.created();
            java.util.Arrays.fill(n.stamps, created);
            table = n;
        }
    }

    private static final VarHandle CELL_MEMORY;

    static {
        try {
            CELL_MEMORY = MethodHandles.lookup().findVarHandle(HashIndex.class, "cellMemory", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void addMemory(long delta) {
        CELL_MEMORY.setOpaque(this, cellMemory + delta);
    }

    /** Bytes held: the table (and its stamps), the cells, and the expiry entries of cells that expire. */
    @Override
    public long memory() {
        Table t = table;
        long m = 48 + 24 + Memory.refs(t.mask + 1) + (long) CELL_MEMORY.getOpaque(this); // this, the Table, its slots
        if (t.stamps != null) m += Memory.refs(t.mask + 1);
        return m;
    }

    @Override
    public long entriesMemory() {
        return (long) CELL_MEMORY.getOpaque(this);
    }

    @Override
    public void addExternal(long delta) {
        addMemory(delta);
    }

    @Override
    public byte[] touch(byte[] key) {
        int h = hash(key);
        Table t = table;
        int i = h & t.mask;
        while (true) {
            byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
            if (c == null) return null;
            if (c != TOMBSTONE && Cells.keyEquals(c, key)) {
                int[] stamps = t.stamps;
                Access a = access;
                if (stamps != null && a != null) { // racy by design: see Access
                    int old = stamps[i];
                    int now = a.touched(old);
                    if (now != old) stamps[i] = now; // an unchanged stamp (same second) leaves the cache line clean
                }
                return c;
            }
            i = (i + 1) & t.mask;
        }
    }

    @Override
    public int stamp(byte[] key) {
        int h = hash(key);
        Table t = table;
        int i = h & t.mask;
        while (true) {
            byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
            if (c == null) return 0;
            if (c != TOMBSTONE && Cells.keyEquals(c, key)) return t.stamps == null ? 0 : t.stamps[i];
            i = (i + 1) & t.mask;
        }
    }

    @Override
    public void sample(java.util.random.RandomGenerator random, int count, Sampler sampler) {
        Table t = table;
        if (size == 0) return;
        for (int n = 0; n < count; n++) {
            // random slots until a live one: uniform over the entries. Walking on from one random slot instead would
            // favour the entries after long runs of free slots, where evicted entries were and new ones go.
            int start = 0;
            boolean found = false;
            for (int probe = 0; probe < 32 && !found; probe++) {
                start = random.nextInt(t.mask + 1);
                byte[] c = (byte[]) SLOTS.getAcquire(t.cells, start);
                if (c != null && c != TOMBSTONE) {
                    sampler.accept(c, t.stamps == null ? 0 : t.stamps[start]);
                    found = true;
                }
            }
            if (found) continue;
            for (int k = 0; k <= t.mask; k++) { // a sparse table: walk on from the last probe
                int i = (start + k) & t.mask;
                byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
                if (c != null && c != TOMBSTONE) {
                    sampler.accept(c, t.stamps == null ? 0 : t.stamps[i]);
                    break;
                }
            }
        }
    }

    @Override
    public IndexKind kind() {
        return IndexKind.HASH;
    }

    static int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** The 32-bit hash this index places {@code key} by; snapshots partition HASH keyspaces by its top bits. */
    public static int hashOf(byte[] key) {
        return hash(key, 0, key.length);
    }

    /** The hash of the key inside {@code cell}. */
    public static int hashOfCell(byte[] cell) {
        return hash(cell, Cells.keyOffset(cell), Cells.keyLength(cell));
    }

    /** A 32-bit hash of {@code a[off, off+n)}: 8 bytes a step, then a 64-bit finalizer. */
    static int hash(byte[] a, int off, int n) {
        long h = 0x9E3779B97F4A7C15L ^ n;
        int i = off;
        int end = off + n;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ ((long) LONGS.get(a, i) * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
        }
        if (i + 4 <= end) {
            h = Long.rotateLeft(h ^ (((int) INTS.get(a, i) & 0xFFFFFFFFL) * 0x165667B19E3779F9L), 23) * 0xC2B2AE3D27D4EB4FL;
            i += 4;
        }
        for (; i < end; i++) {
            h = Long.rotateLeft(h ^ ((a[i] & 0xFFL) * 0x27D4EB2F165667C5L), 11) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    @Override
    public byte[] get(byte[] key) {
        int h = hash(key);
        Table t = table;
        int i = h & t.mask;
        while (true) {
            byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
            if (c == null) return null;
            if (c != TOMBSTONE && Cells.keyEquals(c, key)) return c;
            i = (i + 1) & t.mask;
        }
    }

    /** The slot holding {@code key}, or {@code -(insertion slot) - 1}. Writer only. */
    private int find(Table t, byte[] key, int h) {
        int i = h & t.mask;
        int firstFree = -1;
        while (true) {
            byte[] c = t.cells[i];
            if (c == null) return -(firstFree >= 0 ? firstFree : i) - 1;
            if (c == TOMBSTONE) {
                if (firstFree < 0) firstFree = i;
            } else if (Cells.keyEquals(c, key)) {
                return i;
            }
            i = (i + 1) & t.mask;
        }
    }

    @Override
    public byte[] put(byte[] key, byte[] value, long expireAt) {
        return replace(key, Cells.make(key, true, value, expireAt));
    }

    @Override
    public byte[] put(byte[] key, byte[] value, long expireAt, int hash) {
        return replace(key, Cells.make(key, true, value, expireAt), hash);
    }

    @Override
    public byte[] replace(byte[] key, byte[] cell) {
        return replace(key, cell, hash(key));
    }

    private byte[] replace(byte[] key, byte[] cell, int h) {
        Table t = table;
        int i = find(t, key, h);
        if (i >= 0) {
            byte[] old = t.cells[i];
            SLOTS.setRelease(t.cells, i, cell);
            addMemory(Memory.cell(cell) - Memory.cell(old));
            if (t.stamps != null && access != null) t.stamps[i] = access.touched(t.stamps[i]);
            return old;
        }
        if (used + 1 > (t.mask + 1) / 4 * 3) {
            t = grow();
            i = find(t, key, h);
        }
        int slot = -i - 1;
        boolean reused = t.cells[slot] == TOMBSTONE;
        if (t.stamps != null) t.stamps[slot] = access == null ? 0 : access.created();
        SLOTS.setRelease(t.cells, slot, cell);
        addMemory(Memory.cell(cell));
        if (!reused) used++;
        size = size + 1;
        return null;
    }

    @Override
    public byte[] remove(byte[] key) {
        return remove(key, hash(key));
    }

    @Override
    public byte[] remove(byte[] key, int hash) {
        Table t = table;
        int i = find(t, key, hash);
        if (i < 0) return null;
        byte[] old = t.cells[i];
        SLOTS.setRelease(t.cells, i, TOMBSTONE);
        size = size - 1;
        addMemory(-Memory.cell(old));
        return old;
    }

    /**
     * Rebuilds the table: doubled if it is more than half live, else the same size without tombstones. Under churn at
     * a steady size (a cache evicting as it inserts) tombstones fill the table to the rebuild point while the live
     * entries stay put; doubling then would halve the load for nothing, and the slots and stamps arrays are what a
     * memory limit pays for first.
     */
    private Table grow() {
        Table old = table;
        int capacity = old.mask + 1;
        if (size + 1 > capacity / 2) capacity *= 2;
        Table t = new Table(capacity, old.stamps != null);
        for (int j = 0; j <= old.mask; j++) {
            byte[] c = old.cells[j];
            if (c == null || c == TOMBSTONE) continue;
            int i = hash(c, Cells.keyOffset(c), Cells.keyLength(c)) & t.mask;
            while (t.cells[i] != null) i = (i + 1) & t.mask;
            t.cells[i] = c;
            if (t.stamps != null) t.stamps[i] = old.stamps[j];
        }
        used = size;
        table = t; // volatile publish: readers see the filled table
        return t;
    }

    @Override
    public int size() {
        return size;
    }

    /** Slots in the table now (a power of two; a key's home slot is its hash's low bits). */
    public int capacity() {
        return table.mask + 1;
    }

    /**
     * A copy of the table's slots as they are now (null for empty, a zero-length array for a deleted entry): a
     * point-in-time view of every cell, since cells are immutable. Writer only (under the store's write lock).
     */
    public byte[][] tableCopy() {
        return table.cells.clone();
    }

    /**
     * Sizes an empty table for {@code entries} before a bulk {@link #load}, so that loading a snapshot never rebuilds
     * the table. Writer only, before the index is shared.
     */
    public void presize(long entries) {
        if (size != 0) throw new IllegalStateException("presize an empty index only");
        long want = Math.max(MIN_CAPACITY, entries + entries / 3 + 1);
        int capacity = Integer.highestOneBit((int) Math.min(1 << 30, want - 1)) << 1;
        table = new Table(Math.max(MIN_CAPACITY, capacity), table.stamps != null);
        used = 0;
    }

    /**
     * Adds a cell whose key is known not to be in the index (snapshot loading: a part holds each key once), without
     * looking for it first. Writer only.
     */
    public void load(byte[] cell) {
        load(cell, hash(cell, Cells.keyOffset(cell), Cells.keyLength(cell)));
    }

    /** {@link #load(byte[])} with the cell's key hash ({@link #hashOfCell}) worked out already. */
    public void load(byte[] cell, int hash) {
        Table t = table;
        if (used + 1 > (t.mask + 1) / 4 * 3) {
            size = size + loaded; // grow() rebuilds from the size
            loaded = 0;
            t = grow();
        }
        int i = hash & t.mask;
        byte[][] cells = t.cells;
        while (cells[i] != null) i = (i + 1) & t.mask;
        cells[i] = cell;
        if (t.stamps != null) t.stamps[i] = access == null ? 0 : access.created();
        cellMemory += Memory.cell(cell); // published by endLoad
        used++;
        loaded++; // a plain count: a volatile write per entry costs a fence each
    }

    /** Ends a bulk {@link #load}: publishes the size. */
    public void endLoad() {
        addMemory(0);
        size = size + loaded;
        loaded = 0;
    }

    private int loaded;

    /**
     * The cells held when this is called, expired ones included, for a snapshot: it walks the table of that moment,
     * so a key present throughout is seen exactly once; changes made meanwhile may or may not be seen (the snapshot's
     * log replay covers them). Never throws on concurrent change.
     */
    @Override
    public Iterator<byte[]> cells() {
        Table t = table;
        return new Iterator<>() {
            int i = -1;
            byte[] next = advance();

            private byte[] advance() {
                while (++i <= t.mask) {
                    byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
                    if (c != null && c != TOMBSTONE) return c;
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public byte[] next() {
                byte[] c = next;
                if (c == null) throw new NoSuchElementException();
                next = advance();
                return c;
            }
        };
    }

    @Override
    public void clear() {
        table = new Table(MIN_CAPACITY, table.stamps != null);
        used = 0;
        size = 0;
        addMemory(-cellMemory);
    }

    @Override
    public Iterator<Slot> iterator() {
        Iterator<byte[]> cells = cells();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return cells.hasNext();
            }

            @Override
            public Slot next() {
                byte[] c = cells.next();
                return new Slot(Cells.key(c), c);
            }
        };
    }

    /**
     * One step of a cursor scan in the manner of Redis's SCAN: visits the home buckets in reverse-binary order, so
     * that a key present for a whole scan is visited at least once even if the table grows meanwhile (a key may be
     * visited twice). Passes every held cell (expired ones too) whose home bucket is visited to {@code cells}; returns
     * the next cursor, {@code 0} when the scan is complete.
     */
    public long scan(long cursor, int count, java.util.function.Consumer<byte[]> cells) {
        Table t = table;
        long mask = t.mask;
        long v = cursor & mask;
        int visited = 0;
        do {
            int bucket = (int) v;
            // the keys whose home is this bucket sit in the run of occupied slots that starts here
            int i = bucket;
            while (true) {
                byte[] c = (byte[]) SLOTS.getAcquire(t.cells, i);
                if (c == null) break;
                if (c != TOMBSTONE && (hash(c, Cells.keyOffset(c), Cells.keyLength(c)) & t.mask) == bucket) {
                    cells.accept(c);
                    visited++;
                }
                i = (i + 1) & t.mask;
                if (i == bucket) break;
            }
            // increment the reversed cursor: set the unmasked bits, reverse, add one, reverse back
            v |= ~mask;
            v = Long.reverse(v);
            v++;
            v = Long.reverse(v);
        } while (v != 0 && visited < count);
        return v;
    }

    /** A held cell (perhaps expired) picked at random, or null if the index is empty. */
    public byte[] random(java.util.random.RandomGenerator random) {
        Table t = table;
        if (size == 0) return null;
        int start = random.nextInt(t.mask + 1);
        for (int k = 0; k <= t.mask; k++) {
            byte[] c = (byte[]) SLOTS.getAcquire(t.cells, (start + k) & t.mask);
            if (c != null && c != TOMBSTONE) return c;
        }
        return null;
    }

    @Override
    public Iterator<Slot> range(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean reverse) {
        throw new IllegalStateException("a hash index has no order; the store checks the kind before scanning");
    }
}
