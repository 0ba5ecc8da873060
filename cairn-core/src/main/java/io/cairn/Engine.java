package io.cairn;

import io.cairn.index.Cells;
import io.cairn.index.Index;
import io.cairn.wal.FileLayer;
import io.cairn.wal.Wal;
import io.cairn.wal.WalScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * The store behind {@link Cairn} and {@link Keyspace}.
 *
 * <h2>The write path</h2>
 * Every write runs the same three steps under one short lock: <em>decide</em> (read the current state, resolve the
 * result and the one {@link Mutation} that expresses the change, with absolute times and concrete values), <em>log</em>
 * (append the mutation to the {@link Wal}, which hands it to the OS) and <em>apply</em> ({@link #apply(Mutation)}, the
 * only code that changes the indexes, also used by recovery). Then, outside the lock, the caller waits for the log to
 * make the record durable under the fsync policy, sharing fsyncs with every other writer waiting at the same time.
 *
 * <h2>Reads</h2>
 * Reads take no lock: an optimistic {@link StampedLock} read that is retried only if a batch was being applied at the
 * same moment, so a read never observes half a batch.
 */
final class Engine {
    private static final System.Logger LOG = System.getLogger("io.cairn");
    static final int EXPIRE_CHUNK = 1000;
    /** A recovery longer than this is logged as a warning; tests shorten it. */
    static volatile java.time.Duration slowRecovery = java.time.Duration.ofSeconds(30);

    private final Path dir;
    private final CairnOptions options;
    private final Clock clock;
    final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Large collections (past the compact encoding's limits) by the handle their cells hold. Changed and read under the
     * write lock only.
     */
    private final Map<Long, io.cairn.collection.CollectionValue> large = new HashMap<>();
    private long nextHandle = 1;
    /**
     * Whether records are being replayed after a snapshot: a record a collection already holds (its sequence is at or
     * below the collection's) is skipped, so a snapshot that saw a collection after later changes stays exact.
     */
    boolean replaying;
    /**
     * Held shared by a snapshot while it walks the indexes, exclusively by {@code copyKeyspace}: the one mutation
     * whose replay reads other keys' state (the source keyspace), which a snapshot taken during it could not reproduce.
     */
    final java.util.concurrent.locks.ReentrantReadWriteLock scanGate = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final StampedLock batchLock = new StampedLock();
    /** Keyspaces by id (ids are small and dense); writer only. An array: apply() looks one up for every write. */
    private KeyspaceState[] byId = new KeyspaceState[16];
    private volatile Map<String, KeyspaceState> byName = Map.of();
    int nextKeyspaceId;
    io.cairn.wal.RecordLog wal;
    /** On a replicated store (CairnOptions.replicatedLog), the same object as {@link #wal}; null otherwise. */
    private ReplicatedRecordLog replicated;
    /**
     * On a replicated store, the Raft term and index of the last entry of the group's log whose records are all
     * applied here: the place a snapshot captured now holds in that log. Written under the write lock.
     */
    long replicaTerm;
    long replicaIndex;
    Checkpoints checkpoints;
    /** The newest TIME record's instant (epoch ms): written before the first write of each new millisecond. */
    long lastTick;
    private final boolean timedLog;
    /** Opened from one snapshot alone, with no log: every write is refused. */
    private boolean readOnly;
    private FileLayer files;
    private RecoveryInfo recovery;
    /** Progress of the open, while it runs. */
    private LoadProgress load;
    private ProgressLog loadLog;
    /**
     * The data directories open in this JVM, by real path. The OS lock on {@code LOCK} is a POSIX record lock, which
     * belongs to the process and is dropped when the process closes <em>any</em> descriptor of the file; so a second
     * open in this process must be refused before it touches {@code LOCK} at all, or closing its channel would release
     * the first open's lock and let another process open the store at the same time. Package-private so that the
     * offline tool ({@link Tool}) can register the directory it works on by the same rule.
     */
    static final Set<Path> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private FileChannel lockChannel;
    private FileLock lock;
    private Path openKey;
    private ByteBuffer encodeBuffer = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private long opSeq;
    /**
     * The sequence of the log record that the mutation being applied belongs to, set before every {@link #apply}: a
     * live write's own record, the record recovery or a restore replays, or in an exclusive group the sequence the
     * group's one record will get (nothing else appends while a group is open). Writer only.
     */
    long applySeq;
    /** The open exclusive group's mutations in order, null when none is open; guarded by the write lock. */
    private List<Mutation> group;
    /** The sequence the open group's record will get. */
    private long groupSeq;
    /** The open group's stamp on the write side of {@link #batchLock}. */
    private long groupStamp;
    /**
     * The thread that holds the open exclusive group, else null. Read on the slow paths only: a reader whose optimistic
     * read failed checks it before waiting on {@link #batchLock}, which that thread itself holds.
     */
    private volatile Thread groupOwner;
    /** The thread in {@link #lockBatch}'s hold of the batch lock; only touched while applying, under the write lock. */
    private Thread batchOwner;
    private Thread expirer;
    private volatile boolean closed;
    private volatile long expiredReclaimed; // written under the write lock only

    private Engine(Path dir, CairnOptions options) {
        this.dir = dir;
        this.options = options;
        this.clock = options.clock();
        this.timedLog = !options.logRetention().isZero();
        this.access = new io.cairn.index.Access(clock);
        this.limits = new MemoryLimits(access, options);
        this.evictor = new Evictor(access);
    }

    /** Whether the log carries TIME records (a log retention window is set): point-in-time restore needs them. */
    boolean timedLog() {
        return timedLog;
    }

    static Engine open(Path dir, CairnOptions options, FileLayer files) {
        Engine e = new Engine(dir.toAbsolutePath(), options);
        try {
            e.start(files);
        } catch (IOException ex) {
            e.releaseLock();
            throw new CairnException(CairnException.Code.IO_ERROR, "could not open the store in " + dir + ": " + ex, ex);
        } catch (RuntimeException ex) {
            e.releaseLock();
            throw ex;
        }
        return e;
    }

    private void start(FileLayer files) throws IOException {
        this.files = files;
        Files.createDirectories(dir);
        acquireLock();
        long t0 = System.nanoTime();
        checkpoints = new Checkpoints(this, files);
        load = options.loadProgress() != null ? options.loadProgress() : new LoadProgress();
        long total = checkpoints.newestSnapshotBytes() + logFileBytes(dir.resolve("wal"));
        loadLog = new ProgressLog("loading " + dir, total, true);
        load.begin(total);
        try {
            recover(files, t0);
        } finally {
            load.finish();
            loadLog.done();
            loadLog = null;
        }
        if (!byName.containsKey(Cairn.DEFAULT_KEYSPACE)) {
            if (replicated != null) {
                // every replica of a new group starts from the same state without a record: one that it logged
                // would be decided by each node on its own
                bootstrapKeyspaces(List.of(Cairn.DEFAULT_KEYSPACE));
            } else {
                run(null, () -> {
                    log(new Mutation.CreateKeyspace(nextKeyspaceId, Cairn.DEFAULT_KEYSPACE, options.defaultIndexKind()));
                    return null;
                });
            }
        }
        dropUnfinishedLoads();
        checkpoints.start();
        expirer = new Thread(this::expireLoop, "cairn-expirer");
        expirer.setDaemon(true);
        expirer.start();
    }

    /**
     * Opens the snapshot at {@code sequence} (or the newest valid one for -1) of the store in {@code dir}, read-only:
     * no lock (the store may be open elsewhere), no log, every write refused with READ_ONLY.
     */
    static Engine openSnapshot(Path dir, long sequence) {
        Engine e = detached(dir);
        long t0 = System.nanoTime();
        Checkpoints.Loaded snap = e.checkpoints.loadForReading(sequence);
        e.recovery = new RecoveryInfo(0, 0, 0, !snap.skipped().isEmpty(), null, -1, null, snap.sequence(),
                Duration.ofNanos(System.nanoTime() - t0), snap.sequence(), snap.entries(), snap.took(), snap.skipped());
        return e;
    }

    /** An engine over no files, holding nothing: for building a state (restore) with {@link #apply}. */
    static Engine detached(Path dir) {
        Engine e = new Engine(dir.toAbsolutePath(), CairnOptions.defaults());
        e.readOnly = true;
        e.files = FileLayer.DEFAULT;
        e.checkpoints = new Checkpoints(e, FileLayer.DEFAULT);
        return e;
    }

    /**
     * Replaces the whole in-memory state with {@code states} (snapshot loading; nothing else runs yet, or a replica
     * reloading under both locks). A state object held before for the same id is kept, with the loaded contents, so
     * the handles that hold it stay valid; one not kept is dropped.
     */
    void install(List<KeyspaceState> states, int nextId) {
        KeyspaceState[] before = byId;
        byId = new KeyspaceState[16];
        byName = Map.of();
        nextKeyspaceId = 0;
        large.clear();
        for (KeyspaceState loaded : states) {
            // a replica reloading keeps the state objects its handles hold (Keyspace.state) for keyspaces that remain
            KeyspaceState old = loaded.id < before.length ? before[loaded.id] : null;
            KeyspaceState ks = loaded;
            if (old != null && !old.dropped) {
                old.takeFrom(loaded);
                ks = old;
            }
            addKeyspace(ks);
            if (ks.oversized != null) {
                for (byte[] c : ks.oversized) {
                    byte[] n = loadedCell(c);
                    if (n != c) {
                        ks.index().replace(Cells.key(c), n);
                        ks.index().addExternal(largeMemory(n));
                    }
                }
                ks.oversized = null;
            }
        }
        nextKeyspaceId = Math.max(nextKeyspaceId, nextId);
        for (KeyspaceState ks : before) if (ks != null && (ks.id >= byId.length || byId[ks.id] != ks)) ks.dropped = true;
    }

    /** Every live keyspace state, by id; under the write lock for a consistent view. */
    List<KeyspaceState> states() {
        List<KeyspaceState> out = new ArrayList<>();
        for (KeyspaceState ks : byId) if (ks != null) out.add(ks);
        return out;
    }

    FileLayer files() {
        return files;
    }

    Clock clock() {
        return clock;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** Loads the newest usable snapshot, then replays the log after it (see the class comment). */
    private void recover(FileLayer files, long t0) throws IOException {
        Checkpoints.Loaded snap = checkpoints.recover();
        long floor = snap.sequence();
        if (options.replicatedLog() != null) {
            // a replica keeps no log of its own: the group's log replays what follows the snapshot (Replica#apply)
            replicated = new ReplicatedRecordLog(options.replicatedLog(), dir, floor);
            wal = replicated;
            notePosition(checkpoints.newest());
            recovery = new RecoveryInfo(0, 0, 0, !snap.skipped().isEmpty(), null, -1, null, floor,
                    Duration.ofNanos(System.nanoTime() - t0), floor, snap.entries(), snap.took(), snap.skipped());
            return;
        }
        Wal.Config config = new Wal.Config(options.fsyncPolicy(), options.segmentSize(), options.preallocate(),
                options.gatherWrites());
        long[] replayed = new long[1];
        Wal.Opened opened = Wal.open(dir.resolve("wal"), dir.resolve("salvage"), files, config, options.salvage(), floor,
                new WalScanner.Visitor() {
                    private long counted; // bytes of the current segment reported so far

                    @Override
                    public void record(long seq, java.nio.ByteBuffer payload) {
                        long n = payload.remaining() + io.cairn.wal.WalRecordDescriptor.HEADER_LENGTH;
                        counted += n;
                        loaded(n);
                        if (seq <= floor) return; // the snapshot holds it
                        if (replayed[0] == 0 && seq > floor + 1) {
                            throw new CairnException(CairnException.Code.CORRUPTED, "the log in " + dir + " starts at sequence "
                                    + seq + " but " + (floor == 0 ? "no snapshot" : "the snapshot loaded (" + floor + ")")
                                    + " covers the records before it" + snap.problems());
                        }
                        replayed[0]++;
                        replay(seq, payload);
                    }

                    @Override
                    public void segmentRead(long fileBytes) {
                        loaded(Math.max(0, fileBytes - counted)); // the header and the unused tail
                        counted = 0;
                    }
                });
        wal = opened.wal();
        WalScanner.Result r = opened.recovery();
        recovery = new RecoveryInfo(replayed[0], r.segmentsScanned(), r.bytesTruncated(),
                r.corruptionDetected() || !snap.skipped().isEmpty(), r.damagedFile(), r.damagedOffset(), r.salvagedTo(),
                Math.max(floor, r.lastSequence()), Duration.ofNanos(System.nanoTime() - t0), floor, snap.entries(),
                snap.took(), snap.skipped());
        if (r.corruptionDetected() || !snap.skipped().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", dir, recovery);
        }
        if (recovery.took().compareTo(slowRecovery) > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0}: recovery took {1} s (over {2} s): {3}. More frequent checkpoints"
                    + " (checkpointLogBytes, checkpointInterval) shorten the log a start replays", dir,
                    recovery.took().toMillis() / 1000.0, slowRecovery.toMillis() / 1000.0, recovery);
        }
    }

    /** The snapshot's cells or the log's bytes {@code bytes} more were loaded: progress for readers and the log. */
    void loaded(long bytes) {
        LoadProgress l = load;
        ProgressLog log = loadLog;
        if (l == null || log == null) return; // not opening: a restore or a read-only view loads a snapshot too
        l.advance(bytes);
        log.at(l.loadedBytes());
    }

    private static long logFileBytes(Path walDir) {
        long n = 0;
        try {
            if (Files.isDirectory(walDir)) for (Path p : WalScanner.segmentFiles(walDir)) n += Files.size(p);
        } catch (IOException e) {
            // the scan reports what is wrong with the log
        }
        return n;
    }

    /** Applies one decoded log record: recovery and point-in-time restore. */
    void replayRecord(long seq, ByteBuffer payload) {
        replay(seq, payload);
    }

    private void replay(long seq, ByteBuffer payload) {
        replayMutation(seq, decode(seq, payload));
    }

    /** Applies a record read back from the log: see {@link #replaying}. */
    void replayMutation(long seq, Mutation m) {
        applySeq = seq;
        replaying = true;
        try {
            if (m instanceof Mutation.Batch b) {
                // decided once for the whole record, before any of it applies: a batch may change one collection
                // twice, and its first change already stamps the record's sequence on it
                Set<ByteBuffer> held = new HashSet<>();
                for (Mutation x : b.mutations()) {
                    int id = keyspaceOf(x);
                    byte[] key = keyOf(x);
                    if (key != null && id >= 0 && id < byId.length && byId[id] != null && held(byId[id], key)) {
                        held.add(heldKey(id, key));
                    }
                }
                heldAtStart = held; // only now: held() answers from it once it is set
            }
            apply(m);
        } finally {
            replaying = false;
            heldAtStart = null;
        }
    }

    /** While a batch replays: the keys whose collections held the record before it started (see {@link #held}). */
    private Set<ByteBuffer> heldAtStart;

    private static ByteBuffer heldKey(int keyspace, byte[] key) {
        return ByteBuffer.allocate(4 + key.length).putInt(keyspace).put(key).flip();
    }

    private static int keyspaceOf(Mutation m) {
        if (m instanceof Mutation.Put p) return p.keyspace();
        if (m instanceof Mutation.Delete d) return d.keyspace();
        if (m instanceof Mutation.Expire e) return e.keyspace();
        if (m instanceof Mutation.Collection c) return c.keyspace();
        if (m instanceof Mutation.Value v) return v.keyspace();
        return -1;
    }

    private static byte[] keyOf(Mutation m) {
        if (m instanceof Mutation.Put p) return p.key();
        if (m instanceof Mutation.Delete d) return d.key();
        if (m instanceof Mutation.Expire e) return e.key();
        if (m instanceof Mutation.Collection c) return c.key();
        if (m instanceof Mutation.Value v) return v.key();
        return null;
    }

    Mutation decode(long seq, ByteBuffer payload) {
        Mutation m;
        try {
            m = MutationDescriptor.decode(payload);
        } catch (RuntimeException e) {
            throw new CairnException(CairnException.Code.CORRUPTED, "log record " + seq + " in " + dir
                    + " has a valid checksum but does not decode (" + e.getMessage() + "); was it written by a newer Cairn?", e);
        }
        return m;
    }

    private void acquireLock() throws IOException {
        Path key = dir.toRealPath();
        if (!OPEN_IN_THIS_JVM.add(key)) {
            throw new CairnException(CairnException.Code.LOCKED, "the store in " + dir
                    + " is already open in this process; close it first or share the open instance");
        }
        openKey = key;
        Path lockFile = dir.resolve("LOCK");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lockChannel.close();
            lockChannel = null;
            throw new CairnException(CairnException.Code.LOCKED, "the store in " + dir
                    + " is already open in this process; close it first or share the open instance");
        }
        if (lock == null) {
            String holder = "";
            try {
                holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
            } catch (IOException ignored) {
                // the message is enough without it
            }
            lockChannel.close();
            lockChannel = null;
            throw new CairnException(CairnException.Code.LOCKED, "the store in " + dir + " is in use by another process"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
        }
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    }

    private void releaseLock() {
        try {
            if (lock != null) lock.release();
            if (lockChannel != null) lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release the lock of " + dir, e);
        }
        lock = null;
        lockChannel = null;
        if (openKey != null) {
            OPEN_IN_THIS_JVM.remove(openKey);
            openKey = null;
        }
    }

    // ================================================================== the one mutation path

    /** A write's decide-log-apply step, run under the write lock; returns the caller's result. */
    @FunctionalInterface
    private interface Locked<R> {
        R run();
    }

    /** What a write's locked step produced: the caller's result and its record's sequence (0 if none). */
    record Done<R>(R result, long seq) {
    }

    /** Runs {@code op} under the write lock. */
    private <R> Done<R> locked(KeyspaceState ks, Locked<R> op) {
        writeLock.lock();
        try {
            checkWritable(ks);
            opSeq = 0;
            R result = op.run();
            return new Done<>(result, opSeq);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code op} under the write lock, then waits for its record (if any) to be durable. */
    private <R> R run(KeyspaceState ks, Locked<R> op) {
        Done<R> done = locked(ks, op);
        if (done.seq() > 0) wal.awaitDurable(done.seq());
        return done.result();
    }

    /** Runs {@code op} under the write lock; the future completes when its record is durable. */
    private <R> CompletableFuture<R> runAsync(KeyspaceState ks, Locked<R> op) {
        Done<R> done;
        try {
            done = locked(ks, op);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<R> f = new CompletableFuture<>();
        if (done.seq() == 0) f.complete(done.result());
        else wal.completeWhenDurable(done.seq(), f, done.result());
        return f;
    }

    /**
     * Logs {@code m} and applies it; returns what {@link #apply} returns. Under the write lock only. In an exclusive
     * group (whose owner is then the only thread that can be here) it is applied now and logged with the group.
     */
    private byte[] log(Mutation m) {
        if (group != null) {
            addToGroup(m);
            applySeq = groupSeq;
            return apply(m);
        }
        if (timedLog) {
            long now = clock.millis();
            if (now > lastTick) {
                append(new Mutation.Tick(now));
                lastTick = now;
            }
        }
        opSeq = append(m);
        applySeq = opSeq;
        return apply(m);
    }

    /** Encodes {@code m} and appends it to the log; returns its sequence. Under the write lock only. */
    private long append(Mutation m) {
        long size = MutationDescriptor.size(m);
        int header = io.cairn.wal.WalRecordDescriptor.HEADER_LENGTH;
        if (size > Integer.MAX_VALUE - 64) {
            throw new CairnException(CairnException.Code.TOO_LARGE, "a write of " + size + " bytes is larger than a log record can be");
        }
        ByteBuffer b = encodeBuffer;
        if (b.capacity() < header + size) {
            b = ByteBuffer.allocate((int) Math.max(header + size, Math.min(Integer.MAX_VALUE - 64, b.capacity() * 2L)))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        b.clear().position(header);
        MutationDescriptor.encode(m, b);
        long seq = wal.append(b.array(), (int) size);
        // keep a small buffer; a huge one is dropped after use
        encodeBuffer = b.capacity() > (16 << 20) ? ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN) : b;
        return seq;
    }



    /**
     * Applies one mutation to memory: the only code that changes an index, used live and on recovery. Deterministic:
     * depends only on the mutation and the state. Returns the previous cell for PUT, DELETE and EXPIRE.
     */
    byte[] apply(Mutation m) {
        if (m instanceof Mutation.Put p) {
            KeyspaceState ks = state(p.keyspace());
            int hash = io.cairn.index.HashIndex.hashOf(p.key());
            if (replaying && held(ks, p.key())) return null;
            ks.markDirty(hash);
            byte[] prev = ks.index().put(p.key(), p.value(), p.expireAt(), hash);
            long delta = p.value().length;
            if (prev != null) {
                delta -= valueBytes(prev);
                release(ks.index(), prev);
                long was = Cells.expireAt(prev);
                if (was != 0) ks.expiries.remove(new KeyspaceState.Expiry(was, p.key()));
            } else {
                delta += p.key().length;
            }
            if (p.expireAt() != 0) ks.expiries.add(new KeyspaceState.Expiry(p.expireAt(), p.key().clone()));
            ks.addBytes(delta);
            return prev;
        }
        if (m instanceof Mutation.Delete d) {
            KeyspaceState ks = state(d.keyspace());
            int hash = io.cairn.index.HashIndex.hashOf(d.key());
            if (replaying && held(ks, d.key())) return null;
            ks.markDirty(hash);
            byte[] prev = ks.index().remove(d.key(), hash);
            if (prev != null) forget(ks, d.key(), prev);
            return prev;
        }
        if (m instanceof Mutation.Expire e) {
            KeyspaceState ks = state(e.keyspace());
            if (replaying && held(ks, e.key())) return null;
            ks.markDirty(io.cairn.index.HashIndex.hashOf(e.key()));
            Index index = ks.index();
            byte[] prev = index.get(e.key());
            if (prev == null) return null;
            long was = Cells.expireAt(prev);
            if (was != 0) ks.expiries.remove(new KeyspaceState.Expiry(was, e.key()));
            index.replace(e.key(), Cells.withExpiry(prev, e.expireAt()));
            if (e.expireAt() != 0) ks.expiries.add(new KeyspaceState.Expiry(e.expireAt(), e.key().clone()));
            return prev;
        }
        if (m instanceof Mutation.Collection c) {
            applyCollection(c);
            return null;
        }
        if (m instanceof Mutation.Value v) {
            applyValue(v);
            return null;
        }
        if (m instanceof Mutation.Batch b) {
            long stamp = lockBatch();
            try {
                for (Mutation x : b.mutations()) apply(x);
            } finally {
                unlockBatch(stamp);
            }
            return null;
        }
        if (m instanceof Mutation.SwapKeyspaces w) {
            KeyspaceState a = state(w.a());
            KeyspaceState b = state(w.b());
            a.dirty = KeyspaceState.allDirty();
            b.dirty = KeyspaceState.allDirty();
            long stamp = lockBatch();
            try {
                Index ia = a.index();
                a.index(b.index());
                b.index(ia);
                long bytes = a.bytes();
                a.bytes(b.bytes());
                b.bytes(bytes);
                List<KeyspaceState.Expiry> ea = new ArrayList<>(a.expiries);
                a.expiries.clear();
                a.expiries.addAll(b.expiries);
                b.expiries.clear();
                b.expiries.addAll(ea);
            } finally {
                unlockBatch(stamp);
            }
            return null;
        }
        if (m instanceof Mutation.Clear c) {
            KeyspaceState ks = state(c.keyspace());
            releaseAll(ks.index());
            ks.dirty = KeyspaceState.allDirty();
            ks.index().clear();
            ks.expiries.clear();
            ks.bytes(0);
            return null;
        }
        if (m instanceof Mutation.Tick t) {
            if (t.millis() > lastTick) lastTick = t.millis();
            return null;
        }
        if (m instanceof Mutation.CreateKeyspace c) {
            addKeyspace(new KeyspaceState(c.id(), c.name(), Index.create(c.kind())));
            return null;
        }
        if (m instanceof Mutation.DropKeyspace d) {
            KeyspaceState ks = state(d.id());
            releaseAll(ks.index());
            ks.dropped = true;
            byId[ks.id] = null;
            Map<String, KeyspaceState> names = new HashMap<>(byName);
            names.remove(ks.name);
            byName = Map.copyOf(names);
            return null;
        }
        if (m instanceof Mutation.RenameKeyspace r) {
            KeyspaceState ks = state(r.id());
            Map<String, KeyspaceState> names = new HashMap<>(byName);
            names.remove(ks.name);
            ks.name = r.name();
            names.put(r.name(), ks);
            byName = Map.copyOf(names);
            return null;
        }
        if (m instanceof Mutation.CopyKeyspace c) {
            KeyspaceState src = state(c.source());
            KeyspaceState copy = new KeyspaceState(c.id(), c.name(), rebuild(src.index(), c.kind(), true));
            copy.expiries.addAll(src.expiries);
            copy.bytes(src.bytes());
            addKeyspace(copy);
            return null;
        }
        if (m instanceof Mutation.ConvertKeyspace c) {
            KeyspaceState ks = state(c.id());
            ks.dirty = KeyspaceState.allDirty();
            if (ks.index().kind() != c.kind()) ks.index(rebuild(ks.index(), c.kind(), false));
            return null;
        }
        throw new IllegalArgumentException("unknown mutation " + m);
    }

    /**
     * Takes the write side of {@link #batchLock} for an apply that readers must see whole, or returns 0 when the
     * calling thread holds it already: its exclusive group, or a batch whose mutations include a swap (a
     * {@link StampedLock} is not reentrant).
     */
    private long lockBatch() {
        Thread me = Thread.currentThread();
        if (groupOwner == me || batchOwner == me) return 0;
        long stamp = batchLock.writeLock();
        batchOwner = me;
        return stamp;
    }

    private void unlockBatch(long stamp) {
        if (stamp == 0) return;
        batchOwner = null;
        batchLock.unlockWrite(stamp);
    }

    /** The same cells in an index of {@code kind}; with {@code copy}, large collections are copied, not shared. */
    private Index rebuild(Index from, IndexKind kind, boolean copy) {
        Index to = Index.create(kind);
        for (Iterator<Index.Slot> it = from.iterator(); it.hasNext(); ) {
            Index.Slot s = it.next();
            byte[] c = s.cell();
            if (copy && Cells.large(c)) {
                io.cairn.collection.CollectionValue v = large.get(Cells.handle(c)).copy();
                c = largeCell(s.key(), v, Cells.expireAt(c));
            }
            to.replace(s.key(), c); // cells are immutable: shared
            to.addExternal(largeMemory(c));
        }
        to.access(access);
        return to;
    }

    private void forget(KeyspaceState ks, byte[] key, byte[] cell) {
        long was = Cells.expireAt(cell);
        if (was != 0) ks.expiries.remove(new KeyspaceState.Expiry(was, key));
        ks.addBytes(-(key.length + valueBytes(cell)));
        release(ks.index(), cell);
    }

    // ---------------------------------------------------------------- collections

    /** The bytes a cell's value accounts for: a large collection's elements, else the value in the cell. */
    private long valueBytes(byte[] cell) {
        if (Cells.large(cell)) {
            io.cairn.collection.CollectionValue v = large.get(Cells.handle(cell));
            return v == null ? 0 : v.bytes();
        }
        return Cells.valueLength(cell);
    }

    /**
     * Drops the large collection a cell refers to, if any (the cell is leaving {@code index}), and its memory from the
     * index's account.
     */
    private void release(Index index, byte[] cell) {
        if (!Cells.large(cell)) return;
        io.cairn.collection.CollectionValue v = large.remove(Cells.handle(cell));
        if (v != null) index.addExternal(-footprint(v));
    }

    /** Drops every large collection of an index about to be cleared or dropped (whose account goes with it). */
    private void releaseAll(Index index) {
        if (large.isEmpty()) return;
        for (Iterator<byte[]> it = index.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            if (Cells.large(c)) large.remove(Cells.handle(c));
        }
    }

    /** The memory of the large collection a cell refers to, 0 for any other cell. */
    private long largeMemory(byte[] cell) {
        if (!Cells.large(cell)) return 0;
        io.cairn.collection.CollectionValue v = large.get(Cells.handle(cell));
        return v == null ? 0 : footprint(v);
    }

    /** A large collection's memory and its entry in {@link #large} (a map node and a boxed handle, 48 bytes). */
    static long footprint(io.cairn.collection.CollectionValue v) {
        return v.memory() + 48;
    }

    /** The large collection a cell refers to. Under the write lock. */
    io.cairn.collection.CollectionValue largeValue(byte[] cell) {
        return large.get(Cells.handle(cell));
    }

    /** A cell referring to {@code v}, registered under a new handle. */
    private byte[] largeCell(byte[] key, io.cairn.collection.CollectionValue v, long expireAt) {
        long h = nextHandle++;
        large.put(h, v);
        byte[] handle = new byte[8];
        for (int i = 0; i < 8; i++) handle[i] = (byte) (h >>> (56 - 8 * i));
        return Cells.makeTyped(key, v.type(), true, 0, handle, 8, expireAt);
    }

    /** The sequence of the last record that changed a collection cell's value. */
    private long seqOf(byte[] cell) {
        if (!Cells.large(cell)) return Cells.seq(cell);
        io.cairn.collection.CollectionValue v = large.get(Cells.handle(cell));
        return v == null ? 0 : v.seq;
    }

    /**
     * During replay: whether the key holds a collection that already reflects the record being applied (a snapshot
     * saw it after that record), so the record must be skipped.
     */
    private boolean held(KeyspaceState ks, byte[] key) {
        if (heldAtStart != null) return heldAtStart.contains(heldKey(ks.id, key));
        byte[] c = ks.index().get(key);
        return c != null && Cells.type(c) != Cells.STRING && seqOf(c) >= applySeq;
    }

    /**
     * A compact cell of a collection value's snapshot form: a large collection's cell becomes the compact encoding of
     * its elements (checkpoints and keyspace files hold no handles). Under the write lock for a large one.
     */
    byte[] compactCell(byte[] cell) {
        if (!Cells.large(cell)) return cell;
        io.cairn.collection.CollectionValue v = large.get(Cells.handle(cell));
        if (v == null) return null; // removed meanwhile
        byte[] enc = v.encode();
        return Cells.makeTyped(Cells.key(cell), v.type(), false, v.seq, enc, enc.length, Cells.expireAt(cell));
    }

    /** {@link #compactCell} under the write lock: for a snapshot's walk, which runs beside writers. */
    byte[] compactCellLocked(byte[] cell) {
        writeLock.lock();
        try {
            return compactCell(cell);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * A cell as loaded from a snapshot or keyspace file: a collection past the compact limits goes into a large
     * structure. Under the write lock or while opening.
     */
    byte[] loadedCell(byte[] cell) {
        if (Cells.type(cell) == Cells.STRING) return cell;
        int off = Cells.payloadOffset(cell);
        io.cairn.collection.Compact.Reader r = new io.cairn.collection.Compact.Reader(cell, off, cell.length - off);
        int type = Cells.type(cell);
        if (type == Cells.LIST ? cell.length - off <= io.cairn.collection.Compact.MAX_LIST_BYTES && r.count() <= 1024
                : r.count() <= io.cairn.collection.Compact.MAX_ENTRIES && fitsElements(cell, off, type)) {
            return cell;
        }
        io.cairn.collection.CollectionValue v = io.cairn.collection.CollectionValue.decode(cell);
        return largeCell(Cells.key(cell), v, Cells.expireAt(cell));
    }

    private static boolean fitsElements(byte[] cell, int off, int type) {
        io.cairn.collection.Compact.Reader r = new io.cairn.collection.Compact.Reader(cell, off, cell.length - off);
        while (r.more()) {
            if (r.next().length() > io.cairn.collection.Compact.MAX_ELEMENT) return false;
            if (type == Cells.HASH && r.next().length() > io.cairn.collection.Compact.MAX_ELEMENT) return false;
            if (type == Cells.ZSET) r.score();
        }
        return true;
    }

    /** The collection at {@code cell} as a value to read: large ones are the live structure, small ones decoded. */
    io.cairn.collection.CollectionValue readValue(byte[] cell) {
        return Cells.large(cell) ? large.get(Cells.handle(cell)) : io.cairn.collection.CollectionValue.decode(cell);
    }

    private void applyCollection(Mutation.Collection m) {
        KeyspaceState ks = state(m.keyspace());
        byte[] key = m.key();
        int hash = io.cairn.index.HashIndex.hashOf(key);
        Index index = ks.index();
        byte[] cell = index.get(key);
        int type = CollectionOps.typeOf(m.op());
        if (replaying && held(ks, key)) return;
        ks.markDirty(hash);
        io.cairn.collection.CollectionValue v;
        long expireAt = 0;
        boolean fresh = (m.op() & CollectionOps.FRESH) != 0 || cell == null || Cells.type(cell) != type;
        long before = 0;
        long memoryBefore = 0;
        if (fresh) {
            if (cell != null) {
                index.remove(key, hash);
                forget(ks, key, cell);
            }
            v = io.cairn.collection.CollectionValue.empty(type);
        } else {
            expireAt = Cells.expireAt(cell);
            before = valueBytes(cell);
            memoryBefore = largeMemory(cell);
            v = readValue(cell);
        }
        CollectionOps.apply(v, m.op(), m.a(), m.b(), m.items());
        v.seq = applySeq;
        if (memoryBefore != 0) index.addExternal(footprint(v) - memoryBefore); // a large value changed in place
        store(ks, key, hash, fresh ? null : cell, v, expireAt, before);
    }

    private void applyValue(Mutation.Value m) {
        KeyspaceState ks = state(m.keyspace());
        byte[] key = m.key();
        int hash = io.cairn.index.HashIndex.hashOf(key);
        if (replaying && held(ks, key)) return;
        ks.markDirty(hash);
        byte[] cell = ks.index().remove(key, hash);
        if (cell != null) forget(ks, key, cell);
        io.cairn.collection.CollectionValue v = io.cairn.collection.CollectionValue.decode(m.type(), m.encoding(), 0, m.encoding().length);
        v.seq = applySeq;
        store(ks, key, hash, null, v, m.expireAt(), 0);
        if (m.expireAt() != 0 && ks.index().get(key) != null) ks.expiries.add(new KeyspaceState.Expiry(m.expireAt(), key.clone()));
    }

    /**
     * Puts a changed collection back: deleted when empty, kept in its large structure if it has one, else encoded
     * compactly or moved into a large structure when past the limits. {@code old} is the cell it came from (null if
     * it starts afresh), whose expiry and accounting it keeps.
     */
    private void store(KeyspaceState ks, byte[] key, int hash, byte[] old, io.cairn.collection.CollectionValue v,
                       long expireAt, long before) {
        Index index = ks.index();
        if (v.size() == 0) {
            if (old != null) {
                ks.addBytes(valueBytes(old) - before); // forget() takes off what the cell accounted for before
                index.remove(key, hash);
                forget(ks, key, old);
            }
            return;
        }
        if (old != null && Cells.large(old)) {
            ks.addBytes(v.bytes() - before);
            return; // changed in place
        }
        io.cairn.collection.Compact.Writer w = new io.cairn.collection.Compact.Writer(64);
        v.encode(w);
        byte[] cell;
        long bytes;
        if (io.cairn.collection.Compact.fits(v.type(), w.entries(), w.largest(), w.bytes())) {
            byte[] enc = w.toBytes();
            cell = Cells.makeTyped(key, v.type(), false, v.seq, enc, enc.length, expireAt);
            bytes = Cells.valueLength(cell);
        } else {
            cell = largeCell(key, v, expireAt);
            bytes = v.bytes();
            index.addExternal(footprint(v));
        }
        index.replace(key, cell);
        ks.addBytes(bytes - (old == null ? -key.length : before));
    }

    private void addKeyspace(KeyspaceState ks) {
        if (ks.id >= byId.length) byId = java.util.Arrays.copyOf(byId, Math.max(ks.id + 1, byId.length * 2));
        byId[ks.id] = ks;
        ks.index().access(access);
        Map<String, KeyspaceState> names = new HashMap<>(byName);
        names.put(ks.name, ks);
        byName = Map.copyOf(names);
        nextKeyspaceId = Math.max(nextKeyspaceId, ks.id + 1);
    }

    private KeyspaceState state(int id) {
        KeyspaceState ks = id >= 0 && id < byId.length ? byId[id] : null;
        if (ks == null) {
            throw new CairnException(CairnException.Code.CORRUPTED, "a log record in " + dir + " names keyspace id " + id
                    + ", which does not exist at that point of the log");
        }
        return ks;
    }

    // ================================================================== checks

    private void checkOpen() {
        if (closed) throw new CairnException(CairnException.Code.CLOSED, "the store in " + dir + " is closed");
    }

    private void checkWritable(KeyspaceState ks) {
        checkOpen();
        if (readOnly) {
            throw new CairnException(CairnException.Code.READ_ONLY, "this is a read-only view of a snapshot of " + dir);
        }
        if (replicated != null && !replicated.log().writable()) {
            throw new CairnException(CairnException.Code.NOT_LEADER, "this replica of " + dir
                    + " does not lead its group now: writes go to the leader");
        }
        if (ks != null && ks.dropped) throw dropped(ks);
    }

    private static CairnException dropped(KeyspaceState ks) {
        return new CairnException(CairnException.Code.NO_SUCH_KEYSPACE, "keyspace '" + ks.name + "' was dropped");
    }

    /** The state behind a handle of this store's; refuses a handle from another store. */
    KeyspaceState stateOf(Keyspace ks) {
        Objects.requireNonNull(ks, "keyspace");
        if (ks.engine() != this) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, ks + " belongs to another store");
        }
        return ks.state;
    }

    void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length > options.maxKeySize()) {
            throw new CairnException(CairnException.Code.TOO_LARGE, "key of " + key.length
                    + " bytes exceeds the limit of " + options.maxKeySize() + " bytes (CairnOptions.maxKeySize)");
        }
    }

    void checkValue(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > options.maxValueSize()) {
            throw new CairnException(CairnException.Code.TOO_LARGE, "value of " + value.length
                    + " bytes exceeds the limit of " + options.maxValueSize() + " bytes (CairnOptions.maxValueSize)");
        }
    }

    long expiryFromTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "time to live must be positive, was " + ttl);
        }
        try {
            return Math.addExact(clock.millis(), Math.max(1, ttl.toMillis()));
        } catch (ArithmeticException e) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "time to live " + ttl + " is too large");
        }
    }

    long expiryFromInstant(Instant at) {
        long ms = epochMillis(at, "expiresAt");
        if (ms <= 0) throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "expiry must be after 1970, was " + at);
        return ms;
    }

    /**
     * The expiry for {@link Keyspace#expire}: {@code ttl} from now, or now itself for a zero or negative ttl (which
     * deletes the key). A ttl too large for epoch milliseconds is refused rather than wrapped into the past.
     */
    long expiryAfter(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        long now = clock.millis();
        if (ttl.isNegative() || ttl.isZero()) return now;
        try {
            return Math.addExact(now, Math.max(1, ttl.toMillis())); // a positive ttl under 1 ms still lives 1 ms
        } catch (ArithmeticException e) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "time to live " + ttl + " is too large");
        }
    }

    /** {@code at} in epoch milliseconds; a time too far back to count is long past, one too far ahead is refused. */
    static long epochMillis(Instant at, String what) {
        Objects.requireNonNull(at, what);
        try {
            return at.toEpochMilli();
        } catch (ArithmeticException e) {
            if (at.isBefore(Instant.EPOCH)) return Long.MIN_VALUE;
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, what + " " + at + " is too far in the future");
        }
    }

    // ================================================================== reads

    /** The live cell of {@code key}, read without half a batch. */
    private byte[] liveCell(KeyspaceState ks, byte[] key) {
        return liveCell(ks, key, false);
    }

    /**
     * {@link #liveCell}; with {@code touch}, the read counts as an access of the key for LRU and LFU (a read of its
     * value does; asking its type or expiry does not, as in Redis).
     */
    private byte[] liveCell(KeyspaceState ks, byte[] key, boolean touch) {
        long stamp = batchLock.tryOptimisticRead();
        byte[] c = touch ? ks.index().touch(key) : ks.index().get(key);
        if (!batchLock.validate(stamp) && groupOwner != Thread.currentThread()) { // a group's owner holds the lock
            stamp = batchLock.readLock();
            try {
                c = ks.index().get(key);
            } finally {
                batchLock.unlockRead(stamp);
            }
        }
        return live(c) ? c : null;
    }

    byte[] get(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        byte[] c = liveCell(ks, key, true);
        if (ks.dropped) throw dropped(ks);
        (c == null ? keyspaceMisses : keyspaceHits).increment();
        return c == null ? null : stringValue(c);
    }

    ValueType type(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        byte[] c = liveCell(ks, key);
        if (ks.dropped) throw dropped(ks);
        return c == null ? null : ValueType.ofCode(Cells.type(c));
    }

    /** A string cell's value; a collection's cell is refused with {@link CairnException.Code#WRONG_TYPE}. */
    static byte[] stringValue(byte[] c) {
        if (Cells.type(c) != Cells.STRING) throw wrongType();
        return Cells.value(c);
    }

    static CairnException wrongType() {
        return new CairnException(CairnException.Code.WRONG_TYPE, "the key holds a " + "value of another type");
    }

    /** What a write that replaced or removed {@code c} reports as the previous value: a collection's reads as empty. */
    private static byte[] previousValue(byte[] c) {
        return Cells.type(c) == Cells.STRING ? Cells.value(c) : EMPTY;
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * Runs {@code read} so that it sees no batch half applied: optimistically (a read racing a batch is discarded and
     * retried), and after three failed tries under the read lock, so a stream of batches cannot starve it. For reads
     * off the hot path; {@link #liveCell} inlines the same pattern to spare {@code get} the lambda.
     */
    private <T> T atOneInstant(Supplier<T> read) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long stamp = batchLock.tryOptimisticRead();
            T result = read.get();
            if (batchLock.validate(stamp)) return result;
            if (groupOwner == Thread.currentThread()) return result; // the group's owner holds the lock: no one else writes
        }
        long stamp = batchLock.readLock();
        try {
            return read.get();
        } finally {
            batchLock.unlockRead(stamp);
        }
    }

    List<byte[]> getAll(KeyspaceState ks, List<byte[]> keys) {
        Objects.requireNonNull(keys, "keys");
        checkOpen();
        byte[][] cells = atOneInstant(() -> {
            Index index = ks.index();
            byte[][] found = new byte[keys.size()][];
            for (int i = 0; i < found.length; i++) found[i] = index.get(Objects.requireNonNull(keys.get(i), "key"));
            return found;
        });
        if (ks.dropped) throw dropped(ks);
        long now = clock.millis();
        List<byte[]> out = new ArrayList<>(cells.length);
        int hits = 0;
        for (byte[] c : cells) {
            boolean live = c != null && Cells.live(c, now);
            if (live) hits++;
            out.add(live && Cells.type(c) == Cells.STRING ? Cells.value(c) : null);
        }
        keyspaceHits.add(hits);
        keyspaceMisses.add(cells.length - hits);
        return out;
    }

    long size(KeyspaceState ks) {
        checkOpen();
        if (ks.dropped) throw dropped(ks);
        return liveCount(ks, clock.millis());
    }

    /**
     * Entries held minus those expired but not yet reclaimed, both read at one instant: the reclaimer removes an entry
     * and its expiry under the batch lock, so a count never sees one without the other.
     */
    private long liveCount(KeyspaceState ks, long now) {
        return Math.max(0, atOneInstant(() -> (long) ks.index().size() - ks.expiredAt(now)));
    }

    long ttlMillis(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        byte[] c = liveCell(ks, key);
        if (ks.dropped) throw dropped(ks);
        if (c == null) return -2;
        long at = Cells.expireAt(c);
        return at == 0 ? -1 : Math.max(0, at - clock.millis());
    }

    long expiresAt(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        byte[] c = liveCell(ks, key);
        if (ks.dropped) throw dropped(ks);
        return c == null ? 0 : Cells.expireAt(c);
    }

    private byte[] liveValue(byte[] prevCell) {
        return live(prevCell) ? previousValue(prevCell) : null;
    }

    /** Whether a cell is present and not expired; reads the clock only for cells that can expire. */
    private boolean live(byte[] c) {
        return c != null && (!Cells.hasExpiry(c) || Cells.expireAt(c) > clock.millis());
    }

    // ================================================================== writes

    byte[] put(KeyspaceState ks, byte[] key, byte[] value, long expireAt) {
        checkKey(key);
        checkValue(value);
        return run(ks, () -> {
            makeRoomOrFail();
            return liveValue(log(new Mutation.Put(ks.id, key, value, expireAt)));
        });
    }

    CompletableFuture<byte[]> putAsync(KeyspaceState ks, byte[] key, byte[] value, long expireAt) {
        checkKey(key);
        checkValue(value);
        return runAsync(ks, () -> {
            makeRoomOrFail();
            return liveValue(log(new Mutation.Put(ks.id, key, value, expireAt)));
        });
    }

    byte[] putIfAbsent(KeyspaceState ks, byte[] key, byte[] value) {
        checkKey(key);
        checkValue(value);
        return run(ks, () -> {
            makeRoomOrFail();
            byte[] c = ks.index().get(key);
            if (live(c)) return stringValue(c);
            log(new Mutation.Put(ks.id, key, value, 0));
            return null;
        });
    }

    private Locked<Boolean> cas(KeyspaceState ks, byte[] key, byte[] expected, byte[] newValue) {
        checkKey(key);
        if (newValue != null) checkValue(newValue);
        return () -> {
            if (newValue != null) makeRoomOrFail();
            byte[] c = ks.index().get(key);
            if (!live(c)) c = null;
            boolean match = expected == null ? c == null : c != null && Cells.type(c) == Cells.STRING && Cells.valueEquals(c, expected);
            if (!match) return false;
            if (newValue != null) log(new Mutation.Put(ks.id, key, newValue, 0));
            else if (c != null) log(new Mutation.Delete(ks.id, key));
            return true;
        };
    }

    boolean compareAndSet(KeyspaceState ks, byte[] key, byte[] expected, byte[] newValue) {
        return run(ks, cas(ks, key, expected, newValue));
    }

    CompletableFuture<Boolean> compareAndSetAsync(KeyspaceState ks, byte[] key, byte[] expected, byte[] newValue) {
        return runAsync(ks, cas(ks, key, expected, newValue));
    }

    private Locked<byte[]> deletion(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        return () -> {
            byte[] c = ks.index().get(key);
            if (!live(c)) return null;
            return previousValue(log(new Mutation.Delete(ks.id, key)));
        };
    }

    byte[] delete(KeyspaceState ks, byte[] key) {
        return run(ks, deletion(ks, key));
    }

    CompletableFuture<byte[]> deleteAsync(KeyspaceState ks, byte[] key) {
        return runAsync(ks, deletion(ks, key));
    }

    boolean expire(KeyspaceState ks, byte[] key, long expireAt) {
        Objects.requireNonNull(key, "key");
        return run(ks, () -> {
            byte[] c = ks.index().get(key);
            long now = clock.millis();
            if (c == null || !Cells.live(c, now)) return false;
            log(expireAt <= now ? new Mutation.Delete(ks.id, key) : new Mutation.Expire(ks.id, key, expireAt));
            return true;
        });
    }

    boolean persist(KeyspaceState ks, byte[] key) {
        Objects.requireNonNull(key, "key");
        return run(ks, () -> {
            byte[] c = ks.index().get(key);
            if (!live(c) || Cells.expireAt(c) == 0) return false;
            log(new Mutation.Expire(ks.id, key, 0));
            return true;
        });
    }

    private Locked<Long> incrementation(KeyspaceState ks, byte[] key, long delta) {
        checkKey(key);
        return () -> {
            makeRoomOrFail();
            byte[] c = ks.index().get(key);
            if (!live(c)) c = null;
            long current = c == null ? 0 : Values.toLong(stringValue(c));
            long next;
            try {
                next = Math.addExact(current, delta);
            } catch (ArithmeticException e) {
                throw new CairnException(CairnException.Code.NOT_A_NUMBER, "increment or decrement would overflow");
            }
            log(new Mutation.Put(ks.id, key, Values.ofLong(next), c == null ? 0 : Cells.expireAt(c)));
            return next;
        };
    }

    long increment(KeyspaceState ks, byte[] key, long delta) {
        return run(ks, incrementation(ks, key, delta));
    }

    CompletableFuture<Long> incrementAsync(KeyspaceState ks, byte[] key, long delta) {
        return runAsync(ks, incrementation(ks, key, delta));
    }

    void clear(KeyspaceState ks) {
        run(ks, () -> {
            log(new Mutation.Clear(ks.id));
            return null;
        });
    }

    // ---------------------------------------------------------------- atomic blocks

    <R> Done<R> atomic(Atomic<R> op) {
        Objects.requireNonNull(op, "op");
        writeLock.lock();
        try {
            // a block that only reads runs on a read-only view too (a snapshot opened alone): only writing is refused
            checkOpen();
            opSeq = 0;
            // as Redis before every command: evict what the policy allows; whether that made room matters only if the
            // block turns out to grow the data, and then nothing of it is applied
            boolean room = readOnly || makeRoom();
            Txn t = new Txn(this, clock.millis());
            R r;
            try {
                r = op.apply(t);
            } finally {
                t.done = true;
            }
            if (t.mutations.isEmpty()) { // a read: its lookups count as Redis counts a read command's, a write's not
                if (t.hits != 0) keyspaceHits.add(t.hits);
                if (t.misses != 0) keyspaceMisses.add(t.misses);
            }
            List<Mutation> ms = t.mutations;
            if (!ms.isEmpty()) {
                checkWritable(null);
                if (!room && ms.stream().anyMatch(Engine::grows)) throw outOfMemory();
                log(ms.size() == 1 ? ms.get(0) : new Mutation.Batch(ms)); // the block is over: no copy needed
            }
            return new Done<>(r, opSeq);
        } finally {
            writeLock.unlock();
        }
    }

    <R> R atomically(Atomic<R> op) {
        Done<R> d = atomic(op);
        if (d.seq() > 0) wal.awaitDurable(d.seq());
        return d.result();
    }

    <R> CompletableFuture<R> atomicallyAsync(Atomic<R> op) {
        Done<R> d;
        try {
            d = atomic(op);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<R> f = new CompletableFuture<>();
        if (d.seq() == 0) f.complete(d.result());
        else wal.completeWhenDurable(d.seq(), f, d.result());
        return f;
    }

    // ---------------------------------------------------------------- exclusive groups

    /**
     * Opens an exclusive group on the calling thread: until {@link #endGroup}, no other thread writes, and no other
     * thread reads (its reads wait), while every write this thread makes, through any API, is applied at once (so its
     * later reads see it) and kept for one log record. Takes the write lock and the write side of the batch lock;
     * groups do not nest. Any TIME record due is appended here, so that the group's record gets the sequence
     * predicted now ({@link #applySeq}).
     */
    void beginGroup() {
        writeLock.lock();
        try {
            if (group != null) {
                throw new IllegalStateException("an exclusive group is open on this thread already; groups do not nest");
            }
            checkWritable(null);
            if (timedLog) {
                long now = clock.millis();
                if (now > lastTick) {
                    append(new Mutation.Tick(now));
                    lastTick = now;
                }
            }
            groupSeq = wal.nextSequence();
            groupStamp = batchLock.writeLock();
            groupOwner = Thread.currentThread();
            group = new ArrayList<>();
        } catch (RuntimeException | Error e) {
            writeLock.unlock();
            throw e;
        }
    }

    /** Adds {@code m} to the open group, flattening batches: a log record holds one level of batch. */
    private void addToGroup(Mutation m) {
        if (m instanceof Mutation.Batch b) {
            for (Mutation x : b.mutations()) addToGroup(x);
        } else {
            group.add(m);
        }
    }

    /**
     * Closes the calling thread's group: appends its mutations as one record (a batch, or the one mutation) and returns
     * its sequence, 0 if the group wrote nothing; then releases the locks, whatever happens. If the record cannot be
     * appended, memory is ahead of the log: the store turns read-only (as after a failed fsync, until reopened) and
     * this throws READ_ONLY.
     */
    long endGroup() {
        if (groupOwner != Thread.currentThread()) throw new IllegalStateException("no exclusive group is open on this thread");
        List<Mutation> ms = group;
        try {
            if (ms.isEmpty()) return 0;
            Mutation record = ms.size() == 1 ? ms.get(0) : new Mutation.Batch(ms);
            long seq;
            try {
                seq = append(record);
            } catch (RuntimeException e) {
                String why = "the log record of an exclusive group of " + ms.size() + " writes could not be appended ("
                        + e.getMessage() + ") after the writes were applied in memory; the store in " + dir
                        + " refuses writes until it is reopened, and reopening recovers the state without them";
                wal.fail(new java.io.IOException(why, e));
                throw new CairnException(CairnException.Code.READ_ONLY, why, e);
            }
            if (seq != groupSeq) {
                throw new IllegalStateException("exclusive group expected sequence " + groupSeq + " but got " + seq);
            }
            return seq;
        } finally {
            group = null;
            groupOwner = null;
            long stamp = groupStamp;
            groupStamp = 0;
            batchLock.unlockWrite(stamp);
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code body} in an exclusive group ({@link #beginGroup}) and returns its result without waiting for
     * durability; {@code logged} receives the group's record's sequence if it wrote anything. If the body throws, what
     * it wrote has been applied and is logged all the same (nothing is rolled back, as with a Redis EXEC: a command
     * that ran stays), {@code logged} is told, and the exception is rethrown.
     */
    <R> R exclusive(Supplier<R> body, java.util.function.LongConsumer logged) {
        Objects.requireNonNull(body, "body");
        beginGroup();
        R result;
        try {
            result = body.get();
        } catch (RuntimeException | Error e) {
            try {
                long seq = endGroup();
                if (seq > 0) logged.accept(seq);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        long seq = endGroup();
        if (seq > 0) logged.accept(seq);
        return result;
    }

    <R> R exclusively(Supplier<R> body) {
        long[] seq = {0};
        R r;
        try {
            r = exclusive(body, s -> seq[0] = s);
        } catch (RuntimeException | Error e) {
            if (seq[0] > 0) {
                try {
                    wal.awaitDurable(seq[0]);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        if (seq[0] > 0) wal.awaitDurable(seq[0]);
        return r;
    }

    /** Refuses {@code what} on the thread of an open group: it would see or wait for a group that cannot end. */
    private void checkNotInGroup(String what) {
        if (groupOwner == Thread.currentThread()) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, what + " cannot run inside an exclusive group");
        }
    }

    /**
     * A put that does not wait for durability; returns its record's sequence. The server's plain SET: written out
     * rather than through {@link #locked}, which would allocate a capturing lambda and a {@link Done} per write.
     */
    long putNoWait(KeyspaceState ks, byte[] key, byte[] value, long expireAt) {
        checkKey(key);
        checkValue(value);
        writeLock.lock();
        try {
            checkWritable(ks);
            opSeq = 0;
            makeRoomOrFail();
            log(new Mutation.Put(ks.id, key, value, expireAt));
            return opSeq;
        } finally {
            writeLock.unlock();
        }
    }

    boolean isDurable(long seq) {
        return wal.durableSequence() >= seq || (replicated == null && options.fsyncPolicy().mode() != FsyncPolicy.Mode.ALWAYS);
    }

    CompletableFuture<Void> whenDurable(long seq) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        wal.completeWhenDurable(seq, f, null);
        return f;
    }

    /** Exchanges the contents (entries, expiries, index kinds) of two keyspaces; names and handles stay. */
    void swapKeyspaces(Keyspace a, Keyspace b) {
        run(null, swap(stateOf(a), stateOf(b)));
    }

    /** {@link #swapKeyspaces} without waiting for durability; returns the record's sequence (0 if none). */
    long swapKeyspacesNoWait(Keyspace a, Keyspace b) {
        return locked(null, swap(stateOf(a), stateOf(b))).seq();
    }

    private Locked<Void> swap(KeyspaceState a, KeyspaceState b) {
        return () -> {
            checkWritable(a);
            checkWritable(b);
            if (a != b) log(new Mutation.SwapKeyspaces(a.id, b.id));
            return null;
        };
    }

    /**
     * One step of a cursor scan over a HASH keyspace; see {@link Keyspace#scanKeys}. Live keys only.
     */
    long scanKeys(KeyspaceState ks, long cursor, int count, java.util.function.Consumer<byte[]> keys) {
        checkOpen();
        if (ks.dropped) throw dropped(ks);
        Index index = ks.index();
        if (index.kind() != IndexKind.HASH) {
            throw new CairnException(CairnException.Code.WRONG_INDEX_KIND, "keyspace '" + ks.name
                    + "' is ORDERED; a cursor scan of it resumes after a key (Keyspace.scan().after)");
        }
        long now = clock.millis();
        return ((io.cairn.index.HashIndex) index).scan(cursor, count, c -> {
            if (Cells.live(c, now)) keys.accept(Cells.key(c));
        });
    }

    /** A live key picked at random, or null if there is none. */
    byte[] randomKey(KeyspaceState ks, java.util.random.RandomGenerator random) {
        checkOpen();
        if (ks.dropped) throw dropped(ks);
        long now = clock.millis();
        for (int attempt = 0; attempt < 100; attempt++) {
            Index index = ks.index();
            byte[] c;
            if (index instanceof io.cairn.index.HashIndex h) {
                c = h.random(random);
            } else {
                c = ((io.cairn.index.OrderedIndex) index).random(random);
            }
            if (c == null) return null;
            if (Cells.live(c, now)) return Cells.key(c);
        }
        // mostly expired entries not yet reclaimed: walk for a live one
        for (Iterator<Index.Slot> it = ks.index().iterator(); it.hasNext(); ) {
            Index.Slot s = it.next();
            if (Cells.live(s.cell(), now)) return s.key().clone();
        }
        return null;
    }

    /** Keys of {@code ks} that have an expiry (expired ones not yet reclaimed included). */
    long expiring(KeyspaceState ks) {
        return ks.expiries.size();
    }

    // ---------------------------------------------------------------- batches

    private Locked<Void> batch(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        List<WriteBatch.Op> ops = List.copyOf(batch.ops);
        for (WriteBatch.Op op : ops) {
            checkKey(op.key());
            if (op.value() != null) checkValue(op.value());
            if (op.keyspace() != null) stateOf(op.keyspace());
        }
        boolean hasExpire = ops.stream().anyMatch(op -> op.kind() == WriteBatch.Op.EXPIRE);
        boolean grows = ops.stream().anyMatch(op -> op.value() != null);
        return () -> {
            if (ops.isEmpty()) return null;
            if (grows) makeRoomOrFail();
            long now = clock.millis();
            List<Mutation> ms = new ArrayList<>(ops.size());
            // whether each key written earlier in this batch is present after those writes (only needed for EXPIRE)
            Map<KeyspaceState, Map<ByteBuffer, Boolean>> present = hasExpire ? new HashMap<>() : null;
            for (WriteBatch.Op op : ops) {
                KeyspaceState ks = op.keyspace() == null ? byName.get(Cairn.DEFAULT_KEYSPACE) : op.keyspace().state;
                if (ks.dropped) throw dropped(ks);
                boolean nowPresent;
                switch (op.kind()) {
                    case WriteBatch.Op.PUT:
                        ms.add(new Mutation.Put(ks.id, op.key(), op.value(), op.ttl() == null ? 0 : ttlFrom(now, op.ttl())));
                        nowPresent = true;
                        break;
                    case WriteBatch.Op.DELETE:
                        ms.add(new Mutation.Delete(ks.id, op.key()));
                        nowPresent = false;
                        break;
                    default:
                        if (op.ttl().isNegative() || op.ttl().isZero()) {
                            ms.add(new Mutation.Delete(ks.id, op.key()));
                            nowPresent = false;
                            break;
                        }
                        // Decide here, against what readers see, whether the key is present: an expired key not yet
                        // reclaimed is absent, and its EXPIRE must not be logged (it would bring the key back, live
                        // or on replay, depending on whether the reclaimer got to it first).
                        long at = ttlFrom(now, op.ttl());
                        Boolean earlier = present.computeIfAbsent(ks, x -> new HashMap<>()).get(ByteBuffer.wrap(op.key()));
                        byte[] c = earlier == null ? ks.index().get(op.key()) : null;
                        nowPresent = earlier != null ? earlier : c != null && Cells.live(c, now);
                        if (nowPresent) ms.add(new Mutation.Expire(ks.id, op.key(), at));
                }
                if (present != null) present.computeIfAbsent(ks, x -> new HashMap<>()).put(ByteBuffer.wrap(op.key()), nowPresent);
            }
            if (ms.isEmpty()) return null;
            log(ms.size() == 1 ? ms.get(0) : new Mutation.Batch(ms));
            return null;
        };
    }

    private static long ttlFrom(long now, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "time to live must be positive, was " + ttl);
        }
        try {
            return Math.addExact(now, Math.max(1, ttl.toMillis()));
        } catch (ArithmeticException e) {
            // wrapped, it would land in the past: the entry would vanish instead of living long
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "time to live " + ttl + " is too large");
        }
    }

    void write(WriteBatch batch) {
        run(null, batch(batch));
    }

    CompletableFuture<Void> writeAsync(WriteBatch batch) {
        try {
            return runAsync(null, batch(batch));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---------------------------------------------------------------- keyspaces

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        int n = name.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > 255) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT,
                    "a keyspace name must be 1 to 255 bytes of UTF-8, was " + n + " bytes");
        }
        return name;
    }

    private KeyspaceState named(String name) {
        KeyspaceState ks = byName.get(name);
        if (ks == null) throw new CairnException(CairnException.Code.NO_SUCH_KEYSPACE, "no keyspace named '" + name + "'");
        return ks;
    }

    Keyspace keyspace(String name) {
        checkOpen();
        return new Keyspace(this, named(checkName(name)));
    }

    Optional<Keyspace> findKeyspace(String name) {
        checkOpen();
        KeyspaceState ks = byName.get(checkName(name));
        return ks == null ? Optional.empty() : Optional.of(new Keyspace(this, ks));
    }

    Keyspace createKeyspace(String name, IndexKind kind) {
        checkName(name);
        Objects.requireNonNull(kind, "kind");
        return run(null, () -> {
            if (byName.containsKey(name)) {
                throw new CairnException(CairnException.Code.KEYSPACE_EXISTS, "a keyspace named '" + name + "' exists already");
            }
            log(new Mutation.CreateKeyspace(nextKeyspaceId, name, kind));
            return new Keyspace(this, byName.get(name));
        });
    }

    Keyspace keyspaceOrCreate(String name, IndexKind kind) {
        checkName(name);
        Objects.requireNonNull(kind, "kind");
        KeyspaceState existing = byName.get(name);
        if (existing != null) {
            checkOpen();
            return new Keyspace(this, existing);
        }
        return run(null, () -> {
            if (!byName.containsKey(name)) log(new Mutation.CreateKeyspace(nextKeyspaceId, name, kind));
            return new Keyspace(this, byName.get(name));
        });
    }

    List<Keyspace> keyspaces() {
        checkOpen();
        TreeMap<String, KeyspaceState> sorted = new TreeMap<>(byName);
        List<Keyspace> out = new ArrayList<>(sorted.size());
        for (KeyspaceState ks : sorted.values()) out.add(new Keyspace(this, ks));
        return Collections.unmodifiableList(out);
    }

    boolean dropKeyspace(String name) {
        checkName(name);
        if (name.equals(Cairn.DEFAULT_KEYSPACE)) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "the default keyspace cannot be dropped; clear() empties it");
        }
        return run(null, () -> {
            KeyspaceState ks = byName.get(name);
            if (ks == null) return false;
            log(new Mutation.DropKeyspace(ks.id));
            return true;
        });
    }

    void renameKeyspace(String from, String to) {
        checkName(from);
        checkName(to);
        if (from.equals(Cairn.DEFAULT_KEYSPACE)) {
            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "the default keyspace cannot be renamed");
        }
        run(null, () -> {
            KeyspaceState ks = named(from);
            if (from.equals(to)) return null;
            if (byName.containsKey(to)) {
                throw new CairnException(CairnException.Code.KEYSPACE_EXISTS, "a keyspace named '" + to + "' exists already");
            }
            log(new Mutation.RenameKeyspace(ks.id, to));
            return null;
        });
    }

    Keyspace copyKeyspace(String from, String to, IndexKind kind) {
        checkName(from);
        checkName(to);
        scanGate.writeLock().lock(); // waits for a snapshot's walk to end: see scanGate
        try {
            return run(null, () -> {
                KeyspaceState src = named(from);
                if (byName.containsKey(to)) {
                    throw new CairnException(CairnException.Code.KEYSPACE_EXISTS, "a keyspace named '" + to + "' exists already");
                }
                log(new Mutation.CopyKeyspace(src.id, nextKeyspaceId, to, kind == null ? src.index().kind() : kind));
                return new Keyspace(this, byName.get(to));
            });
        } finally {
            scanGate.writeLock().unlock();
        }
    }

    void convertKeyspace(String name, IndexKind kind) {
        checkName(name);
        Objects.requireNonNull(kind, "kind");
        run(null, () -> {
            KeyspaceState ks = named(name);
            if (ks.index().kind() != kind) log(new Mutation.ConvertKeyspace(ks.id, kind));
            return null;
        });
    }

    // ---------------------------------------------------------------- iteration

    CloseableIterator<Entry> iterator(KeyspaceState ks, Scan scan) {
        checkOpen();
        if (ks.dropped) throw dropped(ks);
        if (scan != Scan.ALL && ks.index().kind() != IndexKind.ORDERED) {
            throw new CairnException(CairnException.Code.WRONG_INDEX_KIND, "keyspace '" + ks.name
                    + "' is a HASH keyspace; range and prefix scans need an ORDERED one (Cairn.convertKeyspace)");
        }
        if (ks.index().kind() == IndexKind.ORDERED) {
            return new PagedScan(ks, scan);
        }
        Iterator<Index.Slot> it = ks.index().iterator();
        return new CloseableIterator<>() {
            Entry next = advance();

            private Entry advance() {
                long now = clock.millis();
                while (it.hasNext()) {
                    Index.Slot s = it.next();
                    if (Cells.live(s.cell(), now)) return entry(s);
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                Entry e = next;
                if (e == null) throw new NoSuchElementException();
                next = advance();
                return e;
            }

            @Override
            public void close() {
                next = null;
            }
        };
    }

    private static Entry entry(Index.Slot s) {
        byte[] c = s.cell();
        return new Entry(s.key().clone(), previousValue(c), Cells.expireAt(c), ValueType.ofCode(Cells.type(c)));
    }

    /** An ordered scan read a page at a time, each page at one instant (never half a batch). */
    private final class PagedScan implements CloseableIterator<Entry> {
        private final KeyspaceState ks;
        private byte[] from;
        private boolean fromInclusive;
        private byte[] to;
        private boolean toInclusive;
        private final boolean reverse;
        private long remaining;
        private final ArrayList<Entry> page = new ArrayList<>(Scan.PAGE);
        private int at;
        private boolean exhausted;

        PagedScan(KeyspaceState ks, Scan s) {
            this.ks = ks;
            this.from = s.from;
            this.fromInclusive = s.fromInclusive;
            this.to = s.to;
            this.toInclusive = s.toInclusive;
            this.reverse = s.reverse;
            this.remaining = s.limit;
        }

        private void fill() {
            page.clear();
            at = 0;
            if (exhausted || remaining <= 0) {
                exhausted = true;
                return;
            }
            int want = (int) Math.min(Scan.PAGE, remaining);
            boolean more = atOneInstant(() -> {
                page.clear();
                long now = clock.millis();
                Index index = ks.index();
                if (index.kind() != IndexKind.ORDERED) {
                    throw new CairnException(CairnException.Code.WRONG_INDEX_KIND, "keyspace '" + ks.name
                            + "' was converted to HASH during the scan");
                }
                Iterator<Index.Slot> it = index.range(from, fromInclusive, to, toInclusive, reverse);
                while (it.hasNext()) {
                    Index.Slot s = it.next();
                    if (!Cells.live(s.cell(), now)) continue;
                    if (page.size() == want) return true;
                    page.add(entry(s));
                }
                return false;
            });
            if (!more) exhausted = true;
            remaining -= page.size();
            if (!page.isEmpty()) {
                byte[] last = page.get(page.size() - 1).key();
                if (reverse) {
                    to = last;
                    toInclusive = false;
                } else {
                    from = last;
                    fromInclusive = false;
                }
            }
        }

        @Override
        public boolean hasNext() {
            if (at < page.size()) return true;
            if (exhausted) return false;
            fill();
            return at < page.size();
        }

        @Override
        public Entry next() {
            if (!hasNext()) throw new NoSuchElementException();
            return page.get(at++);
        }

        @Override
        public void close() {
            exhausted = true;
            page.clear();
        }
    }

    // ================================================================== expiry

    /**
     * The share of each expiry interval the expiry cycle may spend reclaiming, as Redis's active expire cycle (25% of
     * a core at most). A cycle that reaches it stops after the chunk in hand and goes on at the next interval.
     */
    static final int EXPIRE_CYCLE_PERCENT = 25;

    private void expireLoop() {
        long period = options.expiryInterval().toNanos();
        long budget = period / 100 * EXPIRE_CYCLE_PERCENT;
        while (!closed) {
            long started = System.nanoTime();
            try {
                reclaimExpired(started + budget);
                expireCycles = expireCycles + 1; // this thread is their only writer
                expireCycleNanos = expireCycleNanos + (System.nanoTime() - started);
                if (anyExpiredDue()) expireCyclesCapped = expireCyclesCapped + 1;
            } catch (RuntimeException e) {
                if (!closed) LOG.log(System.Logger.Level.WARNING, "expiry cycle failed in " + dir, e);
            }
            // close() sets closed, then unparks this thread; but if that wake-up came while this thread was parked
            // waiting for the write lock (which close() holds), the lock's own parking consumed it. Check again, or
            // this thread sleeps a whole interval and close() gives up waiting for it.
            if (closed) break;
            long spent = System.nanoTime() - started;
            java.util.concurrent.locks.LockSupport.parkNanos(this, Math.max(period - spent, period - budget));
        }
    }

    /** Removes every expired entry from memory now, however long it takes (tests, and callers that must see it done). */
    int reclaimExpired() {
        return reclaimExpired(Long.MAX_VALUE);
    }

    /**
     * Removes expired entries from memory, earliest expiry first, in chunks of {@link #EXPIRE_CHUNK} under the write
     * lock (writers interleave between chunks), until none is due or, after a chunk, {@link System#nanoTime()} has
     * passed {@code deadline} (so a cycle removes one chunk at least). No log record (an expired entry is already invisible to all), but on a replicated store, where the leader logs DELETEs and other replicas remove nothing. Returns the entries removed; the
     * {@link #expiryListener} hears of each after its chunk, outside the lock.
     */
    int reclaimExpired(long deadline) {
        int total = 0;
        java.util.function.BiConsumer<String, byte[]> listener = expiryListener;
        List<byte[]> told = listener == null ? null : new ArrayList<>();
        keyspaces:
        for (KeyspaceState ks : byName.values()) {
            KeyspaceState.Expiry earliest = ks.earliestExpiry();
            if (earliest == null || earliest.at() > clock.millis()) continue; // nothing due: no lock taken
            while (!closed) {
                int n = 0;
                int removed = 0;
                writeLock.lock();
                try {
                    if (ks.dropped || closed) break;
                    long now = clock.millis();
                    Index index = ks.index();
                    KeyspaceState.Expiry head = ks.earliestExpiry();
                    if (head == null || head.at() > now) break;
                    if (replicated != null && !replicated.log().writable()) break keyspaces;
                    // a replica changes only through its group's log: there the leader deletes what expired with
                    // ordinary DELETE records, which every replica applies at the same point of the log. A store of
                    // its own removes at once, under the batch lock, so that counting readers see an entry and its
                    // expiry go together (a DELETE's apply takes that lock itself)
                    List<Mutation> deletes = replicated != null ? new ArrayList<>() : null;
                    long stamp = deletes == null ? batchLock.writeLock() : 0;
                    try {
                        while (n < EXPIRE_CHUNK) {
                            KeyspaceState.Expiry first = ks.earliestExpiry();
                            if (first == null || first.at() > now) break;
                            ks.expiries.remove(first);
                            byte[] c = index.get(first.key());
                            if (c != null && Cells.expireAt(c) == first.at()) {
                                if (deletes != null) {
                                    deletes.add(new Mutation.Delete(ks.id, first.key()));
                                } else {
                                    index.remove(first.key());
                                    ks.addBytes(-(first.key().length + valueBytes(c)));
                                    release(index, c);
                                }
                                removed++;
                                if (told != null) told.add(first.key());
                            }
                            n++;
                        }
                    } finally {
                        if (stamp != 0) batchLock.unlockWrite(stamp);
                    }
                    if (deletes != null && !deletes.isEmpty()) log(deletes.size() == 1 ? deletes.get(0) : new Mutation.Batch(deletes));
                    expiredReclaimed = expiredReclaimed + removed; // written under the write lock only
                } finally {
                    writeLock.unlock();
                }
                total += removed;
                if (told != null && !told.isEmpty()) {
                    for (byte[] key : told) {
                        try {
                            listener.accept(ks.name, key);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "an expiry listener failed", e);
                        }
                    }
                    told.clear();
                }
                if (n < EXPIRE_CHUNK) break;
                if (System.nanoTime() - deadline > 0) break keyspaces; // after a chunk: every cycle makes progress
            }
        }
        return total;
    }

    private boolean anyExpiredDue() {
        long now = clock.millis();
        for (KeyspaceState ks : byName.values()) {
            KeyspaceState.Expiry e = ks.earliestExpiry();
            if (e != null && e.at() <= now) return true;
        }
        return false;
    }

    /**
     * Lookups of a key that was present, or absent, by reads: {@link #get}, {@link #getAll} and atomic blocks that
     * wrote nothing (each key the block read from the store once); what Redis's keyspace_hits and _misses count.
     */
    private final java.util.concurrent.atomic.LongAdder keyspaceHits = new java.util.concurrent.atomic.LongAdder(),
            keyspaceMisses = new java.util.concurrent.atomic.LongAdder();

    /** Called with each expired entry the expiry cycle removes, outside the store's locks; see {@link Cairn#onExpiry}. */
    volatile java.util.function.BiConsumer<String, byte[]> expiryListener;
    /** Expiry cycles run, the time they took, and those that stopped at their time budget with entries still due. */
    private volatile long expireCycles, expireCycleNanos, expireCyclesCapped;

    long expireCycles() {
        return expireCycles;
    }

    Duration expireCycleTime() {
        return Duration.ofNanos(expireCycleNanos);
    }

    long expireCyclesCapped() {
        return expireCyclesCapped;
    }

    /** Entries expired but not yet removed from memory, all keyspaces, now (a walk of each keyspace's due expiries). */
    long expiredStale() {
        long now = clock.millis();
        long n = 0;
        for (KeyspaceState ks : byName.values()) n += ks.expiredAt(now);
        return n;
    }

    // ================================================================== memory limits and eviction

    final io.cairn.index.Access access;
    final MemoryLimits limits;
    private final Evictor evictor;
    private EvictionPolicy evictorPolicy; // the policy the evictor's pool was filled under
    private volatile long evictedKeys;
    /** Called with each evicted key under the write lock; see {@link Cairn#onEviction}. */
    volatile java.util.function.BiConsumer<String, byte[]> evictionListener;

    /** Bytes the data holds on the heap by the store's account: every keyspace's index, cells and collections. */
    long usedMemory() {
        long m = 0;
        for (KeyspaceState ks : byName.values()) m += ks.index().memory();
        return m;
    }

    /** Entries held in all keyspaces (expired ones not yet reclaimed included). */
    private long heldKeys() {
        long n = 0;
        for (KeyspaceState ks : byName.values()) n += ks.index().size();
        return n;
    }

    /** Whether a write that grows the data must first make room. */
    private boolean overLimit() {
        long maxMemory = limits.maxMemory();
        long maxKeys = limits.maxKeys();
        return (maxMemory > 0 && usedMemory() > maxMemory) || (maxKeys > 0 && heldKeys() >= maxKeys);
    }

    /**
     * Evicts keys under the policy until the store is within its limits; returns whether it is. Each eviction is an
     * ordinary DELETE record through {@link #log}, so recovery and replicas see it. Under the write lock.
     */
    boolean makeRoom() {
        if (!limits.limited() || !overLimit()) return true;
        EvictionPolicy policy = limits.policy();
        if (policy != evictorPolicy) {
            evictor.reset();
            evictorPolicy = policy;
        }
        if (policy == EvictionPolicy.NO_EVICTION) return false;
        do {
            Evictor.Candidate c = evictor.next(policy, limits.samples(), byName.values());
            if (c == null) return false;
            // the evictor names only keys it saw held; a delete that removes nothing would mean it named a key that is
            // not there, and a loop that makes no progress must end
            if (log(new Mutation.Delete(c.ks().id, c.key())) == null) return false;
            evictedKeys = evictedKeys + 1; // written under the write lock only
            java.util.function.BiConsumer<String, byte[]> listener = evictionListener;
            if (listener != null) {
                try {
                    listener.accept(c.ks().name, c.key());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "an eviction listener failed", e);
                }
            }
        } while (overLimit());
        return true;
    }

    /** {@link #makeRoom}, failing with {@link CairnException.Code#OUT_OF_MEMORY} if it cannot. */
    private void makeRoomOrFail() {
        if (!makeRoom()) throw outOfMemory();
    }

    /** Whether the store is within its limits now: lock-free (the account is read with opaque loads). */
    boolean withinLimits() {
        return !limits.limited() || !overLimit();
    }

    /** {@link #makeRoom} for a caller outside the lock (the server, before a command that may grow the data). */
    boolean makeRoomLocked() {
        if (withinLimits()) return true; // the common case takes no lock
        writeLock.lock();
        try {
            if (closed || readOnly) return true;
            return makeRoom();
        } finally {
            writeLock.unlock();
        }
    }

    private CairnException outOfMemory() {
        long maxMemory = limits.maxMemory();
        long maxKeys = limits.maxKeys();
        String over = maxMemory > 0 && usedMemory() > maxMemory
                ? usedMemory() + " bytes of data exceed maxMemory " + maxMemory
                : heldKeys() + " keys reach maxKeys " + maxKeys;
        return new CairnException(CairnException.Code.OUT_OF_MEMORY, over + " and eviction policy "
                + limits.policy().configName() + " cannot make room: the write was not applied");
    }

    /** Whether a mutation can grow the data (so that it is refused past a limit that eviction cannot meet). */
    static boolean grows(Mutation m) {
        if (m instanceof Mutation.Put || m instanceof Mutation.Value) return true;
        if (m instanceof Mutation.Collection c) return CollectionOps.grows(c.op());
        if (m instanceof Mutation.Batch b) return b.mutations().stream().anyMatch(Engine::grows);
        return false;
    }

    long evictedKeys() {
        return evictedKeys;
    }

    /** The bytes one key's entry costs by the store's account (its cell, expiry entry, collection, index share). */
    long memoryUsage(KeyspaceState ks, byte[] key) {
        writeLock.lock();
        try {
            Index index = ks.index();
            byte[] c = index.get(key);
            if (!live(c)) return -1;
            long m = io.cairn.index.Memory.bytes(c.length) + largeMemory(c);
            if (Cells.expireAt(c) != 0) m += io.cairn.index.Memory.expiry(key.length);
            int n = Math.max(1, index.size());
            return m + (index.memory() - index.entriesMemory()) / n; // this entry's share of the index's own structure
        } finally {
            writeLock.unlock();
        }
    }

    /** The access stamp of a live key ({@link io.cairn.index.Access}), or -1 if absent. */
    int accessStamp(KeyspaceState ks, byte[] key) {
        byte[] c = ks.index().get(key);
        if (!live(c)) return -1;
        return ks.index().stamp(key);
    }

    // ================================================================== the store

    Stats stats() {
        checkOpen();
        long keys = 0;
        long bytes = 0;
        long now = clock.millis();
        Map<String, KeyspaceState> all = byName;
        for (KeyspaceState ks : all.values()) {
            keys += liveCount(ks, now);
            bytes += ks.bytes();
        }
        Checkpoints c = checkpoints;
        Duration took = Duration.ofNanos(Math.max(0, c.lastTookNanos()));
        if (wal == null) {
            return new Stats(keys, bytes, all.size(), 0, 0, recovery.lastSequence(), 0, 0, Duration.ZERO, Duration.ZERO,
                    expiredReclaimed, c.baseSequence(), 0, false, Duration.ZERO, false, 0, Duration.ZERO, usedMemory(),
                    evictedKeys, expiredStale(), expireCycles, expireCycleTime(), expireCyclesCapped,
                    keyspaceHits.sum(), keyspaceMisses.sum());
        }
        return new Stats(keys, bytes, all.size(), wal.segmentCount(), wal.bytes(), wal.lastSequence(), wal.appends(),
                wal.fsyncs(), Duration.ofNanos(wal.lastFsyncNanos()), Duration.ofNanos(wal.p99FsyncNanos()),
                expiredReclaimed, c.baseSequence(), c.taken(), c.inProgress(), took, c.lastFailed(),
                c.logBytesSinceCheckpoint(), Duration.ofNanos(c.lastPauseNanos()), usedMemory(), evictedKeys,
                expiredStale(), expireCycles, expireCycleTime(), expireCyclesCapped, keyspaceHits.sum(),
                keyspaceMisses.sum());
    }

    RecoveryInfo recoveryInfo() {
        return recovery;
    }

    // ================================================================== persist and load one keyspace

    /** Names of keyspaces a load is filling; left over after a crash, they are dropped at the next open. */
    static final String LOADING_PREFIX = ".loading-";

    /**
     * Writes the live entries of {@code ks} at one instant to {@code file} (one part file: docs/file-formats.md). The
     * instant is taken under the write lock: a copy of the hash table's references (or a walk of the ordered index),
     * so writes wait for that copy, not for the file.
     */
    long persistKeyspace(KeyspaceState ks, Path file) {
        Objects.requireNonNull(file, "file");
        checkOpen();
        byte[][] cells;
        long seq;
        writeLock.lock();
        try {
            checkWritable(ks);
            seq = wal == null ? recovery.lastSequence() : wal.lastSequence();
            cells = ks.index() instanceof io.cairn.index.HashIndex h ? h.tableCopy() : collect(ks.index());
            // large collections change in place: their elements are copied now, at the same instant
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] != null && cells[i].length > 0 && Cells.large(cells[i])) cells[i] = compactCell(cells[i]);
            }
        } finally {
            writeLock.unlock();
        }
        Path target = file.toAbsolutePath();
        Path parent = target.getParent();
        long now = clock.millis();
        try {
            Files.createDirectories(parent);
            long n;
            try (io.cairn.snapshot.PartWriter w = new io.cairn.snapshot.PartWriter(target, files, seq, ks.id, 0, 1, true)) {
                for (byte[] c : cells) {
                    if (c == null || c.length == 0 || !Cells.live(c, now)) continue; // empty slots, tombstones, expired
                    w.add(c);
                }
                w.finish();
                n = w.entries();
            }
            files.syncDirectory(parent);
            return n;
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            boolean full = msg.contains("No space left") || msg.contains("Disk quota exceeded");
            throw new CairnException(full ? CairnException.Code.DISK_FULL : CairnException.Code.IO_ERROR,
                    "could not persist keyspace '" + ks.name + "' to " + file + ": " + msg, e);
        }
    }

    private static byte[][] collect(Index index) {
        List<byte[]> out = new ArrayList<>(index.size());
        for (Iterator<byte[]> it = index.cells(); it.hasNext(); ) out.add(it.next());
        return out.toArray(new byte[0][]);
    }

    /**
     * Loads a file written by {@link #persistKeyspace} as a new keyspace {@code name} of {@code kind}. Every CRC of the
     * file is checked before anything is written; then the entries go through the log in batches into a hidden
     * keyspace that is renamed to {@code name} at the end, so the keyspace appears whole or not at all (a crash
     * midway leaves the hidden one, dropped at the next open).
     */
    Keyspace loadKeyspace(Path file, String name, IndexKind kind) {
        Objects.requireNonNull(file, "file");
        checkName(name);
        Objects.requireNonNull(kind, "kind");
        checkWritable(null);
        if (byName.containsKey(name)) {
            throw new CairnException(CairnException.Code.KEYSPACE_EXISTS, "a keyspace named '" + name + "' exists already");
        }
        try {
            // verify the whole file first: a damaged file loads nothing
            io.cairn.snapshot.PartReader.read(file, -1, -1, -1, (block, off, len) -> {
                if (!Cells.valid(block, off, len)) {
                    throw new io.cairn.snapshot.SnapshotException(file, -1, "an entry is not a well-formed key and value");
                }
            });
        } catch (io.cairn.snapshot.SnapshotException e) {
            throw new CairnException(CairnException.Code.CORRUPTED, "keyspace file " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "could not read keyspace file " + file + ": " + e, e);
        }
        String hidden = LOADING_PREFIX + System.nanoTime();
        Keyspace tmp = createKeyspace(hidden, kind);
        KeyspaceState ks = tmp.state;
        boolean done = false;
        try {
            List<Mutation> batch = new ArrayList<>();
            long[] bytes = {0};
            long now = clock.millis();
            io.cairn.snapshot.PartReader.read(file, -1, -1, -1, (block, off, len) -> {
                byte[] cell = java.util.Arrays.copyOfRange(block, off, off + len);
                long at = Cells.expireAt(cell);
                if (at != 0 && at <= now) return;
                byte[] key = Cells.key(cell);
                checkKey(key);
                byte[] value;
                if (Cells.type(cell) == Cells.STRING) {
                    value = Cells.value(cell);
                    checkValue(value);
                    batch.add(new Mutation.Put(ks.id, key, value, at));
                } else {
                    int off2 = Cells.payloadOffset(cell);
                    value = java.util.Arrays.copyOfRange(cell, off2, cell.length);
                    batch.add(new Mutation.Value(ks.id, key, Cells.type(cell), value, at));
                }
                bytes[0] += key.length + value.length;
                if (batch.size() >= 1000 || bytes[0] >= (4 << 20)) {
                    List<Mutation> ms = List.copyOf(batch);
                    run(ks, () -> log(ms.size() == 1 ? ms.get(0) : new Mutation.Batch(ms)));
                    batch.clear();
                    bytes[0] = 0;
                }
            });
            if (!batch.isEmpty()) {
                List<Mutation> ms = List.copyOf(batch);
                run(ks, () -> log(ms.size() == 1 ? ms.get(0) : new Mutation.Batch(ms)));
            }
            renameKeyspace(hidden, name);
            done = true;
            return new Keyspace(this, ks);
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "could not read keyspace file " + file + ": " + e, e);
        } finally {
            if (!done && !closed) {
                try {
                    dropKeyspace(hidden);
                } catch (RuntimeException suppressed) {
                    // the next open drops it
                }
            }
        }
    }

    /** Drops keyspaces a load left half filled when the process died. */
    private void dropUnfinishedLoads() {
        for (String n : new ArrayList<>(byName.keySet())) {
            if (n.startsWith(LOADING_PREFIX)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: dropping keyspace {1}, left by a load that did not finish", dir, n);
                dropKeyspace(n);
            }
        }
    }

    // ================================================================== replication

    /** The replica side of a replicated store, or null. */
    ReplicatedRecordLog replicated() {
        return replicated;
    }

    private void notePosition(io.cairn.snapshot.Manifest m) {
        replicaTerm = m == null ? 0 : m.replicaTerm();
        replicaIndex = m == null ? 0 : m.replicaIndex();
    }

    /**
     * Creates keyspaces without log records, identically on every replica of a new group (ids in order); only on a
     * replica that holds nothing yet.
     */
    void bootstrapKeyspaces(List<String> names) {
        writeLock.lock();
        try {
            for (String name : names) {
                if (byName.containsKey(name)) continue;
                applySeq = 0;
                apply(new Mutation.CreateKeyspace(nextKeyspaceId, name, options.defaultIndexKind()));
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Applies record {@code seq}, decided by the group's leader, on a replica: true if applied, false if this replica
     * holds it already (a snapshot covers it, or it decided the record itself). Sequences may skip numbers (see
     * {@link ReplicatedLog#nextSequence}).
     */
    boolean applyReplicated(long seq, ByteBuffer payload) {
        writeLock.lock();
        try {
            checkOpen();
            if (seq <= replicated.lastSequence()) return false;
            replay(seq, payload.duplicate().order(ByteOrder.LITTLE_ENDIAN));
            replicated.applied(seq);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Every record of the group's log entry {@code (term, index)} is applied here (under the caller's ordering). */
    void appliedEntry(long term, long index) {
        writeLock.lock();
        try {
            replicaTerm = term;
            replicaIndex = index;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Throws the in-memory state away and loads the newest snapshot in the store's directory again (which the group may
     * just have replaced with the leader's): a replica that lost records it decided but never committed, or that
     * installed a snapshot. Handles stay valid for keyspaces the snapshot holds. Returns the snapshot's manifest, or
     * null if there is none (the state is then empty, as at a new group's start).
     */
    io.cairn.snapshot.Manifest reloadReplica(List<String> bootstrap) {
        writeLock.lock();
        long stamp = batchLock.writeLock();
        try {
            checkOpen();
            releaseLock();
            acquireLock();
            checkpoints = new Checkpoints(this, files);
            Checkpoints.Loaded snap = checkpoints.recover(); // installs the snapshot's states, if there is one
            io.cairn.snapshot.Manifest m = checkpoints.newest();
            if (m == null) {
                // nothing to load: the state a new group's replicas start from (bootstrapKeyspaces), ids in order
                List<KeyspaceState> empty = new ArrayList<>();
                for (String name : bootstrap) {
                    empty.add(new KeyspaceState(empty.size(), name, Index.create(options.defaultIndexKind())));
                }
                install(empty, empty.size());
            }
            replicated.reset(snap.sequence());
            notePosition(m);
            checkpoints.start();
            return m;
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "could not reload the replica in " + dir + ": " + e, e);
        } finally {
            batchLock.unlockWrite(stamp);
            writeLock.unlock();
        }
    }

    /** The newest snapshot's manifest: a replica's place in its group's log. */
    io.cairn.snapshot.Manifest newestSnapshot() {
        return checkpoints.newest();
    }

    /** A checkpoint for the group (a replica's snapshot), allowed on any replica, leader or not. */
    SnapshotInfo checkpointReplica() {
        checkOpen();
        checkNotInGroup("a checkpoint");
        return checkpoints.take();
    }

    // ================================================================== snapshots

    SnapshotInfo checkpoint() {
        checkWritable(null);
        checkNotInGroup("a checkpoint");
        return checkpoints.take();
    }

    CompletableFuture<SnapshotInfo> checkpointAsync() {
        try {
            checkWritable(null);
        } catch (CairnException e) {
            return CompletableFuture.failedFuture(e);
        }
        return checkpoints.takeAsync();
    }

    List<SnapshotInfo> snapshots() {
        checkOpen();
        return checkpoints.list();
    }

    long backup(Path target) {
        checkWritable(null);
        checkNotInGroup("a backup");
        Objects.requireNonNull(target, "target");
        return checkpoints.backup(target.toAbsolutePath());
    }

    Path directory() {
        return dir;
    }

    CairnOptions options() {
        return options;
    }

    boolean isClosed() {
        return closed;
    }

    void sync() {
        checkOpen();
        if (wal != null) wal.sync();
    }

    void close() {
        if (closed) return;
        if (readOnly) {
            closed = true;
            return;
        }
        checkpoints.stop(); // before the write lock: a checkpoint in progress takes it to finish or give up
        writeLock.lock();
        try {
            if (closed) return;
            closed = true;
            if (expirer != null) {
                java.util.concurrent.locks.LockSupport.unpark(expirer);
            }
            try {
                wal.close();
            } catch (IOException e) {
                throw new CairnException(CairnException.Code.IO_ERROR, "closing the log of " + dir + " failed: " + e.getMessage(), e);
            } finally {
                releaseLock();
            }
        } finally {
            writeLock.unlock();
        }
        if (expirer != null) {
            try {
                expirer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
