package io.cairn.snapshot;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a part file ({@link SnapshotDescriptor}) block by block, checking every CRC, and hands each entry to a
 * {@link Visitor} as a slice of the decompressed block. Any damage is a {@link SnapshotException} naming the offset.
 */
public final class PartReader {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    /** Receives each entry: {@code block[off, off+len)} is one cell, valid only during the call. */
    public interface Visitor {
        void entry(byte[] block, int off, int len);
    }

    /** What the header and trailer say. */
    public record Info(long writtenBy, int keyspace, int partition, int partitions, int blocks, long entries, long length) {
    }

    private PartReader() {
    }

    /**
     * Reads every entry of {@code file}, checking that it is the part {@code expectKeyspace}/{@code expectPartition}
     * (pass -1 to accept any) and that its length is {@code expectLength} (-1: any).
     */
    public static Info read(Path file, int expectKeyspace, int expectPartition, long expectLength, Visitor visitor)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (expectLength >= 0 && size != expectLength) {
                throw new SnapshotException(file, size, "part is " + size + " bytes, the manifest says " + expectLength);
            }
            if (size < SnapshotDescriptor.PART_HEADER_LENGTH + SnapshotDescriptor.TRAILER_LENGTH) {
                throw new SnapshotException(file, 0, "part of " + size + " bytes is too short");
            }
            ByteBuffer h = readFully(ch, 0, SnapshotDescriptor.PART_HEADER_LENGTH, file);
            if (!Arrays.equals(h.array(), 0, 8, SnapshotDescriptor.PART_MAGIC, 0, 8)) {
                throw new SnapshotException(file, 0, "not a Cairn snapshot part (bad magic)");
            }
            if (h.getInt(8) != SnapshotDescriptor.VERSION) {
                throw new SnapshotException(file, 8, "part format version " + h.getInt(8) + " is not supported");
            }
            int headerCrc = SnapshotDescriptor.crc(h.array(), 0, SnapshotDescriptor.PART_HEADER_LENGTH);
            long writtenBy = h.getLong(16);
            int keyspace = h.getInt(24);
            int partition = Short.toUnsignedInt(h.getShort(28));
            int partitions = Short.toUnsignedInt(h.getShort(30));
            if ((expectKeyspace >= 0 && keyspace != expectKeyspace) || (expectPartition >= 0 && partition != expectPartition)) {
                throw new SnapshotException(file, 24, "part holds keyspace " + keyspace + " partition " + partition
                        + ", expected keyspace " + expectKeyspace + " partition " + expectPartition);
            }
            long pos = SnapshotDescriptor.PART_HEADER_LENGTH;
            ByteBuffer bh = ByteBuffer.allocate(SnapshotDescriptor.BLOCK_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            byte[] stored = new byte[SnapshotDescriptor.BLOCK_TARGET + 1024];
            byte[] raw = new byte[SnapshotDescriptor.BLOCK_TARGET + 1024];
            long entries = 0;
            int blocks = 0;
            while (true) {
                if (pos + SnapshotDescriptor.BLOCK_HEADER_LENGTH > size) {
                    throw new SnapshotException(file, pos, "part is cut short: no trailer");
                }
                bh.clear();
                readInto(ch, pos, bh, file);
                if (bh.getInt(20) != SnapshotDescriptor.crc(bh.array(), 0, 20)) {
                    throw new SnapshotException(file, pos, "block header CRC mismatch");
                }
                int rawLength = bh.getInt(0);
                if (rawLength == 0) {
                    if (bh.getInt(4) != blocks || bh.getLong(8) != entries) {
                        throw new SnapshotException(file, pos, "trailer counts " + bh.getInt(4) + " blocks and " + bh.getLong(8)
                                + " entries, the file holds " + blocks + " and " + entries);
                    }
                    if (bh.getInt(16) != headerCrc) throw new SnapshotException(file, 0, "part header CRC mismatch");
                    if (pos + SnapshotDescriptor.TRAILER_LENGTH != size) {
                        throw new SnapshotException(file, pos + SnapshotDescriptor.TRAILER_LENGTH, "bytes after the trailer");
                    }
                    return new Info(writtenBy, keyspace, partition, partitions, blocks, entries, size);
                }
                int storedLength = bh.getInt(4);
                int count = bh.getInt(8);
                byte codec = bh.get(12);
                // LZ4 expands at most 255:1, so a raw length past that is a lie, and must not size an allocation
                if (rawLength < 0 || storedLength < 0 || pos + SnapshotDescriptor.BLOCK_HEADER_LENGTH + storedLength > size
                        || rawLength > (long) storedLength * 255 + 64 || count < 0 || count > rawLength) {
                    throw new SnapshotException(file, pos, "block lengths out of range (raw " + rawLength + ", stored "
                            + storedLength + ", entries " + count + ")");
                }
                if (stored.length < storedLength) stored = new byte[storedLength];
                ByteBuffer sb = ByteBuffer.wrap(stored, 0, storedLength);
                readInto(ch, pos + SnapshotDescriptor.BLOCK_HEADER_LENGTH, sb, file);
                if (bh.getInt(16) != SnapshotDescriptor.crc(stored, 0, storedLength)) {
                    throw new SnapshotException(file, pos, "block CRC mismatch");
                }
                byte[] block;
                if (codec == SnapshotDescriptor.CODEC_NONE) {
                    if (storedLength != rawLength) throw new SnapshotException(file, pos, "raw block with two lengths");
                    block = stored;
                } else if (codec == SnapshotDescriptor.CODEC_LZ4) {
                    if (raw.length < rawLength) raw = new byte[rawLength];
                    int n;
                    try {
                        n = LZ4.decompress(stored, 0, storedLength, raw, 0, rawLength);
                    } catch (LZ4Exception e) {
                        throw new SnapshotException(file, pos, "block does not decompress: " + e.getMessage());
                    }
                    if (n != rawLength) throw new SnapshotException(file, pos, "block decompressed to " + n + " bytes, not " + rawLength);
                    block = raw;
                } else {
                    throw new SnapshotException(file, pos + 12, "unknown codec " + codec);
                }
                int p = 0;
                int seen = 0;
                while (p < rawLength) {
                    int len = 0;
                    int shift = 0;
                    while (true) {
                        if (p >= rawLength || shift > 28) throw new SnapshotException(file, pos, "entry length runs past its block");
                        byte b = block[p++];
                        len |= (b & 0x7F) << shift;
                        if (b >= 0) break;
                        shift += 7;
                    }
                    if (len <= 0 || len > rawLength - p) throw new SnapshotException(file, pos, "entry of " + len + " bytes runs past its block");
                    visitor.entry(block, p, len);
                    p += len;
                    seen++;
                }
                if (seen != count) throw new SnapshotException(file, pos, "block holds " + seen + " entries, its header says " + count);
                entries += count;
                blocks++;
                pos += SnapshotDescriptor.BLOCK_HEADER_LENGTH + storedLength;
            }
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long at, int n, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        readInto(ch, at, b, file);
        return b;
    }

    private static void readInto(FileChannel ch, long at, ByteBuffer b, Path file) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) throw new SnapshotException(file, p, "part is cut short");
            p += n;
        }
    }
}
