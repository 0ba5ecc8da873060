package io.cairn.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The data every benchmark uses: key {@code i} is the 16 ASCII bytes {@code "key"} followed by {@code i} zero-padded
 * to 13 digits, so byte order equals numeric order; its value is 100 pseudo-random bytes derived from {@code i}, so
 * any value can be regenerated to check what an engine returns.
 */
final class Dataset {
    static final int KEY_SIZE = 16;
    static final int VALUE_SIZE = 100;
    private static final byte[] PREFIX = "key".getBytes(StandardCharsets.US_ASCII);

    private Dataset() {
    }

    /** Key {@code i}: {@code key0000000000042} for 42. */
    static byte[] key(long i) {
        byte[] k = new byte[KEY_SIZE];
        System.arraycopy(PREFIX, 0, k, 0, PREFIX.length);
        long v = i;
        for (int p = KEY_SIZE - 1; p >= PREFIX.length; p--) {
            k[p] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        if (v != 0) throw new IllegalArgumentException("key index too large: " + i);
        return k;
    }

    /** Keys 0 to n-1, formatted once so formatting is never measured. */
    static byte[][] keys(int n) {
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) keys[i] = key(i);
        return keys;
    }

    /** The value loaded for key {@code i}: a fresh array the caller owns. */
    static byte[] value(long i) {
        byte[] v = new byte[VALUE_SIZE];
        new SplittableRandom(i * 0x9E3779B97F4A7C15L + 1).nextBytes(v);
        return v;
    }

    /** {@code n} distinct 100-byte values for overwrites, picked at random so no engine sees one value repeated. */
    static byte[][] valuePool(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] pool = new byte[n][VALUE_SIZE];
        for (byte[] v : pool) r.nextBytes(v);
        return pool;
    }
}
