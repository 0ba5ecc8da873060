package io.cairn;

import io.cairn.index.Access;
import io.cairn.index.Cells;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses which key to evict under a {@link MemoryLimits} policy, as Redis does: sample a few keys of each keyspace,
 * keep the best candidates seen so far in a pool of 16 (between calls too, so that each eviction profits from earlier
 * samples), and take the best one that is still there. LRU ranks by time since the last access, LFU by the decayed
 * access counter; volatile-ttl takes the earliest expiry straight from the keyspaces' expiry sets; random policies
 * pick one key at random. The volatile policies sample only keys that have an expiry.
 *
 * <p>Writer only: used under the store's write lock.
 */
final class Evictor {
    static final int POOL = 16;

    /** A candidate: a key of a keyspace and how good a victim it is ({@link Access#rank}: higher is better). */
    record Candidate(KeyspaceState ks, byte[] key, long rank) {
    }

    private final Access access;
    /** The pool, ordered by rank ascending: the best candidate is the last. */
    private final Candidate[] pool = new Candidate[POOL];
    private int pooled;
    private int nextKeyspace; // random policies visit the keyspaces in turn, as Redis visits its databases

    Evictor(Access access) {
        this.access = access;
    }

    /** The key to evict next under {@code policy}, or null if no key qualifies. */
    Candidate next(EvictionPolicy policy, int samples, Collection<KeyspaceState> keyspaces) {
        return switch (policy) {
            case NO_EVICTION -> null;
            case VOLATILE_TTL -> earliestExpiry(keyspaces);
            case ALLKEYS_RANDOM, VOLATILE_RANDOM -> randomKey(policy.volatileOnly(), keyspaces);
            default -> fromPool(policy.volatileOnly(), samples, keyspaces);
        };
    }

    /** Forgets the pool (the policy changed, so its rankings mean something else). */
    void reset() {
        Arrays.fill(pool, null);
        pooled = 0;
    }

    private Candidate fromPool(boolean volatileOnly, int samples, Collection<KeyspaceState> keyspaces) {
        for (int round = 0; round < 4; round++) {
            boolean any = false;
            for (KeyspaceState ks : keyspaces) {
                if (volatileOnly) {
                    if (ks.expiries.isEmpty()) continue;
                    any = true;
                    for (int i = 0; i < samples; i++) {
                        KeyspaceState.Expiry e = randomExpiry(ks);
                        if (e != null) offer(ks, e.key(), null, ks.index().stamp(e.key()));
                    }
                } else {
                    if (ks.index().size() == 0) continue;
                    any = true;
                    ks.index().sample(ThreadLocalRandom.current(), samples, (cell, stamp) -> offer(ks, null, cell, stamp));
                }
            }
            if (!any) {
                reset();
                return null;
            }
            while (pooled > 0) {
                Candidate c = pool[--pooled];
                pool[pooled] = null;
                if (!c.ks.dropped && c.ks.index().get(c.key) != null
                        && (!volatileOnly || Cells.expireAt(c.ks.index().get(c.key)) != 0)) {
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * Redis's evictionPoolPopulate step for one sample: keep it if it beats the worst pooled candidate. The sample is
     * a key, or a cell whose key is copied out only if it is pooled (most samples are not, once the pool is full).
     */
    private void offer(KeyspaceState ks, byte[] key, byte[] cell, int stamp) {
        long rank = access.rank(stamp);
        int at = 0;
        while (at < pooled && pool[at].rank < rank) at++;
        if (at == 0 && pooled == POOL) return; // worse than every pooled candidate
        for (int i = 0; i < pooled; i++) {
            Candidate c = pool[i];
            if (c.ks == ks && (key != null ? Arrays.equals(c.key, key) : Cells.keyEquals(cell, c.key))) return; // pooled
        }
        if (pooled < POOL) {
            System.arraycopy(pool, at, pool, at + 1, pooled - at);
            pooled++;
        } else {
            at--; // drop the worst (index 0) to make room
            System.arraycopy(pool, 1, pool, 0, at);
        }
        pool[at] = new Candidate(ks, key != null ? key : Cells.key(cell), rank);
    }

    /**
     * An expiring key of {@code ks} picked by a random time between its earliest and latest expiry (the first key
     * expiring then or after): O(log n) and never a walk, though keys alone in a sparse stretch of time come up
     * more often than keys in a crowd.
     */
    private KeyspaceState.Expiry randomExpiry(KeyspaceState ks) {
        if (ks.expiries.isEmpty()) return null;
        try {
            long first = ks.expiries.first().at();
            long last = ks.expiries.last().at();
            long at = first + (last > first ? ThreadLocalRandom.current().nextLong(last - first + 1) : 0);
            return ks.expiries.ceiling(new KeyspaceState.Expiry(at, new byte[0]));
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }

    private Candidate earliestExpiry(Collection<KeyspaceState> keyspaces) {
        KeyspaceState best = null;
        KeyspaceState.Expiry earliest = null;
        for (KeyspaceState ks : keyspaces) {
            KeyspaceState.Expiry e = ks.earliestExpiry();
            if (e != null && (earliest == null || e.at() < earliest.at())) {
                earliest = e;
                best = ks;
            }
        }
        return best == null ? null : new Candidate(best, earliest.key(), Long.MAX_VALUE - earliest.at());
    }

    private Candidate randomKey(boolean volatileOnly, Collection<KeyspaceState> keyspaces) {
        KeyspaceState[] all = keyspaces.toArray(new KeyspaceState[0]);
        for (int k = 0; k < all.length; k++) {
            KeyspaceState ks = all[Math.floorMod(nextKeyspace++, all.length)];
            if (volatileOnly) {
                KeyspaceState.Expiry e = randomExpiry(ks);
                if (e != null && ks.index().get(e.key()) != null) return new Candidate(ks, e.key(), 0);
            } else if (ks.index().size() > 0) {
                byte[][] picked = new byte[1][];
                ks.index().sample(ThreadLocalRandom.current(), 1, (cell, stamp) -> picked[0] = Cells.key(cell));
                if (picked[0] != null) return new Candidate(ks, picked[0], 0);
            }
        }
        return null;
    }
}
