package io.cairn.index;

import java.util.Arrays;

/**
 * The in-memory form of one stored value: a single {@code byte[]} (one object per entry, nothing else for the collector
 * to trace).
 *
 * <pre>
 *  byte 0        flags: bit 0 = has expiry, bit 1 = holds its key, bits 2-4 = type (0 string, 1 hash, 2 list,
 *                3 set, 4 sorted set), bit 5 = large (held outside the cell)
 *  [8 bytes]     expiry, epoch milliseconds, big-endian         (if bit 0)
 *  [varint, key] key length (LEB128) and key bytes              (if bit 1)
 *  value bytes   to the end of the array
 * </pre>
 *
 * A string's value is its bytes. Any other type's value starts with the 8-byte big-endian log sequence of the last
 * record that changed it (recovery skips records a snapshot already holds: see {@code Engine.apply}), followed by
 * either the compact encoding of its elements ({@code io.cairn.collection.Compact}) or, with bit 5, an 8-byte handle
 * of the large structure that holds them in memory. Snapshots always hold the compact encoding.
 *
 * Both indexes keep the key inside the cell, so an entry's key and value are one array; the flag for a cell without its
 * key remains in the format for a holder that keeps the key elsewhere.
 */
public final class Cells {
    static final int HAS_EXPIRY = 1;
    static final int HAS_KEY = 2;
    static final int TYPE_SHIFT = 2;
    static final int TYPE_MASK = 7 << TYPE_SHIFT;
    /** A collection held outside the cell: the value is the sequence and an 8-byte handle. */
    public static final int LARGE = 1 << 5;
    /** Type codes in bits 2-4. */
    public static final int STRING = 0, HASH = 1, LIST = 2, SET = 3, ZSET = 4;

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

    /**
     * A cell of a collection type: {@code type} (1-4), the last changing record's sequence, then {@code payload}
     * (the compact encoding, or with {@code large} the 8-byte handle).
     */
    public static byte[] makeTyped(byte[] key, int type, boolean large, long seq, byte[] payload, int payloadLength, long expireAt) {
        int flags = (expireAt != 0 ? HAS_EXPIRY : 0) | HAS_KEY | (type << TYPE_SHIFT) | (large ? LARGE : 0);
        int size = 1 + (expireAt != 0 ? 8 : 0) + varintSize(key.length) + key.length + 8 + payloadLength;
        byte[] c = new byte[size];
        c[0] = (byte) flags;
        int p = 1;
        if (expireAt != 0) {
            for (int i = 7; i >= 0; i--) c[p++] = (byte) (expireAt >>> (i * 8));
        }
        int n = key.length;
        while ((n & ~0x7F) != 0) {
            c[p++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        c[p++] = (byte) n;
        System.arraycopy(key, 0, c, p, key.length);
        p += key.length;
        for (int i = 7; i >= 0; i--) c[p++] = (byte) (seq >>> (i * 8));
        System.arraycopy(payload, 0, c, p, payloadLength);
        return c;
    }

    /** The type code in bits 2-4: {@link #STRING}, {@link #HASH}, {@link #LIST}, {@link #SET} or {@link #ZSET}. */
    public static int type(byte[] c) {
        return (c[0] & TYPE_MASK) >>> TYPE_SHIFT;
    }

    /** Whether the cell's collection is held outside it (its payload is a handle). */
    public static boolean large(byte[] c) {
        return (c[0] & LARGE) != 0;
    }

    /** The sequence of the last record that changed a collection cell. */
    public static long seq(byte[] c) {
        return readLong(c, valueOffset(c));
    }

    /** Offset of a collection cell's payload (past the sequence). */
    public static int payloadOffset(byte[] c) {
        return valueOffset(c) + 8;
    }

    /** The handle of a large collection cell. */
    public static long handle(byte[] c) {
        return readLong(c, payloadOffset(c));
    }

    static long readLong(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (a[off + i] & 0xFF);
        return v;
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
        // a snapshot never holds a large cell: it holds the compact encoding instead
        if ((flags & ~(HAS_EXPIRY | HAS_KEY | TYPE_MASK)) != 0 || (flags & HAS_KEY) == 0) return false;
        int type = (flags & TYPE_MASK) >>> TYPE_SHIFT;
        if (type > ZSET) return false;
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
        if (type == STRING) return klen <= end - p;
        return klen + 8 <= end - p && io.cairn.collection.Compact.valid(type, a, (int) (p + klen + 8), (int) (end - p - klen - 8));
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
