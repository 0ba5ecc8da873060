package io.cairn.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the store's records go and how it waits for them to be safe: its own write-ahead log ({@link Wal}), or, on a
 * replicated store, the group's Raft log (the store's {@code ReplicatedRecordLog}), where "durable" means committed by
 * a majority. The engine and its checkpoints use only this.
 */
public interface RecordLog extends Closeable {
    /**
     * Appends one record; returns its sequence.
     *
     * @param frame bytes {@link WalRecordDescriptor#HEADER_LENGTH}.. hold the payload; the bytes before it are the
     *              log's to use for a header
     */
    long append(byte[] frame, int payloadLength);

    /** Blocks until record {@code seq} is durable. */
    void awaitDurable(long seq);

    /** Completes {@code future} with {@code value} once record {@code seq} is durable (exceptionally if it cannot be). */
    <T> void completeWhenDurable(long seq, CompletableFuture<T> future, T value);

    /** Makes everything appended so far durable, whatever the policy. */
    void sync();

    long lastSequence();

    /** The sequence the next record will get. */
    long nextSequence();

    /** Refuses further appends (the store turns read-only) for {@code cause}. */
    void fail(IOException cause);

    long durableSequence();

    long appends();

    int segmentCount();

    List<Wal.SegmentRef> segments();

    /** Takes the segments every record of which is at or before {@code seq} out of the log; returns their files. */
    List<Path> detachCoveredSegments(long seq);

    long appendedBytes();

    long bytes();

    long fsyncs();

    long lastFsyncNanos();

    long p99FsyncNanos();

    Path directory();
}
