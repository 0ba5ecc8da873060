package io.cairn;

import io.cairn.wal.RecordLog;
import io.cairn.wal.Wal;
import io.cairn.wal.WalRecordDescriptor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's log on a replicated store: sequences are numbered here (and by {@link Replica#apply} on replicas that
 * did not decide them), records go to the group's {@link ReplicatedLog}, and durable means committed. There are no
 * segments: the group's log is purged against this store's snapshots by the group.
 */
final class ReplicatedRecordLog implements RecordLog {
    private final ReplicatedLog log;
    private final Path dir;
    private volatile long lastSeq;
    private long appends;
    private long bytes;
    private volatile IOException failure;

    ReplicatedRecordLog(ReplicatedLog log, Path dir, long lastSeq) {
        this.log = log;
        this.dir = dir;
        this.lastSeq = lastSeq;
    }

    ReplicatedLog log() {
        return log;
    }

    /** A replica applied record {@code seq} that another node decided (under the write lock). */
    void applied(long seq) {
        lastSeq = seq;
    }

    /** The store reloaded a snapshot at {@code seq} (under the write lock). */
    void reset(long seq) {
        lastSeq = seq;
        failure = null;
    }

    @Override
    public long append(byte[] frame, int payloadLength) {
        IOException f = failure;
        if (f != null) throw new CairnException(CairnException.Code.READ_ONLY, f.getMessage(), f);
        long seq = log.nextSequence(lastSeq);
        log.append(seq, frame, WalRecordDescriptor.HEADER_LENGTH, payloadLength);
        lastSeq = seq;
        appends++;
        bytes += payloadLength;
        return seq;
    }

    @Override
    public void awaitDurable(long seq) {
        log.awaitCommitted(seq);
    }

    @Override
    public <T> void completeWhenDurable(long seq, CompletableFuture<T> future, T value) {
        log.whenCommitted(seq).whenComplete((v, e) -> {
            if (e != null) future.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e);
            else future.complete(value);
        });
    }

    @Override
    public void sync() {
        long s = lastSeq;
        if (s > 0) log.awaitCommitted(s);
    }

    @Override
    public long lastSequence() {
        return lastSeq;
    }

    @Override
    public long nextSequence() {
        return log.nextSequence(lastSeq);
    }

    @Override
    public void fail(IOException cause) {
        failure = cause;
    }

    @Override
    public long durableSequence() {
        return Math.min(lastSeq, log.committedSequence());
    }

    @Override
    public long appends() {
        return appends;
    }

    @Override
    public int segmentCount() {
        return 0;
    }

    @Override
    public List<Wal.SegmentRef> segments() {
        return List.of();
    }

    @Override
    public List<Path> detachCoveredSegments(long seq) {
        return List.of();
    }

    @Override
    public long appendedBytes() {
        return bytes;
    }

    @Override
    public long bytes() {
        return 0;
    }

    @Override
    public long fsyncs() {
        return 0;
    }

    @Override
    public long lastFsyncNanos() {
        return 0;
    }

    @Override
    public long p99FsyncNanos() {
        return 0;
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
    }
}
