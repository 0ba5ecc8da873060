package io.cairn;

import io.cairn.wal.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FileLayer} over the real file system that can inject the failures a disk produces:
 * <ul>
 *   <li>a quota: bytes that make a file grow (by {@code write} or by mapping past its end) are taken from a budget;
 *       a write that needs more writes what fits (a short count, as Linux does when the disk fills mid-write) and the
 *       next one throws {@code IOException("No space left on device")};</li>
 *   <li>write errors: after a number of successful writes, writes fail with an I/O error (optionally after writing
 *       part of the buffer first, as a device failing mid-request does);</li>
 *   <li>fsync errors: {@code force} fails with an I/O error;</li>
 *   <li>a slow disk: {@code force} takes at least a given time (the device's delay, not a test waiting).</li>
 * </ul>
 * Faults apply only where a {@link Target} says so (a file name, a thread), so background work the test does not
 * control (segment preallocation) can be kept out of a fault or deliberately put into it.
 */
final class FaultyFileLayer implements FileLayer {
    /** Which operations a fault applies to. */
    @FunctionalInterface
    interface Target {
        boolean test(Path file, Thread thread);

        Target ANY = (file, thread) -> true;

        static Target thread(Thread t) {
            return (file, thread) -> thread == t;
        }

        /** Files whose name ends with {@code suffix}, e.g. {@code ".wal"} for segments in place. */
        static Target fileNameEndsWith(String suffix) {
            return (file, thread) -> file.getFileName().toString().endsWith(suffix);
        }
    }

    private final FileLayer real = FileLayer.DEFAULT;
    private final Object quotaLock = new Object();
    private long quotaRemaining = Long.MAX_VALUE;

    private volatile Target writeTarget;
    private final AtomicInteger writesBeforeFailure = new AtomicInteger();
    private volatile boolean partialFirstFailure;
    private volatile boolean partialDone;

    private volatile Target forceTarget;
    private volatile Target slowForceTarget;
    private volatile long slowForceNanos;
    private final AtomicInteger slowedForces = new AtomicInteger();

    private final AtomicInteger injectedWriteFailures = new AtomicInteger();
    private final AtomicInteger injectedForceFailures = new AtomicInteger();
    private final AtomicInteger injectedDiskFull = new AtomicInteger();

    // ------------------------------------------------------------------ control

    /** From now on, files may grow by {@code bytes} in total; {@link Long#MAX_VALUE} lifts the quota. */
    void quota(long bytes) {
        synchronized (quotaLock) {
            quotaRemaining = bytes;
        }
    }

    long quotaRemaining() {
        synchronized (quotaLock) {
            return quotaRemaining;
        }
    }

    /**
     * Writes matching {@code target} fail with an I/O error once {@code afterWrites} more of them have succeeded, until
     * {@link #clearWriteFaults()}. With {@code partial}, the first failing write writes half its bytes and returns that
     * short count; the write after it throws.
     */
    void failWrites(Target target, int afterWrites, boolean partial) {
        writesBeforeFailure.set(afterWrites);
        partialFirstFailure = partial;
        partialDone = false;
        writeTarget = target;
    }

    void clearWriteFaults() {
        writeTarget = null;
    }

    /** {@code force} on files matching {@code target} fails until {@link #clearForceFaults()}. */
    void failForce(Target target) {
        forceTarget = target;
    }

    /** {@code force} on files matching {@code target} takes at least {@code delay}, as on a saturated disk. */
    void slowForce(Target target, java.time.Duration delay) {
        slowForceNanos = delay.toNanos();
        slowForceTarget = target;
    }

    /** How many {@code force} calls {@link #slowForce} delayed. */
    int slowedForces() {
        return slowedForces.get();
    }

    void clearForceFaults() {
        forceTarget = null;
    }

    int injectedWriteFailures() {
        return injectedWriteFailures.get();
    }

    int injectedForceFailures() {
        return injectedForceFailures.get();
    }

    int injectedDiskFull() {
        return injectedDiskFull.get();
    }

    // ------------------------------------------------------------------ FileLayer

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        return new FaultyChannel(file, real.open(file, options));
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        real.move(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
        java.util.function.Predicate<Path> f = deleteFault;
        if (f != null && f.test(file)) throw new IOException("injected: cannot delete " + file);
        real.delete(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        java.util.function.Predicate<Path> f = syncDirectoryFault;
        if (f != null && f.test(dir)) throw new IOException("injected: fsync of directory " + dir + " failed");
        real.syncDirectory(dir);
    }

    private volatile java.util.function.Predicate<Path> deleteFault;
    private volatile java.util.function.Predicate<Path> syncDirectoryFault;

    /** Deleting a file that matches fails with an I/O error (null: no fault). */
    void failDeletes(java.util.function.Predicate<Path> which) {
        deleteFault = which;
    }

    /** Fsync of a directory that matches fails with an I/O error (null: no fault). */
    void failDirectorySyncs(java.util.function.Predicate<Path> which) {
        syncDirectoryFault = which;
    }

    // ------------------------------------------------------------------ the channel

    /**
     * How many of {@code length} bytes written at {@code position} may be written now: all of them, some (a short
     * write), or none (then it throws). Takes file growth from the quota.
     */
    private int admit(FaultyChannel ch, long position, int length) throws IOException {
        if (length == 0) return 0;
        Target wt = writeTarget;
        if (wt != null && wt.test(ch.file, Thread.currentThread())) {
            if (writesBeforeFailure.getAndDecrement() <= 0) {
                if (partialFirstFailure && !partialDone && length > 1) {
                    partialDone = true;
                    return Math.max(1, length / 2);
                }
                injectedWriteFailures.incrementAndGet();
                throw new IOException("Input/output error (injected write failure on " + ch.file + ")");
            }
        }
        synchronized (quotaLock) {
            long size = ch.delegate.size();
            long growth = position + length - size;
            if (growth <= 0 || quotaRemaining == Long.MAX_VALUE) return length;
            if (growth <= quotaRemaining) {
                quotaRemaining -= growth;
                return length;
            }
            long fits = size + quotaRemaining - position;
            if (fits > 0) {
                quotaRemaining -= Math.max(0, position + fits - size);
                return (int) Math.min(length, fits);
            }
            injectedDiskFull.incrementAndGet();
            throw new IOException("No space left on device");
        }
    }

    private final class FaultyChannel extends FileChannel {
        final Path file;
        final FileChannel delegate;

        FaultyChannel(Path file, FileChannel delegate) {
            this.file = file;
            this.delegate = delegate;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int n = admit(this, position, src.remaining());
            if (n == src.remaining()) return delegate.write(src, position);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int written = delegate.write(part, position);
            src.position(src.position() + written);
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long position = delegate.position();
            int written = write(src, position);
            delegate.position(position + written);
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int want = srcs[i].remaining();
                int n = write(srcs[i]);
                total += n;
                if (n < want) break;
            }
            return total;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            Target ft = forceTarget;
            if (ft != null && ft.test(file, Thread.currentThread())) {
                injectedForceFailures.incrementAndGet();
                throw new IOException("Input/output error (injected fsync failure on " + file + ")");
            }
            Target slow = slowForceTarget;
            if (slow != null && slow.test(file, Thread.currentThread())) {
                long until = System.nanoTime() + slowForceNanos;
                for (long left = slowForceNanos; left > 0; left = until - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
                slowedForces.incrementAndGet();
            }
            delegate.force(metaData);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            if (mode == MapMode.READ_WRITE) {
                // mapping past the end grows the file: that needs room too
                synchronized (quotaLock) {
                    long growth = position + size - delegate.size();
                    if (growth > 0 && quotaRemaining != Long.MAX_VALUE) {
                        if (growth > quotaRemaining) {
                            injectedDiskFull.incrementAndGet();
                            throw new IOException("No space left on device");
                        }
                        quotaRemaining -= growth;
                    }
                }
            }
            return delegate.map(mode, position, size);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            // not used by the log; refuse rather than bypass the faults
            throw new UnsupportedOperationException("transferFrom is not supported by the fault-injecting layer");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }

        @Override
        public String toString() {
            return "FaultyChannel[" + file + "]";
        }
    }
}
