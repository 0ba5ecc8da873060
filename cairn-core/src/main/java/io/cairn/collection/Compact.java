package io.cairn.collection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact encoding of a collection's elements: what a small collection's cell holds, what every snapshot holds,
 * and what a whole-value log record carries. Like Redis's listpack, one flat array:
 *
 * <pre>
 *  varint        count of entries (LEB128)
 *  entries       hash: field, value; list and set: element; sorted set: member, then its score
 *                (8 bytes, IEEE 754 big-endian, never NaN), entries ordered by score then member
 *  element       varint length, then the bytes
 * </pre>
 */
public final class Compact {
    /** Redis's listpack limits: past either a hash, set or sorted set is held in a large structure. */
    public static final int MAX_ENTRIES = 128;
    public static final int MAX_ELEMENT = 64;
    /** A list stays compact while its encoding is at most this long (Redis's list-max-listpack-size -2: 8 KiB). */
    public static final int MAX_LIST_BYTES = 8192;

    private Compact() {
    }

    /** Whether a hash, set or sorted set of {@code entries} entries whose largest element is {@code largest} bytes fits. */
    public static boolean fits(int type, int entries, int largest, int encodedBytes) {
        if (type == io.cairn.index.Cells.LIST) return encodedBytes <= MAX_LIST_BYTES && entries <= 1024;
        return entries <= MAX_ENTRIES && largest <= MAX_ELEMENT;
    }

    /** A growing encoder. */
    public static final class Writer {
        private byte[] buf;
        private int pos;
        private int count;
        private int largest;

        public Writer(int expectedBytes) {
            buf = new byte[Math.max(16, expectedBytes + 5)];
            pos = 5; // room for the count's varint, moved down at the end
        }

        public Writer element(byte[] e) {
            return element(e, 0, e.length);
        }

        public Writer element(byte[] a, int off, int len) {
            ensure(5 + len);
            pos = putVarint(buf, pos, len);
            System.arraycopy(a, off, buf, pos, len);
            pos += len;
            if (len > largest) largest = len;
            return this;
        }

        public Writer score(double s) {
            ensure(8);
            long v = Double.doubleToLongBits(s == 0.0 ? 0.0 : s);
            for (int i = 7; i >= 0; i--) buf[pos++] = (byte) (v >>> (i * 8));
            return this;
        }

        /** Counts one entry (a pair for a hash, a member and its score for a sorted set). */
        public Writer entry() {
            count++;
            return this;
        }

        public int entries() {
            return count;
        }

        public int largest() {
            return largest;
        }

        public int bytes() {
            return pos - 5 + varintSize(count);
        }

        private void ensure(int n) {
            if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }

        public byte[] toBytes() {
            int vs = varintSize(count);
            byte[] out = new byte[vs + pos - 5];
            putVarint(out, 0, count);
            System.arraycopy(buf, 5, out, vs, pos - 5);
            return out;
        }
    }

    /** A reader over an encoding inside {@code a[off, off+len)}. */
    public static final class Reader {
        private final byte[] a;
        private int pos;
        private final int end;
        private final int count;
        private int elementOffset;
        private int elementLength;

        public Reader(byte[] a, int off, int len) {
            this.a = a;
            this.end = off + len;
            long c = 0;
            int shift = 0;
            int p = off;
            while (true) {
                byte b = a[p++];
                c |= (long) (b & 0x7F) << shift;
                if (b >= 0) break;
                shift += 7;
            }
            this.count = (int) c;
            this.pos = p;
        }

        public int count() {
            return count;
        }

        public boolean more() {
            return pos < end;
        }

        /** Reads the next element; its bytes are then at {@link #array()}[{@link #offset()}, +{@link #length()}). */
        public Reader next() {
            int len = 0;
            int shift = 0;
            while (true) {
                byte b = a[pos++];
                len |= (b & 0x7F) << shift;
                if (b >= 0) break;
                shift += 7;
            }
            elementOffset = pos;
            elementLength = len;
            pos += len;
            return this;
        }

        public byte[] array() {
            return a;
        }

        public int offset() {
            return elementOffset;
        }

        public int length() {
            return elementLength;
        }

        /** The current element, copied. */
        public byte[] bytes() {
            return Arrays.copyOfRange(a, elementOffset, elementOffset + elementLength);
        }

        public boolean equalsCurrent(byte[] x) {
            return Arrays.equals(a, elementOffset, elementOffset + elementLength, x, 0, x.length);
        }

        public double score() {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (a[pos + i] & 0xFF);
            pos += 8;
            return Double.longBitsToDouble(v);
        }
    }

    /** Every element of a list or set encoding, copied. */
    public static List<byte[]> elements(byte[] a, int off, int len) {
        Reader r = new Reader(a, off, len);
        List<byte[]> out = new ArrayList<>(r.count());
        while (r.more()) out.add(r.next().bytes());
        return out;
    }

    /**
     * Whether {@code a[off, off+len)} is a well-formed encoding of {@code type} (snapshot loading checks every entry,
     * so a file that passes its CRCs but was written wrong cannot put a malformed value in memory).
     */
    public static boolean valid(int type, byte[] a, int off, int len) {
        int end = off + len;
        int p = off;
        long count = 0;
        int shift = 0;
        while (true) {
            if (p >= end || shift > 28) return false;
            byte b = a[p++];
            count |= (long) (b & 0x7F) << shift;
            if (b >= 0) break;
            shift += 7;
        }
        int per = type == io.cairn.index.Cells.HASH ? 2 : 1;
        long seen = 0;
        while (p < end) {
            for (int k = 0; k < per; k++) {
                long elen = 0;
                shift = 0;
                while (true) {
                    if (p >= end || shift > 28) return false;
                    byte b = a[p++];
                    elen |= (long) (b & 0x7F) << shift;
                    if (b >= 0) break;
                    shift += 7;
                }
                if (elen > end - p) return false;
                p += (int) elen;
            }
            if (type == io.cairn.index.Cells.ZSET) {
                if (end - p < 8) return false;
                long v = 0;
                for (int i = 0; i < 8; i++) v = (v << 8) | (a[p + i] & 0xFF);
                if (Double.isNaN(Double.longBitsToDouble(v))) return false;
                p += 8;
            }
            seen++;
        }
        return seen == count && count > 0;
    }

    static int putVarint(byte[] b, int p, int n) {
        while ((n & ~0x7F) != 0) {
            b[p++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        b[p++] = (byte) n;
        return p;
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
