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

    final Engine engine;
    private final long now;
    /** Keys this block looked up in the store, present and absent: the engine counts them if it wrote nothing. */
    int hits, misses;
    final List<Mutation> mutations = new ArrayList<>(2);
    /** This block's writes by keyspace and key: the cell they leave, or {@link #DELETED}. */
    private Map<KeyspaceState, Map<ByteBuffer, byte[]>> written;
    private Set<KeyspaceState> cleared;
    /** The collections this block has looked at, by keyspace and key. */
    private Map<KeyspaceState, Map<ByteBuffer, TxnCollection>> views;
    boolean done;

    Txn(Engine engine, long now) {
        this.engine = engine;
        this.now = now;
    }

    /** The time the block runs at, the same for all its reads and expiries. */
    public long now() {
        return now;
    }

    void check() {
        if (done) throw new IllegalStateException("a Txn is only valid inside its Atomic block");
    }

    private KeyspaceState state(Keyspace ks) {
        check();
        KeyspaceState s = engine.stateOf(ks);
        if (s.dropped) {
            throw new CairnException(CairnException.Code.NO_SUCH_KEYSPACE, "keyspace '" + s.name + "' was dropped");
        }
        return s;
    }

    /** The live cell of {@code key} as this block sees it, or null. */
    private byte[] cell(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        TxnCollection v = view(ks, key);
        if (v != null) {
            if (!v.exists()) return null;
            byte[] c = storedCell(ks, key);
            return c != null && Cells.type(c) == v.type() ? c : Cells.makeTyped(key, v.type(), false, 0, new byte[0], 0, 0);
        }
        return storedCell(ks, key);
    }

    /** {@link #cell} without the block's collection views: its string writes and deletes over the store. */
    private byte[] storedCell(KeyspaceState ks, byte[] key) {
        if (written != null) {
            Map<ByteBuffer, byte[]> m = written.get(ks);
            byte[] c = m == null ? null : m.get(ByteBuffer.wrap(key));
            if (c != null) return c == DELETED ? null : c;
        }
        if (cleared != null && cleared.contains(ks)) return null;
        byte[] c = ks.index().touch(key); // an access, for LRU and LFU
        if (c != null && Cells.live(c, now)) {
            hits++;
            return c;
        }
        misses++;
        return null;
    }

    private void remember(KeyspaceState ks, byte[] key, byte[] cell) {
        if (written == null) written = new HashMap<>();
        written.computeIfAbsent(ks, x -> new HashMap<>()).put(ByteBuffer.wrap(key), cell);
    }

    /**
     * The value of {@code key}, or null if absent. A key holding a collection is refused with
     * {@link CairnException.Code#WRONG_TYPE}.
     */
    public byte[] get(Keyspace ks, byte[] key) {
        byte[] c = cell(state(ks), key);
        return c == null ? null : Engine.stringValue(c);
    }

    /** What {@code key} holds, or null if it is absent. */
    public ValueType type(Keyspace ks, byte[] key) {
        byte[] c = cell(state(ks), key);
        return c == null ? null : ValueType.ofCode(Cells.type(c));
    }

    /**
     * The name Redis's OBJECT ENCODING gives what {@code key} holds as this store keeps it, or null if absent: a small
     * collection is "listpack" ("intset" for a set of integers), a large one "hashtable" (hash, set), "quicklist"
     * (list) or "skiplist" (sorted set); a string "int", "embstr" (up to 44 bytes) or "raw", as Redis decides.
     */
    public String encoding(Keyspace ks, byte[] key) {
        KeyspaceState s = state(ks);
        byte[] c = cell(s, key);
        if (c == null) return null;
        int type = Cells.type(c);
        if (type == Cells.STRING) {
            byte[] v = Cells.value(c);
            if (v.length <= 20 && Values.isLong(v)) return "int";
            return v.length <= 44 ? "embstr" : "raw";
        }
        TxnCollection view = collection(s, key, type);
        io.cairn.collection.CollectionValue value = view.current();
        boolean large = view.isLarge();
        if (type == Cells.LIST) return large ? "quicklist" : "listpack";
        if (type == Cells.ZSET) return large ? "skiplist" : "listpack";
        if (type == Cells.HASH) return large ? "hashtable" : "listpack";
        if (large) return "hashtable";
        boolean[] ints = {true};
        ((io.cairn.collection.SetValue) value).forEach(m -> {
            if (m.length > 20 || !Values.isLong(m)) ints[0] = false;
        });
        return ints[0] ? "intset" : "listpack";
    }

    /** The hash at {@code key} (perhaps absent: its changes create it); WRONG_TYPE if the key holds another type. */
    public TxnHash hash(Keyspace ks, byte[] key) {
        return (TxnHash) collection(state(ks), key, Cells.HASH);
    }

    /** The list at {@code key}; see {@link #hash}. */
    public TxnList list(Keyspace ks, byte[] key) {
        return (TxnList) collection(state(ks), key, Cells.LIST);
    }

    /** The set at {@code key}; see {@link #hash}. */
    public TxnSet set(Keyspace ks, byte[] key) {
        return (TxnSet) collection(state(ks), key, Cells.SET);
    }

    /** The sorted set at {@code key}; see {@link #hash}. */
    public TxnSortedSet sortedSet(Keyspace ks, byte[] key) {
        return (TxnSortedSet) collection(state(ks), key, Cells.ZSET);
    }

    private TxnCollection view(KeyspaceState ks, byte[] key) {
        if (views == null) return null;
        Map<ByteBuffer, TxnCollection> m = views.get(ks);
        return m == null ? null : m.get(ByteBuffer.wrap(key));
    }

    private TxnCollection collection(KeyspaceState ks, byte[] key, int type) {
        Objects.requireNonNull(key, "key");
        TxnCollection v = view(ks, key);
        if (v != null) {
            if (v.type() == type) return v;
            if (v.exists()) throw Engine.wrongType();
        }
        byte[] c = v != null ? null : storedCell(ks, key);
        io.cairn.collection.CollectionValue value = null;
        boolean shared = false;
        if (c != null) {
            if (Cells.type(c) != type) throw Engine.wrongType();
            shared = Cells.large(c);
            value = engine.readValue(c);
        }
        TxnCollection n = switch (type) {
            case Cells.HASH -> new TxnHash(this, ks, key, value, shared);
            case Cells.LIST -> new TxnList(this, ks, key, value, shared);
            case Cells.SET -> new TxnSet(this, ks, key, value, shared);
            default -> new TxnSortedSet(this, ks, key, value, shared);
        };
        if (views == null) views = new HashMap<>();
        views.computeIfAbsent(ks, x -> new HashMap<>()).put(ByteBuffer.wrap(key), n);
        return n;
    }

    /** A collection view's change: logged with the block's other writes. */
    void record(KeyspaceState ks, byte[] key, Mutation m) {
        mutations.add(m);
    }

    long expiryOf(KeyspaceState ks, byte[] key) {
        byte[] c = cell(ks, key);
        return c == null ? ABSENT : Cells.expireAt(c);
    }

    private void dropView(KeyspaceState ks, byte[] key) {
        TxnCollection v = view(ks, key);
        if (v != null) {
            v.invalidate();
            views.get(ks).remove(ByteBuffer.wrap(key));
        }
    }

    /**
     * Sets {@code key} to a whole collection {@code value} (built by the caller, which must not change it afterwards),
     * replacing whatever it holds; an empty value deletes the key. The STORE commands' write.
     */
    public void putValue(Keyspace ks, byte[] key, io.cairn.collection.CollectionValue value, long expireAt) {
        KeyspaceState s = state(ks);
        engine.checkKey(key);
        if (value.size() == 0) {
            delete(ks, key);
            return;
        }
        if (expireAt != 0 && expireAt <= now) {
            delete(ks, key);
            return;
        }
        byte[] enc = value.encode();
        dropView(s, key);
        mutations.add(new Mutation.Value(s.id, key, value.type(), enc, expireAt));
        remember(s, key, Cells.makeTyped(key, value.type(), false, 0, enc, enc.length, expireAt));
        TxnCollection v = collection(s, key, value.type());
        v.invalidate();
        v.reset(value.copy());
    }

    /**
     * Copies whatever {@code from} holds (string or collection) to {@code to}, replacing it, expiring at
     * {@code expireAt}; returns false (and changes nothing) if {@code from} is absent. RENAME, COPY and MOVE.
     */
    public boolean copyValue(Keyspace fromKs, byte[] from, Keyspace toKs, byte[] to, long expireAt) {
        KeyspaceState fs = state(fromKs);
        byte[] c = cell(fs, from);
        if (c == null) return false;
        if (Cells.type(c) == Cells.STRING) {
            put(toKs, to, Cells.value(c), expireAt);
            return true;
        }
        TxnCollection v = collection(fs, from, Cells.type(c));
        putValue(toKs, to, v.current().copy(), expireAt);
        return true;
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
        dropView(s, key);
        mutations.add(new Mutation.Put(s.id, key, value, expireAt));
        remember(s, key, Cells.make(key, false, value, expireAt));
    }

    /** Deletes {@code key}; returns whether it was present. */
    public boolean delete(Keyspace ks, byte[] key) {
        KeyspaceState s = state(ks);
        if (cell(s, key) == null) return false;
        dropView(s, key);
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
        if (views != null) {
            Map<ByteBuffer, TxnCollection> m = views.remove(s);
            if (m != null) m.values().forEach(TxnCollection::invalidate);
        }
        if (cleared == null) cleared = new HashSet<>();
        cleared.add(s);
    }
}
