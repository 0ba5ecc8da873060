package io.cairn.wal;

import io.cairn.CairnException;
import io.cairn.FsyncPolicy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: segmented, preallocated files of CRC-framed records ({@link SegmentDescriptor},
 * {@link WalRecordDescriptor}).
 *
 * <h2>Threading</h2>
 * {@link #append} is called by one thread at a time (the store's write lock); it writes the record to the operating
 * system before returning, so a process crash never loses an appended record. {@link #awaitDurable} and
 * {@link #completeWhenDurable} may be called from any thread.
 *
 * <h2>Group commit</h2>
 * Under {@link FsyncPolicy.Mode#ALWAYS} the first thread that needs a record durable becomes the leader: it fsyncs
 * everything written so far, and every record written meanwhile rides along; waiters that arrive during an fsync are
 * covered by the next one. No timer is involved: the group is whatever queued up during the previous fsync. Async
 * waiters are served the same way by the sync thread.
 *
 * <p>With {@link Config#gather()} under ALWAYS, {@link #append} copies the record into a buffer instead of writing it,
 * and the fsync leader writes everything gathered with one {@code write()} before its fsync: a server committing
 * hundreds of small writes per fsync saves a system call each. A record is then in the page cache only once an fsync
 * has begun for it, which changes nothing for callers (under ALWAYS nothing is acknowledged before its fsync), but a
 * failing gathered write fails like an fsync: the log refuses appends until reopened.
 *
 * <h2>Failures</h2>
 * A full disk shows itself when a new segment is prepared (segments are zero-filled ahead of use), before the record
 * that needed it is written, so the call fails cleanly and later writes succeed once there is room. A failed fsync
 * leaves the durability of recent writes unknown: their callers get an error and the log refuses further appends until
 * the store is reopened and recovery re-establishes what is on disk.
 */
public final class Wal implements RecordLog {
    /** Settings the log needs. */
    public record Config(FsyncPolicy policy, long segmentSize, boolean preallocate, boolean gather) {
        public Config(FsyncPolicy policy, long segmentSize, boolean preallocate) {
            this(policy, segmentSize, preallocate, false);
        }

        /** Whether records are gathered in memory and written once per fsync (ALWAYS only). */
        boolean gathering() {
            return gather && policy.mode() == FsyncPolicy.Mode.ALWAYS;
        }
    }

    /** Frames larger than this are written at once even when gathering, not copied into the gather buffer. */
    private static final int GATHER_MAX_FRAME = 1 << 20;

    private static final int LATENCY_SAMPLES = 1024;
    private static final System.Logger LOG = System.getLogger("io.cairn");
    /** An fsync longer than this is logged as a warning. */
    private static volatile long slowFsyncNanos = 1_000_000_000L;
    /** After a slow-fsync warning, further slow fsyncs are only counted for this long: a stalled disk stalls many. */
    static final long SLOW_FSYNC_QUIET_NANOS = 60_000_000_000L;

    private final Path dir;
    private final FileLayer files;
    private final Config config;
    private final CRC32C crc = new CRC32C();

    // writer state: guarded by the caller's write lock
    private Segment active;
    private long position;
    private long lastSeq;
    private final List<Segment> older = new ArrayList<>();
    private long olderBytes;
    private long appends;
    private long appendedBytes;
    /** End of bytes a failed append may have left after {@code position}; zeroed before the segment is sealed. */
    private long dirtyUntil;
    private Future<Path> prepared;
    private long preparedNumber;

    // durability state
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition synced = syncLock.newCondition();
    private boolean syncing;
    private volatile long writtenSeq;
    private volatile long durableSeq;
    private volatile IOException failure;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>();
    private final long[] latencies = new long[LATENCY_SAMPLES];
    /**
     * When gathering: records appended but not yet written, bound for the active segment at {@link #gatherAt}; swapped
     * with {@link #spare} by the fsync leader. Guarded by {@link #syncLock}.
     */
    private ByteBuffer gather;
    private ByteBuffer spare;
    private long gatherAt;
    private long fsyncs;
    private long lastFsyncNanos;
    /** When the last slow-fsync warning was logged ({@code System.nanoTime}), and slow fsyncs since. Under syncLock. */
    private long slowWarnedAt;
    private boolean slowWarned;
    private long slowSince;

    private final ExecutorService preallocator;
    private final Thread syncThread;
    private volatile boolean closed;

    /** A segment; the active one is open (and mapped unless the policy is ALWAYS), older ones are neither. */
    private record Segment(long number, Path path, long firstSequence, FileChannel channel, Window map, long capacity) {
    }

    /** A segment as {@link #segments()} lists it: its file, its first record's sequence, and its used bytes. */
    public record SegmentRef(long number, Path path, long firstSequence, long usedBytes) {
    }

    /**
     * The part of the active segment that is mapped: {@link #WINDOW} bytes from a page boundary at or before the append
     * position, moved forward as the log grows. Mapping the whole 64 MiB segment kept every page written so far resident
     * in the process (counted in its resident size until the segment rolled); a window keeps at most its own size.
     * The pages left behind stay in the page cache, written back by the kernel and covered by the channel's fdatasync.
     * Moved only under {@link #syncLock} with no fsync in progress, so the fsync leader never forces an unmapped buffer.
     */
    private static final class Window {
        MappedByteBuffer buf;
        long start;

        Window(MappedByteBuffer buf, long start) {
            this.buf = buf;
            this.start = start;
        }
    }

    /** How much of the active segment is mapped at a time (8 MiB; tests make it smaller). */
    static volatile int windowBytes = 8 << 20;

    private record Pending(long seq, CompletableFuture<Object> future, Object value) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            return Long.compare(seq, o.seq);
        }
    }

    private Wal(Path dir, FileLayer files, Config config) {
        this.dir = dir;
        this.files = files;
        this.config = config;
        this.preallocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-wal-prealloc");
            t.setDaemon(true);
            return t;
        });
        boolean needsSyncThread = config.policy().mode() != FsyncPolicy.Mode.NEVER;
        this.syncThread = needsSyncThread ? new Thread(this::syncLoop, "cairn-wal-sync") : null;
        if (syncThread != null) syncThread.setDaemon(true);
    }

    /**
     * Recovers the log in {@code dir} (feeding every valid record to {@code visitor}) and opens it for appending after
     * the last valid record.
     */
    public static Opened open(Path dir, Path salvageDir, FileLayer files, Config config, boolean salvage,
                              WalScanner.Visitor visitor) throws IOException {
        return open(dir, salvageDir, files, config, salvage, 0, visitor);
    }

    /**
     * Like {@link #open(Path, Path, FileLayer, Config, boolean, WalScanner.Visitor)}, for a log that continues after a
     * snapshot at sequence {@code floor}: the next record gets a sequence after both the log's last record and
     * {@code floor}. A log that has records but ends before {@code floor} is refused (CORRUPTED): it lost records the
     * snapshot holds, and appending after that gap would make the log unreadable.
     */
    public static Opened open(Path dir, Path salvageDir, FileLayer files, Config config, boolean salvage, long floor,
                              WalScanner.Visitor visitor) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            files.syncDirectory(dir.getParent());
        }
        WalScanner.Result result = WalScanner.scan(dir, salvageDir, files, salvage, visitor);
        if (!result.segments().isEmpty() && result.lastSequence() < floor) {
            throw new CairnException(CairnException.Code.CORRUPTED, "the log in " + dir + " ends at sequence "
                    + result.lastSequence() + " but the snapshot loaded covers " + floor + ": the log lost records after it"
                    + " was synced; move " + dir + " aside to open the store from the snapshot alone");
        }
        WalScanner.deletePreallocated(dir, files); // only once the log is known good: a refused open changes nothing
        Wal wal = new Wal(dir, files, config);
        try {
            wal.start(result, floor);
        } catch (IOException | RuntimeException e) {
            wal.closeQuietly();
            throw e;
        }
        return new Opened(wal, result);
    }

    /** A freshly opened log and what recovery found. */
    public record Opened(Wal wal, WalScanner.Result recovery) {
    }

    private void start(WalScanner.Result r, long floor) throws IOException {
        if (config.gathering()) {
            gather = ByteBuffer.allocate(256 << 10);
            spare = ByteBuffer.allocate(256 << 10);
        }
        List<WalScanner.SegmentInfo> segs = r.segments();
        lastSeq = Math.max(r.lastSequence(), floor);
        writtenSeq = lastSeq;
        durableSeq = lastSeq;
        if (segs.isEmpty()) {
            Path path = prepare(1, config.segmentSize());
            activate(1, path, config.segmentSize());
        } else {
            for (int i = 0; i < segs.size() - 1; i++) {
                WalScanner.SegmentInfo s = segs.get(i);
                older.add(new Segment(s.number(), s.path(), s.firstSequence(), null, null, s.usedBytes()));
                olderBytes += s.usedBytes();
            }
            WalScanner.SegmentInfo last = segs.get(segs.size() - 1);
            FileChannel ch = files.open(last.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            long capacity = Math.max(last.fileSize(), config.preallocate() ? 0 : config.segmentSize());
            try {
                active = new Segment(last.number(), last.path(), last.firstSequence(), ch, map(ch, capacity, last.usedBytes()),
                        capacity);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            position = last.usedBytes();
        }
        preparedNumber = active.number() + 1;
        prepareAhead();
        if (syncThread != null) syncThread.start();
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends one record and hands it to the operating system (it is in the page cache when this returns, so a
     * process crash cannot lose it). Single-threaded: the caller holds the store's write lock.
     *
     * @param frame bytes 16..16+payloadLength hold the payload; bytes 0..15 are overwritten with the record header
     * @param payloadLength the payload's length, at least 1
     * @return the record's sequence number
     * @throws CairnException DISK_FULL or IO_ERROR if nothing was appended; READ_ONLY after a failed fsync
     */
    public long append(byte[] frame, int payloadLength) {
        ensureWritable();
        if (payloadLength <= 0) throw new IllegalArgumentException("empty log record");
        long frameLength = WalRecordDescriptor.frameLength(payloadLength);
        if (position + frameLength > active.capacity()) {
            roll(frameLength);
        }
        long seq = lastSeq + 1;
        WalRecordDescriptor.writeHeader(frame, payloadLength, seq, crc);
        int length = WalRecordDescriptor.HEADER_LENGTH + payloadLength;
        // The segment is zero beyond the last record, so the padding is already in place.
        if (config.gathering() && frameLength <= GATHER_MAX_FRAME) {
            syncLock.lock();
            try {
                if (gather.position() == 0) gatherAt = position;
                if (gather.remaining() < frameLength) {
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(gather.capacity() * 2L, gather.position() + frameLength));
                    gather.flip();
                    bigger.put(gather);
                    gather = bigger;
                }
                gather.put(frame, 0, length);
                // the padding too: the gathered bytes are written as one run over the zeroed segment
                for (long pad = frameLength - length; pad > 0; pad--) gather.put((byte) 0);
            } finally {
                syncLock.unlock();
            }
        } else if (config.gathering()) {
            // too large to gather: written now, after what was gathered before it
            syncLock.lock();
            try {
                while (syncing) synced.awaitUninterruptibly();
                writeGathered(active);
                writeFully(active.channel(), ByteBuffer.wrap(frame, 0, length), position);
            } catch (IOException e) {
                dirtyUntil = Math.max(dirtyUntil, position + frameLength);
                throw failure("write to", active.path(), e);
            } finally {
                syncLock.unlock();
            }
        } else if (active.map() != null) {
            try {
                Window w = active.map();
                if (position + frameLength > w.start + w.buf.capacity()) slide(w, frameLength);
                w.buf.put((int) (position - w.start), frame, 0, length);
            } catch (InternalError e) {
                // A fault in the mapping (on file systems that allocate on write: a full disk). Nothing counts as
                // appended; what may have landed is zeroed before the segment is sealed (see roll).
                dirtyUntil = Math.max(dirtyUntil, position + frameLength);
                throw new CairnException(CairnException.Code.IO_ERROR, "could not write to " + active.path()
                        + " at offset " + position + ": " + e.getMessage(), e);
            }
        } else {
            try {
                for (int off = 0; off < length; ) {
                    int n = Math.min(length - off, 1 << 20); // bounded: the JDK copies heap buffers into direct ones
                    writeFully(active.channel(), ByteBuffer.wrap(frame, off, n), position + off);
                    off += n;
                }
            } catch (IOException e) {
                dirtyUntil = Math.max(dirtyUntil, position + frameLength);
                throw failure("write to", active.path(), e);
            }
        }
        position += frameLength;
        lastSeq = seq;
        appends++;
        appendedBytes += frameLength;
        writtenSeq = seq;
        return seq;
    }

    /**
     * The active segment's mapping, or null under ALWAYS. Appending through a mapping avoids a ~2 us write() per record,
     * which matters when nothing waits for the disk; but after every fsync the kernel write-protects the pages again, so
     * under ALWAYS each record would pay a page fault and the fsync must clean page-table entries: measured 2.5x slower
     * per synced record than write() + fdatasync. So ALWAYS writes, the other policies map.
     */
    private Window map(FileChannel ch, long capacity, long from) throws IOException {
        if (config.policy().mode() == FsyncPolicy.Mode.ALWAYS) return null;
        if (capacity > Integer.MAX_VALUE) {
            throw new IOException("a segment of " + capacity + " bytes is larger than one mapping can be");
        }
        long start = from & ~4095L;
        long length = Math.min(capacity - start, Math.max(windowBytes, 4096));
        return new Window(ch.map(FileChannel.MapMode.READ_WRITE, start, length), start);
    }

    /** Moves the active segment's window to start at the append position's page, large enough for {@code need} bytes. */
    private void slide(Window w, long need) {
        syncLock.lock();
        try {
            while (syncing) synced.awaitUninterruptibly();
            long start = position & ~4095L;
            long length = Math.min(active.capacity() - start, Math.max(windowBytes, position - start + need));
            MappedByteBuffer next;
            try {
                next = active.channel().map(FileChannel.MapMode.READ_WRITE, start, length);
            } catch (IOException e) {
                throw failure("map", active.path(), e);
            }
            MappedByteBuffer old = w.buf;
            w.buf = next;
            w.start = start;
            Unmapper.unmap(old);
        } finally {
            syncLock.unlock();
        }
    }

    private static void unmap(Window w) {
        if (w != null) Unmapper.unmap(w.buf);
    }

    /**
     * Writes what was gathered to {@code segment}; under {@link #syncLock} with no fsync in progress (so no leader holds
     * a run). Throws, leaving the store to fail as after a failed fsync, if the write fails.
     */
    private void writeGathered(Segment segment) throws IOException {
        if (gather == null || gather.position() == 0) return;
        gather.flip();
        try {
            writeFully(segment.channel(), gather, gatherAt);
        } catch (IOException e) {
            failure = new IOException("write of gathered records to " + segment.path() + " failed: " + e.getMessage(), e);
            throw e;
        } finally {
            gather.clear();
        }
    }

    private static int writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        int n = 0;
        while (b.hasRemaining()) n += ch.write(b, at + n);
        return n;
    }

    private void ensureWritable() {
        if (closed) throw new CairnException(CairnException.Code.CLOSED, "the log in " + dir + " is closed");
        IOException f = failure;
        if (f != null) {
            throw new CairnException(CairnException.Code.READ_ONLY, "the log in " + dir + " failed ("
                    + f.getMessage() + "); writes are refused until the store is reopened", f);
        }
    }

    /** Starts the next segment; called with a record of {@code frame} bytes that does not fit. */
    private void roll(long frame) {
        long number = active.number() + 1;
        long capacity = Math.max(config.segmentSize(), SegmentDescriptor.HEADER_LENGTH + frame);
        Path path = null;
        if (prepared != null && preparedNumber == number && capacity == config.segmentSize()) {
            try {
                path = prepared.get();
            } catch (Exception e) {
                path = null; // prepare it here instead; a full disk is reported from that attempt
            }
        }
        if (prepared != null && path == null) {
            awaitQuietly(prepared);
        }
        prepared = null;
        try {
            if (path == null) path = prepare(number, capacity);
        } catch (IOException e) {
            throw failure("prepare the next segment", dir.resolve(SegmentDescriptor.fileName(number)), e);
        }
        if (dirtyUntil > position) {
            try {
                WalScanner.zeroFill(active.channel(), position, Math.min(dirtyUntil, active.capacity()));
            } catch (IOException e) {
                throw failure("clear a failed write in", active.path(), e);
            }
        }
        syncLock.lock();
        try {
            while (syncing) synced.awaitUninterruptibly();
            try {
                writeGathered(active);
                long t0 = System.nanoTime();
                force(active);
                countFsync(System.nanoTime() - t0, active.path());
            } catch (IOException e) {
                if (failure == null) failure = new IOException("fsync of " + active.path() + " failed: " + e.getMessage(), e);
                throw readOnly(failure);
            }
            durableSeq = writtenSeq;
            try {
                activate(number, path, capacity);
            } catch (IOException e) {
                throw failure("start segment", path, e);
            }
        } finally {
            synced.signalAll();
            syncLock.unlock();
            completePending(); // durable ones complete; after a failed fsync the rest fail
        }
        preparedNumber = number + 1;
        prepareAhead();
    }

    /** Writes the header of a prepared file, renames it into place and makes that durable, then makes it active. */
    private void activate(long number, Path prepared, long capacity) throws IOException {
        Path path = dir.resolve(SegmentDescriptor.fileName(number));
        FileChannel ch = files.open(prepared, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Window map;
        try {
            writeFully(ch, SegmentDescriptor.header(number, lastSeq + 1, System.currentTimeMillis()), 0);
            ch.force(false);
            map = map(ch, capacity, 0);
            files.move(prepared, path);
            files.syncDirectory(dir);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (active != null) {
            unmap(active.map());
            active.channel().close();
            older.add(new Segment(active.number(), active.path(), active.firstSequence(), null, null, position));
            olderBytes += position;
        }
        active = new Segment(number, path, lastSeq + 1, ch, map, capacity);
        position = SegmentDescriptor.HEADER_LENGTH;
        dirtyUntil = 0;
    }

    /** Creates {@code NNN.wal.prealloc}, zero-filled to {@code capacity} if preallocation is on. */
    private Path prepare(long number, long capacity) throws IOException {
        Path path = dir.resolve(String.format("%020d%s", number, SegmentDescriptor.PREALLOC_SUFFIX));
        try (FileChannel ch = files.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (config.preallocate()) {
                WalScanner.zeroFill(ch, 0, capacity);
            } else {
                WalScanner.zeroFill(ch, 0, SegmentDescriptor.HEADER_LENGTH);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            try {
                files.delete(path);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return path;
    }

    private void prepareAhead() {
        if (!config.preallocate() || closed) return;
        long number = preparedNumber;
        prepared = preallocator.submit(() -> prepare(number, config.segmentSize()));
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (Exception ignored) {
            // only waiting for it to stop touching the file
        }
    }

    private CairnException failure(String what, Path file, IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        boolean full = msg.contains("No space left") || msg.contains("Disk quota exceeded");
        return new CairnException(full ? CairnException.Code.DISK_FULL : CairnException.Code.IO_ERROR,
                "could not " + what + " " + file + ": " + msg + (full ? "; nothing of this write was applied, and writes"
                        + " succeed again once the disk has room" : ""), e);
    }

    // ------------------------------------------------------------------ durability

    /** Blocks until record {@code seq} is durable under the policy (at once unless ALWAYS). */
    public void awaitDurable(long seq) {
        if (config.policy().mode() != FsyncPolicy.Mode.ALWAYS || durableSeq >= seq) return;
        syncTo(seq);
    }

    /**
     * Completes {@code future} with {@code value} once record {@code seq} is durable under the policy. Never completes
     * it while holding a lock of the log's.
     */
    @SuppressWarnings("unchecked")
    public <T> void completeWhenDurable(long seq, CompletableFuture<T> future, T value) {
        if (config.policy().mode() != FsyncPolicy.Mode.ALWAYS || durableSeq >= seq) {
            future.complete(value);
            return;
        }
        syncLock.lock();
        try {
            IOException f = failure;
            if (f != null && durableSeq < seq) {
                future.completeExceptionally(readOnly(f));
                return;
            }
            pending.add(new Pending(seq, (CompletableFuture<Object>) future, value));
        } finally {
            syncLock.unlock();
        }
        LockSupport.unpark(syncThread);
        if (durableSeq >= seq) completePending();
    }

    /** Forces everything written so far, whatever the policy. */
    public void sync() {
        syncTo(writtenSeq);
    }

    private void syncTo(long seq) {
        syncLock.lock();
        try {
            while (durableSeq < seq) {
                IOException f = failure;
                if (f != null) throw readOnly(f);
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long target = writtenSeq;
                Segment segment = active; // stable while syncing is set: roll() and close() wait for it to clear
                Path file = segment.path();
                ByteBuffer run = null;
                long runAt = 0;
                if (gather != null && gather.position() > 0) {
                    // take what was gathered; appends meanwhile go to the other buffer
                    run = gather;
                    runAt = gatherAt;
                    gather = spare;
                    spare = null;
                }
                syncLock.unlock();
                long t0 = System.nanoTime();
                IOException err = null;
                try {
                    if (run != null) {
                        run.flip();
                        writeFully(segment.channel(), run, runAt);
                    }
                    force(segment);
                } catch (IOException e) {
                    err = e;
                }
                long took = System.nanoTime() - t0;
                syncLock.lock();
                syncing = false;
                if (run != null) spare = run.clear();
                if (err == null) {
                    if (target > durableSeq) durableSeq = target;
                    countFsync(took, file);
                } else if (!closed) {
                    failure = new IOException("fsync of " + file + " failed: " + err.getMessage(), err);
                }
                synced.signalAll();
            }
        } finally {
            syncLock.unlock();
        }
        completePending();
    }

    /**
     * Makes a segment's records durable. {@code FileChannel.force} is only specified to cover writes made through the
     * channel; records copied into the mapping are forced through the mapping first (msync), then the channel's
     * fdatasync covers the rest and is nearly free when the pages are already clean.
     */
    private static void force(Segment segment) throws IOException {
        if (segment.map() != null) {
            try {
                segment.map().buf.force();
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
        segment.channel().force(false);
    }

    /** Records one fsync's duration; under the sync lock. */
    private void countFsync(long nanos, Path file) {
        latencies[(int) (fsyncs % LATENCY_SAMPLES)] = nanos;
        fsyncs++;
        lastFsyncNanos = nanos;
        if (nanos > slowFsyncNanos) slowFsync(nanos, file);
    }

    /** Warns of a slow fsync, at most once a minute, counting the ones in between into the next warning. */
    private void slowFsync(long nanos, Path file) {
        long now = System.nanoTime();
        if (slowWarned && now - slowWarnedAt < SLOW_FSYNC_QUIET_NANOS) {
            slowSince++;
            return;
        }
        LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
                "fsync of %s took %.0f ms (over %.0f ms): the disk is slow or saturated, and writes wait for it under"
                        + " appendfsync always%s", file, nanos / 1e6, slowFsyncNanos / 1e6,
                slowSince == 0 ? "" : "; " + slowSince + " more slow fsyncs since the last warning"));
        slowWarned = true;
        slowWarnedAt = now;
        slowSince = 0;
    }

    /** An fsync longer than {@code threshold} is logged as a warning (default 1 s); for tests that simulate a slow disk. */
    public static void slowFsyncThreshold(java.time.Duration threshold) {
        slowFsyncNanos = threshold.toNanos();
    }

    private void completePending() {
        List<Pending> done = null;
        IOException f;
        syncLock.lock();
        try {
            f = failure;
            long d = durableSeq;
            while (!pending.isEmpty() && (pending.peek().seq() <= d || f != null)) {
                if (done == null) done = new ArrayList<>();
                done.add(pending.poll());
            }
        } finally {
            syncLock.unlock();
        }
        if (done == null) return;
        for (Pending p : done) {
            if (p.seq() <= durableSeq) p.future().complete(p.value());
            else p.future().completeExceptionally(readOnly(f));
        }
    }

    private CairnException readOnly(IOException f) {
        return new CairnException(CairnException.Code.READ_ONLY, f.getMessage()
                + "; the write may not be durable, and writes are refused until the store is reopened", f);
    }

    private void syncLoop() {
        boolean interval = config.policy().mode() == FsyncPolicy.Mode.INTERVAL;
        long periodNanos = config.policy().interval().toNanos();
        long next = System.nanoTime() + periodNanos;
        while (!closed) {
            boolean work;
            syncLock.lock();
            try {
                work = !pending.isEmpty();
            } finally {
                syncLock.unlock();
            }
            try {
                if (work && failure != null) {
                    completePending(); // fails them with the recorded failure
                } else if (work) {
                    syncTo(writtenSeq);
                } else if (interval && System.nanoTime() - next >= 0) {
                    next = System.nanoTime() + periodNanos;
                    if (durableSeq < writtenSeq && failure == null) syncTo(writtenSeq);
                } else {
                    LockSupport.parkNanos(this, interval ? Math.max(1, next - System.nanoTime()) : 50_000_000L);
                }
            } catch (CairnException e) {
                completePending(); // fails the waiters with the recorded failure
                LockSupport.parkNanos(this, 10_000_000L);
            } catch (RuntimeException e) {
                // a channel closed under us by close(); the loop ends with closed set
                LockSupport.parkNanos(this, 1_000_000L);
            }
        }
    }

    // ------------------------------------------------------------------ figures

    public long lastSequence() {
        return writtenSeq;
    }

    /** The sequence the next record appended will get; under the caller's write lock. */
    public long nextSequence() {
        return lastSeq + 1;
    }

    /**
     * Turns the log read-only as a failed fsync does, for a caller whose memory is now ahead of the log: every later
     * append is refused with READ_ONLY naming {@code cause}, and waiters for records not yet durable fail.
     */
    public void fail(IOException cause) {
        syncLock.lock();
        try {
            if (failure == null) failure = cause;
        } finally {
            syncLock.unlock();
        }
        completePending();
    }

    public long durableSequence() {
        return durableSeq;
    }

    /** Appends since open; read under the caller's write lock or racily for statistics. */
    public long appends() {
        return appends;
    }

    public int segmentCount() {
        return older.size() + 1;
    }

    /**
     * The segments in order, the active one last with its used bytes so far. Under the caller's write lock, so the
     * list and the active segment's length agree with {@link #lastSequence()}.
     */
    public List<SegmentRef> segments() {
        List<SegmentRef> out = new ArrayList<>(older.size() + 1);
        // older segments carry their used length in the capacity slot (they are never written again)
        for (Segment s : older) out.add(new SegmentRef(s.number(), s.path(), s.firstSequence(), s.capacity()));
        out.add(new SegmentRef(active.number(), active.path(), active.firstSequence(), position));
        return out;
    }

    /**
     * Forgets the older segments whose every record has a sequence at most {@code seq} (the next segment starts at or
     * before {@code seq + 1}) and returns their files for the caller to delete. The active segment always stays. Under
     * the caller's write lock.
     */
    public List<Path> detachCoveredSegments(long seq) {
        List<Path> out = new ArrayList<>();
        while (!older.isEmpty()) {
            long nextFirst = older.size() > 1 ? older.get(1).firstSequence() : active.firstSequence();
            if (nextFirst > seq + 1) break;
            Segment s = older.remove(0);
            olderBytes -= s.capacity();
            out.add(s.path());
        }
        return out;
    }

    /** Bytes of records appended since open (monotonic, unlike {@link #bytes()}); read racily for statistics. */
    public long appendedBytes() {
        return appendedBytes;
    }

    /** Bytes of log in use: headers and records, not the zeroed tails. */
    public long bytes() {
        return olderBytes + position;
    }

    public long fsyncs() {
        return fsyncs;
    }

    public long lastFsyncNanos() {
        return lastFsyncNanos;
    }

    /** The 99th percentile of the last 1,024 fsync durations, in nanoseconds. */
    public long p99FsyncNanos() {
        long[] copy;
        int n;
        syncLock.lock();
        try {
            n = (int) Math.min(fsyncs, LATENCY_SAMPLES);
            copy = Arrays.copyOf(latencies, n);
        } finally {
            syncLock.unlock();
        }
        if (n == 0) return 0;
        Arrays.sort(copy);
        return copy[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)];
    }

    public Path directory() {
        return dir;
    }

    // ------------------------------------------------------------------ closing

    /** Forces what was written, stops the background threads and closes the files. The caller holds the write lock. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        IOException err = null;
        try {
            if (failure == null) sync();
        } catch (CairnException e) {
            err = new IOException(e.getMessage(), e);
        }
        closed = true;
        if (syncThread != null) {
            LockSupport.unpark(syncThread);
            try {
                syncThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        preallocator.shutdown();
        try {
            preallocator.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncLock.lock();
        try {
            while (syncing) synced.awaitUninterruptibly();
            try {
                unmap(active.map());
                active.channel().close();
            } catch (IOException e) {
                if (err == null) err = e;
                else err.addSuppressed(e);
            }
        } finally {
            syncLock.unlock();
        }
        if (failure == null && durableSeq < writtenSeq) failure = new IOException("log closed");
        completePending();
        if (err != null) throw err;
    }

    private void closeQuietly() {
        closed = true;
        preallocator.shutdownNow();
        if (active != null) {
            try {
                unmap(active.map());
                active.channel().close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
