package io.cairn.snapshot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The byte layout of snapshot files, in one place (docs/file-formats.md describes the same bytes). All integers are
 * little-endian unless said otherwise.
 *
 * <p>A snapshot is a <b>manifest</b> ({@code snapshots/<seq>.manifest}) naming one <b>part</b> file per non-empty
 * partition of each keyspace ({@code snapshots/<written-by>-k<id>-p<partition>.part}). A part may have been written by
 * an earlier snapshot and is then shared: that is what makes a checkpoint of a mostly unchanged store incremental. The
 * manifest is written last (temporary file, fsync, rename, directory fsync): a snapshot exists once its manifest does.
 *
 * <h2>Manifest</h2>
 * <pre>
 * offset size field
 *      0    8 magic "CAIRNSNP"
 *      8    4 format version (1)
 *     12    4 header length (80)
 *     16    8 sequence S: the snapshot plus the log records after S is the store
 *     24    8 created, epoch milliseconds: when the walk ended (every record up to E happened before it)
 *     32    8 the previous snapshot's sequence, 0 if none (information only)
 *     40    4 next keyspace id
 *     44    4 keyspace count K
 *     48    8 entries in all keyspaces
 *     56    4 flags: bit 0 set if the log after S carries TIME records (point-in-time restore is possible)
 *     60    4 reserved, 0
 *     64    8 sequence E &gt;= S: the log's end when the walk ended. The parts alone may hold some writes after S (the
 *             walk ran while writes went on); replaying S+1..E over them gives exactly the store at E
 *     72    8 reserved, 0
 *     80      K keyspace entries:
 *               4 id, 1 index kind (0 HASH, 1 ORDERED), 2 name length N, N bytes name (UTF-8),
 *               8 entries, 8 key and value bytes, 2 partition count P, then P partitions:
 *                 8 sequence of the snapshot that wrote the part (0: the partition is empty, no file),
 *                 8 entries, 8 file length
 *    end-4  4 CRC32C of every byte before it
 * </pre>
 *
 * <h2>Part</h2>
 * <pre>
 *      0    8 magic "CAIRNPRT"
 *      8    4 format version (1)
 *     12    4 header length (32)
 *     16    8 sequence of the snapshot that wrote it
 *     24    4 keyspace id
 *     28    2 partition
 *     30    2 partition count
 *     32      blocks, each a 24-byte block header then its stored bytes:
 *               0 4 raw length (&gt; 0), 4 4 stored length, 8 4 entries, 12 1 codec (0 none, 1 LZ4 block),
 *               13 3 reserved, 16 4 CRC32C of the stored bytes, 20 4 CRC32C of block-header bytes 0..19
 *    then a 24-byte trailer: 0 4 zero (no block has raw length 0), 4 4 block count, 8 8 entries,
 *               16 4 CRC32C of the part header (bytes 0..31), 20 4 CRC32C of trailer bytes 0..19
 * </pre>
 * A block's raw bytes are whole entries (an entry never spans blocks), each a LEB128 length then the entry: a flag byte
 * (bit 0: has expiry; bit 1 is always set: holds its key), the expiry as 8 big-endian bytes of epoch milliseconds if
 * bit 0, a LEB128 key length, the key, and the value to the end of the entry. This is the in-memory cell layout
 * ({@code io.cairn.index.Cells}), so loading an entry is one array copy.
 */
public final class SnapshotDescriptor {
    public static final byte[] MANIFEST_MAGIC = "CAIRNSNP".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] PART_MAGIC = "CAIRNPRT".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    /** Manifest flag: the log after the snapshot carries TIME records, so it can be replayed up to an instant. */
    public static final int FLAG_TIMED_LOG = 1;
    public static final int MANIFEST_HEADER_LENGTH = 80;
    public static final int PART_HEADER_LENGTH = 32;
    public static final int BLOCK_HEADER_LENGTH = 24;
    public static final int TRAILER_LENGTH = 24;
    public static final byte CODEC_NONE = 0;
    public static final byte CODEC_LZ4 = 1;
    /** Raw bytes a block collects before it is compressed and written. */
    public static final int BLOCK_TARGET = 64 << 10;
    /** Directory of a store that holds its snapshots. */
    public static final String DIRECTORY = "snapshots";
    public static final String MANIFEST_SUFFIX = ".manifest";
    public static final String PART_SUFFIX = ".part";
    public static final String TEMP_SUFFIX = ".tmp";
    /**
     * The store tracks changed keys by the top twelve bits of their hash (4096 fine partitions); a snapshot's partition
     * is a run of them, so a keyspace may be written in 1 to 4096 partitions (a power of two).
     */
    public static final int FINE_BITS = 12;
    public static final int MAX_PARTITIONS = 1 << FINE_BITS;
    /** Entries a partition of a large HASH keyspace holds, about: it is cut into entries / this many partitions. */
    public static final int ENTRIES_PER_PARTITION = 8192;

    private SnapshotDescriptor() {
    }

    public static String manifestName(long seq) {
        return String.format("%020d%s", seq, MANIFEST_SUFFIX);
    }

    public static String partName(long writtenBy, int keyspace, int partition) {
        return String.format("%020d-k%d-p%d%s", writtenBy, keyspace, partition, PART_SUFFIX);
    }

    /** The sequence a manifest file's name carries, or -1 if it is not a manifest's name. */
    public static long manifestSequence(Path file) {
        String n = file.getFileName().toString();
        if (!n.endsWith(MANIFEST_SUFFIX) || n.length() != 20 + MANIFEST_SUFFIX.length()) return -1;
        try {
            return Long.parseLong(n.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The partition of a key with 32-bit hash {@code hash} in a keyspace of {@code partitions} (a power of two). */
    public static int partition(int hash, int partitions) {
        return partitions == 1 ? 0 : hash >>> (32 - Integer.numberOfTrailingZeros(partitions));
    }

    /** How many partitions a HASH keyspace of {@code entries} entries is written in: 1 below 64k, then ~8k each. */
    public static int partitionsFor(long entries) {
        if (entries < (1 << 16)) return 1;
        long p = Long.highestOneBit(entries / ENTRIES_PER_PARTITION);
        return (int) Math.max(2, Math.min(MAX_PARTITIONS, p));
    }

    static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    static int crc(ByteBuffer b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b.duplicate().limit(off + len).position(off));
        return (int) c.getValue();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The part header. */
    static ByteBuffer partHeader(long writtenBy, int keyspace, int partition, int partitions) {
        ByteBuffer b = le(PART_HEADER_LENGTH);
        b.put(PART_MAGIC).putInt(VERSION).putInt(PART_HEADER_LENGTH).putLong(writtenBy).putInt(keyspace)
                .putShort((short) partition).putShort((short) partitions);
        return b.flip();
    }

    static void writeVarint(ByteBuffer b, int n) {
        while ((n & ~0x7F) != 0) {
            b.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        b.put((byte) n);
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
