package io.cairn;

import io.cairn.index.Access;

import java.time.Duration;
import java.util.Objects;

/**
 * A store's memory limits and eviction settings, changeable while it runs ({@link Cairn#limits()}); the initial values
 * come from {@link CairnOptions}. Thread-safe: each setting is a volatile field, read by the next write that checks it.
 *
 * <p>Memory is the store's own account of what the heap holds for its data ({@link Stats#usedMemory()}), not the JVM's
 * heap in use, so garbage waiting for the collector never triggers an eviction.
 */
public final class MemoryLimits {
    private final Access access;
    private volatile long maxMemory;
    private volatile long maxKeys;
    private volatile EvictionPolicy policy = EvictionPolicy.NO_EVICTION;
    private volatile int samples;
    private volatile int lfuLogFactor;
    private volatile Duration lfuDecayTime;

    MemoryLimits(Access access, CairnOptions o) {
        this.access = access;
        setMaxMemory(o.maxMemory());
        setMaxKeys(o.maxKeys());
        setPolicy(o.evictionPolicy());
        setSamples(o.evictionSamples());
        setLfuLogFactor(o.lfuLogFactor());
        setLfuDecayTime(o.lfuDecayTime());
    }

    /** The most bytes of data the store holds before a growing write must evict or fail; 0 for no limit. */
    public long maxMemory() {
        return maxMemory;
    }

    public MemoryLimits setMaxMemory(long bytes) {
        if (bytes < 0) throw invalid("maxMemory must be 0 (no limit) or positive, was " + bytes);
        this.maxMemory = bytes;
        return this;
    }

    /** The most keys the store holds (across keyspaces) before a growing write must evict or fail; 0 for no limit. */
    public long maxKeys() {
        return maxKeys;
    }

    public MemoryLimits setMaxKeys(long keys) {
        if (keys < 0) throw invalid("maxKeys must be 0 (no limit) or positive, was " + keys);
        this.maxKeys = keys;
        return this;
    }

    public EvictionPolicy policy() {
        return policy;
    }

    public MemoryLimits setPolicy(EvictionPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        access.lfu(policy.lfu());
        return this;
    }

    /** Keys sampled per keyspace for each eviction (Redis's {@code maxmemory-samples}, default 5). */
    public int samples() {
        return samples;
    }

    public MemoryLimits setSamples(int samples) {
        if (samples < 1 || samples > 64) throw invalid("evictionSamples must be between 1 and 64, was " + samples);
        this.samples = samples;
        return this;
    }

    /** How slowly the LFU counter grows (Redis's {@code lfu-log-factor}, default 10). */
    public int lfuLogFactor() {
        return lfuLogFactor;
    }

    public MemoryLimits setLfuLogFactor(int factor) {
        if (factor < 0) throw invalid("lfuLogFactor must be 0 or positive, was " + factor);
        this.lfuLogFactor = factor;
        access.logFactor(factor);
        return this;
    }

    /** The idle time after which the LFU counter loses one (Redis's {@code lfu-decay-time}, in minutes; 0: never). */
    public Duration lfuDecayTime() {
        return lfuDecayTime;
    }

    public MemoryLimits setLfuDecayTime(Duration time) {
        Objects.requireNonNull(time, "time");
        if (time.isNegative() || time.toNanos() % 60_000_000_000L != 0) {
            throw invalid("lfuDecayTime must be a whole number of minutes, 0 or more, was " + time);
        }
        this.lfuDecayTime = time;
        access.decayMinutes(time.toMinutes());
        return this;
    }

    /** Whether any limit is set: the one volatile read a write pays when there is none. */
    boolean limited() {
        return maxMemory > 0 || maxKeys > 0;
    }

    private static CairnException invalid(String message) {
        return new CairnException(CairnException.Code.INVALID_ARGUMENT, message);
    }
}
