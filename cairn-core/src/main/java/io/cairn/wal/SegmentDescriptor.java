package io.cairn.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The header of one log segment file, {@code wal/NNNNNNNNNNNNNNNNNNNN.wal} (the segment number, 20 digits).
 * All integers are little-endian.
 *
 * <pre>
 *  offset size field
 *       0    8 magic            "CAIRNWAL" (ASCII)
 *       8    4 format version   1
 *      12    4 header length    64
 *      16    8 segment number   1, 2, 3, ... in file-name order
 *      24    8 first sequence   sequence number of the first record in this segment
 *      32    8 created at       epoch milliseconds
 *      40   20 reserved         zeros
 *      60    4 header CRC32C    over bytes 0..59
 *      64      records          see {@link WalRecordDescriptor}; after the last record, zeros to the end of the file
 * </pre>
 *
 * Segments are preallocated by writing zeros, in a file named {@code NNN.wal.prealloc}, then given their header and
 * renamed into place when they become the active segment; the directory is fsynced after every rename.
 */
public final class SegmentDescriptor {
    public static final byte[] MAGIC = "CAIRNWAL".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 64;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int SEGMENT_NUMBER_OFFSET = 16;
    public static final int FIRST_SEQUENCE_OFFSET = 24;
    public static final int CREATED_OFFSET = 32;
    public static final int CRC_OFFSET = 60;
    public static final String SUFFIX = ".wal";
    public static final String PREALLOC_SUFFIX = ".wal.prealloc";

    private SegmentDescriptor() {
    }

    /** The file name of segment {@code number}. */
    public static String fileName(long number) {
        return String.format("%020d%s", number, SUFFIX);
    }

    /** The segment number in a file name, or -1 if the name is not a segment's. */
    public static long parseNumber(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) return -1;
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Writes a header into {@code buf} at its position 0..63. */
    public static ByteBuffer header(long segmentNumber, long firstSequence, long createdMillis) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC);
        b.putInt(VERSION_OFFSET, VERSION);
        b.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        b.putLong(SEGMENT_NUMBER_OFFSET, segmentNumber);
        b.putLong(FIRST_SEQUENCE_OFFSET, firstSequence);
        b.putLong(CREATED_OFFSET, createdMillis);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_OFFSET);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        b.position(0).limit(HEADER_LENGTH);
        return b;
    }

    /** A decoded header. */
    public record Header(long segmentNumber, long firstSequence, long createdMillis) {
    }

    /**
     * Decodes and checks the header at the start of {@code b} (little-endian, at least 64 bytes), or returns
     * {@code null} with the reason in {@code why[0]}.
     */
    public static Header read(ByteBuffer b, String[] why) {
        if (b.limit() < HEADER_LENGTH) {
            why[0] = "file shorter than the 64-byte header";
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                why[0] = "bad magic";
                return null;
            }
        }
        CRC32C crc = new CRC32C();
        ByteBuffer dup = b.duplicate();
        dup.position(0).limit(CRC_OFFSET);
        crc.update(dup);
        if ((int) crc.getValue() != b.getInt(CRC_OFFSET)) {
            why[0] = "header CRC mismatch";
            return null;
        }
        int version = b.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            why[0] = "unsupported segment format version " + version;
            return null;
        }
        return new Header(b.getLong(SEGMENT_NUMBER_OFFSET), b.getLong(FIRST_SEQUENCE_OFFSET), b.getLong(CREATED_OFFSET));
    }
}
