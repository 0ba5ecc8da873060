package io.cairn;

import io.cairn.wal.FileLayer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * An open Cairn store: an in-memory index over a crash-safe write-ahead log in one directory.
 *
 * <pre>{@code
 * try (Cairn db = Cairn.open(Path.of("data"))) {
 *     db.put("user:1", "{\"first_name\":\"John\"}");
 *     String v = db.getString("user:1");
 *     db.delete("user:1");
 *     System.out.println(db.recoveryInfo());
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Durability.</b> Under the default {@link FsyncPolicy#ALWAYS}, a write returns only after an fsync covering
 *       its log record, so whatever a call reported as done survives {@code kill -9} and power loss. Concurrent
 *       writers share fsyncs (group commit).</li>
 *   <li><b>One mutation path.</b> Every change, from {@code put} to {@code dropKeyspace}, becomes one deterministic log
 *       record (absolute expiry times, resolved values) applied by one function, live and on recovery alike.</li>
 *   <li><b>Concurrency.</b> Thread-safe. Single-key operations are linearizable; reads never take a store-wide lock;
 *       writes are serialized by one short lock and wait for the disk outside it.</li>
 *   <li><b>Exclusivity.</b> One open store per directory: a second {@code open} of the same directory, from this
 *       process or another, fails at once with {@link CairnException.Code#LOCKED}.</li>
 * </ul>
 * The methods without a keyspace act on the {@code default} keyspace; see {@link Keyspace} for their contracts.
 */
public final class Cairn implements AutoCloseable {
    /** The keyspace every store has; it cannot be dropped or renamed. */
    public static final String DEFAULT_KEYSPACE = "default";

    private final Engine engine;
    private final Keyspace defaults;

    private Cairn(Engine engine) {
        this.engine = engine;
        this.defaults = engine.keyspace(DEFAULT_KEYSPACE);
    }

    /** Opens (creating if needed) the store in {@code dir} with the default options. */
    public static Cairn open(Path dir) {
        return open(dir, CairnOptions.defaults());
    }

    /**
     * Opens (creating if needed) the store in {@code dir}, replaying its log. A torn tail is truncated and reported in
     * {@link #recoveryInfo()}; damage followed by valid records fails with {@link CairnException.Code#CORRUPTED},
     * naming the file and offset, unless {@link CairnOptions.Builder#salvage(boolean)} is set.
     */
    public static Cairn open(Path dir, CairnOptions options) {
        return open(dir, options, FileLayer.DEFAULT);
    }

    /** Opens with a file layer of the caller's: the seam the fault-injection tests use. */
    static Cairn open(Path dir, CairnOptions options, FileLayer files) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        return new Cairn(Engine.open(dir, options, files));
    }

    // ---------------------------------------------------------------- the default keyspace

    public byte[] put(byte[] key, byte[] value) { return defaults.put(key, value); }
    public String put(String key, String value) { return defaults.put(key, value); }
    public byte[] put(byte[] key, byte[] value, Duration ttl) { return defaults.put(key, value, ttl); }
    public String put(String key, String value, Duration ttl) { return defaults.put(key, value, ttl); }
    public byte[] get(byte[] key) { return defaults.get(key); }
    public byte[] get(String key) { return defaults.get(key); }
    public String getString(String key) { return defaults.getString(key); }
    public byte[] delete(byte[] key) { return defaults.delete(key); }
    public String delete(String key) { return defaults.delete(key); }
    public byte[] putIfAbsent(byte[] key, byte[] value) { return defaults.putIfAbsent(key, value); }
    public String putIfAbsent(String key, String value) { return defaults.putIfAbsent(key, value); }
    public boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue) { return defaults.compareAndSet(key, expected, newValue); }
    public boolean compareAndSet(String key, String expected, String newValue) { return defaults.compareAndSet(key, expected, newValue); }
    public boolean contains(byte[] key) { return defaults.contains(key); }
    public boolean contains(String key) { return defaults.contains(key); }
    /** Live keys in the default keyspace; {@link #stats()} counts all keyspaces. */
    public long size() { return defaults.size(); }
    public boolean expire(byte[] key, Duration ttl) { return defaults.expire(key, ttl); }
    public boolean expire(String key, Duration ttl) { return defaults.expire(key, ttl); }
    public long ttlMillis(byte[] key) { return defaults.ttlMillis(key); }
    public long ttlMillis(String key) { return defaults.ttlMillis(key); }
    public boolean persist(byte[] key) { return defaults.persist(key); }
    public boolean persist(String key) { return defaults.persist(key); }
    public long increment(String key, long delta) { return defaults.increment(key, delta); }
    public void putLong(String key, long value) { defaults.putLong(key, value); }
    public OptionalLong getLong(String key) { return defaults.getLong(key); }
    public CompletableFuture<byte[]> putAsync(byte[] key, byte[] value) { return defaults.putAsync(key, value); }
    public CompletableFuture<byte[]> deleteAsync(byte[] key) { return defaults.deleteAsync(key); }
    /** Every live entry of the default keyspace; see {@link Keyspace#iterator()}. */
    public CloseableIterator<Entry> iterator() { return defaults.iterator(); }
    public Stream<Entry> stream() { return defaults.stream(); }

    // ---------------------------------------------------------------- batches

    /** Applies every operation of {@code batch} atomically and durably; an empty batch does nothing. */
    public void write(WriteBatch batch) {
        engine.write(batch);
    }

    /** {@link #write(WriteBatch)} without waiting for the disk: the future completes when the batch is durable. */
    public CompletableFuture<Void> writeAsync(WriteBatch batch) {
        return engine.writeAsync(batch);
    }

    // ---------------------------------------------------------------- keyspaces

    /**
     * Runs a read-modify-write over any keys of any keyspaces as one atomic, durable step: see {@link Atomic}.
     * Returns once its writes are durable under the fsync policy (at once if it wrote nothing).
     */
    public <R> R atomically(Atomic<R> op) {
        return engine.atomically(op);
    }

    /** {@link #atomically} whose future completes once its writes are durable. */
    public <R> CompletableFuture<R> atomicallyAsync(Atomic<R> op) {
        return engine.atomicallyAsync(op);
    }

    /**
     * Runs {@code body} with the store to the calling thread alone, and returns once what it wrote is durable.
     *
     * <p>While {@code body} runs, no other thread writes, and other threads' reads wait, so no one sees part of what it
     * does. Every write it makes on this thread, through any API ({@link Keyspace}, {@link Writer}, {@link WriteBatch},
     * {@link #atomically}), is applied at once (so its own later reads see it) and all of them are logged as one
     * record when it returns: after a crash, recovery has all of them or none. Keep it short: the whole store waits for
     * it. Groups do not nest, and a checkpoint or backup cannot be taken inside one ({@code INVALID_ARGUMENT}).
     *
     * <p>If {@code body} throws, nothing is rolled back: the writes it made before throwing are logged as one record
     * and made durable, then the exception is rethrown (as a Redis {@code EXEC} keeps the commands that ran). If that
     * record cannot be appended (a full disk, an I/O error), memory is ahead of the log: the store turns read-only
     * until it is reopened, which recovers the state without the group, and this throws
     * {@link CairnException.Code#READ_ONLY}.
     */
    public <R> R exclusively(java.util.function.Supplier<R> body) {
        return engine.exclusively(body);
    }

    /** A new {@link Writer}: writes that return before they are durable, for one thread. */
    public Writer writer() {
        return new Writer(engine);
    }

    /** Exchanges the contents of two keyspaces (entries, expiries, index kinds) in one step; names and handles stay. */
    public void swapKeyspaces(Keyspace a, Keyspace b) {
        engine.swapKeyspaces(a, b);
    }

    /** The hash at {@code key} in the default keyspace (the server's database 0); see {@link Keyspace#hash}. */
    public HashView hash(String key) {
        return defaultKeyspace().hash(key);
    }

    /** The list at {@code key} in the default keyspace; see {@link Keyspace#list}. */
    public ListView list(String key) {
        return defaultKeyspace().list(key);
    }

    /** The set at {@code key} in the default keyspace; see {@link Keyspace#set}. */
    public SetView set(String key) {
        return defaultKeyspace().set(key);
    }

    /** The sorted set at {@code key} in the default keyspace; see {@link Keyspace#sortedSet}. */
    public SortedSetView sortedSet(String key) {
        return defaultKeyspace().sortedSet(key);
    }

    /** The {@code default} keyspace. */
    public Keyspace defaultKeyspace() {
        return defaults;
    }

    /** The keyspace called {@code name}; fails with {@link CairnException.Code#NO_SUCH_KEYSPACE} if there is none. */
    public Keyspace keyspace(String name) {
        return engine.keyspace(name);
    }

    /** The keyspace called {@code name}, if it exists. */
    public Optional<Keyspace> findKeyspace(String name) {
        return engine.findKeyspace(name);
    }

    /** Creates a keyspace; fails with {@link CairnException.Code#KEYSPACE_EXISTS} if the name is taken. */
    public Keyspace createKeyspace(String name, IndexKind kind) {
        return engine.createKeyspace(name, kind);
    }

    /** The keyspace called {@code name}, created with {@code kind} if absent (an existing one keeps its kind). */
    public Keyspace keyspace(String name, IndexKind kind) {
        return engine.keyspaceOrCreate(name, kind);
    }

    /** All keyspaces, sorted by name. */
    public List<Keyspace> keyspaces() {
        return engine.keyspaces();
    }

    /** Drops a keyspace and everything in it; returns whether it existed. The default keyspace cannot be dropped. */
    public boolean dropKeyspace(String name) {
        return engine.dropKeyspace(name);
    }

    /** Renames a keyspace; handles to it stay valid. */
    public void renameKeyspace(String from, String to) {
        engine.renameKeyspace(from, to);
    }

    /** Copies a keyspace's live entries into a new keyspace of the same kind. */
    public Keyspace copyKeyspace(String from, String to) {
        return engine.copyKeyspace(from, to, null);
    }

    /** Copies a keyspace's live entries into a new keyspace of {@code kind}. */
    public Keyspace copyKeyspace(String from, String to, IndexKind kind) {
        return engine.copyKeyspace(from, to, Objects.requireNonNull(kind, "kind"));
    }

    /** Rebuilds a keyspace's index as {@code kind}, in place; a no-op if it is already of that kind. */
    public void convertKeyspace(String name, IndexKind kind) {
        engine.convertKeyspace(name, kind);
    }

    // ---------------------------------------------------------------- the store

    /**
     * The memory limits and eviction settings ({@link CairnOptions.Builder#maxMemory} and the rest), to read and to
     * change while the store runs: a change applies from the next write.
     */
    public MemoryLimits limits() {
        return engine.limits;
    }

    /**
     * Makes room under the memory limits now, as a write that grows the data does first: evicts keys under the
     * eviction policy while the store is past a limit. Returns whether it is within its limits afterwards (false under
     * {@link EvictionPolicy#NO_EVICTION}, or when no key qualifies). For a server that checks once before a command
     * which may grow the data, as Redis does; the store's own writes check for themselves.
     */
    public boolean makeRoom() {
        return engine.makeRoomLocked();
    }

    /**
     * Whether the store is within its memory and key limits now, without evicting anything: a lock-free read of its
     * account, for a caller that only needs to know (the server checks it before each command that may grow the data).
     */
    public boolean withinLimits() {
        return engine.withinLimits();
    }

    /**
     * Sets the one listener told of each key evicted (keyspace name, key), or removes it with {@code null}. It runs
     * under the store's write lock, right after the eviction's DELETE record is applied: keep it short, and do not
     * call the store from it. A listener that throws is logged and ignored.
     */
    public void onEviction(java.util.function.BiConsumer<String, byte[]> listener) {
        engine.evictionListener = listener;
    }

    /**
     * Sets the one listener told of each expired key the background expiry cycle removes from memory (keyspace name,
     * key), or removes it with {@code null}. It runs on the expiry thread, outside the store's locks, shortly after
     * the key expired (within one {@link CairnOptions.Builder#expiryInterval} while the cycle keeps up). A key read
     * after its expiry is already absent to readers before it is announced. A listener that throws is logged and
     * ignored.
     */
    public void onExpiry(java.util.function.BiConsumer<String, byte[]> listener) {
        engine.expiryListener = listener;
    }

    /** Sizes, log health and fsync latency, now. */
    public Stats stats() {
        return engine.stats();
    }

    // ---------------------------------------------------------------- snapshots, backups, restores

    /**
     * Takes a checkpoint now: a snapshot of the whole store, written while writes go on (they pause only for a moment
     * that does not grow with the store), then deletion of the older snapshots and log segments no longer needed.
     * Partitions unchanged since the previous snapshot are shared with it, not rewritten. Waits for a checkpoint
     * already in progress, then takes its own; returns the newest snapshot unchanged if nothing was written since.
     *
     * @throws CairnException IO_ERROR or DISK_FULL if it could not be written (the store and its log are unaffected)
     */
    public SnapshotInfo checkpoint() {
        return engine.checkpoint();
    }

    /**
     * The replica side of a store opened with {@link CairnOptions.Builder#replicatedLog} (cairn-cluster's state machine
     * drives it).
     *
     * @throws IllegalStateException if the store is not replicated
     */
    public Replica replica() {
        if (engine.replicated() == null) throw new IllegalStateException("the store in " + engine.directory() + " is not replicated");
        return new Replica(engine);
    }

    /**
     * {@link #checkpoint()} on a background thread (Redis's BGSAVE); the future fails with
     * {@link CairnException.Code#BUSY} if a checkpoint is in progress already.
     */
    public CompletableFuture<SnapshotInfo> checkpointAsync() {
        return engine.checkpointAsync();
    }

    /** The snapshots kept, newest first. */
    public List<SnapshotInfo> snapshots() {
        return engine.snapshots();
    }

    /**
     * Writes a consistent copy of the store into {@code target} (absent or empty) while writes go on: a checkpoint (its
     * files hard-linked where the file system allows) and the log after it up to the moment of the copy.
     * {@link #open(Path)} opens the copy. Returns the log sequence the copy ends at: it holds every write up to it.
     */
    public long backup(Path target) {
        return engine.backup(target);
    }

    /**
     * Opens one snapshot of the store in {@code dir} read-only: {@code sequence} as {@link #snapshots()} lists it, or
     * -1 for the newest. Takes no lock, so the store may be open elsewhere meanwhile; writes fail with
     * {@link CairnException.Code#READ_ONLY}.
     */
    public static Cairn openSnapshot(Path dir, long sequence) {
        Objects.requireNonNull(dir, "dir");
        return new Cairn(Engine.openSnapshot(dir, sequence));
    }

    /**
     * Builds in {@code target} (absent or empty) the store of {@code source} as of {@code point}: the newest snapshot
     * at or before it plus the log after that snapshot, up to the point. {@code source} is only read, and may be open
     * meanwhile. Open the result with {@link #open(Path)}.
     *
     * @return the snapshot written into {@code target}
     * @throws CairnException INVALID_ARGUMENT if the files no longer reach back to {@code point}
     */
    public static SnapshotInfo restore(Path source, Path target, RestorePoint point) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(point, "point");
        return Checkpoints.restore(source.toAbsolutePath(), target.toAbsolutePath(), point);
    }

    /**
     * Saves the live entries of keyspace {@code name}, as they are at one instant, to {@code file} (seed 003's
     * PERSIST): an LZ4-compressed, checksummed file that {@link #loadKeyspace} reads back, into this store or another.
     * Writes wait only while the keyspace's table is copied (milliseconds per million keys), not while the file is
     * written. Returns the number of entries saved.
     */
    public long persistKeyspace(String name, Path file) {
        return engine.persistKeyspace(engine.stateOf(keyspace(name)), file);
    }

    /**
     * Loads a file written by {@link #persistKeyspace} as a new keyspace {@code name} with index {@code kind} (seed
     * 003's LOAD, and with another name its COPY). Every checksum is verified before anything is written; the
     * entries are logged like any write, and the keyspace appears whole or not at all. Fails with KEYSPACE_EXISTS if
     * {@code name} is taken, CORRUPTED if the file is damaged.
     */
    public Keyspace loadKeyspace(Path file, String name, IndexKind kind) {
        return engine.loadKeyspace(file, name, kind);
    }

    /** What opening the store found and did. */
    public RecoveryInfo recoveryInfo() {
        return engine.recoveryInfo();
    }

    /** The data directory. */
    public Path directory() {
        return engine.directory();
    }

    /** The options the store was opened with. */
    public CairnOptions options() {
        return engine.options();
    }

    /** Forces everything written so far to disk, whatever the fsync policy. */
    public void sync() {
        engine.sync();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Waits for in-flight writes, forces the log to disk, stops the background threads and releases the directory.
     * Later calls fail with {@link CairnException.Code#CLOSED}. Closing twice is harmless.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "Cairn[" + engine.directory() + "]";
    }
}
