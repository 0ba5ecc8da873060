package io.cairn;

/**
 * What a store does when a write would take it past {@link CairnOptions.Builder#maxMemory} or
 * {@link CairnOptions.Builder#maxKeys}: Redis's {@code maxmemory-policy}, with the same names ({@link #configName}).
 */
public enum EvictionPolicy {
    /** Refuse the write with {@link CairnException.Code#OUT_OF_MEMORY}; reads, deletes and shrinking writes go on. */
    NO_EVICTION("noeviction", false),
    /** Evict the least recently used keys (approximated by sampling, as Redis does). */
    ALLKEYS_LRU("allkeys-lru", false),
    /** Evict the least frequently used keys (Redis's logarithmic counter, decaying over time). */
    ALLKEYS_LFU("allkeys-lfu", false),
    /** Evict keys at random. */
    ALLKEYS_RANDOM("allkeys-random", false),
    /** {@link #ALLKEYS_LRU} among keys that have an expiry only. */
    VOLATILE_LRU("volatile-lru", true),
    /** {@link #ALLKEYS_LFU} among keys that have an expiry only. */
    VOLATILE_LFU("volatile-lfu", true),
    /** {@link #ALLKEYS_RANDOM} among keys that have an expiry only. */
    VOLATILE_RANDOM("volatile-random", true),
    /** Evict the key that would expire first. */
    VOLATILE_TTL("volatile-ttl", true);

    private final String configName;
    private final boolean volatileOnly;

    EvictionPolicy(String configName, boolean volatileOnly) {
        this.configName = configName;
        this.volatileOnly = volatileOnly;
    }

    /** Redis's name for it: {@code allkeys-lru}, {@code noeviction}... */
    public String configName() {
        return configName;
    }

    /** Whether it only evicts keys that have an expiry. */
    public boolean volatileOnly() {
        return volatileOnly;
    }

    /** Whether it ranks keys by access frequency, so that the store counts accesses instead of stamping their time. */
    public boolean lfu() {
        return this == ALLKEYS_LFU || this == VOLATILE_LFU;
    }

    /** The policy named {@code name} in Redis's spelling (any case), or null. */
    public static EvictionPolicy ofConfigName(String name) {
        for (EvictionPolicy p : values()) if (p.configName.equalsIgnoreCase(name)) return p;
        return null;
    }
}
