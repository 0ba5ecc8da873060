package io.cairn;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A named set of keys with one index kind. Obtain one from {@link Cairn#keyspace(String)} or
 * {@link Cairn#createKeyspace(String, IndexKind)}; the store's {@code default} keyspace is the one {@link Cairn}'s own
 * {@code put}/{@code get} use.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Thread-safe. Every single-key operation is linearizable. Reads take no lock.</li>
 *   <li>A write returns (or its future completes) only when its log record is durable under the store's
 *       {@link FsyncPolicy}. A concurrent reader may see a write slightly before its writer is told it is durable,
 *       exactly as with Redis's {@code appendfsync always}.</li>
 *   <li>Writes that find nothing to change ({@code delete} of a missing key, a failed {@code putIfAbsent} or
 *       {@code compareAndSet}) write no log record and return at once.</li>
 *   <li>An expired key is invisible at once; its memory is reclaimed in the background.</li>
 *   <li>A handle stays valid across {@link Cairn#renameKeyspace rename} and {@link Cairn#convertKeyspace convert}; after
 *       {@link Cairn#dropKeyspace drop} every call fails with {@link CairnException.Code#NO_SUCH_KEYSPACE}.</li>
 * </ul>
 * Keys and values are binary-safe byte strings; the {@code String} forms encode as UTF-8.
 */
public final class Keyspace {
    private final Engine engine;
    final KeyspaceState state;

    Keyspace(Engine engine, KeyspaceState state) {
        this.engine = engine;
        this.state = state;
    }

    Engine engine() {
        return engine;
    }

    /** The keyspace's current name. */
    public String name() {
        return state.name;
    }

    /** The keyspace's current index kind. */
    public IndexKind kind() {
        return state.index().kind();
    }

    // ---------------------------------------------------------------- reads

    /** The value of {@code key}, or {@code null} if absent or expired. */
    public byte[] get(byte[] key) {
        return engine.get(state, key);
    }

    /** The value of a UTF-8 key, or {@code null}. */
    public byte[] get(String key) {
        return get(utf8(key));
    }

    /** The value of {@code key} decoded as UTF-8, or {@code null}. */
    public String getString(String key) {
        return str(get(utf8(key)));
    }

    /**
     * The values of several keys read at one instant: no batch is ever seen half applied across them. The list has one
     * element per key, in the same order, {@code null} where the key is absent (Redis's MGET).
     */
    public List<byte[]> getAll(List<byte[]> keys) {
        return engine.getAll(state, keys);
    }

    /** Whether {@code key} is present and not expired. */
    /**
     * The hash at {@code key}, as the server's HSET and HGET see it: a view whose every call is one atomic, durable
     * operation (the key need not exist yet; its first field creates it).
     */
    public HashView hash(byte[] key) {
        return new HashView(this, key);
    }

    public HashView hash(String key) {
        return new HashView(this, utf8(key));
    }

    /** The list at {@code key} (LPUSH, LRANGE...); see {@link #hash}. */
    public ListView list(byte[] key) {
        return new ListView(this, key);
    }

    public ListView list(String key) {
        return new ListView(this, utf8(key));
    }

    /** The set at {@code key} (SADD, SMEMBERS...); see {@link #hash}. */
    public SetView set(byte[] key) {
        return new SetView(this, key);
    }

    public SetView set(String key) {
        return new SetView(this, utf8(key));
    }

    /** The sorted set at {@code key} (ZADD, ZRANGE...); see {@link #hash}. */
    public SortedSetView sortedSet(byte[] key) {
        return new SortedSetView(this, key);
    }

    public SortedSetView sortedSet(String key) {
        return new SortedSetView(this, utf8(key));
    }

    /** What {@code key} holds, or null if it is absent. */
    public ValueType type(byte[] key) {
        return engine.type(state, key);
    }

    /** Whether {@code key} is present, whatever it holds. */
    public boolean contains(byte[] key) {
        return engine.type(state, key) != null;
    }

    public boolean contains(String key) {
        return contains(utf8(key));
    }

    /**
     * The bytes {@code key}'s entry costs by the store's memory account ({@link Stats#usedMemory()}): its cell, its
     * expiry entry, its collection's structure if large, and its share of the index; -1 if the key is absent.
     */
    public long memoryUsage(byte[] key) {
        Objects.requireNonNull(key, "key");
        return engine.memoryUsage(engine.stateOf(this), key);
    }

    /** Bytes this keyspace holds by the store's memory account: its index, cells and collections. */
    public long memoryUsage() {
        return engine.stateOf(this).index().memory();
    }

    /**
     * The access stamp of a live key, in Redis's 24 bits: under an LFU policy the access counter (low 8 bits) and the
     * minute of its last decrement, else the second of its last access; -1 if absent. {@link #frequency} and
     * {@link #idleTime} read it.
     */
    int accessStamp(byte[] key) {
        return engine.accessStamp(engine.stateOf(this), key);
    }

    /** The LFU access counter of a live key (Redis's OBJECT FREQ), decayed to now; -1 if absent. */
    public int frequency(byte[] key) {
        int stamp = accessStamp(key);
        return stamp < 0 ? -1 : engine.access.decayed(stamp);
    }

    /** How long a live key has not been accessed (Redis's OBJECT IDLETIME, in seconds), or null if absent. */
    public Duration idleTime(byte[] key) {
        int stamp = accessStamp(key);
        return stamp < 0 ? null : Duration.ofMillis(engine.access.idleMillis(stamp));
    }

    /** Live keys in this keyspace; expired keys not yet reclaimed are not counted. */
    public long size() {
        return engine.size(state);
    }

    /** Whether the keyspace holds no live key. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The remaining time to live in milliseconds, with Redis's PTTL conventions: {@code -2} if the key is absent,
     * {@code -1} if it has no expiry.
     */
    public long ttlMillis(byte[] key) {
        return engine.ttlMillis(state, key);
    }

    public long ttlMillis(String key) {
        return ttlMillis(utf8(key));
    }

    /** The absolute expiry of a present key, empty if absent or not expiring. */
    public Optional<Instant> expiresAt(byte[] key) {
        long at = engine.expiresAt(state, key);
        return at > 0 ? Optional.of(Instant.ofEpochMilli(at)) : Optional.empty();
    }

    // ---------------------------------------------------------------- writes

    /** Sets {@code key} to {@code value}, clearing any expiry; returns the previous value or {@code null}. */
    public byte[] put(byte[] key, byte[] value) {
        return engine.put(state, key, value, 0L);
    }

    public String put(String key, String value) {
        return str(put(utf8(key), utf8(value, "value")));
    }

    /** Sets {@code key} to expire after {@code ttl} (positive); returns the previous value or {@code null}. */
    public byte[] put(byte[] key, byte[] value, Duration ttl) {
        return engine.put(state, key, value, engine.expiryFromTtl(ttl));
    }

    public String put(String key, String value, Duration ttl) {
        return str(put(utf8(key), utf8(value, "value"), ttl));
    }

    /** Sets {@code key} to expire at {@code expiresAt}; a time already past stores nothing visible. */
    public byte[] put(byte[] key, byte[] value, Instant expiresAt) {
        return engine.put(state, key, value, engine.expiryFromInstant(expiresAt));
    }

    /** Sets {@code key} only if absent; returns the present value if there was one (and then changes nothing). */
    public byte[] putIfAbsent(byte[] key, byte[] value) {
        return engine.putIfAbsent(state, key, value);
    }

    public String putIfAbsent(String key, String value) {
        return str(putIfAbsent(utf8(key), utf8(value, "value")));
    }

    /**
     * Atomically replaces the value if it equals {@code expected}. {@code expected == null} means "only if absent";
     * {@code newValue == null} means delete. A replaced key loses its expiry. {@code compareAndSet(k, null, null)} on
     * an absent key succeeds and changes nothing.
     *
     * @return whether the swap happened
     */
    public boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue) {
        return engine.compareAndSet(state, key, expected, newValue);
    }

    public boolean compareAndSet(String key, String expected, String newValue) {
        return compareAndSet(utf8(key), expected == null ? null : utf8(expected), newValue == null ? null : utf8(newValue));
    }

    /** Removes {@code key}; returns what was there, or {@code null}. */
    public byte[] delete(byte[] key) {
        return engine.delete(state, key);
    }

    public String delete(String key) {
        return str(delete(utf8(key)));
    }

    /** Gives a present key a time to live; a zero or negative ttl deletes it (as Redis does). */
    public boolean expire(byte[] key, Duration ttl) {
        return engine.expire(state, key, engine.expiryAfter(ttl));
    }

    public boolean expire(String key, Duration ttl) {
        return expire(utf8(key), ttl);
    }

    /** Makes a present key expire at {@code when}; a time already past deletes it. */
    public boolean expireAt(byte[] key, Instant when) {
        return engine.expire(state, key, Engine.epochMillis(when, "when"));
    }

    /** Removes the expiry of a present key; returns whether it had one. */
    public boolean persist(byte[] key) {
        return engine.persist(state, key);
    }

    public boolean persist(String key) {
        return persist(utf8(key));
    }

    /**
     * Adds {@code delta} to the integer stored at {@code key} (absent counts as 0) and returns the new value, keeping any
     * expiry, as Redis's INCRBY does. Fails with {@link CairnException.Code#NOT_A_NUMBER} if the value is not an integer
     * or the result would overflow.
     */
    public long increment(byte[] key, long delta) {
        return engine.increment(state, key, delta);
    }

    public long increment(String key, long delta) {
        return increment(utf8(key), delta);
    }

    /** Removes every key of this keyspace (one log record). */
    public void clear() {
        engine.clear(state);
    }

    // ---------------------------------------------------------------- typed values (see Values for the encoding)

    public void putLong(String key, long value) {
        put(utf8(key), Values.ofLong(value));
    }

    public OptionalLong getLong(String key) {
        byte[] v = get(utf8(key));
        return v == null ? OptionalLong.empty() : OptionalLong.of(Values.toLong(v));
    }

    public void putDouble(String key, double value) {
        put(utf8(key), Values.ofDouble(value));
    }

    public OptionalDouble getDouble(String key) {
        byte[] v = get(utf8(key));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(Values.toDouble(v));
    }

    public void putBoolean(String key, boolean value) {
        put(utf8(key), Values.ofBoolean(value));
    }

    public Optional<Boolean> getBoolean(String key) {
        byte[] v = get(utf8(key));
        return v == null ? Optional.empty() : Optional.of(Values.toBoolean(v));
    }

    // ---------------------------------------------------------------- non-blocking writes

    /**
     * Like {@link #put(byte[], byte[])}, but returns at once; the future completes with the previous value when the
     * write is durable under the store's policy. The record is logged and applied before this method returns, so a
     * later read on any thread sees it. Completion runs on the log's sync thread or the caller's: keep callbacks short
     * or use the {@code *Async} stages of {@link CompletableFuture}.
     *
     * <p>As with the other {@code *Async} methods, a mistake in the arguments (a null, a key or value over the limit)
     * is thrown at once; a failure of the write itself (closed store, full disk, failed fsync) completes the future
     * exceptionally. The call never waits for the disk, except once per log segment ({@code segmentSize} bytes),
     * when the full segment is fsynced before the next one is used.
     */
    public CompletableFuture<byte[]> putAsync(byte[] key, byte[] value) {
        return engine.putAsync(state, key, value, 0L);
    }

    public CompletableFuture<byte[]> putAsync(byte[] key, byte[] value, Duration ttl) {
        return engine.putAsync(state, key, value, engine.expiryFromTtl(ttl));
    }

    public CompletableFuture<byte[]> deleteAsync(byte[] key) {
        return engine.deleteAsync(state, key);
    }

    public CompletableFuture<Boolean> compareAndSetAsync(byte[] key, byte[] expected, byte[] newValue) {
        return engine.compareAndSetAsync(state, key, expected, newValue);
    }

    public CompletableFuture<Long> incrementAsync(byte[] key, long delta) {
        return engine.incrementAsync(state, key, delta);
    }

    // ---------------------------------------------------------------- iteration and scans

    /**
     * Every live entry, weakly consistent (like {@link java.util.concurrent.ConcurrentHashMap}'s iterators): entries
     * present throughout are seen once; concurrent changes may or may not be. In key order for ORDERED keyspaces.
     */
    public CloseableIterator<Entry> iterator() {
        return engine.iterator(state, Scan.ALL);
    }

    /** {@link #iterator()} as a stream; close it (try-with-resources) when done. */
    public Stream<Entry> stream() {
        return toStream(iterator());
    }

    /** Calls {@code action} with each live key and value. */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        try (CloseableIterator<Entry> it = iterator()) {
            while (it.hasNext()) {
                Entry e = it.next();
                action.accept(e.key(), e.value());
            }
        }
    }

    /**
     * A range or prefix scan, for ORDERED keyspaces (others fail with {@link CairnException.Code#WRONG_INDEX_KIND}).
     * <pre>{@code
     * try (CloseableIterator<Entry> it = ks.scan().from(a).to(b).reverse().limit(100).iterator()) { ... }
     * }</pre>
     */
    public Scan scan() {
        return new Scan(this);
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    public CloseableIterator<Entry> scanPrefix(byte[] prefix) {
        return scan().prefix(prefix).iterator();
    }

    CloseableIterator<Entry> iterator(Scan scan) {
        return engine.iterator(state, scan);
    }

    static Stream<Entry> toStream(CloseableIterator<Entry> it) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(it::close);
    }

    /**
     * One step of a cursor scan of a HASH keyspace, as Redis's {@code SCAN}: start with cursor {@code 0}, pass each
     * returned cursor to the next call, stop when it returns {@code 0}. Every key present from start to end is passed
     * to {@code keys} at least once (a key may come twice if the index grows meanwhile); about {@code count} keys a
     * step. Holds no state between steps. An ORDERED keyspace resumes by key instead: {@code scan().after(lastKey)}.
     *
     * @throws CairnException {@link CairnException.Code#WRONG_INDEX_KIND} for an ORDERED keyspace
     */
    public long scanKeys(long cursor, int count, java.util.function.Consumer<byte[]> keys) {
        Objects.requireNonNull(keys, "keys");
        return engine.scanKeys(state, cursor, Math.max(1, count), keys);
    }

    /**
     * A live key chosen at random, or {@code null} if the keyspace is empty. Near-uniform for HASH; close to uniform
     * for ORDERED (a random descent of its skip list).
     */
    public byte[] randomKey() {
        return engine.randomKey(state, java.util.concurrent.ThreadLocalRandom.current());
    }

    /** How many keys have an expiry (an expired key counts until it is reclaimed, at most an expiry interval). */
    public long expiringCount() {
        return engine.expiring(state);
    }

    @Override
    public String toString() {
        return "Keyspace[" + state.name + ", " + kind() + "]";
    }

    static byte[] utf8(String s) {
        return utf8(s, "key");
    }

    static byte[] utf8(String s, String what) {
        return Objects.requireNonNull(s, what).getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
