package io.cairn;

import io.cairn.index.Cells;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The view an {@link Atomic} reads and writes through. Reads see the store as it was when the block started plus the
 * block's own writes; writes are collected and happen together when the block returns. Valid only inside its block,
 * on the thread that runs it.
 *
 * <p>Times are epoch milliseconds from the store's clock; an expiry of {@code 0} means none. An entry whose expiry has
 * passed is absent here, as everywhere.
 */
public final class Txn {
    /** What {@link #expiresAt} returns for an absent key. */
    public static final long ABSENT = -1;

    private static final byte[] DELETED = new byte[0];

    private final Engine engine;
    private final long now;
    final List<Mutation> mutations = new ArrayList<>(2);
    /** This block's writes by keyspace and key: the cell they leave, or {@link #DELETED}. */
    private Map<KeyspaceState, Map<ByteBuffer, byte[]>> written;
    private Set<KeyspaceState> cleared;
    boolean done;

    Txn(Engine engine, long now) {
        this.engine = engine;
        this.now = now;
    }

    /** The time the block runs at, the same for all its reads and expiries. */
    public long now() {
        return now;
    }

    private KeyspaceState state(Keyspace ks) {
        if (done) throw new IllegalStateException("a Txn is only valid inside its Atomic block");
        KeyspaceState s = engine.stateOf(ks);
        if (s.dropped) {
            throw new CairnException(CairnException.Code.NO_SUCH_KEYSPACE, "keyspace '" + s.name + "' was dropped");
        }
        return s;
    }

    /** The live cell of {@code key} as this block sees it, or null. */
    private byte[] cell(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        if (written != null) {
            Map<ByteBuffer, byte[]> m = written.get(ks);
            byte[] c = m == null ? null : m.get(ByteBuffer.wrap(key));
            if (c != null) return c == DELETED ? null : c;
        }
        if (cleared != null && cleared.contains(ks)) return null;
        byte[] c = ks.index().get(key);
        return c != null && Cells.live(c, now) ? c : null;
    }

    private void remember(KeyspaceState ks, byte[] key, byte[] cell) {
        if (written == null) written = new HashMap<>();
        written.computeIfAbsent(ks, x -> new HashMap<>()).put(ByteBuffer.wrap(key), cell);
    }

    /** The value of {@code key}, or null if absent. */
    public byte[] get(Keyspace ks, byte[] key) {
        byte[] c = cell(state(ks), key);
        return c == null ? null : Cells.value(c);
    }

    public boolean contains(Keyspace ks, byte[] key) {
        return cell(state(ks), key) != null;
    }

    /** When {@code key} expires: epoch milliseconds, {@code 0} if never, {@link #ABSENT} if the key is absent. */
    public long expiresAt(Keyspace ks, byte[] key) {
        byte[] c = cell(state(ks), key);
        return c == null ? ABSENT : Cells.expireAt(c);
    }

    /** Sets {@code key} to {@code value}, expiring at {@code expireAt} (0: never; at or before {@link #now()}: deletes). */
    public void put(Keyspace ks, byte[] key, byte[] value, long expireAt) {
        KeyspaceState s = state(ks);
        engine.checkKey(key);
        engine.checkValue(value);
        if (expireAt < 0) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "expiry " + expireAt + " is negative");
        if (expireAt != 0 && expireAt <= now) {
            delete(ks, key);
            return;
        }
        // no copies: the block's mutations are logged and applied before atomically() returns
        mutations.add(new Mutation.Put(s.id, key, value, expireAt));
        remember(s, key, Cells.make(key, false, value, expireAt));
    }

    /** Deletes {@code key}; returns whether it was present. */
    public boolean delete(Keyspace ks, byte[] key) {
        KeyspaceState s = state(ks);
        if (cell(s, key) == null) return false;
        mutations.add(new Mutation.Delete(s.id, key));
        remember(s, key, DELETED);
        return true;
    }

    /**
     * Sets when a present key expires; a time at or before {@link #now()} (zero and negative times included) deletes
     * it. Returns whether the key was present. {@link #persist} removes an expiry.
     */
    public boolean expireAt(Keyspace ks, byte[] key, long expireAt) {
        KeyspaceState s = state(ks);
        byte[] c = cell(s, key);
        if (c == null) return false;
        if (expireAt <= now) return delete(ks, key);
        mutations.add(new Mutation.Expire(s.id, key, expireAt));
        remember(s, key, Cells.withExpiry(c, expireAt));
        return true;
    }

    /** Removes the expiry of a present key; returns whether the key was present and had one. */
    public boolean persist(Keyspace ks, byte[] key) {
        KeyspaceState s = state(ks);
        byte[] c = cell(s, key);
        if (c == null || Cells.expireAt(c) == 0) return false;
        mutations.add(new Mutation.Expire(s.id, key, 0));
        remember(s, key, Cells.withExpiry(c, 0));
        return true;
    }

    /** Removes every key of {@code ks}. */
    public void clear(Keyspace ks) {
        KeyspaceState s = state(ks);
        mutations.add(new Mutation.Clear(s.id));
        if (written != null) written.remove(s);
        if (cleared == null) cleared = new HashSet<>();
        cleared.add(s);
    }
}
