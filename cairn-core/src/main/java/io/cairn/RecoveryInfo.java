package io.cairn;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What opening the store found in its log.
 *
 * @param recordsReplayed log records applied
 * @param segmentsScanned log segment files read
 * @param bytesTruncated bytes cut from a torn tail (or moved aside by salvage)
 * @param corruptionDetected whether any damage was found, torn tail included
 * @param damagedFile the segment where damage started, or {@code null}
 * @param damagedOffset the byte offset in that segment where damage started, or {@code -1}
 * @param salvagedTo where salvage moved the damaged part, or {@code null}
 * @param lastSequence the sequence number of the last record replayed
 * @param took how long recovery took
 */
public record RecoveryInfo(long recordsReplayed, int segmentsScanned, long bytesTruncated, boolean corruptionDetected,
                           Path damagedFile, long damagedOffset, Path salvagedTo, long lastSequence, Duration took) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Recovery: ")
                .append(recordsReplayed).append(" records replayed from ")
                .append(segmentsScanned).append(segmentsScanned == 1 ? " segment" : " segments")
                .append(" in ").append(took.toMillis()).append(" ms, last sequence ").append(lastSequence);
        if (corruptionDetected) {
            sb.append("; damage at ").append(damagedFile).append(" offset ").append(damagedOffset)
                    .append(", ").append(bytesTruncated).append(" bytes ")
                    .append(salvagedTo == null ? "truncated" : "moved to " + salvagedTo);
        } else {
            sb.append("; no corruption");
        }
        return sb.toString();
    }
}
