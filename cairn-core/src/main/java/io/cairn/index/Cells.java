package io.cairn.index;

import java.util.Arrays;

/**
 * The in-memory form of one stored value: a single {@code byte[]} (one object per entry, nothing else for the collector
 * to trace).
 *
 * <pre>
 *  byte 0        flags: bit 0 = has expiry, bit 1 = holds its key
 *  [8 bytes]     expiry, epoch milliseconds, big-endian         (if bit 0)
 *  [varint, key] key length (LEB128) and key bytes              (if bit 1)
 *  value bytes   to the end of the array
 * </pre>
 *
 * Both indexes keep the key inside the cell, so an entry's key and value are one array; the flag for a cell without its
 * key remains in the format for a holder that keeps the key elsewhere.
 */
public final class Cells {
    static final int HAS_EXPIRY = 1;
    static final int HAS_KEY = 2;

    private Cells() {
    }

    /** A cell holding {@code value}, the optional expiry and, if {@code withKey}, the key. */
    public static byte[] make(byte[] key, boolean withKey, byte[] value, long expireAt) {
        int flags = (expireAt != 0 ? HAS_EXPIRY : 0) | (withKey ? HAS_KEY : 0);
        int size = 1 + (expireAt != 0 ? 8 : 0) + (withKey ? varintSize(key.length) + key.length : 0) + value.length;
        byte[] c = new byte[size];
        c[0] = (byte) flags;
        int p = 1;
        if (expireAt != 0) {
            for (int i = 7; i >= 0; i--) c[p++] = (byte) (expireAt >>> (i * 8));
        }
        if (withKey) {
            int n = key.length;
            while ((n & ~0x7F) != 0) {
                c[p++] = (byte) ((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            c[p++] = (byte) n;
            System.arraycopy(key, 0, c, p, key.length);
            p += key.length;
        }
        System.arraycopy(value, 0, c, p, value.length);
        return c;
    }

    /** The absolute expiry in epoch milliseconds, or 0. */
    public static long expireAt(byte[] c) {
        if ((c[0] & HAS_EXPIRY) == 0) return 0;
        long v = 0;
        for (int i = 1; i <= 8; i++) v = (v << 8) | (c[i] & 0xFF);
        return v;
    }

    /** The expiry of the cell that starts at {@code a[off]}, or 0. */
    public static long expireAt(byte[] a, int off) {
        if ((a[off] & HAS_EXPIRY) == 0) return 0;
        long v = 0;
        for (int i = 1; i <= 8; i++) v = (v << 8) | (a[off + i] & 0xFF);
        return v;
    }

    /** Whether the cell carries an expiry. */
    public static boolean hasExpiry(byte[] c) {
        return (c[0] & HAS_EXPIRY) != 0;
    }

    /** Whether the cell is live at {@code now} (not expired). */
    public static boolean live(byte[] c, long now) {
        return (c[0] & HAS_EXPIRY) == 0 || expireAt(c) > now;
    }

    private static int keyStart(byte[] c) {
        return 1 + ((c[0] & HAS_EXPIRY) != 0 ? 8 : 0);
    }

    /** Offset of the value bytes. */
    public static int valueOffset(byte[] c) {
        if ((c[0] & HAS_KEY) == 0) return keyStart(c);
        return keyOffset(c) + keyLength(c);
    }

    public static int valueLength(byte[] c) {
        return c.length - valueOffset(c);
    }

    /** A copy of the value. */
    public static byte[] value(byte[] c) {
        return Arrays.copyOfRange(c, valueOffset(c), c.length);
    }

    /** Offset of the key bytes in a cell that holds its key: just past the length varint. */
    static int keyOffset(byte[] c) {
        int p = keyStart(c);
        while (c[p] < 0) p++;
        return p + 1;
    }

    /** Length of the key in a cell that holds its key (the LEB128 varint at the key's start). */
    static int keyLength(byte[] c) {
        int p = keyStart(c);
        int len = 0;
        int shift = 0;
        byte b;
        do {
            b = c[p++];
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return len;
    }

    /**
     * Compares the key held in the cell with {@code key}, unsigned: the skip list's comparison, so it decodes the
     * length once, with a fast path for keys under 128 bytes (a one-byte length).
     */
    static int compareKey(byte[] c, byte[] key) {
        int p = keyStart(c);
        int len = c[p++];
        if (len < 0) { // a key of 128 bytes or more: the general decode
            len = keyLength(c);
            p = keyOffset(c);
        }
        return Arrays.compareUnsigned(c, p, p + len, key, 0, key.length);
    }

    /** A copy of the key held in the cell. */
    public static byte[] key(byte[] c) {
        int p = keyOffset(c);
        return Arrays.copyOfRange(c, p, p + keyLength(c));
    }

    /** Whether the key held in the cell equals {@code key}. */
    public static boolean keyEquals(byte[] c, byte[] key) {
        int len = keyLength(c);
        int p = keyOffset(c);
        return len == key.length && Arrays.equals(c, p, p + len, key, 0, len);
    }

    /** Whether the value held in the cell equals {@code value}. */
    public static boolean valueEquals(byte[] c, byte[] value) {
        int off = valueOffset(c);
        return c.length - off == value.length && Arrays.equals(c, off, c.length, value, 0, value.length);
    }

    /** The same cell with a different expiry (0 for none). */
    public static byte[] withExpiry(byte[] c, long expireAt) {
        int oldStart = keyStart(c);
        boolean has = expireAt != 0;
        byte[] n = new byte[1 + (has ? 8 : 0) + c.length - oldStart];
        n[0] = (byte) ((c[0] & ~HAS_EXPIRY) | (has ? HAS_EXPIRY : 0));
        int p = 1;
        if (has) {
            for (int i = 7; i >= 0; i--) n[p++] = (byte) (expireAt >>> (i * 8));
        }
        System.arraycopy(c, oldStart, n, p, c.length - oldStart);
        return n;
    }

    /**
     * Whether {@code a[off, off+len)} is a well-formed cell holding its key (snapshot loading checks each entry, so a
     * file that passes its CRCs but was written wrong cannot put a malformed cell in an index).
     */
    public static boolean valid(byte[] a, int off, int len) {
        if (len < 2) return false;
        int flags = a[off];
        if ((flags & ~(HAS_EXPIRY | HAS_KEY)) != 0 || (flags & HAS_KEY) == 0) return false;
        int p = off + 1 + ((flags & HAS_EXPIRY) != 0 ? 8 : 0);
        int end = off + len;
        long klen = 0;
        int shift = 0;
        while (true) {
            if (p >= end || shift > 28) return false;
            byte b = a[p++];
            klen |= (long) (b & 0x7F) << shift;
            if (b >= 0) break;
            shift += 7;
        }
        return klen <= end - p;
    }

    /** Offset of the key bytes in a cell holding its key. */
    public static int keyOffsetOf(byte[] c) {
        return keyOffset(c);
    }

    /** Length of the key in a cell holding its key. */
    public static int keyLengthOf(byte[] c) {
        return keyLength(c);
    }

    static int varintSize(int n) {
        int s = 1;
        while ((n & ~0x7F) != 0) {
            s++;
            n >>>= 7;
        }
        return s;
    }
}
