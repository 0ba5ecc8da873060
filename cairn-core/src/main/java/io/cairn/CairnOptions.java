package io.cairn;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one open store. Immutable; build with {@link #builder()}. Each setter checks its argument at once and
 * says what was wrong.
 *
 * <pre>{@code
 * CairnOptions options = CairnOptions.builder()
 *         .fsyncPolicy(FsyncPolicy.interval(Duration.ofSeconds(1)))
 *         .segmentSize(16 << 20)
 *         .build();
 * }</pre>
 */
public final class CairnOptions {
    /** Redis's limit for a string: 512 MiB. */
    public static final int DEFAULT_MAX_VALUE_SIZE = 512 * 1024 * 1024;
    /** Redis's limit for a key: 512 MiB. */
    public static final int DEFAULT_MAX_KEY_SIZE = 512 * 1024 * 1024;
    /** 64 MiB log segments. */
    public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;

    private final FsyncPolicy fsyncPolicy;
    private final long segmentSize;
    private final boolean preallocate;
    private final int maxKeySize;
    private final int maxValueSize;
    private final boolean salvage;
    private final Clock clock;
    private final Duration expiryInterval;
    private final IndexKind defaultIndexKind;
    private final boolean gatherWrites;
    private final Duration checkpointInterval;
    private final long checkpointLogBytes;
    private final int snapshotsToKeep;
    private final Duration logRetention;
    private final long maxMemory;
    private final long maxKeys;
    private final EvictionPolicy evictionPolicy;
    private final int evictionSamples;
    private final int lfuLogFactor;
    private final Duration lfuDecayTime;
    private final LoadProgress loadProgress;
    private final ReplicatedLog replicatedLog;

    private CairnOptions(Builder b) {
        this.fsyncPolicy = b.fsyncPolicy;
        this.segmentSize = b.segmentSize;
        this.preallocate = b.preallocate;
        this.maxKeySize = b.maxKeySize;
        this.maxValueSize = b.maxValueSize;
        this.salvage = b.salvage;
        this.clock = b.clock;
        this.expiryInterval = b.expiryInterval;
        this.defaultIndexKind = b.defaultIndexKind;
        this.gatherWrites = b.gatherWrites;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointLogBytes = b.checkpointLogBytes;
        this.snapshotsToKeep = b.snapshotsToKeep;
        this.logRetention = b.logRetention;
        this.maxMemory = b.maxMemory;
        this.maxKeys = b.maxKeys;
        this.evictionPolicy = b.evictionPolicy;
        this.evictionSamples = b.evictionSamples;
        this.lfuLogFactor = b.lfuLogFactor;
        this.lfuDecayTime = b.lfuDecayTime;
        this.loadProgress = b.loadProgress;
        this.replicatedLog = b.replicatedLog;
    }

    /** The defaults: fsync ALWAYS, 64 MiB preallocated segments, 512 MiB key and value limits, no salvage. */
    public static CairnOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fsyncPolicy = fsyncPolicy;
        b.segmentSize = segmentSize;
        b.preallocate = preallocate;
        b.maxKeySize = maxKeySize;
        b.maxValueSize = maxValueSize;
        b.salvage = salvage;
        b.clock = clock;
        b.expiryInterval = expiryInterval;
        b.defaultIndexKind = defaultIndexKind;
        b.gatherWrites = gatherWrites;
        b.checkpointInterval = checkpointInterval;
        b.checkpointLogBytes = checkpointLogBytes;
        b.snapshotsToKeep = snapshotsToKeep;
        b.logRetention = logRetention;
        b.maxMemory = maxMemory;
        b.maxKeys = maxKeys;
        b.evictionPolicy = evictionPolicy;
        b.evictionSamples = evictionSamples;
        b.lfuLogFactor = lfuLogFactor;
        b.lfuDecayTime = lfuDecayTime;
        b.loadProgress = loadProgress;
        b.replicatedLog = replicatedLog;
        return b;
    }

    public FsyncPolicy fsyncPolicy() { return fsyncPolicy; }
    public long segmentSize() { return segmentSize; }
    public boolean preallocate() { return preallocate; }
    public int maxKeySize() { return maxKeySize; }
    public int maxValueSize() { return maxValueSize; }
    public boolean salvage() { return salvage; }
    public Clock clock() { return clock; }
    public Duration expiryInterval() { return expiryInterval; }
    public IndexKind defaultIndexKind() { return defaultIndexKind; }
    public boolean gatherWrites() { return gatherWrites; }
    public Duration checkpointInterval() { return checkpointInterval; }
    public long checkpointLogBytes() { return checkpointLogBytes; }
    public int snapshotsToKeep() { return snapshotsToKeep; }
    public Duration logRetention() { return logRetention; }
    public long maxMemory() { return maxMemory; }
    public long maxKeys() { return maxKeys; }
    public EvictionPolicy evictionPolicy() { return evictionPolicy; }
    public int evictionSamples() { return evictionSamples; }
    public int lfuLogFactor() { return lfuLogFactor; }
    public Duration lfuDecayTime() { return lfuDecayTime; }

    /** Where the open reports its progress; null if none was given. */
    public LoadProgress loadProgress() { return loadProgress; }

    /** The replicated log in place of the store's own write-ahead log, or null (see {@link Builder#replicatedLog}). */
    public ReplicatedLog replicatedLog() { return replicatedLog; }

    @Override
    public String toString() {
        return "CairnOptions[fsync=" + fsyncPolicy + ", segmentSize=" + segmentSize + ", preallocate=" + preallocate
                + ", maxKeySize=" + maxKeySize + ", maxValueSize=" + maxValueSize + ", salvage=" + salvage
                + ", expiryInterval=" + expiryInterval + ", defaultIndexKind=" + defaultIndexKind
                + ", gatherWrites=" + gatherWrites + ", checkpointInterval=" + checkpointInterval
                + ", checkpointLogBytes=" + checkpointLogBytes + ", snapshotsToKeep=" + snapshotsToKeep
                + ", logRetention=" + logRetention + ", maxMemory=" + maxMemory + ", maxKeys=" + maxKeys
                + ", evictionPolicy=" + evictionPolicy + "]";
    }

    /** Builds {@link CairnOptions}; every setter validates its argument immediately. */
    public static final class Builder {
        private FsyncPolicy fsyncPolicy = FsyncPolicy.ALWAYS;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;
        private boolean preallocate = true;
        private int maxKeySize = DEFAULT_MAX_KEY_SIZE;
        private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;
        private boolean salvage;
        private Clock clock = Clock.systemUTC();
        private Duration expiryInterval = Duration.ofMillis(100);
        private IndexKind defaultIndexKind = IndexKind.HASH;
        private boolean gatherWrites;
        private Duration checkpointInterval = Duration.ofMinutes(5);
        private long checkpointLogBytes = 256L << 20;
        private int snapshotsToKeep = 2;
        private Duration logRetention = Duration.ZERO;
        private long maxMemory;
        private long maxKeys;
        private EvictionPolicy evictionPolicy = EvictionPolicy.NO_EVICTION;
        private int evictionSamples = 5;
        private int lfuLogFactor = 10;
        private Duration lfuDecayTime = Duration.ofMinutes(1);
        private LoadProgress loadProgress;
        private ReplicatedLog replicatedLog;

        private Builder() {
        }

        /**
         * The most bytes of data to hold ({@link Stats#usedMemory()}: the store's account of its heap, not the JVM's
         * heap in use); past it a write that can grow memory evicts keys under {@link #evictionPolicy} or fails with
         * {@link CairnException.Code#OUT_OF_MEMORY}. 0 (the default) for no limit. Changeable later:
         * {@link Cairn#limits()}.
         */
        public Builder maxMemory(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("maxMemory must be 0 (no limit) or positive, was " + bytes);
            this.maxMemory = bytes;
            return this;
        }

        /** The most keys to hold across keyspaces, enforced like {@link #maxMemory}; 0 (the default) for no limit. */
        public Builder maxKeys(long keys) {
            if (keys < 0) throw new IllegalArgumentException("maxKeys must be 0 (no limit) or positive, was " + keys);
            this.maxKeys = keys;
            return this;
        }

        /** What to do past a limit; {@link EvictionPolicy#NO_EVICTION} (refuse growing writes) by default. */
        public Builder evictionPolicy(EvictionPolicy policy) {
            this.evictionPolicy = Objects.requireNonNull(policy, "evictionPolicy");
            return this;
        }

        /** Keys sampled per keyspace to choose each eviction, 1 to 64; 5 by default (Redis's maxmemory-samples). */
        public Builder evictionSamples(int samples) {
            if (samples < 1 || samples > 64) {
                throw new IllegalArgumentException("evictionSamples must be between 1 and 64, was " + samples);
            }
            this.evictionSamples = samples;
            return this;
        }

        /** How slowly the LFU access counter grows; 10 by default (Redis's lfu-log-factor). */
        public Builder lfuLogFactor(int factor) {
            if (factor < 0) throw new IllegalArgumentException("lfuLogFactor must be 0 or positive, was " + factor);
            this.lfuLogFactor = factor;
            return this;
        }

        /**
         * Idle time after which a key's LFU counter loses one, in whole minutes; 1 minute by default (Redis's
         * lfu-decay-time), {@link Duration#ZERO} for no decay.
         */
        public Builder lfuDecayTime(Duration time) {
            Objects.requireNonNull(time, "lfuDecayTime");
            if (time.isNegative() || time.toNanos() % 60_000_000_000L != 0) {
                throw new IllegalArgumentException("lfuDecayTime must be a whole number of minutes, 0 or more, was " + time);
            }
            this.lfuDecayTime = time;
            return this;
        }

        /**
         * Take a checkpoint (a snapshot, then delete the log it covers) this often if anything was written since the
         * last one; 5 minutes by default, {@link Duration#ZERO} for never on a timer.
         */
        public Builder checkpointInterval(Duration interval) {
            Objects.requireNonNull(interval, "checkpointInterval");
            if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 1000)) {
                throw new IllegalArgumentException("checkpoint interval must be zero (off) or at least 1 s, was " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /**
         * Take a checkpoint once this many bytes of log were written since the last one; 256 MiB by default, 0 for never
         * by size. Bounds both the disk the log takes and the time a restart spends replaying it.
         */
        public Builder checkpointLogBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("checkpoint log bytes must be >= 0, was " + bytes);
            this.checkpointLogBytes = bytes;
            return this;
        }

        /**
         * Snapshots kept, newest first; 2 by default (at least 1). Recovery falls back to an older one, with the longer
         * log after it, when the newest is damaged; the log is kept back to the oldest one kept.
         */
        public Builder snapshotsToKeep(int count) {
            if (count < 1) throw new IllegalArgumentException("snapshots to keep must be at least 1, was " + count);
            this.snapshotsToKeep = count;
            return this;
        }

        /**
         * Keep snapshots and log covering this much of the past, so {@link Cairn#restore} can bring the store back to
         * any instant inside the window; {@link Duration#ZERO} (the default) keeps only {@link #snapshotsToKeep}.
         */
        public Builder logRetention(Duration window) {
            Objects.requireNonNull(window, "logRetention");
            if (window.isNegative()) throw new IllegalArgumentException("log retention must be >= 0, was " + window);
            this.logRetention = window;
            return this;
        }

        /** When the log is forced to disk; {@link FsyncPolicy#ALWAYS} by default. */
        public Builder fsyncPolicy(FsyncPolicy policy) {
            this.fsyncPolicy = Objects.requireNonNull(policy, "fsyncPolicy");
            return this;
        }

        /**
         * The size of one log segment, from 4 KiB to 1 GiB; 64 MiB by default. A record larger than a segment gets a
         * segment of its own.
         */
        public Builder segmentSize(long bytes) {
            if (bytes < 4096 || bytes > (1L << 30)) {
                throw new IllegalArgumentException("segment size must be between 4096 bytes and 1 GiB, was " + bytes);
            }
            this.segmentSize = bytes;
            return this;
        }

        /**
         * Whether segments are filled with zeros ahead of use (the default), so that appends never allocate blocks and
         * a full disk shows itself when a segment is prepared, never in the middle of a record.
         */
        public Builder preallocate(boolean preallocate) {
            this.preallocate = preallocate;
            return this;
        }

        /** The largest key accepted, in bytes; 512 MiB by default. */
        public Builder maxKeySize(int bytes) {
            if (bytes < 1) throw new IllegalArgumentException("max key size must be at least 1 byte, was " + bytes);
            this.maxKeySize = bytes;
            return this;
        }

        /** The largest value accepted, in bytes; 512 MiB by default. */
        public Builder maxValueSize(int bytes) {
            if (bytes < 0) throw new IllegalArgumentException("max value size must not be negative, was " + bytes);
            this.maxValueSize = bytes;
            return this;
        }

        /**
         * Open a log that is damaged before its tail by keeping the valid prefix and moving everything after the
         * damage aside into {@code salvage/} in the data directory. Off by default: damage then fails the open.
         */
        public Builder salvage(boolean salvage) {
            this.salvage = salvage;
            return this;
        }

        /** The clock used for expiry; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often expired entries are reclaimed from memory (they are invisible at once regardless). */
        public Builder expiryInterval(Duration interval) {
            Objects.requireNonNull(interval, "expiryInterval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("expiry interval must be at least 1 ms, was " + interval);
            }
            this.expiryInterval = interval;
            return this;
        }

        /** The index of the {@code default} keyspace when a new store is created; HASH by default. */
        public Builder defaultIndexKind(IndexKind kind) {
            this.defaultIndexKind = Objects.requireNonNull(kind, "defaultIndexKind");
            return this;
        }

        /**
         * Under {@link FsyncPolicy#ALWAYS}: gather records in memory and hand them to the operating system with one
         * {@code write()} per fsync, instead of one per record. For a server that commits many small writes at a time
         * this saves a system call per write (measured: docs/benchmarks.md). The cost is in failure: a record is applied
         * before it is written, so a write that fails (an I/O error; with preallocated segments a full disk cannot
         * happen there) makes the store read-only, failing every waiting caller as a failed fsync does, instead of
         * failing only the call that wrote it. No acknowledged write is lost either way: a write is acknowledged only
         * after the fsync. Off by default; no effect under other policies (they copy records into a mapping).
         */
        public Builder gatherWrites(boolean gather) {
            this.gatherWrites = gather;
            return this;
        }

        /**
         * Where the open reports how far it has got (snapshot loaded, log replayed), for another thread to read while
         * {@link Cairn#open} runs; none by default (the open still logs its progress every few seconds).
         */
        /**
         * Makes the store one replica of a replicated group (cairn-cluster): its records go to {@code log} (the group's
         * Raft log) instead of its own write-ahead log, a write is durable once the group has committed it, and the
         * store keeps no log of its own (its snapshots, taken when the group asks through {@link Cairn#replica()},
         * are what the group's log is purged against). Not for applications: cairn-cluster sets it.
         */
        public Builder replicatedLog(ReplicatedLog log) {
            this.replicatedLog = Objects.requireNonNull(log, "replicatedLog");
            return this;
        }

        public Builder loadProgress(LoadProgress progress) {
            this.loadProgress = Objects.requireNonNull(progress, "loadProgress");
            return this;
        }

        public CairnOptions build() {
            return new CairnOptions(this);
        }
    }
}
