package io.cairn;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One snapshot of a store: the whole store at log sequence {@code sequence}.
 *
 * @param sequence the log sequence it covers: the snapshot plus the log records after it is the store
 * @param consistentSequence the log's end when the snapshot was finished: opened on its own (or restored with
 *     {@link RestorePoint#snapshot}) it is exactly the store at this sequence
 * @param created when the snapshot was taken (the store's clock at {@code sequence})
 * @param entries entries it holds, in all keyspaces
 * @param keyspaces keyspaces it holds
 * @param sizeBytes bytes of every file it needs (its manifest and parts, shared parts included)
 * @param writtenBytes bytes of the parts this snapshot wrote itself; the rest it shares with the snapshot before it
 * @param partsWritten part files it wrote
 * @param partsReused part files it shares with an earlier snapshot (partitions unchanged since then)
 * @param manifest its manifest file
 */
public record SnapshotInfo(long sequence, long consistentSequence, Instant created, long entries, int keyspaces, long sizeBytes,
                           long writtenBytes, int partsWritten, int partsReused, Path manifest) {
}
