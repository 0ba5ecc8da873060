package io.cairn.server.command;

import java.util.Arrays;

/**
 * Redis's HyperLogLog as a string value, byte for byte: the same input elements added in the same order give the same
 * bytes as Redis 7, so a value read with GET from Cairn can be SET into Redis (and back) and counted there.
 *
 * <pre>
 *  0       4         5        8                     16
 *  +-------+---------+--------+---------------------+------------------------------------------+
 *  | HYLL  | encoding| unused | cached cardinality  | registers                                |
 *  |       | 0 dense | 3 x 0  | 8 bytes, LE; bit 7  | dense: 16384 x 6 bits, LSB first, 12288 B |
 *  |       | 1 sparse|        | of byte 15: invalid | sparse: run-length opcodes (below)       |
 *  +-------+---------+--------+---------------------+------------------------------------------+
 * </pre>
 *
 * <p>An element is hashed with MurmurHash64A (seed {@code 0xadc83b19}); the low 14 bits choose one of 16384 registers,
 * which keeps the longest run seen of "trailing zeros of the other 50 bits, plus one" (1..51). Dense registers are
 * packed little-endian: register {@code i} starts at bit {@code 6i} of the register bytes, low bits first. The sparse
 * form describes all 16384 registers with opcodes: {@code 00xxxxxx} ZERO (1-64 zero registers), {@code 01xxxxxx
 * yyyyyyyy} XZERO (1-16384 zero registers, 14-bit big-endian length - 1), {@code 1vvvvvxx} VAL (1-4 registers holding
 * value 1-32). A new HLL is sparse: one XZERO. It turns dense when a register needs more than 32 or when an edit would
 * make the string longer than {@code hll-sparse-max-bytes}; the edits split and merge opcodes exactly as Redis does, which
 * is what makes the bytes equal. The count is Otmar Ertl's improved estimator ("New cardinality estimation algorithms
 * for HyperLogLog sketches", 2017), as in Redis 7; standard error 1.04/sqrt(16384) = 0.81%.
 *
 * <p>An instance is a mutable working copy of one value and is not thread safe. A sparse body that does not describe
 * exactly 16384 registers is refused with {@link Corrupted}.
 */
final class HyperLogLog {
    static final int P = 14;
    static final int Q = 64 - P;
    static final int REGISTERS = 1 << P;
    static final int HEADER = 16;
    static final int DENSE_SIZE = HEADER + REGISTERS * 6 / 8;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    static final long SEED = 0xadc83b19L;

    private static final int VAL_MAX_VALUE = 32;
    private static final int VAL_MAX_LEN = 4;
    private static final int ZERO_MAX_LEN = 64;
    private static final int XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680; // 1 / (2 ln 2)

