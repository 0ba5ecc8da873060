package io.cairn.server.command;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The keys clients WATCH, server-wide, as Redis keeps them: from (keyspace, key) to the clients watching it. Every write
 * command marks its keys' watchers before it runs ({@link #beforeWrite}), using the command table's key positions and
 * write flag, so every write command is covered without knowing it; a write command without key positions (FLUSHDB,
 * FLUSHALL, SWAPDB, the KEYSPACE subcommands) marks every watcher of its database, or of all of them. A mark is never
 * missed, and may be spurious (a write that turns out to change nothing), which only costs the watcher a retry.
 *
 * <p>Commands run on several event loops at once, so two orderings are made to hold. A write marks before it writes,
 * and EXEC checks its marks inside its exclusive group: a write that precedes the group marked before it. And a write
 * holds the read side of a gate from its look-up to the end of its write, while WATCH registers under the write side:
 * a write either ended before the registration (the watcher's later reads see it, nothing to mark) or sees it. The
 * read side is taken with {@code tryReadLock} (barging past a waiting WATCH): a write inside an EXEC holds the store, and
 * must not queue behind a WATCH that waits for a write that waits for the store.
 */
public final class Watches {
    /** A watched key of one keyspace (by name: database handles are not unique objects). */
    record Key(String keyspace, ByteBuffer key) {
        static Key of(String keyspace, byte[] key) {
            return new Key(keyspace, ByteBuffer.wrap(key));
        }
    }

    private final ConcurrentHashMap<Key, Set<Client>> watchers = new ConcurrentHashMap<>();
    /** Not reentrant and keeps no per-thread counts: a write pays one CAS to enter and one to leave. */
    private final StampedLock gate = new StampedLock();

    /** Registers {@code c} as watching {@code keys}; the caller records them on the client too. */
    void watch(Client c, List<Key> keys) {
        long stamp = gate.writeLock();
        try {
            for (Key k : keys) {
                // the add inside the mapping's atomic step: an unwatch that empties the set and removes it (it does not
                // take the gate) must not do so between our look-up and our add, which would leave us registered in a
                // set no write can find, and a write after the WATCH would then not abort our EXEC
                watchers.compute(k, (x, set) -> {
                    Set<Client> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                    s.add(c);
                    return s;
                });
            }
        } finally {
            gate.unlockWrite(stamp);
        }
    }

    /** Forgets every key {@code c} watches (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
    public void unwatch(Client c) {
        Collection<Key> keys = c.watchedKeys();
        if (keys.isEmpty()) return;
        for (Key k : keys) {
            watchers.computeIfPresent(k, (x, set) -> {
                set.remove(c);
                return set.isEmpty() ? null : set;
            });
        }
        c.clearWatch();
    }

    /**
     * Called before a write command runs: holds the gate and marks the watchers of what it writes. Returns the gate's
     * stamp, which {@link #afterWrite} must be given once the command has run, whatever happens.
     */
    public long beforeWrite(Client c, Command cmd, byte[][] args) {
        long stamp;
        while ((stamp = gate.tryReadLock()) == 0) Thread.onSpinWait(); // held for a registration's moment only
        if (!watchers.isEmpty()) {
            try {
                mark(c, cmd, args);
            } catch (RuntimeException e) {
                gate.unlockRead(stamp);
                throw e;
            }
        }
        return stamp;
    }

    private void mark(Client c, Command cmd, byte[][] args) {
        String name = cmd.name();
        List<Integer> positions = cmd.keyPositions(args.length);
        if (positions.isEmpty()) {
            String only = name.equals("flushdb") ? c.keyspace().name() : null;
            watchers.forEach((k, set) -> {
                if (only == null || only.equals(k.keyspace())) touch(set);
            });
            return;
        }
        // MOVE and COPY ... DB write the key in another database too: mark the name in every database
        boolean anyDb = name.equals("move") || name.equals("copy");
        String ks = c.keyspace().name();
        for (int i : positions) {
            if (anyDb) {
                ByteBuffer key = ByteBuffer.wrap(args[i]);
                watchers.forEach((k, set) -> {
                    if (k.key().equals(key)) touch(set);
                });
            } else {
                Set<Client> set = watchers.get(Key.of(ks, args[i]));
                if (set != null) touch(set);
            }
        }
    }

    public void afterWrite(long stamp) {
        gate.unlockRead(stamp);
    }

    private static void touch(Set<Client> set) {
        for (Client w : set) w.watchTouched();
    }

    /** How many keys are watched (INFO's watching_clients-like figures and tests). */
    public int watchedKeys() {
        return watchers.size();
    }
}
