package io.cairn.snapshot;

import io.cairn.wal.FileLayer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one part file ({@link SnapshotDescriptor}): entries are gathered into blocks of about 64 KiB, each compressed
 * with LZ4 (or stored raw when that is no smaller) and checksummed. The file is written under a temporary name;
 * {@link #finish()} fsyncs it and renames it into place (the caller fsyncs the directory once for all parts).
 */
public final class PartWriter implements Closeable {
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private final FileLayer files;
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final boolean compress;
    private final ByteBuffer header = ByteBuffer.allocate(SnapshotDescriptor.BLOCK_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final int headerCrc;
    private byte[] raw = new byte[SnapshotDescriptor.BLOCK_TARGET + 1024];
    private int rawLength;
    private int blockEntries;
    private byte[] packed = new byte[LZ4.maxCompressedLength(raw.length)];
    private long entries;
    private int blocks;
    private long length;
    private long rawBytes;
    private boolean done;

    /** The part of partition {@code partition} of {@code keyspace} for the snapshot {@code writtenBy}, in {@code dir}. */
    public static PartWriter forSnapshot(Path dir, FileLayer files, long writtenBy, int keyspace, int partition,
                                         int partitions, boolean compress) throws IOException {
        return new PartWriter(dir.resolve(SnapshotDescriptor.partName(writtenBy, keyspace, partition)), files, writtenBy,
                keyspace, partition, partitions, compress);
    }

    /** A part written to {@code target} (a keyspace file, outside any snapshot). */
    public PartWriter(Path target, FileLayer files, long writtenBy, int keyspace, int partition, int partitions,
                      boolean compress) throws IOException {
        this.files = files;
        this.compress = compress;
        this.target = target;
        this.tmp = target.resolveSibling(target.getFileName() + SnapshotDescriptor.TEMP_SUFFIX);
        this.channel = files.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ByteBuffer h = SnapshotDescriptor.partHeader(writtenBy, keyspace, partition, partitions);
        headerCrc = SnapshotDescriptor.crc(h.array(), 0, SnapshotDescriptor.PART_HEADER_LENGTH);
        write(h);
    }

    /** Adds one entry: a cell as the index holds it (flags, optional expiry, key length and key, value). */
    public void add(byte[] cell) throws IOException {
        add(cell, 0, cell.length);
    }

    public void add(byte[] cell, int off, int len) throws IOException {
        int need = SnapshotDescriptor.varintSize(len) + len;
        if (rawLength > 0 && rawLength + need > SnapshotDescriptor.BLOCK_TARGET) flushBlock();
        if (raw.length < rawLength + need) raw = java.util.Arrays.copyOf(raw, rawLength + need);
        int n = len;
        while ((n & ~0x7F) != 0) {
            raw[rawLength++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        raw[rawLength++] = (byte) n;
        System.arraycopy(cell, off, raw, rawLength, len);
        rawLength += len;
        blockEntries++;
        entries++;
        rawBytes += len;
    }

    private void flushBlock() throws IOException {
        if (rawLength == 0) return;
        byte codec = SnapshotDescriptor.CODEC_NONE;
        byte[] stored = raw;
        int storedLength = rawLength;
        if (compress) {
            int max = LZ4.maxCompressedLength(rawLength);
            if (packed.length < max) packed = new byte[max];
            int n = LZ4.compress(raw, 0, rawLength, packed, 0, max);
            if (n < rawLength) {
                codec = SnapshotDescriptor.CODEC_LZ4;
                stored = packed;
                storedLength = n;
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(stored, 0, storedLength);
        header.clear();
        header.putInt(rawLength).putInt(storedLength).putInt(blockEntries).put(codec).put((byte) 0).putShort((short) 0)
                .putInt((int) crc.getValue());
        header.putInt(SnapshotDescriptor.crc(header.array(), 0, 20));
        header.flip();
        write(header);
        write(ByteBuffer.wrap(stored, 0, storedLength));
        blocks++;
        rawLength = 0;
        blockEntries = 0;
        if (raw.length > 4 * SnapshotDescriptor.BLOCK_TARGET) raw = new byte[SnapshotDescriptor.BLOCK_TARGET + 1024];
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) length += channel.write(b);
        if (length - synced >= SYNC_EVERY) {
            // a little at a time: left to pile up, the part's dirty pages go to the disk in one burst at finish(), and
            // every log fsync issued meanwhile waits behind it (write p99 under fsync ALWAYS: docs/benchmarks.md)
            channel.force(false);
            synced = length;
        }
    }

    /** Bytes written between two forces of the part while it is written. */
    static final long SYNC_EVERY = 256 << 10;
    private long synced;

    /** Writes the last block and the trailer, fsyncs, closes and renames the file into place. */
    public void finish() throws IOException {
        flushBlock();
        header.clear();
        header.putInt(0).putInt(blocks).putLong(entries).putInt(headerCrc);
        header.putInt(SnapshotDescriptor.crc(header.array(), 0, 20));
        header.flip();
        write(header);
        channel.force(true);
        channel.close();
        files.move(tmp, target);
        done = true;
    }

    public long entries() {
        return entries;
    }

    /** The file's length (final once {@link #finish()} returned). */
    public long length() {
        return length;
    }

    /** Entry bytes before compression. */
    public long rawBytes() {
        return rawBytes;
    }

    public Path file() {
        return target;
    }

    /** Abandons an unfinished part: closes and deletes its temporary file. Harmless after {@link #finish()}. */
    @Override
    public void close() throws IOException {
        if (done) return;
        try {
            channel.close();
        } finally {
            files.delete(tmp);
        }
    }
}