    /** The value is not a well-formed HyperLogLog (Redis: "INVALIDOBJ Corrupted HLL object detected"). */
    static final class Corrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Corrupted() {
            super("corrupted HyperLogLog", null, false, false);
        }
    }

    private byte[] buf; // the value's bytes; in sparse form there may be spare room after len
    private int len;

    private HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** A new, empty HLL: sparse, every register zero, cached cardinality 0 (valid). */
    static HyperLogLog empty() {
        byte[] b = new byte[HEADER + 2];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        writeXzero(b, HEADER, REGISTERS);
        return new HyperLogLog(b, b.length);
    }

    /** A working copy of {@code value}, which {@link #looksValid} accepted. */
    static HyperLogLog of(byte[] value) {
        return new HyperLogLog(value.clone(), value.length);
    }

    /**
     * Whether {@code v} passes the checks Redis makes before using a string as an HLL: long enough for the header,
     * the magic, a known encoding, and exactly the dense size when dense. The sparse body is checked as it is read.
     */
    static boolean looksValid(byte[] v) {
        if (v.length < HEADER || v[0] != 'H' || v[1] != 'Y' || v[2] != 'L' || v[3] != 'L') return false;
        int encoding = v[4] & 0xff;
        if (encoding > SPARSE) return false;
        return encoding != DENSE || v.length == DENSE_SIZE;
    }

    byte[] toBytes() {
        return buf.length == len ? buf : Arrays.copyOf(buf, len);
    }

    boolean dense() {
        return buf[4] == DENSE;
    }

    // ------------------------------------------------------------------ the cached cardinality

    boolean cacheValid() {
        return (buf[15] & 0x80) == 0;
    }

    long cachedCount() {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[8 + i] & 0xff);
        return v;
    }

    void cacheCount(long count) {
        for (int i = 0; i < 8; i++) buf[8 + i] = (byte) (count >>> (8 * i));
    }

    void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    // ------------------------------------------------------------------ hashing

    /** Austin Appleby's MurmurHash64A, as Redis computes it (little-endian reads, unsigned tail bytes). */
    static long murmur64a(byte[] data, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int n = data.length;
        long h = seed ^ (n * m);
        int whole = n - (n & 7);
        for (int i = 0; i < whole; i += 8) {
            long k = (long) LONGS.get(data, i);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = n & 7;
        if (rest > 0) {
            for (int i = rest - 1; i >= 0; i--) h ^= (long) (data[whole + i] & 0xff) << (8 * i);
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The register an element goes to. */
    static int registerOf(long hash) {
        return (int) (hash & (REGISTERS - 1));
    }

    /** The value an element offers its register: the position of the first 1 bit above the index bits (1..Q+1). */
    static int runOf(long hash) {
        return Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
    }

    // ------------------------------------------------------------------ adding

    /** Adds one element; returns whether a register changed. */
    boolean add(byte[] element, long sparseMaxBytes) {
        long h = murmur64a(element, SEED);
        return set(registerOf(h), runOf(h), sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count} if it is lower; returns whether it changed. */
    boolean set(int index, int count, long sparseMaxBytes) {
        return dense() ? denseSet(buf, index, count) : sparseSet(index, count, sparseMaxBytes);
    }

    static int denseGet(byte[] b, int index) {
        int bit = index * 6;
        int at = HEADER + (bit >>> 3);
        int shift = bit & 7;
        int lo = (b[at] & 0xff) >>> shift;
        int hi = at + 1 < b.length ? (b[at + 1] & 0xff) << (8 - shift) : 0;
        return (lo | hi) & 63;
    }

    private static boolean denseSet(byte[] b, int index, int count) {
        if (denseGet(b, index) >= count) return false;
        int bit = index * 6;
        int at = HEADER + (bit >>> 3);
        int shift = bit & 7;
        b[at] = (byte) ((b[at] & ~(63 << shift)) | (count << shift));
        if (shift > 2) { // the register runs into the next byte
            b[at + 1] = (byte) ((b[at + 1] & ~(63 >>> (8 - shift))) | (count >>> (8 - shift)));
        }
        return true;
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 3) + 1;
    }

    private static byte val(int value, int length) {
        return (byte) (0x80 | ((value - 1) << 2) | (length - 1));
    }

    private static void writeXzero(byte[] b, int at, int length) {
        b[at] = (byte) (0x40 | ((length - 1) >>> 8));
        b[at + 1] = (byte) (length - 1);
    }

    private int op(int p) {
        return buf[p] & 0xff;
    }

    /** Registers the opcode at {@code p} covers; throws if it is cut off. */
    private int span(int p) {
        int op = op(p);
        if (isZero(op)) return (op & 0x3f) + 1;
        if (!isXzero(op)) return valLen(op);
        if (p + 1 >= len) throw new Corrupted();
        return (((op & 0x3f) << 8) | op(p + 1)) + 1;
    }

    private int opLength(int p) {
        return isXzero(op(p)) ? 2 : 1;
    }

    /** Checks that the sparse body describes exactly 16384 registers. */
    void checkSparse() {
        if (dense()) return;
        long registers = 0;
        for (int p = HEADER; p < len; p += opLength(p)) registers += span(p);
        if (registers != REGISTERS) throw new Corrupted();
    }

    /**
     * Sets a register in the sparse form: the opcode covering it is split into at most three (runs before, the new
     * value, runs after), adjacent equal VALs around the edit are merged, and the HLL turns dense when the value does
     * not fit a VAL or the string would pass {@code sparseMaxBytes}.
     */
    private boolean sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) return promoteAndSet(index, count);
        int p = HEADER;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < len) {
            span = span(p);
            if (index <= first + span - 1) break;
            prev = p;
            p += opLength(p);
            first += span;
        }
        if (span == 0 || p >= len) throw new Corrupted();
        int op = op(p);
        boolean zero = isZero(op);
        boolean xzero = isXzero(op);
        boolean value = !zero && !xzero;
        if (value && valValue(op) >= count) return false;
        if ((value || zero) && span == 1) {
            buf[p] = val(count, 1); // the opcode covers only this register: rewrite it in place
        } else {
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (value) {
                int old = valValue(op);
                if (index != first) seq[n++] = val(old, index - first);
                seq[n++] = val(count, 1);
                if (index != last) seq[n++] = val(old, last - index);
            } else {
                n = zeros(seq, n, index - first);
                seq[n++] = val(count, 1);
                n = zeros(seq, n, last - index);
            }
            int oldLength = xzero ? 2 : 1;
            int delta = n - oldLength;
            if (delta > 0 && (long) len + delta > sparseMaxBytes) return promoteAndSet(index, count);
            if (len + delta > buf.length) buf = Arrays.copyOf(buf, Math.max(len + delta, Math.min(len * 2, len + 64)));
            int next = p + oldLength;
            System.arraycopy(buf, next, buf, next + delta, len - next);
            len += delta;
            System.arraycopy(seq, 0, buf, p, n);
        }
        mergeValues(prev < 0 ? HEADER : prev);
        invalidateCache();
        return true;
    }

    /** Appends ZERO or XZERO opcodes for a run of {@code length} zero registers (none for 0). */
    private static int zeros(byte[] seq, int n, int length) {
        if (length == 0) return n;
        if (length > ZERO_MAX_LEN) {
            writeXzero(seq, n, length);
            return n + 2;
        }
        seq[n] = (byte) (length - 1);
        return n + 1;
    }

    /** Merges adjacent VALs of the same value (up to four registers) within five opcodes from {@code p}, as Redis does. */
    private void mergeValues(int p) {
        int steps = 5;
        while (p < len && steps-- > 0) {
            int op = op(p);
            if (isXzero(op)) {
                p += 2;
                continue;
            }
            if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < len) {
                int nextOp = op(p + 1);
                if (!isZero(nextOp) && !isXzero(nextOp) && valValue(op) == valValue(nextOp)
                        && valLen(op) + valLen(nextOp) <= VAL_MAX_LEN) {
                    buf[p + 1] = val(valValue(op), valLen(op) + valLen(nextOp));
                    System.arraycopy(buf, p + 1, buf, p, len - p - 1);
                    len--;
                    continue; // try to merge the merged opcode with the one after it
                }
            }
            p++;
        }
    }

    private boolean promoteAndSet(int index, int count) {
        toDense();
        return denseSet(buf, index, count);
    }

    /** Converts to the dense form (nothing if dense); the header, cache included, is kept. Returns whether it converted. */
    boolean toDense() {
        if (dense()) return false;
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, d, 0, HEADER);
        d[4] = DENSE;
        int index = 0;
        for (int p = HEADER; p < len; p += opLength(p)) {
            int op = op(p);
            int span = span(p);
            if (index + span > REGISTERS) throw new Corrupted();
            if (!isZero(op) && !isXzero(op)) {
                for (int i = 0; i < span; i++) denseSet(d, index + i, valValue(op));
            }
            index += span;
        }
        if (index != REGISTERS) throw new Corrupted();
        buf = d;
        len = DENSE_SIZE;
        return true;
    }

    // ------------------------------------------------------------------ reading registers

    /** Raises each of {@code max}'s 16384 registers to this HLL's where that is higher. */
    void mergeInto(byte[] max) {
        if (dense()) {
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(buf, i);
                if (v > max[i]) max[i] = (byte) v;
            }
            return;
        }
        int index = 0;
        for (int p = HEADER; p < len; p += opLength(p)) {
            int op = op(p);
            int span = span(p);
            if (index + span > REGISTERS) throw new Corrupted();
            if (!isZero(op) && !isXzero(op)) {
                int v = valValue(op);
                for (int i = index; i < index + span; i++) if (v > max[i]) max[i] = (byte) v;
            }
            index += span;
        }
        if (index != REGISTERS) throw new Corrupted();
    }

    /** All 16384 registers, one per byte. */
    byte[] registers() {
        byte[] r = new byte[REGISTERS];
        mergeInto(r);
        return r;
    }

    /** The estimated number of distinct elements added, from the registers (the cache is neither read nor set). */
    long count() {
        return count(registers());
    }

    /** The estimate for registers given one per byte (a union's maxima, say). */
    static long count(byte[] registers) {
        int[] histogram = new int[64];
        for (byte r : registers) histogram[r]++;
        return estimate(histogram);
    }

    /** Ertl's improved raw estimator from the histogram of register values. */
    static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int k = Q; k >= 1; k--) {
            z += histogram[k];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z); // z is infinite when every register is zero: 0
    }

    /** sigma(x) = x + sum over k >= 1 of x^(2^k) * 2^(k-1). */
    private static double sigma(double x) {
        if (x == 1.0) return Double.POSITIVE_INFINITY;
        double y = 1;
        double z = x;
        double before;
        do {
            x *= x;
            before = z;
            z += x * y;
            y += y;
        } while (before != z);
        return z;
    }

    /** tau(x) = (1 - x - sum over k >= 1 of (1 - x^(2^-k))^2 * 2^-k) / 3. */
    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) return 0.0;
        double y = 1.0;
        double z = 1 - x;
        double before;
        do {
            x = Math.sqrt(x);
            before = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (before != z);
        return z / 3;
    }

    /** The sparse opcodes in Redis's PFDEBUG DECODE notation: {@code z:len}, {@code Z:len}, {@code v:value,len}. */
    String decode() {
        StringBuilder s = new StringBuilder();
        for (int p = HEADER; p < len; p += opLength(p)) {
            int op = op(p);
            int span = span(p);
            if (s.length() > 0) s.append(' ');
            if (isZero(op)) s.append("z:").append(span);
            else if (isXzero(op)) s.append("Z:").append(span);
            else s.append("v:").append(valValue(op)).append(',').append(span);
        }
        return s.toString();
    }
}
