package io.cairn;

import io.cairn.index.Cells;
import io.cairn.index.HashIndex;
import io.cairn.index.Index;
import io.cairn.snapshot.Manifest;
import io.cairn.snapshot.PartReader;
import io.cairn.snapshot.PartWriter;
import io.cairn.snapshot.SnapshotDescriptor;
import io.cairn.snapshot.SnapshotException;
import io.cairn.wal.FileLayer;
import io.cairn.wal.Wal;
import io.cairn.wal.WalScanner;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Snapshots of a store: taking them while writes go on, loading the newest valid one at open, keeping the last few,
 * deleting the log they cover, backups and point-in-time restores. File layout: {@link SnapshotDescriptor}.
 *
 * <h2>Taking a snapshot while writes go on</h2>
 * Under the write lock, for a moment that does not grow with the store: note the log's last sequence S, and each
 * keyspace's index object and the partitions changed since the previous snapshot. Then, with writers running, walk
 * each captured index and write the changed partitions. The walk may see some writes made after S; that is harmless,
 * because recovery loads the snapshot and replays every record after S, and every record's effect on a key is
 * absolute (a PUT sets the value, a DELETE removes it, an EXPIRE sets the expiry of whatever value the key has), so
 * replaying a record over a state that already reflects it, or a later one, ends in the same state. A key untouched
 * after S is seen by the walk with its value at S. The one record that reads other keys, COPY_KEYSPACE, waits for the
 * walk to end ({@code Engine.scanGate}). Swaps and conversions are safe because the walk follows the captured index
 * objects, not names.
 *
 * <h2>Incremental</h2>
 * The store marks, on every write, which of 4096 fine partitions (the top twelve bits of the key's hash) changed. A
 * HASH keyspace of 64k entries or more is written in partitions of about 8k entries (a power of two of them, up to
 * 4096), each a run of fine partitions. A partition unchanged since the previous snapshot keeps its part file: the new
 * manifest names the old file. ORDERED and small keyspaces are one partition each.
 */
final class Checkpoints {
    private static final System.Logger LOG = System.getLogger("io.cairn");

    private final Engine engine;
    private final FileLayer files;
    private final Path dir;
    private final Path storeDir;
    /** One snapshot, backup or restore at a time; segment deletion happens only under it. */
    private final ReentrantLock running = new ReentrantLock();
    /** The newest snapshot taken or loaded: what the keyspaces' dirty bits are relative to. */
    private volatile Manifest base;

    /** The newest snapshot's manifest (loaded at open or written since), or null: a replica's place in its group's log. */
    Manifest newest() {
        return base;
    }
    private final List<Path> damaged = new ArrayList<>();
    private volatile boolean stopping;
    private volatile boolean inProgress;
    private final java.util.concurrent.atomic.AtomicBoolean asyncClaimed = new java.util.concurrent.atomic.AtomicBoolean();
    private Thread thread;
    private long appendedAtBase;
    private volatile long lastEndMillis;
    private volatile long lastTookNanos = -1;
    private volatile boolean lastFailed;
    private volatile long taken;
    private volatile SnapshotInfo last;

    /** What loading a snapshot found. */
    record Loaded(long sequence, long entries, Duration took, List<String> skipped) {
        String problems() {
            return skipped.isEmpty() ? "" : "; snapshots that could not be used: " + String.join("; ", skipped);
        }
    }

    /** One keyspace as captured at the snapshot's sequence. */
    private record Captured(KeyspaceState state, int id, String name, IndexKind kind, Index index, long[] dirty, long size,
                            long bytes) {
    }

    private record Capture(long sequence, long created, int nextKeyspaceId, List<Captured> keyspaces, int flags,
                           long replicaTerm, long replicaIndex) {
    }

    Checkpoints(Engine engine, FileLayer files) {
        this.engine = engine;
        this.files = files;
        this.storeDir = engine.directory();
        this.dir = storeDir.resolve(SnapshotDescriptor.DIRECTORY);
    }

    // ================================================================== loading

    /** At open: loads the newest snapshot that checks out into the engine; returns what it loaded (sequence 0: none). */
    Loaded recover() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            files.syncDirectory(storeDir);
        }
        return load(-1, true);
    }

    /** The key and value bytes of the newest snapshot whose manifest reads, 0 if none: what loading it will cover. */
    long newestSnapshotBytes() {
        try {
            if (!Files.isDirectory(dir)) return 0;
            for (long seq : manifestSequences()) {
                try {
                    long bytes = 0;
                    for (Manifest.KeyspaceEntry k : Manifest.read(dir.resolve(SnapshotDescriptor.manifestName(seq))).keyspaces()) {
                        bytes += k.bytes();
                    }
                    return bytes;
                } catch (SnapshotException | IOException e) {
                    // recover() says why when it gets there
                }
            }
        } catch (IOException e) {
            // likewise
        }
        return 0;
    }

    /** For a read-only view: the snapshot at {@code sequence}, or the newest valid one for -1. */
    Loaded loadForReading(long sequence) {
        try {
            if (!Files.isDirectory(dir)) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, storeDir + " holds no snapshots");
            }
            Loaded l = load(sequence, false);
            if (l.sequence() == 0 && sequence != 0) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, (sequence < 0 ? "no valid snapshot"
                        : "no valid snapshot at sequence " + sequence) + " in " + storeDir + l.problems());
            }
            return l;
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "could not read the snapshots of " + storeDir + ": " + e, e);
        }
    }

    private Loaded load(long wanted, boolean recovering) throws IOException {
        List<String> skipped = new ArrayList<>();
        for (long seq : manifestSequences()) {
            if (wanted >= 0 && seq != wanted) continue;
            Path file = dir.resolve(SnapshotDescriptor.manifestName(seq));
            long t0 = System.nanoTime();
            try {
                Manifest m = Manifest.read(file);
                if (m.sequence() != seq) throw new SnapshotException(file, 16, "names sequence " + m.sequence());
                List<KeyspaceState> states = loadStates(m, dir, recovering ? engine::loaded : b -> { });
                engine.install(states, m.nextKeyspaceId());
                if (!recovering) replayToConsistent(m);
                engine.lastTick = m.createdMillis();
                base = m;
                lastEndMillis = m.createdMillis();
                long entries = 0;
                for (KeyspaceState ks : states) entries += ks.index().size();
                return new Loaded(seq, entries, Duration.ofNanos(System.nanoTime() - t0), List.copyOf(skipped));
            } catch (SnapshotException | IOException | CairnException e) {
                String why = e instanceof SnapshotException ? e.getMessage() : file + ": " + e;
                skipped.add(why);
                if (recovering) {
                    damaged.add(file);
                    LOG.log(System.Logger.Level.WARNING, "snapshot " + seq + " of " + storeDir + " is unusable, trying an older one: " + why);
                }
            }
        }
        // no snapshot: the state stays as it is, empty when a store opens or a view is made; a replica reloading
        // installs a new group's starting state itself (Engine.reloadReplica)
        return new Loaded(0, 0, Duration.ZERO, List.copyOf(skipped));
    }

    /**
     * For a snapshot opened on its own: replays the log records {@code S+1..E} over the parts, which is exactly the
     * store at E (the parts may hold some of those writes already; replaying them again changes nothing).
     */
    private void replayToConsistent(Manifest m) throws IOException {
        long s = m.sequence();
        long e = m.consistentSequence();
        if (e <= s) return;
        Path walDir = storeDir.resolve("wal");
        long[] reached = {s};
        if (Files.isDirectory(walDir)) {
            try {
                WalScanner.read(walDir, (seq, payload) -> {
                    if (seq <= s) return;
                    if (seq > e) throw Stop.INSTANCE;
                    engine.replayRecord(seq, payload);
                    reached[0] = seq;
                });
            } catch (Stop done) {
                // reached E
            }
        }
        if (reached[0] < e) {
            throw new SnapshotException(dir.resolve(SnapshotDescriptor.manifestName(s)), 64, "the log records " + (reached[0] + 1)
                    + ".." + e + " this snapshot needs to be read on its own are gone");
        }
    }

    /**
     * Cells decoded from a part, for keyspace number {@code ks} of the manifest, with what the inserting thread needs
     * worked out already by the reading one (each cell's hash, the key and value bytes, the expiries), so that the
     * inserting thread does not touch the cells' memory at all: the cells were just written by the other core.
     */
    private record DecodedCells(int ks, byte[][] cells, int[] hashes, int count, long bytes, List<KeyspaceState.Expiry> expiries) {
    }

    private static final Object END = new Object();
    private static final int LOAD_BATCH = 2048;
    /** Below this many entries a snapshot is loaded on the calling thread alone. */
    private static final long PIPELINE_AT = 50_000;
    /** Threads that read parts for a large snapshot (the calling thread puts their cells into the indexes). */
    private static final int LOAD_READERS = 2;

    /**
     * Reads every part of {@code m} into fresh keyspace states, checking every CRC and every entry's shape. A large
     * snapshot is loaded by two threads: one reads, checks, decompresses and copies out the cells, the calling thread
     * puts them into the indexes.
     */
    static List<KeyspaceState> loadStates(Manifest m, Path dir) throws IOException {
        return loadStates(m, dir, b -> { });
    }

    /** {@link #loadStates(Manifest, Path)}, telling {@code loaded} the key and value bytes of each batch put in. */
    static List<KeyspaceState> loadStates(Manifest m, Path dir, java.util.function.LongConsumer loaded) throws IOException {
        List<KeyspaceState> out = new ArrayList<>();
        for (Manifest.KeyspaceEntry k : m.keyspaces()) {
            if (k.kind() < 0 || k.kind() >= IndexKind.values().length) {
                throw new SnapshotException(dir.resolve(SnapshotDescriptor.manifestName(m.sequence())), 0,
                        "keyspace " + k.name() + " has unknown index kind " + k.kind());
            }
            Index index = Index.create(IndexKind.values()[k.kind()]);
            if (index instanceof HashIndex h) h.presize(k.entries());
            out.add(new KeyspaceState(k.id(), k.name(), index));
        }
        long[] bytes = new long[out.size()];
        long now = System.currentTimeMillis();
        SlotOrder[] slotOrder = new SlotOrder[out.size()];
        java.util.function.Consumer<DecodedCells> insert = batch -> {
            KeyspaceState st = out.get(batch.ks());
            Index index = st.index();
            byte[][] cells = batch.cells();
            for (int i = 0; i < batch.count(); i++) {
                // a collection whose encoding may be past the compact limits: the engine moves it into a large
                // structure when the states are installed (it owns the handles)
                byte[] c = cells[i];
                if ((c[0] & 0x1C) != 0 && c.length > 1024) {
                    if (st.oversized == null) st.oversized = new ArrayList<>();
                    st.oversized.add(c);
                }
            }
            if (index instanceof HashIndex h) {
                SlotOrder so = slotOrder[batch.ks()];
                if (so == null) so = slotOrder[batch.ks()] = new SlotOrder(h);
                so.add(cells, batch.hashes(), batch.count());
            } else {
                io.cairn.index.OrderedIndex o = (io.cairn.index.OrderedIndex) index;
                for (int i = 0; i < batch.count(); i++) o.load(cells[i]);
            }
            bytes[batch.ks()] += batch.bytes();
            if (batch.expiries() != null) st.expiries.addAll(batch.expiries());
            loaded.accept(batch.bytes());
        };
        if (m.entries() < PIPELINE_AT) {
            decode(m, dir, now, 1, 0, insert);
        } else {
            java.util.concurrent.ArrayBlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(16);
            java.util.concurrent.atomic.AtomicBoolean abandon = new java.util.concurrent.atomic.AtomicBoolean();
            // the readers share the parts between them (a part, and so an ORDERED keyspace, is read by one of them)
            int readers = Math.max(1, Math.min(LOAD_READERS, Runtime.getRuntime().availableProcessors()));
            Thread[] threads = new Thread[readers];
            for (int r = 0; r < readers; r++) {
                int offset = r;
                threads[r] = new Thread(() -> {
                    Object last = END;
                    try {
                        decode(m, dir, now, readers, offset, batch -> {
                            if (abandon.get()) throw new java.util.concurrent.CancellationException();
                            putUninterruptibly(queue, batch);
                        });
                    } catch (Throwable e) {
                        last = e;
                    }
                    if (!abandon.get()) putUninterruptibly(queue, last);
                }, "cairn-snapshot-load-" + r);
                threads[r].setDaemon(true);
                threads[r].start();
            }
            int ended = 0;
            try {
                while (ended < readers) {
                    Object o;
                    try {
                        o = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while loading a snapshot", e);
                    }
                    if (o == END) {
                        ended++;
                        continue;
                    }
                    if (o instanceof DecodedCells batch) {
                        insert.accept(batch);
                        continue;
                    }
                    if (o instanceof SnapshotException e) throw new SnapshotException(e.file(), e.offset(), e.problem());
                    if (o instanceof IOException e) throw new IOException(e.getMessage(), e);
                    if (o instanceof RuntimeException e) throw new IllegalStateException(e.getMessage(), e);
                    throw new IllegalStateException("snapshot load failed", (Throwable) o);
                }
            } finally {
                abandon.set(true);
                for (Thread t : threads) {
                    while (t.isAlive()) {
                        queue.clear(); // unblocks a reader that waits to hand over a batch
                        try {
                            t.join(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < out.size(); i++) {
            KeyspaceState st = out.get(i);
            if (slotOrder[i] != null) slotOrder[i].insertAll();
            if (st.index() instanceof HashIndex h) h.endLoad();
            else ((io.cairn.index.OrderedIndex) st.index()).endLoad();
            st.bytes(bytes[i]);
            st.dirty = new long[st.dirty.length];
        }
        return out;
    }

    /**
     * Cells of a HASH keyspace held back by the region of the table they go to (64k slots each), then inserted region
     * after region. Inserting 10M cells at random slots of a 16M-slot table costs a cache miss each and, under G1, a
     * remembered-set card each (a young cell stored into the old, humongous table); region by region the table's lines
     * stay in cache and consecutive stores share cards. Measured in docs/benchmarks.md.
     */
    private static final class SlotOrder {
        private static final int REGION_BITS = 16;
        private final HashIndex index;
        private final byte[][][] cells;
        private final int[][] hashes;
        private final int[] counts;

        SlotOrder(HashIndex index) {
            this.index = index;
            int regions = Math.max(1, (index.capacity() >>> REGION_BITS));
            cells = new byte[regions][][];
            hashes = new int[regions][];
            counts = new int[regions];
        }

        void add(byte[][] batch, int[] batchHashes, int n) {
            int mask = index.capacity() - 1;
            for (int i = 0; i < n; i++) {
                int h = batchHashes[i];
                int r = (h & mask) >>> REGION_BITS;
                int c = counts[r];
                if (cells[r] == null || c == cells[r].length) {
                    int size = cells[r] == null ? 1024 : c * 2;
                    cells[r] = cells[r] == null ? new byte[size][] : Arrays.copyOf(cells[r], size);
                    hashes[r] = hashes[r] == null ? new int[size] : Arrays.copyOf(hashes[r], size);
                }
                cells[r][c] = batch[i];
                hashes[r][c] = h;
                counts[r] = c + 1;
            }
        }

        void insertAll() {
            for (int r = 0; r < counts.length; r++) {
                byte[][] cs = cells[r];
                int[] hs = hashes[r];
                for (int i = 0; i < counts[r]; i++) index.load(cs[i], hs[i]);
                cells[r] = null;
                hashes[r] = null;
            }
        }
    }

    private static void putUninterruptibly(java.util.concurrent.BlockingQueue<Object> q, Object o) {
        boolean interrupted = false;
        while (true) {
            try {
                q.put(o);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Reads the parts of {@code m} in order, handing out batches of checked, unexpired cells. */
    private static void decode(Manifest m, Path dir, long now, int stride, int offset,
                               java.util.function.Consumer<DecodedCells> sink) throws IOException {
        int part = -1;
        for (int ks = 0; ks < m.keyspaces().size(); ks++) {
            Manifest.KeyspaceEntry k = m.keyspaces().get(ks);
            int ksIndex = ks;
            boolean hashed = k.kind() == IndexKind.HASH.ordinal();
            for (int p = 0; p < k.parts().size(); p++) {
                Manifest.PartRef ref = k.parts().get(p);
                if (ref.empty()) continue;
                if (++part % stride != offset) continue;
                Path file = Manifest.partFile(dir, k, p);
                byte[][][] batch = {new byte[LOAD_BATCH][]};
                int[][] hashes = {new int[LOAD_BATCH]};
                @SuppressWarnings("unchecked")
                List<KeyspaceState.Expiry>[] expiries = new List[1];
                int[] n = {0};
                long[] bytes = {0};
                PartReader.Info info = PartReader.read(file, k.id(), p, ref.length(), (block, off, len) -> {
                    if (!Cells.valid(block, off, len)) {
                        throw new SnapshotException(file, -1, "an entry is not a well-formed key and value");
                    }
                    long at = Cells.expireAt(block, off);
                    if (at != 0 && at <= now) return; // expired: invisible anyway
                    byte[] cell = Arrays.copyOfRange(block, off, off + len);
                    int i = n[0]++;
                    batch[0][i] = cell;
                    if (hashed) hashes[0][i] = HashIndex.hashOfCell(cell);
                    bytes[0] += Cells.keyLengthOf(cell) + Cells.valueLength(cell);
                    if (at != 0) {
                        if (expiries[0] == null) expiries[0] = new ArrayList<>();
                        expiries[0].add(new KeyspaceState.Expiry(at, Cells.key(cell)));
                    }
                    if (n[0] == LOAD_BATCH) {
                        sink.accept(new DecodedCells(ksIndex, batch[0], hashes[0], n[0], bytes[0], expiries[0]));
                        batch[0] = new byte[LOAD_BATCH][];
                        hashes[0] = new int[LOAD_BATCH];
                        expiries[0] = null;
                        n[0] = 0;
                        bytes[0] = 0;
                    }
                });
                if (info.entries() != ref.entries()) {
                    throw new SnapshotException(file, info.length(), "part holds " + info.entries()
                            + " entries, the manifest says " + ref.entries());
                }
                if (n[0] > 0) sink.accept(new DecodedCells(ksIndex, batch[0], hashes[0], n[0], bytes[0], expiries[0]));
            }
        }
    }

    /** After a successful open: damaged manifests go to {@code salvage/}, so they never count as kept snapshots. */
    void setAsideDamaged() {
        for (Path f : damaged) {
            try {
                Path salvage = storeDir.resolve("salvage");
                Files.createDirectories(salvage);
                Path aside = salvage.resolve(f.getFileName() + ".damaged");
                for (int n = 1; Files.exists(aside); n++) aside = salvage.resolve(f.getFileName() + ".damaged." + n);
                files.move(f, aside);
                files.syncDirectory(dir);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not move the damaged snapshot " + f + " aside", e);
            }
        }
        damaged.clear();
    }

    /** Manifest sequences on disk, newest first. */
    List<Long> manifestSequences() throws IOException {
        List<Long> seqs = new ArrayList<>();
        if (!Files.isDirectory(dir)) return seqs;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                long s = SnapshotDescriptor.manifestSequence(p);
                if (s > 0 && !damaged.contains(p)) seqs.add(s);
            }
        }
        seqs.sort((a, b) -> Long.compare(b, a));
        return seqs;
    }

    // ================================================================== taking

    /** Starts the automatic checkpoint thread if the options ask for one. */
    void start() {
        setAsideDamaged();
        if (base == null) lastEndMillis = engine.clock().millis(); // the interval counts from the open, not from 1970
        appendedAtBase = -engine.wal.bytes(); // what recovery replayed counts as log since the snapshot
        if (engine.recoveryInfo().recordsReplayed() == 0) appendedAtBase = 0;
        CairnOptions o = engine.options();
        if (o.checkpointInterval().isZero() && o.checkpointLogBytes() == 0) return;
        if (o.replicatedLog() != null) return; // a replica's group asks for its snapshots (Replica#checkpoint)
        thread = new Thread(this::loop, "cairn-checkpoint");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the automatic thread and waits for a snapshot in progress to give up or finish. */
    void stop() {
        stopping = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.lock(); // a snapshot taken on demand gives up at its next check of stopping
        running.unlock();
    }

    private void loop() {
        CairnOptions o = engine.options();
        long backoff = 0;
        while (!stopping) {
            LockSupport.parkNanos(this, 1_000_000_000L);
            if (stopping) break;
            long now = engine.clock().millis();
            if (now < backoff) continue;
            boolean changed = base == null || engine.wal.lastSequence() > base.sequence();
            boolean byTime = !o.checkpointInterval().isZero() && changed
                    && now - lastEndMillis >= o.checkpointInterval().toMillis();
            long since = logBytesSinceCheckpoint();
            boolean bySize = o.checkpointLogBytes() > 0 && since >= o.checkpointLogBytes();
            warnIfLogGrows(since, o.checkpointLogBytes());
            timerChecks++;
            if (!byTime && !bySize) continue;
            try {
                take();
                backoff = 0;
            } catch (RuntimeException e) {
                if (stopping || engine.isClosed()) break;
                LOG.log(System.Logger.Level.WARNING, "automatic checkpoint of " + storeDir + " failed; retrying in 10 s: " + e.getMessage());
                backoff = now + 10_000;
            }
        }
    }

    /** The log size since the last checkpoint that the next warning waits for; 0: none given yet (automatic thread). */
    private long logWarnAt;

    /**
     * Warns when the log since the last checkpoint passes twice {@code checkpointLogBytes} (checkpoints failing, or
     * slower than the writes), then again each time it doubles, not every second; quiet again once a checkpoint brings
     * it back under the limit.
     */
    private void warnIfLogGrows(long since, long limit) {
        if (limit <= 0) return;
        if (since < limit) {
            logWarnAt = 0;
            return;
        }
        long threshold = logWarnAt == 0 ? 2 * limit : logWarnAt;
        if (since < threshold) return;
        logWarnAt = Math.max(2 * threshold, since + 1);
        LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
                "%s: %.1f MiB of log since the last checkpoint, over twice checkpointLogBytes (%.1f MiB)%s; a restart"
                        + " replays all of it", storeDir, since / 1048576.0, limit / 1048576.0,
                lastFailed ? ": the last checkpoint failed" : inProgress ? ": a checkpoint is still running" : ""));
    }

    /** Times the automatic thread has looked whether a checkpoint is due (tests wait on it, not on the clock). */
    volatile long timerChecks;

    long logBytesSinceCheckpoint() {
        io.cairn.wal.RecordLog wal = engine.wal;
        return wal == null ? 0 : Math.max(0, wal.appendedBytes() - appendedAtBase);
    }

    /** Takes a snapshot on a background thread; the future fails with BUSY if one is being taken already. */
    CompletableFuture<SnapshotInfo> takeAsync() {
        // claimed in one step, so two concurrent calls cannot both start one
        if (inProgress || running.isLocked() || !asyncClaimed.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new CairnException(CairnException.Code.BUSY,
                    "a checkpoint of " + storeDir + " is in progress already"));
        }
        CompletableFuture<SnapshotInfo> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(take());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            } finally {
                asyncClaimed.set(false);
            }
        }, "cairn-checkpoint-now");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Takes a snapshot now (waiting for one in progress first); returns it, or the newest if nothing changed. */
    SnapshotInfo take() {
        running.lock();
        try {
            return takeLocked();
        } finally {
            running.unlock();
        }
    }

    private SnapshotInfo takeLocked() {
        long t0 = System.nanoTime();
        inProgress = true;
        Capture cap = null;
        List<Path> written = new ArrayList<>();
        try {
            engine.scanGate.readLock().lock();
            Manifest m;
            try {
                cap = capture();
                if (cap == null) return last != null ? last : info(base, dir);
                Runnable hook = afterCapture;
                if (hook != null) hook.run();
                m = write(engine, cap, base, dir, files, written, () -> stopping, () -> engine.wal.lastSequence(),
                        () -> Math.max(engine.lastTick, engine.clock().millis()));
            } finally {
                engine.scanGate.readLock().unlock();
            }
            // The walk may have seen writes of an exclusive group, which are applied before their one record is
            // appended: wait for any group open now to end (its record appended, or the store read-only) so the sync
            // below covers what the walk saw.
            engine.writeLock.lock();
            engine.writeLock.unlock();
            engine.wal.sync(); // the log must hold S durably before a snapshot claims it
            m.write(dir, files);
            base = m;
            appendedAtBase = appendedAtCapture;
            lastTookNanos = System.nanoTime() - t0;
            lastEndMillis = engine.clock().millis();
            lastFailed = false;
            taken++;
            SnapshotInfo info = info(m, dir);
            last = info;
            try {
                retain();
            } catch (IOException | RuntimeException e) {
                // the snapshot is taken; what it made unnecessary is deleted by the next one
                LOG.log(System.Logger.Level.WARNING, "checkpoint " + m.sequence() + " of " + storeDir
                        + " could not delete older snapshots or log: " + e);
            }
            return info;
        } catch (IOException | RuntimeException e) {
            lastFailed = true;
            // parts are removed only if no manifest names them: a manifest renamed into place before the failure
            // (its directory fsync failed, say) may well be the newest snapshot after a restart
            boolean manifestExists = cap != null && Files.exists(dir.resolve(SnapshotDescriptor.manifestName(cap.sequence())));
            if (cap != null && base != null && base.sequence() == cap.sequence()) manifestExists = true;
            if (cap != null) {
                restoreDirty(cap);
                for (Path p : manifestExists ? List.<Path>of() : written) {
                    try {
                        files.delete(p);
                    } catch (IOException ignored) {
                        // garbage collected by the next snapshot
                    }
                }
            }
            if (e instanceof CairnException c) throw c;
            String msg = String.valueOf(e.getMessage());
            boolean full = msg.contains("No space left") || msg.contains("Disk quota exceeded");
            throw new CairnException(full ? CairnException.Code.DISK_FULL : CairnException.Code.IO_ERROR,
                    "checkpoint of " + storeDir + " failed: " + msg + "; the store and its log are unaffected", e);
        } finally {
            inProgress = false;
        }
    }

    private long appendedAtCapture;
    /** Test seam: runs on the checkpoint's thread between the capture and the walk, with no lock held. */
    static volatile Runnable afterCapture;

    /** Notes S and each keyspace's index and dirty partitions, under the write lock; null if nothing changed. */
    private Capture capture() {
        engine.writeLock.lock();
        long locked = System.nanoTime();
        try {
            if (engine.isClosed()) throw new CairnException(CairnException.Code.CLOSED, "the store in " + storeDir + " is closed");
            long seq = engine.wal.lastSequence();
            if (base != null && base.sequence() == seq) return null;
            appendedAtCapture = engine.wal.appendedBytes();
            List<Captured> ks = new ArrayList<>();
            for (KeyspaceState s : engine.states()) {
                Index index = s.index();
                ks.add(new Captured(s, s.id, s.name, index.kind(), index, s.dirty, index.size(), s.bytes()));
                s.dirty = new long[s.dirty.length];
            }
            long created = Math.max(engine.lastTick, engine.clock().millis());
            lastPauseNanos = System.nanoTime() - locked;
            return new Capture(seq, created, engine.nextKeyspaceId, ks,
                    engine.timedLog() ? SnapshotDescriptor.FLAG_TIMED_LOG : 0, engine.replicaTerm, engine.replicaIndex);
        } finally {
            engine.writeLock.unlock();
        }
    }

    private void restoreDirty(Capture cap) {
        engine.writeLock.lock();
        try {
            for (Captured c : cap.keyspaces()) {
                long[] d = c.state().dirty;
                for (int i = 0; i < d.length; i++) d[i] |= c.dirty()[i];
            }
        } finally {
            engine.writeLock.unlock();
        }
    }

    /**
     * Writes the parts of {@code cap} that differ from {@code prev} into {@code into}; returns the manifest (not yet
     * written). Files it creates are added to {@code written}.
     */
    private static Manifest write(Engine engine, Capture cap, Manifest prev, Path into, FileLayer files, List<Path> written,
                                  java.util.function.BooleanSupplier stop, java.util.function.LongSupplier end,
                                  java.util.function.LongSupplier endTime) throws IOException {
        long now = System.currentTimeMillis();
        boolean compress = true;
        List<Manifest.KeyspaceEntry> out = new ArrayList<>();
        long toWalk = 0;
        for (Captured k : cap.keyspaces()) toWalk += k.size();
        ProgressLog progress = new ProgressLog("checkpoint " + cap.sequence() + " of " + engine.directory(), toWalk, false);
        long walked = 0;
        for (Captured k : cap.keyspaces()) {
            int parts = k.kind() == IndexKind.HASH ? SnapshotDescriptor.partitionsFor(k.size()) : 1;
            Manifest.KeyspaceEntry before = null;
            if (prev != null) {
                for (Manifest.KeyspaceEntry e : prev.keyspaces()) if (e.id() == k.id()) before = e;
            }
            boolean sameShape = before != null && before.kind() == k.kind().ordinal() && before.parts().size() == parts;
            Manifest.PartRef[] refs = new Manifest.PartRef[parts];
            boolean[] rewrite = new boolean[parts];
            boolean any = false;
            for (int p = 0; p < parts; p++) {
                boolean clean = sameShape && clean(k.dirty(), p, parts);
                if (clean) {
                    refs[p] = before.parts().get(p);
                } else {
                    rewrite[p] = true;
                    any = true;
                }
            }
            if (any) {
                PartWriter[] writers = new PartWriter[parts];
                try {
                    int n = 0;
                    for (Iterator<byte[]> it = k.index().cells(); it.hasNext(); ) {
                        byte[] c = it.next();
                        if ((++n & 4095) == 0) {
                            if (stop.getAsBoolean()) {
                                throw new CairnException(CairnException.Code.CLOSED, "the store is closing; checkpoint abandoned");
                            }
                            progress.at(walked + n);
                        }
                        if (Cells.hasExpiry(c) && Cells.expireAt(c) <= now) continue;
                        int p = parts == 1 ? 0 : SnapshotDescriptor.partition(HashIndex.hashOfCell(c), parts);
                        if (!rewrite[p]) continue;
                        PartWriter w = writers[p];
                        if (w == null) {
                            w = writers[p] = PartWriter.forSnapshot(into, files, cap.sequence(), k.id(), p, parts, compress);
                            written.add(w.file());
                        }
                        if (Cells.large(c)) {
                            c = engine.compactCellLocked(c);
                            if (c == null) continue; // removed since: the log after S says what happened
                        }
                        w.add(c);
                    }
                    for (int p = 0; p < parts; p++) {
                        if (!rewrite[p]) continue;
                        PartWriter w = writers[p];
                        if (w == null) {
                            refs[p] = new Manifest.PartRef(0, 0, 0);
                        } else {
                            w.finish();
                            refs[p] = new Manifest.PartRef(cap.sequence(), w.entries(), w.length());
                        }
                    }
                    walked += n;
                } finally {
                    for (PartWriter w : writers) if (w != null) w.close();
                }
            }
            long entries = 0;
            for (Manifest.PartRef r : refs) entries += r.entries();
            out.add(new Manifest.KeyspaceEntry(k.id(), k.kind().ordinal(), k.name(), entries, k.bytes(), List.of(refs)));
        }
        progress.done();
        long consistent = end.getAsLong(); // every write the walk could have seen has a sequence at most this
        long created = endTime.getAsLong();
        files.syncDirectory(into);
        return new Manifest(cap.sequence(), created, prev == null ? 0 : prev.sequence(), cap.nextKeyspaceId(), out,
                cap.flags(), consistent, cap.replicaTerm(), cap.replicaIndex());
    }

    /** Whether no key of partition {@code p} of {@code parts} changed: its run of fine bits is all clear. */
    static boolean clean(long[] dirty, int p, int parts) {
        int fine = SnapshotDescriptor.MAX_PARTITIONS / parts;
        for (int bit = p * fine; bit < (p + 1) * fine; bit++) {
            if ((dirty[bit >>> 6] & (1L << bit)) != 0) return false;
        }
        return true;
    }

    static SnapshotInfo info(Manifest m, Path dir) {
        if (m == null) return null;
        Path file = dir.resolve(SnapshotDescriptor.manifestName(m.sequence()));
        long size = 0;
        try {
            size = Files.size(file);
        } catch (IOException ignored) {
            // listed without its own length
        }
        long written = 0;
        int w = 0;
        int r = 0;
        for (Manifest.KeyspaceEntry k : m.keyspaces()) {
            for (Manifest.PartRef p : k.parts()) {
                if (p.empty()) continue;
                size += p.length();
                if (p.writtenBy() == m.sequence()) {
                    w++;
                    written += p.length();
                } else {
                    r++;
                }
            }
        }
        return new SnapshotInfo(m.sequence(), m.consistentSequence(), Instant.ofEpochMilli(m.createdMillis()), m.entries(), m.keyspaces().size(),
                size, written, w, r, file);
    }

    // ================================================================== keeping and deleting

    /**
     * Keeps the newest {@code snapshotsToKeep} snapshots, and with a log retention window also every snapshot inside it
     * and the newest one before it; deletes the other manifests, the parts no kept manifest names, and the log
     * segments every kept snapshot covers. Under {@link #running}.
     */
    private void retain() throws IOException {
        CairnOptions o = engine.options();
        List<Long> seqs = manifestSequences();
        List<Manifest> kept = new ArrayList<>();
        long cutoff = o.logRetention().isZero() ? Long.MAX_VALUE : engine.clock().millis() - o.logRetention().toMillis();
        boolean beforeWindowKept = false;
        for (long seq : seqs) {
            Manifest m;
            try {
                m = Manifest.read(dir.resolve(SnapshotDescriptor.manifestName(seq)));
            } catch (SnapshotException | IOException e) {
                continue; // damaged: neither kept nor deleted here (the next open sets it aside)
            }
            boolean keep = kept.size() < o.snapshotsToKeep();
            if (!keep && cutoff != Long.MAX_VALUE) {
                if (m.createdMillis() >= cutoff) keep = true;
                else if (!beforeWindowKept) keep = true;
            }
            if (m.createdMillis() < cutoff && keep) beforeWindowKept = true;
            if (keep) kept.add(m);
            else files.delete(dir.resolve(SnapshotDescriptor.manifestName(seq)));
        }
        Set<String> referenced = new HashSet<>();
        for (Manifest m : kept) {
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                for (int p = 0; p < k.parts().size(); p++) {
                    if (!k.parts().get(p).empty()) referenced.add(Manifest.partFile(dir, k, p).getFileName().toString());
                }
            }
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String n = p.getFileName().toString();
                if ((n.endsWith(SnapshotDescriptor.PART_SUFFIX) && !referenced.contains(n)) || n.endsWith(SnapshotDescriptor.TEMP_SUFFIX)) {
                    files.delete(p);
                }
            }
        }
        files.syncDirectory(dir);
        if (kept.isEmpty()) return;
        // a window that reaches back before every snapshot needs the log from before the oldest one too
        if (cutoff != Long.MAX_VALUE && !beforeWindowKept) return;
        long oldest = kept.get(kept.size() - 1).sequence();
        List<Path> covered;
        engine.writeLock.lock();
        try {
            covered = engine.wal.detachCoveredSegments(oldest);
        } finally {
            engine.writeLock.unlock();
        }
        for (Path p : covered) files.delete(p);
        if (!covered.isEmpty()) files.syncDirectory(engine.wal.directory());
    }

    // ================================================================== listing

    List<SnapshotInfo> list() {
        List<SnapshotInfo> out = new ArrayList<>();
        try {
            for (long seq : manifestSequences()) {
                try {
                    out.add(info(Manifest.read(dir.resolve(SnapshotDescriptor.manifestName(seq))), dir));
                } catch (SnapshotException | IOException e) {
                    // a damaged manifest is not a snapshot one can use
                }
            }
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "could not list the snapshots of " + storeDir + ": " + e, e);
        }
        return out;
    }

    SnapshotInfo lastTaken() {
        return last;
    }

    boolean inProgress() {
        return inProgress;
    }

    long taken() {
        return taken;
    }

    private volatile long lastPauseNanos;

    long lastPauseNanos() {
        return lastPauseNanos;
    }

    long lastTookNanos() {
        return lastTookNanos;
    }

    boolean lastFailed() {
        return lastFailed;
    }

    /** The sequence of the newest snapshot taken or loaded, 0 if none. */
    long baseSequence() {
        Manifest b = base;
        return b == null ? 0 : b.sequence();
    }

    long lastEndMillis() {
        return lastEndMillis;
    }

    // ================================================================== backup

    /**
     * Writes a copy of the store into {@code target} (absent or empty) that {@link Cairn#open} opens: a snapshot
     * (taken now; its part files hard-linked when the file system allows, else copied) and the log records after it up
     * to the moment the copy was cut. Returns the backup's sequence.
     */
    long backup(Path target) {
        running.lock();
        try {
            prepareTarget(target);
            takeLocked();
            Manifest m = base;
            long end;
            List<Wal.SegmentRef> segs;
            engine.writeLock.lock();
            try {
                end = engine.wal.lastSequence();
                segs = engine.wal.segments();
            } finally {
                engine.writeLock.unlock();
            }
            engine.wal.sync(); // gathered records reach the file; everything up to end is on disk
            Path snapTo = target.resolve(SnapshotDescriptor.DIRECTORY);
            Path walTo = target.resolve("wal");
            Files.createDirectories(snapTo);
            Files.createDirectories(walTo);
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                for (int p = 0; p < k.parts().size(); p++) {
                    if (k.parts().get(p).empty()) continue;
                    Path from = Manifest.partFile(dir, k, p);
                    linkOrCopy(from, snapTo.resolve(from.getFileName()));
                }
            }
            for (int i = 0; i < segs.size(); i++) {
                Wal.SegmentRef s = segs.get(i);
                long nextFirst = i + 1 < segs.size() ? segs.get(i + 1).firstSequence() : Long.MAX_VALUE;
                if (nextFirst <= m.sequence() + 1 && i + 1 < segs.size()) continue; // wholly covered by the snapshot
                copyPrefix(s.path(), walTo.resolve(s.path().getFileName()), s.usedBytes());
            }
            files.syncDirectory(walTo);
            m.write(snapTo, files);
            files.syncDirectory(target);
            return end;
        } catch (IOException e) {
            throw new CairnException(CairnException.Code.IO_ERROR, "backup of " + storeDir + " into " + target + " failed: " + e, e);
        } finally {
            running.unlock();
        }
    }

    static void prepareTarget(Path target) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> list = Files.list(target)) {
                if (list.findAny().isPresent()) {
                    throw new CairnException(CairnException.Code.INVALID_ARGUMENT, target + " is not empty; a backup or restore"
                            + " goes into an absent or empty directory");
                }
            }
        }
        Files.createDirectories(target);
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
            return;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            // another file system, or no hard links: copy
        }
        copyPrefix(from, to, Files.size(from));
    }

    private static void copyPrefix(Path from, Path to, long length) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                long n = in.transferTo(done, length - done, out);
                if (n <= 0) throw new IOException(from + " is shorter than " + length + " bytes");
                done += n;
            }
            out.force(true);
        }
    }

    // ================================================================== restore

    /**
     * Builds, in {@code target}, the store in {@code source} as of {@code point}: the newest snapshot at or before the
     * point plus the log records after it, up to the point, written as one snapshot. {@code source} is only read.
     */
    static SnapshotInfo restore(Path source, Path target, RestorePoint point) {
        try {
            prepareTarget(target);
            Engine e = Engine.detached(source);
            Checkpoints c = e.checkpoints;
            long stopSeq = Long.MAX_VALUE;
            long stopTime = Long.MAX_VALUE;
            if (point instanceof RestorePoint.AtSequence s) stopSeq = s.sequence();
            if (point instanceof RestorePoint.AtTime t) stopTime = Engine.epochMillis(t.instant(), "instant");
            long onlySnapshot = -1;
            if (point instanceof RestorePoint.AtSnapshot s) {
                onlySnapshot = s.sequence();
                Manifest m;
                try {
                    m = Manifest.read(c.dir.resolve(SnapshotDescriptor.manifestName(s.sequence())));
                } catch (java.nio.file.NoSuchFileException missing) {
                    throw new CairnException(CairnException.Code.INVALID_ARGUMENT, source + " has no snapshot " + s.sequence());
                }
                stopSeq = m.consistentSequence();
            }
            Manifest chosen = null;
            List<String> skipped = new ArrayList<>();
            for (long seq : c.manifestSequences()) {
                if (seq > stopSeq || (onlySnapshot >= 0 && seq != onlySnapshot)) continue;
                try {
                    Manifest m = Manifest.read(c.dir.resolve(SnapshotDescriptor.manifestName(seq)));
                    // exact only from its consistent point on: the walk may have seen writes up to it
                    if (m.consistentSequence() > stopSeq || m.createdMillis() > stopTime) continue;
                    e.install(loadStates(m, c.dir), m.nextKeyspaceId());
                    chosen = m;
                    break;
                } catch (SnapshotException | IOException ex) {
                    skipped.add(ex.getMessage());
                }
            }
            if (point instanceof RestorePoint.AtTime && chosen != null
                    && (chosen.flags() & SnapshotDescriptor.FLAG_TIMED_LOG) == 0 && hasLogAfter(source, chosen.sequence())) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "cannot restore " + source + " to " + point
                        + ": its log after snapshot " + chosen.sequence() + " carries no times; open the store with"
                        + " CairnOptions.logRetention set to keep a timed log and a window of restore points");
            }
            long from = chosen == null ? 0 : chosen.sequence();
            long[] reached = {from};
            long[] time = {chosen == null ? 0 : chosen.createdMillis()};
            final long seqLimit = stopSeq;
            final long timeLimit = stopTime;
            Path walDir = source.resolve("wal");
            if (Files.isDirectory(walDir)) {
                try {
                    WalScanner.read(walDir, (seq, payload) -> {
                        if (seq <= from) return;
                        if (seq > seqLimit) throw Stop.INSTANCE;
                        if (seq != reached[0] + 1) {
                            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "cannot restore " + source + " to "
                                    + point + ": the log records " + (reached[0] + 1) + ".." + (seq - 1) + " it would need were"
                                    + " deleted after a later snapshot" + (skipped.isEmpty() ? "" : " (unusable snapshots: "
                                    + skipped + ")") + "; CairnOptions.logRetention keeps a window of restore points");
                        }
                        Mutation mu = e.decode(seq, payload);
                        if (seq == 1 && timeLimit != Long.MAX_VALUE && !(mu instanceof Mutation.Tick)) {
                            throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "cannot restore " + source
                                    + " to " + point + ": its log carries no times; open the store with"
                                    + " CairnOptions.logRetention set to keep a timed log and a window of restore points");
                        }
                        if (mu instanceof Mutation.Tick t) {
                            if (t.millis() > timeLimit) throw Stop.INSTANCE;
                            time[0] = t.millis();
                        }
                        e.replayMutation(seq, mu);
                        reached[0] = seq;
                    });
                } catch (Stop done) {
                    // reached the point
                }
            }
            if (onlySnapshot >= 0 && chosen == null) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "snapshot " + onlySnapshot + " of " + source
                        + " is damaged: " + skipped);
            }
            if (point instanceof RestorePoint.AtSequence s && reached[0] < s.sequence()) {
                throw new CairnException(CairnException.Code.INVALID_ARGUMENT, "the store in " + source + " reaches only sequence "
                        + reached[0] + ", not " + s.sequence());
            }
            List<Captured> ks = new ArrayList<>();
            for (KeyspaceState s : e.states()) {
                ks.add(new Captured(s, s.id, s.name, s.index().kind(), s.index(), KeyspaceState.allDirty(), s.index().size(),
                        s.bytes()));
            }
            long created = point instanceof RestorePoint.AtTime t ? Engine.epochMillis(t.instant(), "instant") : time[0];
            Capture cap = new Capture(Math.max(reached[0], 1), created == 0 ? System.currentTimeMillis() : created,
                    e.nextKeyspaceId, ks, 0, 0, 0);
            Path snapTo = target.resolve(SnapshotDescriptor.DIRECTORY);
            Files.createDirectories(snapTo);
            long endTime = cap.created();
            Manifest m = write(e, cap, null, snapTo, FileLayer.DEFAULT, new ArrayList<>(), () -> false, cap::sequence,
                    () -> endTime);
            m.write(snapTo, FileLayer.DEFAULT);
            FileLayer.DEFAULT.syncDirectory(target);
            return info(m, snapTo);
        } catch (IOException ex) {
            throw new CairnException(CairnException.Code.IO_ERROR, "restore of " + source + " into " + target + " failed: " + ex, ex);
        }
    }

    /** Whether the log in {@code source} holds any record after {@code seq}. */
    private static boolean hasLogAfter(Path source, long seq) {
        Path walDir = source.resolve("wal");
        if (!Files.isDirectory(walDir)) return false;
        boolean[] found = {false};
        try {
            WalScanner.read(walDir, (s, payload) -> {
                if (s > seq) {
                    found[0] = true;
                    throw Stop.INSTANCE;
                }
            });
        } catch (Stop done) {
            return true;
        } catch (IOException e) {
            return false;
        }
        return found[0];
    }

    /** Ends a log read early. */
    private static final class Stop extends RuntimeException {
        static final Stop INSTANCE = new Stop();

        private Stop() {
            super(null, null, false, false);
        }
    }

    Path directory() {
        return dir;
    }
}
