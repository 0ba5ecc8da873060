package io.cairn.index;

/**
 * What objects cost on a 64-bit HotSpot heap with compressed oops and compressed class pointers (the default below
 * 32 GiB): a 12-byte object header, 4-byte references, arrays with a 16-byte header (12 plus the length), everything
 * rounded up to 8 bytes. The store's memory accounting adds these figures up as it changes; the figures are checked
 * against the heap in {@code MemoryAccountingTest}.
 */
public final class Memory {
    /** A {@code byte[]} header. */
    public static final int ARRAY_HEADER = 16;
    /**
     * One key with an expiry in a keyspace's expiry set (a {@code ConcurrentSkipListSet}): the 24-byte entry record,
     * its 24-byte map node, half a 24-byte index node on average; the key copy is added by {@link #expiry}.
     */
    static final int EXPIRY_ENTRY = 24 + 24 + 12;

    private Memory() {
    }

    /**
     * G1's region size as it chooses it by default (the heap's maximum / 2048, a power of two from 1 to 32 MiB). An
     * object of half a region or more is "humongous": it takes whole regions of its own, so a 1 MiB table takes 2 MiB
     * of a 2 GiB heap. Measured: without this, a keyspace's two 1 MiB arrays (slots and stamps) showed as 2 MiB the
     * account missed.
     */
    private static final long REGION = Math.max(1L << 20, Math.min(32L << 20,
            Long.highestOneBit(Math.max(1, Runtime.getRuntime().maxMemory() / 2048))));

    /** {@code n} rounded up to a multiple of 8, or to whole regions for a humongous object. */
    public static long align(long n) {
        if (n >= REGION / 2) return (n + REGION - 1) / REGION * REGION;
        return (n + 7) & ~7L;
    }

    /** A {@code byte[]} of {@code length}. */
    public static long bytes(int length) {
        return align(ARRAY_HEADER + (long) length);
    }

    /** An array of {@code length} references (or ints: both 4 bytes). */
    public static long refs(int length) {
        return align(ARRAY_HEADER + 4L * length);
    }

    /** What one expiring key costs in its keyspace's expiry set. */
    public static long expiry(int keyLength) {
        return EXPIRY_ENTRY + bytes(keyLength);
    }

    /** What a keyspace index holds for {@code cell}: the array and, with an expiry, its entry in the expiry set. */
    static long cell(byte[] cell) {
        long m = bytes(cell.length);
        if ((cell[0] & Cells.HAS_EXPIRY) != 0) m += expiry(Cells.keyLength(cell));
        return m;
    }
}
