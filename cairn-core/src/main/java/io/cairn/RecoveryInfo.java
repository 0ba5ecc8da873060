package io.cairn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What opening the store found: the snapshot it loaded and the log it replayed after it.
 *
 * @param recordsReplayed log records applied after the snapshot
 * @param segmentsScanned log segment files read
 * @param bytesTruncated bytes cut from a torn tail (or moved aside by salvage)
 * @param corruptionDetected whether any damage was found: a torn tail, damaged log, or an unusable snapshot
 * @param damagedFile the segment where damage started, or {@code null}
 * @param damagedOffset the byte offset in that segment where damage started, or {@code -1}
 * @param salvagedTo where salvage moved the damaged part, or {@code null}
 * @param lastSequence the sequence number of the last record the store holds
 * @param took how long recovery took
 * @param snapshotSequence the sequence of the snapshot loaded, 0 if none
 * @param snapshotEntries entries loaded from it
 * @param snapshotLoad how long loading it took
 * @param snapshotsSkipped newer snapshots that could not be used, each with the reason (a fallback happened if not
 *     empty)
 */
public record RecoveryInfo(long recordsReplayed, int segmentsScanned, long bytesTruncated, boolean corruptionDetected,
                           Path damagedFile, long damagedOffset, Path salvagedTo, long lastSequence, Duration took,
                           long snapshotSequence, long snapshotEntries, Duration snapshotLoad,
                           List<String> snapshotsSkipped) {

    public RecoveryInfo {
        snapshotsSkipped = List.copyOf(snapshotsSkipped);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Recovery: ");
        if (snapshotSequence > 0) {
            sb.append("snapshot ").append(snapshotSequence).append(" (").append(snapshotEntries).append(" entries in ")
                    .append(snapshotLoad.toMillis()).append(" ms), then ");
        }
        sb.append(recordsReplayed).append(" records replayed from ")
                .append(segmentsScanned).append(segmentsScanned == 1 ? " segment" : " segments")
                .append(" in ").append(took.toMillis()).append(" ms, last sequence ").append(lastSequence);
        if (!snapshotsSkipped.isEmpty()) {
            sb.append("; fell back past ").append(snapshotsSkipped.size()).append(" unusable snapshot")
                    .append(snapshotsSkipped.size() == 1 ? "" : "s").append(": ").append(String.join("; ", snapshotsSkipped));
        }
        if (damagedFile != null) {
            sb.append("; damage at ").append(damagedFile).append(" offset ").append(damagedOffset)
                    .append(", ").append(bytesTruncated).append(" bytes ")
                    .append(salvagedTo == null ? "truncated" : "moved to " + salvagedTo);
        } else if (snapshotsSkipped.isEmpty()) {
            sb.append("; no corruption");
        }
        return sb.toString();
    }
}
