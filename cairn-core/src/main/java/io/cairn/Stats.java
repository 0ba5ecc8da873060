package io.cairn;

import java.time.Duration;

/**
 * A point-in-time view of a store's size and its log's health.
 *
 * @param keys live keys in all keyspaces (expired keys excluded)
 * @param bytes key and value bytes held in memory
 * @param keyspaces number of keyspaces
 * @param walSegments log segment files
 * @param walBytes bytes of log written (the used part of every segment)
 * @param lastSequence the sequence number of the newest log record
 * @param writes records appended since open
 * @param fsyncs fsyncs of the log since open
 * @param lastFsync how long the newest fsync took
 * @param p99Fsync the 99th percentile of the last 1,024 fsyncs
 * @param expiredReclaimed expired entries removed from memory since open
 * @param snapshotSequence the sequence of the newest snapshot taken or loaded, 0 if none
 * @param checkpoints checkpoints taken since open
 * @param checkpointInProgress whether one is being taken now
 * @param lastCheckpointTook how long the newest checkpoint since open took ({@link Duration#ZERO} if none)
 * @param lastCheckpointFailed whether the newest attempt failed
 * @param lastCheckpointPause how long the newest checkpoint held the write lock (to note its sequence and indexes):
 *     the only time it makes writers wait, and it does not grow with the store
 * @param logBytesSinceCheckpoint log bytes written since the newest snapshot
 * @param usedMemory bytes the data holds on the heap by the store's own account (cells, index structures, expiry
 *     entries, large collections, access stamps): what {@link CairnOptions.Builder#maxMemory} limits
 * @param evictedKeys keys evicted since open to stay within the memory limits
 * @param expiredStale entries expired now but not yet removed from memory (invisible to reads; the expiry cycle
 *     removes them, earliest first)
 * @param expireCycles expiry cycles run since open (one each {@link CairnOptions.Builder#expiryInterval})
 * @param expireCycleTime the time those cycles took in all
 * @param expireCyclesCapped cycles that stopped at their time budget (a quarter of the interval) with entries still
 *     due: a backlog, removed over the next cycles
 * @param keyspaceHits reads that found the key they looked up, since open: {@link Keyspace#get}, {@link Keyspace#getAll}
 *     and each key an atomic block that wrote nothing read from the store (Redis's keyspace_hits)
 * @param keyspaceMisses the same reads that found their key absent (Redis's keyspace_misses)
 */
public record Stats(long keys, long bytes, int keyspaces, int walSegments, long walBytes, long lastSequence,
                    long writes, long fsyncs, Duration lastFsync, Duration p99Fsync, long expiredReclaimed,
                    long snapshotSequence, long checkpoints, boolean checkpointInProgress, Duration lastCheckpointTook,
                    boolean lastCheckpointFailed, long logBytesSinceCheckpoint, Duration lastCheckpointPause,
                    long usedMemory, long evictedKeys, long expiredStale, long expireCycles,
                    Duration expireCycleTime, long expireCyclesCapped, long keyspaceHits, long keyspaceMisses) {
}
