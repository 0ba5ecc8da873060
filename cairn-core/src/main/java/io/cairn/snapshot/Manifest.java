package io.cairn.snapshot;

import io.cairn.wal.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A snapshot's manifest: what it covers and which part files hold its entries ({@link SnapshotDescriptor}).
 *
 * @param sequence the log sequence the snapshot covers
 * @param createdMillis the log's clock at that sequence
 * @param previous the sequence of the snapshot before it, 0 if none
 * @param nextKeyspaceId the id the next created keyspace gets
 * @param keyspaces every keyspace at {@code sequence}
 * @param flags {@link SnapshotDescriptor#FLAG_TIMED_LOG} if the log after it carries TIME records
 * @param consistentSequence E: the parts plus the log records {@code sequence+1..E} are exactly the store at E
 * @param replicaTerm on a replicated store, the Raft term of {@code replicaIndex}; 0 otherwise
 * @param replicaIndex on a replicated store, the last entry of the group's Raft log whose records are all at or before
 *                     {@code sequence} (the snapshot's place in that log); 0 otherwise
 */
public record Manifest(long sequence, long createdMillis, long previous, int nextKeyspaceId, List<KeyspaceEntry> keyspaces,
                       int flags, long consistentSequence, long replicaTerm, long replicaIndex) {
    /** One keyspace: its identity and its parts, one per partition. */
    public record KeyspaceEntry(int id, int kind, String name, long entries, long bytes, List<PartRef> parts) {
    }

    /** One partition's part file: the snapshot that wrote it (0 if the partition is empty), its entries and length. */
    public record PartRef(long writtenBy, long entries, long length) {
        public boolean empty() {
            return writtenBy == 0;
        }
    }

    public Manifest {
        keyspaces = List.copyOf(keyspaces);
        if (replicaTerm < 0 || replicaTerm > 0xFFFF_FFFFL) throw new IllegalArgumentException("replica term " + replicaTerm);
    }

    public long entries() {
        long n = 0;
        for (KeyspaceEntry k : keyspaces) n += k.entries();
        return n;
    }

    /** Bytes of every part the manifest names, shared ones included. */
    public long partBytes() {
        long n = 0;
        for (KeyspaceEntry k : keyspaces) for (PartRef p : k.parts()) n += p.length();
        return n;
    }

    /** The file of partition {@code p} of {@code k}, in {@code dir}. */
    public static Path partFile(Path dir, KeyspaceEntry k, int p) {
        return dir.resolve(SnapshotDescriptor.partName(k.parts().get(p).writtenBy(), k.id(), p));
    }

    public byte[] encode() {
        int size = SnapshotDescriptor.MANIFEST_HEADER_LENGTH + 4;
        List<byte[]> names = new ArrayList<>();
        for (KeyspaceEntry k : keyspaces) {
            byte[] n = k.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 4 + 1 + 2 + n.length + 8 + 8 + 2 + 24 * k.parts().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SnapshotDescriptor.MANIFEST_MAGIC).putInt(SnapshotDescriptor.VERSION)
                .putInt(SnapshotDescriptor.MANIFEST_HEADER_LENGTH).putLong(sequence).putLong(createdMillis)
                .putLong(previous).putInt(nextKeyspaceId).putInt(keyspaces.size()).putLong(entries()).putInt(flags).putInt((int) replicaTerm)
                .putLong(consistentSequence).putLong(replicaIndex);
        for (int i = 0; i < keyspaces.size(); i++) {
            KeyspaceEntry k = keyspaces.get(i);
            byte[] n = names.get(i);
            b.putInt(k.id()).put((byte) k.kind()).putShort((short) n.length).put(n).putLong(k.entries()).putLong(k.bytes())
                    .putShort((short) k.parts().size());
            for (PartRef p : k.parts()) b.putLong(p.writtenBy()).putLong(p.entries()).putLong(p.length());
        }
        b.putInt(SnapshotDescriptor.crc(b.array(), 0, b.position()));
        return b.array();
    }

    /** Decodes a manifest; {@link SnapshotException} says what is wrong with a damaged one. */
    public static Manifest decode(byte[] a, Path file) {
        if (a.length < SnapshotDescriptor.MANIFEST_HEADER_LENGTH + 4) {
            throw new SnapshotException(file, 0, "manifest of " + a.length + " bytes is too short");
        }
        if (!Arrays.equals(a, 0, 8, SnapshotDescriptor.MANIFEST_MAGIC, 0, 8)) {
            throw new SnapshotException(file, 0, "not a Cairn snapshot manifest (bad magic)");
        }
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int stored = b.getInt(a.length - 4);
        if (stored != SnapshotDescriptor.crc(a, 0, a.length - 4)) {
            throw new SnapshotException(file, a.length - 4, "manifest CRC mismatch");
        }
        int version = b.getInt(8);
        if (version != SnapshotDescriptor.VERSION) {
            throw new SnapshotException(file, 8, "manifest format version " + version + " is not supported (this Cairn reads "
                    + SnapshotDescriptor.VERSION + ")");
        }
        try {
            b.position(16);
            long seq = b.getLong();
            long created = b.getLong();
            long previous = b.getLong();
            int nextId = b.getInt();
            int count = b.getInt();
            int flags = b.getInt(56);
            if (count < 0 || count > a.length / 27) throw new SnapshotException(file, 44, "keyspace count " + count + " out of range");
            long consistent = b.getLong(64);
            long replicaTerm = Integer.toUnsignedLong(b.getInt(60));
            long replicaIndex = b.getLong(72);
            b.position(b.getInt(12));
            List<KeyspaceEntry> ks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int id = b.getInt();
                int kind = b.get();
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                long entries = b.getLong();
                long bytes = b.getLong();
                int parts = Short.toUnsignedInt(b.getShort());
                if (parts < 1 || parts > SnapshotDescriptor.MAX_PARTITIONS || Integer.bitCount(parts) != 1) {
                    throw new SnapshotException(file, b.position() - 2, "partition count " + parts + " is not a power of two up to "
                            + SnapshotDescriptor.MAX_PARTITIONS);
                }
                List<PartRef> refs = new ArrayList<>(parts);
                for (int p = 0; p < parts; p++) refs.add(new PartRef(b.getLong(), b.getLong(), b.getLong()));
                ks.add(new KeyspaceEntry(id, kind, new String(name, StandardCharsets.UTF_8), entries, bytes, refs));
            }
            if (b.position() != a.length - 4) throw new SnapshotException(file, b.position(), "manifest has trailing bytes");
            return new Manifest(seq, created, previous, nextId, ks, flags, consistent, replicaTerm, replicaIndex);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new SnapshotException(file, b.position(), "manifest is cut short");
        }
    }

    public static Manifest read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file);
    }

    /** Writes the manifest durably: a temporary file, fsync, rename, directory fsync. */
    public void write(Path dir, FileLayer files) throws IOException {
        Path target = dir.resolve(SnapshotDescriptor.manifestName(sequence));
        Path tmp = dir.resolve(target.getFileName() + SnapshotDescriptor.TEMP_SUFFIX);
        try (FileChannel ch = files.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(encode());
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        files.move(tmp, target);
        files.syncDirectory(dir);
    }
}
