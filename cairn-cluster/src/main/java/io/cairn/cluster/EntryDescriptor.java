package io.cairn.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The data of one entry of the group's Raft log (docs/file-formats.md, "Raft log entries"): a run of the store's own
 * records, each with the sequence the leader gave it. Little-endian:
 *
 * <pre>
 *   u8  version (1)
 *   u32 count N
 *   N × { u64 sequence, u32 length L, L bytes: the record's payload (io.cairn.MutationDescriptor) }
 * </pre>
 *
 * Sequences increase within an entry and across entries; they may skip numbers (records a former leader decided but
 * never committed).
 */
final class EntryDescriptor {
    static final byte VERSION = 1;
    static final int HEADER = 1 + 4;
    static final int RECORD_HEADER = 8 + 4;

    private EntryDescriptor() {
    }

    /** Visits each record of an entry. */
    interface Visitor {
        void record(long seq, ByteBuffer payload);
    }

    /** Returns the last sequence in the entry, 0 if it holds none. */
    static long read(ByteBuffer data, Visitor v) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < HEADER) throw new IllegalArgumentException("a Raft entry of " + b.remaining() + " bytes is too short");
        byte version = b.get();
        if (version != VERSION) throw new IllegalArgumentException("Raft entry format version " + version + " is not supported");
        int count = b.getInt();
        long last = 0;
        for (int i = 0; i < count; i++) {
            long seq = b.getLong();
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) throw new IllegalArgumentException("a record of " + len + " bytes runs past its entry");
            ByteBuffer payload = b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + len);
            v.record(seq, payload);
            last = seq;
        }
        if (b.hasRemaining()) throw new IllegalArgumentException("a Raft entry has " + b.remaining() + " trailing bytes");
        return last;
    }

    /** An entry being built: records are added in sequence order. Not thread-safe. */
    static final class Builder {
        private byte[] buf = new byte[4096];
        private int len = HEADER;
        private int count;
        private long last;

        void add(long seq, byte[] src, int off, int n) {
            ensure(RECORD_HEADER + n);
            ByteBuffer b = ByteBuffer.wrap(buf, len, RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(seq).putInt(n);
            System.arraycopy(src, off, buf, len + RECORD_HEADER, n);
            len += RECORD_HEADER + n;
            last = seq;
            count++;
        }

        private void ensure(int more) {
            if (len + more <= buf.length) return;
            long want = Math.max((long) buf.length * 2, (long) len + more);
            if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("a Raft entry cannot exceed 2 GiB");
            buf = java.util.Arrays.copyOf(buf, (int) want);
        }

        int count() {
            return count;
        }

        int bytes() {
            return len;
        }


        long last() {
            return last;
        }

        /** The finished entry's bytes (a copy); the builder is empty again after. */
        byte[] finish() {
            ByteBuffer.wrap(buf, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN).put(VERSION).putInt(count);
            byte[] out = len == buf.length ? buf : java.util.Arrays.copyOf(buf, len);
            buf = new byte[4096];
            len = HEADER;
            count = 0;
            return out;
        }
    }
}
