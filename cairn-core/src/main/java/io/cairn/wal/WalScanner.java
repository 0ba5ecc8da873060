package io.cairn.wal;

import io.cairn.CairnException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the log on open and decides what every byte of it is: a valid record, the unused zero tail, a torn tail to cut,
 * or damage.
 *
 * <p>The rule: reading stops at the first frame that does not check out (bad length, bad CRC, or a sequence number
 * that does not follow). If no valid frame follows anywhere after that point, in the same segment or a later one, the
 * rest is a <em>torn tail</em> (a write the process or the machine did not finish): it is cut, its non-zero bytes are
 * kept in {@code salvage/} and counted in the report. If a valid frame does follow, the log is <em>damaged</em>, not
 * torn: the open fails naming the file and offset, unless salvage was asked for, in which case the valid prefix is kept
 * and everything after the damage is moved into {@code salvage/}, never deleted.
 */
public final class WalScanner {
    /** Receives each valid record in sequence order. The payload buffer is only valid during the call. */
    public interface Visitor {
        void record(long sequence, ByteBuffer payload);

        /** A segment of {@code fileBytes} was read to its end (progress reporting). */
        default void segmentRead(long fileBytes) {
        }
    }

    /** One segment as found on disk. */
    public record SegmentInfo(long number, Path path, long firstSequence, long usedBytes, long fileSize) {
    }

    /** What the scan found. */
    public record Result(long recordsReplayed, int segmentsScanned, long lastSequence, long bytesTruncated,
                         boolean corruptionDetected, Path damagedFile, long damagedOffset, Path salvagedTo,
                         List<SegmentInfo> segments) {
    }

    private final Path walDir;
    private final Path salvageDir;
    private final FileLayer files;
    private final boolean salvage;
    /** Reads only: stops at the first frame that does not check out and changes no file (backups, restores, tools). */
    private boolean readOnly;

    private long records;
    private int scanned;
    private long lastSeq;
    private long truncated;
    private boolean corruption;
    private Path damagedFile;
    private long damagedOffset = -1;
    private Path salvagedTo;
    private final List<SegmentInfo> kept = new ArrayList<>();

    private WalScanner(Path walDir, Path salvageDir, FileLayer files, boolean salvage) {
        this.walDir = walDir;
        this.salvageDir = salvageDir;
        this.files = files;
        this.salvage = salvage;
    }

    /** Scans every segment in {@code walDir}, feeding valid records to {@code visitor}, and repairs a torn tail. */
    public static Result scan(Path walDir, Path salvageDir, FileLayer files, boolean salvage, Visitor visitor)
            throws IOException {
        WalScanner s = new WalScanner(walDir, salvageDir, files, salvage);
        s.run(visitor);
        return new Result(s.records, s.scanned, s.lastSeq, s.truncated, s.corruption, s.damagedFile, s.damagedOffset,
                s.salvagedTo, List.copyOf(s.kept));
    }

    /**
     * Reads the valid records of the log in {@code walDir} in order without changing anything: reading stops at the
     * first frame that does not check out (reported in the result), whatever follows it. For reading a log that
     * another process may be appending to, or that must not be repaired (restore, backup, the offline tool).
     */
    public static Result read(Path walDir, Visitor visitor) throws IOException {
        WalScanner s = new WalScanner(walDir, null, FileLayer.DEFAULT, false);
        s.readOnly = true;
        s.run(visitor);
        return new Result(s.records, s.scanned, s.lastSeq, s.truncated, s.corruption, s.damagedFile, s.damagedOffset,
                s.salvagedTo, List.copyOf(s.kept));
    }

    /** The segment files in number order. */
    public static List<Path> segmentFiles(Path walDir) throws IOException {
        List<Path> segs = new ArrayList<>();
        try (Stream<Path> list = Files.list(walDir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (SegmentDescriptor.parseNumber(p) > 0) segs.add(p);
            }
        }
        segs.sort((a, b) -> Long.compare(SegmentDescriptor.parseNumber(a), SegmentDescriptor.parseNumber(b)));
        return segs;
    }

