package io.cairn.index;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a keyspace index stamps the entries it holds with their last access, in Redis's 24 bits: under LRU the time of
 * the last access in seconds (modulo 2^24, about 194 days); under LFU, Redis's logarithmic access counter (8 bits,
 * incremented with probability {@code 1/((counter - 5) * logFactor + 1)}, new keys start at 5) and the minute it was
 * last decremented (16 bits), the counter losing one for every {@code decayMinutes} elapsed.
 *
 * <p>One instance per store, shared by its keyspace indexes; its settings change at run time (volatile fields), and
 * a stamp read under one mode is read under the other as Redis does after a CONFIG SET: as noise that the next accesses
 * overwrite. Index readers update stamps with plain racy writes into an int: a lost update only makes one access not
 * count.
 */
public final class Access {
    /** The LFU counter of a new key, as in Redis (so a new key is not evicted before it has a chance to be used). */
    public static final int LFU_INIT = 5;
    private static final int LRU_MAX = (1 << 24) - 1;

    private final Clock clock;
    private volatile boolean lfu;
    private volatile int logFactor = 10;
    private volatile long decayMinutes = 1;

    public Access(Clock clock) {
        this.clock = clock;
    }

    /** Counts accesses (LFU) instead of stamping their time (LRU). */
    public void lfu(boolean lfu) {
        this.lfu = lfu;
    }

    public boolean lfu() {
        return lfu;
    }

    public void logFactor(int factor) {
        this.logFactor = factor;
    }

    public void decayMinutes(long minutes) {
        this.decayMinutes = minutes;
    }

    private int seconds() {
        return (int) ((clock.millis() / 1000) & LRU_MAX);
    }

    private int minutes() {
        return (int) ((clock.millis() / 60_000) & 0xFFFF);
    }

    /** The stamp of an entry just created. */
    public int created() {
        return lfu ? (minutes() << 8) | LFU_INIT : seconds();
    }

    /** The stamp of an entry accessed now that had {@code stamp}. */
    public int touched(int stamp) {
        if (!lfu) return seconds();
        int counter = decayed(stamp);
        if (counter < 255) {
            double base = Math.max(0, counter - LFU_INIT);
            if (ThreadLocalRandom.current().nextDouble() < 1.0 / (base * logFactor + 1)) counter++;
        }
        return (minutes() << 8) | counter;
    }

    /** The LFU counter of {@code stamp} after the decay due by now (Redis's LFUDecrAndReturn). */
    public int decayed(int stamp) {
        int counter = stamp & 0xFF;
        long decay = decayMinutes;
        if (decay == 0) return counter;
        int then = (stamp >>> 8) & 0xFFFF;
        int now = minutes();
        long elapsed = now >= then ? now - then : 65535 - then + now;
        long periods = elapsed / decay;
        return periods >= counter ? 0 : (int) (counter - periods);
    }

    /** Milliseconds since the LRU stamp {@code stamp} (Redis's estimateObjectIdleTime; seconds resolution). */
    public long idleMillis(int stamp) {
        return idleSeconds(seconds(), stamp) * 1000;
    }

    private static long idleSeconds(long now, int stamp) {
        long then = stamp & LRU_MAX;
        return now >= then ? now - then : LRU_MAX - then + now;
    }

    /**
     * How good a candidate for eviction {@code stamp} makes its entry under the current mode, higher is better: under
     * LFU 255 minus the decayed counter; under LRU minus the second of the last access (unwrapped against now). Not the
     * idle time itself: ranks taken a second apart would then tie an entry with one a second younger, and an eviction
     * pool holds ranks taken at different times.
     */
    public long rank(int stamp) {
        if (lfu) return 255 - decayed(stamp);
        long nowMillis = clock.millis();
        long now = (nowMillis / 1000) & LRU_MAX;
        return -(nowMillis / 1000 - idleSeconds(now, stamp));
    }
}
