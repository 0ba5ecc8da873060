package io.cairn.server.cluster;

/**
 * Redis Cluster's hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0, no reflection) of the key,
 * modulo 16384. A hash tag, the bytes between the first {@code '{'} and the first {@code '}'} after it, is hashed
 * instead of the whole key when it is not empty, so {@code {user1000}.following} and {@code {user1000}.followers}
 * share a slot; {@code foo{}{bar}} hashes whole (its first tag is empty).
 */
public final class KeySlot {
    /** Slots in a Redis Cluster. */
    public static final int SLOTS = 16384;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private KeySlot() {
    }

    /** The slot of {@code key}, 0 to 16383. */
    public static int of(byte[] key) {
        int from = 0;
        int to = key.length;
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        return crc16(key, from, to) & (SLOTS - 1);
    }

    /** CRC16-XMODEM of {@code b[from, to)}. */
    static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
        return crc;
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == v) return i;
        return -1;
    }
}