    /** Removes segments that were being prepared when the store last stopped; they never held a record. */
    static void deletePreallocated(Path walDir, FileLayer files) throws IOException {
        try (Stream<Path> list = Files.list(walDir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().endsWith(SegmentDescriptor.PREALLOC_SUFFIX)) files.delete(p);
            }
        }
    }

    private void run(Visitor visitor) throws IOException {
        List<Path> segs = segmentFiles(walDir);
        for (int i = 0; i < segs.size(); i++) {
            Path path = segs.get(i);
            ByteBuffer b = readAll(path);
            try {
                scanned++;
                String[] why = new String[1];
                SegmentDescriptor.Header h = SegmentDescriptor.read(b, why);
                if (h == null) {
                    if (allZero(b, 0, b.limit()) && i == segs.size() - 1) {
                        // created but its header never reached the disk: nothing was ever acknowledged from it
                        if (readOnly) return;
                        files.delete(path);
                        files.syncDirectory(walDir);
                        return;
                    }
                    stopAt(segs, i, b, 0, why[0]);
                    return;
                }
                long number = SegmentDescriptor.parseNumber(path);
                if (h.segmentNumber() != number) {
                    stopAt(segs, i, b, 0, "header names segment " + h.segmentNumber() + " but the file is segment " + number);
                    return;
                }
                if (lastSeq != 0 && h.firstSequence() != lastSeq + 1) {
                    stopAt(segs, i, b, 0, "segment starts at sequence " + h.firstSequence() + " but the log before it ended at "
                            + lastSeq);
                    return;
                }
                if (lastSeq == 0) lastSeq = h.firstSequence() - 1;
                int p = SegmentDescriptor.HEADER_LENGTH;
                int end = b.limit();
                while (true) {
                    if (p + WalRecordDescriptor.HEADER_LENGTH > end || b.getInt(p) == 0) {
                        if (allZero(b, p, end)) {
                            break; // the unused, zeroed tail of the segment
                        }
                    }
                    int len = WalRecordDescriptor.validFrameAt(b, p);
                    if (len < 0) {
                        stopAt(segs, i, b, p, frameProblem(b, p));
                        return;
                    }
                    long seq = b.getLong(p + WalRecordDescriptor.SEQUENCE_OFFSET);
                    if (seq != lastSeq + 1) {
                        stopAt(segs, i, b, p, "record has sequence " + seq + ", expected " + (lastSeq + 1));
                        return;
                    }
                    ByteBuffer payload = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    payload.limit(p + WalRecordDescriptor.HEADER_LENGTH + len).position(p + WalRecordDescriptor.HEADER_LENGTH);
                    visitor.record(seq, payload.slice().order(ByteOrder.LITTLE_ENDIAN));
                    records++;
                    lastSeq = seq;
                    p += (int) WalRecordDescriptor.frameLength(len);
                }
                kept.add(new SegmentInfo(number, path, h.firstSequence(), p, end));
                visitor.segmentRead(end);
            } finally {
                release(b); // the visitor has copied what it needed
            }
        }
    }

    /** Why the frame at {@code p} does not check out, in words. */
    public static String frameProblem(ByteBuffer b, int p) {
        if (p + WalRecordDescriptor.HEADER_LENGTH > b.limit()) return "record header cut short";
        int len = b.getInt(p);
        if (len <= 0) return "invalid record length " + len;
        if ((long) p + WalRecordDescriptor.HEADER_LENGTH + len > b.limit()) {
            return "record of " + len + " bytes runs past the end of the segment";
        }
        return "record CRC mismatch";
    }

    /**
     * Reading stopped at {@code offset} of segment {@code i}. Decide torn tail or damage, and act on it.
     */
    private void stopAt(List<Path> segs, int i, ByteBuffer b, int offset, String reason) throws IOException {
        Path path = segs.get(i);
        corruption = true;
        damagedFile = path;
        damagedOffset = offset;
        if (readOnly) {
            if (offset > 0) {
                kept.add(new SegmentInfo(SegmentDescriptor.parseNumber(path), path,
                        b.getLong(SegmentDescriptor.FIRST_SEQUENCE_OFFSET), offset, b.limit()));
            }
            return;
        }
        String follows = validDataAfter(segs, i, b, offset);
        if (follows != null && !salvage) {
            throw new CairnException(CairnException.Code.CORRUPTED,
                    "write-ahead log damaged at " + path + " offset " + offset + " (" + reason + "); valid records follow at "
                            + follows + ", so this is not a torn tail. Nothing was changed. Open with "
                            + "CairnOptions.builder().salvage(true) to keep the " + records
                            + " records before the damage and move the rest aside into " + salvageDir);
        }
        int end = b.limit();
        int lastNonZero = lastNonZero(b, offset, end);
        Files.createDirectories(salvageDir);
        String kind = follows == null ? "torn" : "damaged";
        if (lastNonZero >= offset) {
            Path aside = unusedSalvageName(path.getFileName() + "." + offset + "." + kind);
            try (FileChannel out = files.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer part = b.duplicate();
                part.limit(lastNonZero + 1).position(offset);
                while (part.hasRemaining()) out.write(part);
                out.force(true);
            }
            truncated += lastNonZero + 1 - offset;
            salvagedTo = aside;
        }
        // Later segments hold nothing valid (torn) or are moved aside whole (salvage): either way they leave the log.
        for (int j = i + 1; j < segs.size(); j++) {
            Path later = segs.get(j);
            long size = Files.size(later);
            boolean empty;
            ByteBuffer laterBytes = readAll(later);
            try {
                empty = allZero(laterBytes, 0, laterBytes.limit());
            } finally {
                release(laterBytes);
            }
            if (follows != null || !empty) {
                Path aside = unusedSalvageName(later.getFileName() + "." + kind);
                files.move(later, aside);
                truncated += size;
                salvagedTo = salvagedTo == null ? aside : salvagedTo;
            } else {
                files.delete(later);
            }
        }
        files.syncDirectory(salvageDir);
        if (offset == 0) {
            // the header itself is bad: what it held is in salvage/ now, and the segment leaves the log
            files.delete(path);
            files.syncDirectory(walDir);
            return;
        }
        if (lastNonZero >= offset) {
            try (FileChannel ch = files.open(path, StandardOpenOption.WRITE)) {
                zeroFill(ch, offset, lastNonZero + 1);
                ch.force(false);
            }
        }
        files.syncDirectory(walDir);
        kept.add(new SegmentInfo(SegmentDescriptor.parseNumber(path), path,
                b.getLong(SegmentDescriptor.FIRST_SEQUENCE_OFFSET), offset, end));
    }

    /**
     * {@code name} in {@code salvage/}, or {@code name.1}, {@code name.2}, ... if an earlier recovery already put a file
     * there: what salvage keeps is never overwritten, even when a later log is damaged at the same segment and offset.
     */
    private Path unusedSalvageName(String name) {
        Path p = salvageDir.resolve(name);
        for (int n = 1; Files.exists(p, LinkOption.NOFOLLOW_LINKS); n++) {
            p = salvageDir.resolve(name + "." + n);
        }
        return p;
    }

    /** Where the first valid frame after {@code offset} is, as "file offset N", or null if there is none. */
    private String validDataAfter(List<Path> segs, int i, ByteBuffer b, int offset) throws IOException {
        int q = nextValidFrame(b, offset + WalRecordDescriptor.ALIGNMENT);
        if (q >= 0) return segs.get(i) + " offset " + q;
        String[] why = new String[1];
        for (int j = i + 1; j < segs.size(); j++) {
            ByteBuffer later = readAll(segs.get(j));
            try {
                if (SegmentDescriptor.read(later, why) != null) {
                    return segs.get(j) + " offset 0 (a valid segment header)";
                }
                int at = nextValidFrame(later, 0);
                if (at >= 0) return segs.get(j) + " offset " + at;
            } finally {
                release(later);
            }
        }
        return null;
    }

    /**
     * The whole segment, mapped read-only rather than read into the heap, so recovery of 64 MiB (or larger) segments
     * needs no heap of that size. Unmapped by {@link #release} once the segment is done with.
     */
    private ByteBuffer readAll(Path path) throws IOException {
        try (FileChannel ch = files.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new CairnException(CairnException.Code.CORRUPTED, "log segment " + path + " is " + size
                        + " bytes, larger than any segment Cairn writes");
            }
            if (size == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static void release(ByteBuffer b) {
        if (b instanceof java.nio.MappedByteBuffer m) Unmapper.unmap(m);
    }

    /** The offset of the first valid frame at an aligned offset from {@code from} on, or -1. */
    public static int nextValidFrame(ByteBuffer b, int from) {
        for (int q = from; q + WalRecordDescriptor.HEADER_LENGTH <= b.limit(); q += WalRecordDescriptor.ALIGNMENT) {
            if (b.getInt(q) != 0 && WalRecordDescriptor.validFrameAt(b, q) >= 0) return q;
        }
        return -1;
    }

    public static boolean allZero(ByteBuffer b, int from, int to) {
        return lastNonZero(b, from, to) < from;
    }

    /** The offset of the last non-zero byte in {@code b[from, to)}, or {@code from - 1}. */
    public static int lastNonZero(ByteBuffer b, int from, int to) {
        int i = to;
        while (i - 8 >= from) {
            if (b.getLong(i - 8) != 0) break;
            i -= 8;
        }
        while (i > from) {
            if (b.get(i - 1) != 0) return i - 1;
            i--;
        }
        return from - 1;
    }

    static void zeroFill(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, to - from)));
        long pos = from;
        while (pos < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) pos += ch.write(zeros, pos);
        }
    }
}
