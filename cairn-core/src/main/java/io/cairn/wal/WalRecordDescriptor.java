package io.cairn.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The frame of one log record. Records follow the segment header back to back, each starting on an 8-byte boundary
 * (as etcd does, so a length field never straddles a torn sector). Integers are little-endian.
 *
 * <pre>
 *  offset size field
 *       0    4 length L      payload bytes, 1..2^31-1; 0 never starts a record (zeros mark the unused tail)
 *       4    4 masked CRC32C over bytes 0..3 and 8..16+L-1 (length, sequence, payload); masked as LevelDB does:
 *                            ((crc &gt;&gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8
 *       8    8 sequence      1, 2, 3, ... with no gap across the whole log
 *      16    L payload       one mutation; its own format is in io.cairn.MutationDescriptor
 *    16+L  0-7 padding       zeros up to the next multiple of 8
 * </pre>
 *
 * Reading stops at the first frame that does not check out. What happens then is in {@link WalScanner}: if nothing
 * valid follows, the rest is a torn tail and is cut; if a valid record follows, the log is damaged, not torn.
 */
public final class WalRecordDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;
    public static final int ALIGNMENT = 8;
    private static final int MASK_DELTA = 0xa282ead8;

    private WalRecordDescriptor() {
    }

    /** Bytes a record with {@code payloadLength} payload bytes occupies, padding included. */
    public static long frameLength(long payloadLength) {
        return align(HEADER_LENGTH + payloadLength);
    }

    public static long align(long n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /**
     * The masked CRC of the frame whose header starts at {@code frame}'s index {@code at}; the payload must follow
     * the header in the same buffer.
     */
    public static int crc(ByteBuffer frame, int at, int payloadLength) {
        return crc(new CRC32C(), frame, at, payloadLength);
    }

    private static int crc(CRC32C crc, ByteBuffer frame, int at, int payloadLength) {
        crc.reset();
        ByteBuffer d = frame.duplicate();
        d.limit(at + 4).position(at);
        crc.update(d);
        d.limit(at + HEADER_LENGTH + payloadLength).position(at + SEQUENCE_OFFSET);
        crc.update(d);
        return mask((int) crc.getValue());
    }

    /**
     * Fills in the header of a frame whose payload already sits at {@code frame[16..16+payloadLength)}: length,
     * sequence, then the masked CRC over both and the payload. {@code crc} is the caller's scratch instance.
     */
    public static void writeHeader(byte[] frame, int payloadLength, long sequence, CRC32C crc) {
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(LENGTH_OFFSET, payloadLength).putLong(SEQUENCE_OFFSET, sequence);
        b.putInt(CRC_OFFSET, crc(crc, b, 0, payloadLength));
    }

    /**
     * Whether a complete, checksum-valid frame starts at {@code at} in {@code b} (little-endian, limit = end of
     * data). Returns its payload length, or -1.
     */
    public static int validFrameAt(ByteBuffer b, int at) {
        if (at + HEADER_LENGTH > b.limit()) return -1;
        int len = b.getInt(at + LENGTH_OFFSET);
        if (len <= 0 || (long) at + HEADER_LENGTH + len > b.limit()) return -1;
        return crc(b, at, len) == b.getInt(at + CRC_OFFSET) ? len : -1;
    }
}
