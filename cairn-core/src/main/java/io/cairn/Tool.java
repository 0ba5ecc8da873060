package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.Compact;
import io.cairn.collection.HashValue;
import io.cairn.collection.ListValue;
import io.cairn.collection.SetValue;
import io.cairn.collection.ZSetValue;
import io.cairn.index.Cells;
import io.cairn.snapshot.Manifest;
import io.cairn.snapshot.PartReader;
import io.cairn.snapshot.SnapshotDescriptor;
import io.cairn.snapshot.SnapshotException;
import io.cairn.wal.SegmentDescriptor;
import io.cairn.wal.WalRecordDescriptor;
import io.cairn.wal.WalScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The offline tool, {@code cairn tool inspect|verify|dump|repair DIR}: looks at (and, asked to, repairs) the directory
 * of a store that no process has open. It reads the files with the same format classes the store uses
 * ({@link Manifest}, {@link PartReader}, {@link SegmentDescriptor}, {@link WalRecordDescriptor},
 * {@link MutationDescriptor}) and applies the rules recovery applies, so what it says recovery would do is what
 * {@link Cairn#open} does: load the newest snapshot that checks out, replay the log after it, cut a torn tail, refuse
 * a damaged log.
 *
 * <ul>
 *   <li>{@code inspect}: snapshots, log segments, sizes, and what recovery would load and replay.</li>
 *   <li>{@code verify}: every CRC of every manifest, part and log record, every entry's shape, every record's
 *       payload, and that the log continues from the snapshots; each problem with its file and byte offset. A good
 *       snapshot's entries are counted by type.</li>
 *   <li>{@code dump}: log records or a snapshot's entries as text; a collection as its type and elements
 *       ({@code users h:1 hash {name=ann, age=42}}), a change to one as its command ({@code HSET users key=h:1 {age=43}}).</li>
 *   <li>{@code repair}: cuts a torn or damaged log tail and sets unusable snapshots aside, saving everything it removes
 *       in {@code salvage/}; it only says what it would do unless given {@code --yes}.</li>
 * </ul>
 *
 * <p>Exit codes: 0 all good (or nothing to repair), 1 damage found (or a repair is needed), 2 usage or I/O error, or
 * the store is in use. The tool takes the store's lock for as long as it runs (shared to read, exclusive to repair),
 * so a store cannot be opened while it works, and creates no file in a directory that is not a store.
 */
public final class Tool {
    static final int OK = 0;
    static final int DAMAGE = 1;
    static final int FAIL = 2;

    static final String USAGE = """
            usage: cairn tool <command> DIR [options]
            Works on the directory of a stopped store: a store that a process has open is refused.
              inspect DIR         snapshots, log segments and sizes; what recovery would load and replay
              verify DIR          checks every checksum of every snapshot and log record and that the log continues
                                  from the snapshots; lists each problem with its file and byte offset
              dump DIR [--log] [--snapshot SEQ|latest] [--keyspace NAME] [--limit N]
                                  prints log records (the default) or a snapshot's entries as text
              repair DIR [--yes]  cuts a torn or damaged log tail and moves unusable snapshots into DIR/salvage/;
                                  without --yes it only says what it would do (nothing is ever deleted)
              restore DIR TARGET [--time ISO-8601 | --sequence N | --snapshot N]
                                  builds in TARGET (absent or empty) the store as it was at that instant (with a log
                                  retention window set), after that log sequence, or as that snapshot; the latest
                                  state without an option. DIR is only read, and may be in use.
              export|import DIR   JSON Lines export and import (from the launcher: cairn tool export --help)
            Exit codes: 0 all good (repair: nothing to do, or repaired), 1 damage found (repair: a repair is needed
            or the store still cannot open), 2 usage or I/O error, or the store is in use.
            """;

    /** Bytes of a key or value shown before it is cut short. */
    private static final int SHOW_TEXT = 64;
    private static final int SHOW_HEX = 32;
    /** Elements of a collection shown before the rest is counted. */
    private static final int SHOW_ELEMENTS = 16;
    /** Channels of a LOCK another part of this process locked: closing them would drop that lock (POSIX). */
    private static final List<FileChannel> KEPT_OPEN = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;

    private Tool(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit code. Never calls {@link System#exit}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return new Tool(out, err).dispatch(args);
        } catch (Failure e) {
            err.println("cairn tool: " + e.getMessage());
            if (e.usage) err.println("run 'cairn tool --help' for usage");
            return FAIL;
        } catch (IOException e) {
            err.println("cairn tool: I/O error: " + describe(e));
            return FAIL;
        } catch (UncheckedIOException e) {
            err.println("cairn tool: I/O error: " + describe(e.getCause()));
            return FAIL;
        } catch (RuntimeException e) {
            err.println("cairn tool: unexpected error: " + e);
            e.printStackTrace(err);
            return FAIL;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return e.getMessage() + ": no such file";
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** A usage error or a refusal: one line for the user, exit code 2. */
    static final class Failure extends Exception {
        final boolean usage;

        Failure(String message, boolean usage) {
            super(message);
            this.usage = usage;
        }
    }

    private static Failure usage(String message) {
        return new Failure(message, true);
    }

    // ================================================================== arguments

    /** The parsed command line. {@code snapshot} is null (none), "latest" or a sequence. */
    private record Options(String command, Path dir, boolean yes, boolean log, String snapshot, String keyspace, long limit) {
    }

    private int dispatch(String[] args) throws Failure, IOException {
        if (args.length == 0) {
            err.print(USAGE);
            return FAIL;
        }
        if (args[0].equals("help")) {
            out.print(USAGE);
            return OK;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return OK;
            }
        }
        if (args[0].equals("restore")) return restore(args);
        Options o = parse(args);
        Store st = Store.at(o.dir());
        boolean writes = o.command().equals("repair") && o.yes();
        StoreLock lock = StoreLock.acquire(st, writes);
        try {
            switch (o.command()) {
                case "inspect":
                    return inspect(st);
                case "verify":
                    return verify(st);
                case "dump":
                    return dump(st, o);
                default:
                    return repair(st, o.yes());
            }
        } finally {
            lock.close();
        }
    }

    /** {@code restore DIR TARGET [--time T | --sequence N | --snapshot N]}: {@link Cairn#restore}. */
    private int restore(String[] args) throws Failure {
        Path source = null;
        Path target = null;
        RestorePoint point = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--time", "--sequence", "--snapshot" -> {
                    if (point != null) throw usage("restore takes one of --time, --sequence and --snapshot");
                    String v = value(args, ++i, a);
                    try {
                        point = switch (a) {
                            case "--time" -> RestorePoint.time(java.time.Instant.parse(v));
                            case "--sequence" -> RestorePoint.sequence(Long.parseLong(v));
                            default -> RestorePoint.snapshot(Long.parseLong(v));
                        };
                    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
                        throw usage(a + " takes " + (a.equals("--time") ? "an ISO-8601 instant such as 2026-11-22T09:30:00Z"
                                : "a sequence number") + ", not '" + v + "'");
                    }
                }
                default -> {
                    if (a.startsWith("-")) throw usage("unknown option '" + a + "' for restore");
                    if (source == null) source = Path.of(a);
                    else if (target == null) target = Path.of(a);
                    else throw usage("restore takes a store directory and a target directory; unexpected '" + a + "'");
                }
            }
        }
        if (target == null) throw usage("restore: needs the store directory and a target (cairn tool restore DIR TARGET)");
        if (!Files.isDirectory(source.resolve("wal")) && !Files.isDirectory(source.resolve("snapshots"))) {
            throw new Failure(source + " is not a Cairn store (no wal/ or snapshots/ in it)", false);
        }
        try {
            SnapshotInfo s = Cairn.restore(source, target, point == null ? RestorePoint.latest() : point);
            out.println("restored " + source + (point == null ? " (latest)" : " to " + describe(point)) + " into " + target
                    + ": " + s.entries() + " entries in " + s.keyspaces() + " keyspaces, at log sequence "
                    + s.consistentSequence());
            out.println("open it with Cairn.open or ./cairn server --dir " + target);
            return OK;
        } catch (CairnException e) {
            throw new Failure("restore failed: " + e.getMessage(), false);
        }
    }

    private static String describe(RestorePoint p) {
        if (p instanceof RestorePoint.AtTime t) return t.instant().toString();
        if (p instanceof RestorePoint.AtSequence s) return "log sequence " + s.sequence();
        if (p instanceof RestorePoint.AtSnapshot s) return "snapshot " + s.sequence();
        return "the latest state";
    }

    private static Options parse(String[] args) throws Failure {
        String cmd = args[0];
        if (!List.of("inspect", "verify", "dump", "repair").contains(cmd)) {
            throw usage("unknown command '" + cmd + "' (inspect, verify, dump, repair or restore)");
        }
        Path dir = null;
        boolean yes = false;
        boolean log = false;
        String snapshot = null;
        String keyspace = null;
        long limit = -1;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--yes":
                    only(cmd, a, "repair");
                    yes = true;
                    break;
                case "--log":
                    only(cmd, a, "dump");
                    log = true;
                    break;
                case "--snapshot":
                    only(cmd, a, "dump");
                    snapshot = value(args, ++i, a);
                    if (!snapshot.equals("latest")) {
                        try {
                            if (Long.parseLong(snapshot) <= 0) throw new NumberFormatException();
                        } catch (NumberFormatException e) {
                            throw usage("--snapshot takes a snapshot's sequence (a positive number) or 'latest', not '"
                                    + snapshot + "'");
                        }
                    }
                    break;
                case "--keyspace":
                    only(cmd, a, "dump");
                    keyspace = value(args, ++i, a);
                    break;
                case "--limit":
                    only(cmd, a, "dump");
                    String v = value(args, ++i, a);
                    try {
                        limit = Long.parseLong(v);
                        if (limit < 0) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw usage("--limit takes a number of records or entries (0 or more), not '" + v + "'");
                    }
                    break;
                default:
                    if (a.startsWith("-")) throw usage("unknown option '" + a + "' for " + cmd);
                    if (dir != null) throw usage("one store directory only; unexpected '" + a + "'");
                    dir = Path.of(a);
            }
        }
        if (dir == null) throw usage(cmd + ": missing the store directory (cairn tool " + cmd + " DIR)");
        return new Options(cmd, dir, yes, log, snapshot, keyspace, limit);
    }

    private static void only(String cmd, String option, String allowed) throws Failure {
        if (!cmd.equals(allowed)) throw usage("option " + option + " belongs to " + allowed + ", not " + cmd);
    }

    private static String value(String[] args, int i, String option) throws Failure {
        if (i >= args.length) throw usage(option + " needs a value");
        return args[i];
    }

    // ================================================================== the store's directory and its lock

    /** The directories of one store. */
    static final class Store {
        final Path dir;
        final Path wal;
        final Path snapshots;
        final Path salvage;

        private Store(Path dir) {
            this.dir = dir;
            this.wal = dir.resolve("wal");
            this.snapshots = dir.resolve(SnapshotDescriptor.DIRECTORY);
            this.salvage = dir.resolve("salvage");
        }

        static Store at(Path dir) throws Failure {
            if (!Files.exists(dir)) throw new Failure(dir + ": no such directory", false);
            if (!Files.isDirectory(dir)) throw new Failure(dir + " is not a directory", false);
            if (!Files.exists(dir.resolve("LOCK"), LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir.resolve("wal"))
                    && !Files.isDirectory(dir.resolve(SnapshotDescriptor.DIRECTORY))) {
                throw new Failure(dir + " is not a Cairn store: it has no LOCK, wal/ or snapshots/", false);
            }
            return new Store(dir);
        }

        /** {@code file} as a path inside the store, for messages: {@code wal/00000000000000000001.wal}. */
        String name(Path file) {
            if (file == null) return "?";
            try {
                return dir.toAbsolutePath().relativize(file.toAbsolutePath()).toString();
            } catch (IllegalArgumentException e) {
                return file.toString();
            }
        }
    }

    /**
     * The store's lock, held while the tool works: shared to read (a running store holds it exclusively), exclusive to
     * repair. In this JVM the directory is also registered where {@link Engine} registers the stores it opens, so an
     * open store here is refused without touching {@code LOCK} (closing any channel of it would drop the store's
     * lock: POSIX record locks belong to the process), and {@link Cairn#open} refuses the directory while the tool
     * works on it.
     */
    static final class StoreLock implements AutoCloseable {
        private Path key;
        private FileChannel channel;
        private FileLock lock;

        static StoreLock acquire(Store st, boolean exclusive) throws Failure, IOException {
            Path key = st.dir.toAbsolutePath().toRealPath();
            if (!Engine.OPEN_IN_THIS_JVM.add(key)) {
                throw inUse(st, "it is open in this process (close it first)");
            }
            StoreLock l = new StoreLock();
            l.key = key;
            try {
                Path lockFile = st.dir.resolve("LOCK");
                if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                    // never opened (a backup or a restore, say): nothing holds it. A repair creates it, as an open would
                    if (!exclusive) return l;
                    l.channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                } else if (exclusive) {
                    l.channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } else {
                    l.channel = FileChannel.open(lockFile, StandardOpenOption.READ);
                }
                try {
                    l.lock = l.channel.tryLock(0, Long.MAX_VALUE, !exclusive);
                } catch (OverlappingFileLockException e) {
                    synchronized (KEPT_OPEN) {
                        KEPT_OPEN.add(l.channel); // closing it would release the other holder's lock
                    }
                    l.channel = null;
                    throw inUse(st, "its lock is held by other code in this process");
                }
                if (l.lock == null) {
                    String pid = "";
                    try {
                        pid = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
                    } catch (IOException ignored) {
                        // the message is clear without it
                    }
                    throw inUse(st, "a running process holds its lock" + (pid.matches("\\d+") ? " (pid " + pid + ")" : ""));
                }
                return l;
            } catch (Failure | IOException | RuntimeException e) {
                l.close();
                throw e;
            }
        }

        private static Failure inUse(Store st, String why) {
            return new Failure("the store in " + st.dir + " is in use: " + why + ". The tool works on a stopped store;"
                    + " stop the server or close the store first", false);
        }

        @Override
        public void close() {
            try {
                if (lock != null) lock.release();
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock in any case
            } finally {
                lock = null;
                channel = null;
                if (key != null) Engine.OPEN_IN_THIS_JVM.remove(key);
                key = null;
            }
        }
    }

    // ================================================================== inspect

    private int inspect(Store st) throws IOException {
        SnapScan snaps = SnapScan.scan(st);
        LogScan log = LogScan.scan(st.wal, snaps.newestUsable(), null);
        Plan plan = Plan.of(st, snaps, log);
        out.println("store " + st.dir.toAbsolutePath());
        out.println();
        if (snaps.snaps.isEmpty()) {
            out.println("snapshots: none");
        } else {
            out.println("snapshots: " + snaps.snaps.size() + " (newest first)");
        }
        for (SnapScan.Snap s : snaps.snaps) {
            if (s.manifest == null) {
                out.println("  snapshot " + s.seq + ": DAMAGED manifest " + st.name(s.file) + ": " + where(st, s.problems.get(0)));
                continue;
            }
            Manifest m = s.manifest;
            out.println("  snapshot " + s.seq + ": consistent at " + m.consistentSequence() + ", created "
                    + iso(m.createdMillis()) + (m.previous() == 0 ? "" : ", previous snapshot " + m.previous())
                    + ((m.flags() & SnapshotDescriptor.FLAG_TIMED_LOG) != 0 ? ", timed log" : "")
                    + (Boolean.FALSE.equals(s.usable) ? "; DAMAGED: " + where(st, s.problems.get(0)) : ""));
            int written = 0;
            int shared = 0;
            long writtenBytes = 0;
            long sharedBytes = 0;
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                for (Manifest.PartRef p : k.parts()) {
                    if (p.empty()) continue;
                    if (p.writtenBy() == m.sequence()) {
                        written++;
                        writtenBytes += p.length();
                    } else {
                        shared++;
                        sharedBytes += p.length();
                    }
                }
            }
            out.println("    " + count(m.entries(), "entry", "entries") + " in " + count(m.keyspaces().size(), "keyspace", "keyspaces")
                    + "; parts: " + written + " written by it (" + writtenBytes + " bytes), " + shared
                    + " shared with earlier snapshots (" + sharedBytes + " bytes); manifest " + s.fileSize + " bytes; "
                    + (s.fileSize + writtenBytes + sharedBytes) + " bytes in all");
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                out.println("    keyspace " + show(k.name().getBytes(StandardCharsets.UTF_8)) + " (id " + k.id() + "): "
                        + kindName(k.kind()) + ", " + count(k.entries(), "entry", "entries") + ", " + k.bytes() + " bytes of keys and values, "
                        + k.parts().size() + (k.parts().size() == 1 ? " partition" : " partitions"));
            }
        }
        for (Path p : snaps.unnamed) out.println("  " + st.name(p) + ": named by no manifest (the next checkpoint deletes it)");
        out.println();
        printSegments(st, log);
        out.println();
        long salvageBytes = 0;
        int salvageFiles = 0;
        if (Files.isDirectory(st.salvage)) {
            try (Stream<Path> list = Files.walk(st.salvage)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        salvageFiles++;
                        salvageBytes += Files.size(p);
                    }
                }
            }
        }
        out.println("salvage/: " + salvageFiles + (salvageFiles == 1 ? " file, " : " files, ") + salvageBytes + " bytes");
        long logBytes = log.bytesOnDisk + log.preallocBytes;
        out.println("total: " + (snaps.bytes + logBytes + salvageBytes) + " bytes on disk (snapshots " + snaps.bytes + ", log "
                + logBytes + ", salvage " + salvageBytes + ")");
        out.println();
        printPlan(st, plan, log);
        return OK;
    }

    private void printSegments(Store st, LogScan log) {
        if (log.segments.isEmpty()) {
            out.println("log: no segments" + (Files.isDirectory(st.wal) ? "" : " (no wal/ directory)"));
            return;
        }
        out.println("log: " + log.segments.size() + (log.segments.size() == 1 ? " segment" : " segments") + " in wal/");
        out.println(String.format("  %8s %14s %14s %12s %12s", "segment", "first seq", "last seq", "used bytes", "file size"));
        for (LogScan.Segment s : log.segments) {
            out.println(String.format("  %8d %14s %14s %12d %12d%s", s.number(), s.firstSequence() < 0 ? "?" : Long.toString(s.firstSequence()),
                    s.records() == 0 ? "-" : Long.toString(s.lastSequence()), s.usedBytes(), s.fileSize(),
                    s.note() == null ? "" : "  " + s.note()));
        }
        out.println("  " + log.totalRecords + " records" + (log.totalRecords == 0 ? "" : ", sequences " + log.minSeq + ".." + log.maxSeq)
                + "; " + log.bytesUsed + " bytes used, " + log.bytesOnDisk + " bytes on disk"
                + (log.preallocFiles == 0 ? "" : "; " + log.preallocFiles + " preallocated next segment (" + log.preallocBytes + " bytes)"));
        if (log.stopIndex >= 0) {
            out.println("  " + (log.validFollows ? "DAMAGED" : "torn tail") + " at " + st.name(log.stopFile) + " offset "
                    + log.stopOffset + ": " + log.stopReason);
        }
    }

    private void printPlan(Store st, Plan plan, LogScan log) {
        out.println("recovery (Cairn.open) would:");
        for (SnapScan.Snap s : plan.skipped()) {
            out.println("  skip snapshot " + s.seq + ": " + where(st, s.problems.get(0)));
        }
        if (plan.loaded() == null) {
            out.println("  load no snapshot" + (plan.skipped().isEmpty() ? "" : " (no usable one)"));
        } else {
            out.println("  load snapshot " + plan.loaded().seq + " (" + plan.loaded().manifest.entries() + " entries)");
        }
        if (log.stopIndex >= 0 && !log.validFollows) {
            out.println("  cut a torn tail at " + st.name(log.stopFile) + " offset " + log.stopOffset + " (" + log.stopNonZero
                    + " bytes, kept in salvage/): " + log.stopReason);
        }
        if (plan.failure() != null) {
            out.println("  FAIL: " + plan.failure());
            return;
        }
        out.println("  replay " + plan.replayCount() + " log " + (plan.replayCount() == 1 ? "record" : "records")
                + (plan.replayCount() == 0 ? "" : " (" + plan.replayFirst() + ".." + plan.replayLast() + ")")
                + ", ending at sequence " + Math.max(plan.floor(), log.prefixLast));
    }

    // ================================================================== verify

    private int verify(Store st) throws IOException {
        SnapScan snaps = SnapScan.scan(st);
        for (SnapScan.Snap s : snaps.snaps) snaps.check(s);
        LogScan log = LogScan.scan(st.wal, snaps.newestUsable(), null);
        Plan plan = Plan.of(st, snaps, log);
        int problems = 0;
        out.println("verify " + st.dir.toAbsolutePath());
        out.println();
        out.println("snapshots: " + (snaps.snaps.isEmpty() ? "none" : snaps.snaps.size() + " manifests, " + snaps.parts.size()
                + " part files checked"));
        for (SnapScan.Snap s : snaps.snaps) {
            if (s.usable) {
                out.println("  snapshot " + s.seq + ": ok (" + s.manifest.keyspaces().size() + " keyspaces, "
                        + s.manifest.entries() + " entries" + byType(s.types) + ")");
                continue;
            }
            out.println("  snapshot " + s.seq + ": DAMAGED");
            for (Problem p : s.problems) {
                out.println("    " + where(st, p));
                problems++;
            }
            out.println("    " + fallback(s, plan));
        }
        for (Path p : snaps.unnamed) out.println("  note: " + st.name(p) + " is named by no manifest (the next checkpoint deletes it)");
        out.println();
        out.println("log: " + log.segments.size() + (log.segments.size() == 1 ? " segment, " : " segments, ") + log.totalRecords
                + " records" + (log.totalRecords == 0 ? "" : " (" + log.minSeq + ".." + log.maxSeq + ")") + " checked");
        for (Problem p : log.problems) {
            out.println("  " + where(st, p));
            problems++;
        }
        for (String n : log.notes) out.println("  note: " + n);
        if (log.stopIndex >= 0) {
            if (log.validFollows) {
                out.println("  the log is DAMAGED, not torn: reading stops at " + st.name(log.stopFile) + " offset " + log.stopOffset
                        + " and valid records follow (" + log.followsAt(st) + "); " + lost(log) + ". Cairn.open refuses the"
                        + " store (CORRUPTED); 'cairn tool repair --yes' (or CairnOptions.salvage) keeps the "
                        + log.prefixRecords + " records before it and moves the rest into salvage/");
            } else {
                out.println("  torn tail at " + st.name(log.stopFile) + " offset " + log.stopOffset + " (" + log.stopNonZero
                        + " bytes, no valid record after it): a write that did not finish; Cairn.open cuts it (keeping the"
                        + " bytes in salvage/), as does 'cairn tool repair --yes'");
            }
        }
        for (String c : coverage(snaps, log)) {
            out.println("  " + c);
            problems++;
        }
        if (log.problems.isEmpty() && log.stopIndex < 0 && problems == 0) out.println("  ok");
        out.println();
        printPlan(st, plan, log);
        out.println();
        if (problems == 0) {
            out.println("verify: no damage found");
            return OK;
        }
        out.println("verify: " + problems + (problems == 1 ? " problem" : " problems") + " found");
        return DAMAGE;
    }

    /** Whether recovery can fall back past the unusable snapshot {@code s}. */
    private static String fallback(SnapScan.Snap s, Plan plan) {
        if (plan.loaded() != null && s.seq < plan.loaded().seq) {
            return "recovery does not need it: snapshot " + plan.loaded().seq + " is newer and valid";
        }
        if (plan.coverageFailure() == null) {
            return "recovery can fall back past it: it loads " + (plan.loaded() == null ? "no snapshot and replays the whole log"
                    : "snapshot " + plan.loaded().seq + " and replays the log after it");
        }
        return "recovery cannot fall back past it: " + plan.coverageFailure();
    }

    /**
     * Whether the log continues from every usable snapshot: it must start no later than just after the oldest (the log
     * a checkpoint deletes is only what the oldest kept snapshot covers) and reach the newest.
     */
    private static List<String> coverage(SnapScan snaps, LogScan log) throws IOException {
        List<String> out = new ArrayList<>();
        if (!log.keptSegments) return out; // no log: a snapshot alone, or an empty store
        SnapScan.Snap oldest = null;
        for (SnapScan.Snap s : snaps.snaps) if (snaps.check(s)) oldest = s;
        long needFrom = oldest == null ? 1 : oldest.seq + 1;
        if (log.logStart > needFrom) {
            out.add("the log starts at sequence " + log.logStart + " but " + (oldest == null ? "there is no usable snapshot, so it"
                    : "the oldest usable snapshot, " + oldest.seq + ", needs it from sequence " + needFrom + ", so the log")
                    + " should start at " + needFrom + ": records " + needFrom + ".." + (log.logStart - 1) + " are missing");
        }
        SnapScan.Snap newest = snaps.newestUsableSnap();
        if (newest != null && log.prefixLast < newest.seq) {
            out.add("the log ends at sequence " + log.prefixLast + " but snapshot " + newest.seq + " covers up to " + newest.seq
                    + ": the log lost records it had");
        }
        return out;
    }

    private static String lost(LogScan log) {
        if (log.lostRecords == 0) return "no valid record after it";
        return log.lostRecords + " valid " + (log.lostRecords == 1 ? "record" : "records") + " after it (sequences "
                + log.lostMin + ".." + log.lostMax + ")";
    }

    // ================================================================== dump

    /** Ends a dump at its limit. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    private int dump(Store st, Options o) throws Failure, IOException {
        SnapScan snaps = SnapScan.scan(st);
        boolean damaged = false;
        if (o.snapshot() != null) damaged |= dumpSnapshot(st, snaps, o);
        if (o.log() || o.snapshot() == null) damaged |= dumpLog(st, snaps, o);
        return damaged ? DAMAGE : OK;
    }

    private boolean dumpSnapshot(Store st, SnapScan snaps, Options o) throws Failure, IOException {
        SnapScan.Snap chosen = null;
        if (o.snapshot().equals("latest")) {
            for (SnapScan.Snap s : snaps.snaps) {
                if (snaps.check(s)) {
                    chosen = s;
                    break;
                }
            }
            if (chosen == null) throw new Failure("no usable snapshot in " + st.dir, false);
        } else {
            long seq = Long.parseLong(o.snapshot());
            for (SnapScan.Snap s : snaps.snaps) if (s.seq == seq) chosen = s;
            if (chosen == null) {
                List<Long> have = new ArrayList<>();
                for (SnapScan.Snap s : snaps.snaps) have.add(s.seq);
                throw new Failure("no snapshot at sequence " + seq + " in " + st.dir + (have.isEmpty() ? " (it has none)"
                        : " (it has " + have + ")"), false);
            }
        }
        if (chosen.manifest == null) {
            out.println("# snapshot " + chosen.seq + ": DAMAGED manifest: " + where(st, chosen.problems.get(0)));
            return true;
        }
        Manifest m = chosen.manifest;
        out.println("# snapshot " + m.sequence() + " (consistent at " + m.consistentSequence() + ", created " + iso(m.createdMillis())
                + "): " + m.entries() + " entries");
        boolean damaged = false;
        long[] shown = {0};
        long now = System.currentTimeMillis();
        try {
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                if (o.keyspace() != null && !o.keyspace().equals(k.name())) continue;
                String ks = show(k.name().getBytes(StandardCharsets.UTF_8));
                for (int p = 0; p < k.parts().size(); p++) {
                    Manifest.PartRef ref = k.parts().get(p);
                    if (ref.empty()) continue;
                    Path file = Manifest.partFile(st.snapshots, k, p);
                    try {
                        PartReader.read(file, k.id(), p, ref.length(), (block, off, len) -> {
                            if (o.limit() >= 0 && shown[0] >= o.limit()) throw new Enough();
                            if (!Cells.valid(block, off, len)) {
                                out.println("# " + st.name(file) + ": an entry is not a well-formed key and value");
                                return;
                            }
                            byte[] cell = java.util.Arrays.copyOfRange(block, off, off + len);
                            long at = Cells.expireAt(cell);
                            out.println(ks + " " + show(Cells.key(cell)) + " " + showValue(cell)
                                    + (at == 0 ? "" : " expires " + iso(at) + (at <= now ? " (expired)" : "")));
                            shown[0]++;
                        });
                    } catch (SnapshotException e) {
                        out.println("# DAMAGED " + where(st, Problem.of(e)));
                        damaged = true;
                    } catch (NoSuchFileException e) {
                        out.println("# DAMAGED " + st.name(file) + ": missing (the manifest names it)");
                        damaged = true;
                    }
                }
            }
        } catch (Enough e) {
            out.println("# limit of " + o.limit() + " entries reached");
        }
        return damaged;
    }

    private boolean dumpLog(Store st, SnapScan snaps, Options o) throws IOException {
        Map<Integer, String> names = snaps.namesBefore(LogScan.firstSequence(st.wal));
        long[] shown = {0};
        boolean[] damaged = {false};
        LogScan log;
        try {
            log = LogScan.scan(st.wal, 0, new LogScan.Visitor() {
                @Override
                public void record(Path file, long offset, long seq, Mutation m, String decodeError) {
                    if (o.limit() >= 0 && shown[0] >= o.limit()) throw new Enough();
                    if (m == null) {
                        out.println(seq + " ? (" + st.name(file) + " offset " + offset + ": valid checksum, does not decode: "
                                + decodeError + ")");
                        damaged[0] = true;
                        shown[0]++;
                        return;
                    }
                    List<String> lines = new ArrayList<>();
                    if (m instanceof Mutation.Batch b) {
                        int i = 0;
                        for (Mutation x : b.mutations()) {
                            i++;
                            String line = describe(x, names, o.keyspace());
                            if (line != null) lines.add("  " + seq + "." + i + " " + line);
                            rename(x, names);
                        }
                        if (!lines.isEmpty() || o.keyspace() == null) {
                            lines.add(0, seq + " BATCH " + b.mutations().size() + (b.mutations().size() == 1 ? " mutation" : " mutations"));
                        }
                    } else {
                        String line = describe(m, names, o.keyspace());
                        if (line != null) lines.add(seq + " " + line);
                        rename(m, names);
                    }
                    for (String l : lines) out.println(l);
                    if (!lines.isEmpty()) shown[0]++;
                }

                @Override
                public void problem(Problem p) {
                    out.println("# DAMAGED " + where(st, p));
                    damaged[0] = true;
                }
            });
        } catch (Enough e) {
            out.println("# limit of " + o.limit() + " records reached");
            return damaged[0];
        }
        if (log.segments.isEmpty()) out.println("# the log is empty");
        return damaged[0] || log.stopIndex >= 0;
    }

    /** One mutation as text, or null if it does not touch {@code keyspace} (null: every one does). */
    private static String describe(Mutation m, Map<Integer, String> names, String keyspace) {
        if (m instanceof Mutation.Put p) {
            if (!in(keyspace, names, p.keyspace())) return null;
            return "PUT " + ks(names, p.keyspace()) + " key=" + show(p.key()) + " value=" + show(p.value()) + expiry(p.expireAt());
        }
        if (m instanceof Mutation.Delete d) {
            if (!in(keyspace, names, d.keyspace())) return null;
            return "DELETE " + ks(names, d.keyspace()) + " key=" + show(d.key());
        }
        if (m instanceof Mutation.Expire e) {
            if (!in(keyspace, names, e.keyspace())) return null;
            return "EXPIRE " + ks(names, e.keyspace()) + " key=" + show(e.key()) + (e.expireAt() == 0 ? " expires=never"
                    : expiry(e.expireAt()));
        }
        if (m instanceof Mutation.Value v) {
            if (!in(keyspace, names, v.keyspace())) return null;
            String value = v.type() >= Cells.HASH && v.type() <= Cells.ZSET && Compact.valid(v.type(), v.encoding(), 0, v.encoding().length)
                    ? showCollection(CollectionValue.decode(v.type(), v.encoding(), 0, v.encoding().length))
                    : "type " + v.type() + " x'?' (" + v.encoding().length + " bytes that do not decode)";
            return "VALUE " + ks(names, v.keyspace()) + " key=" + show(v.key()) + " " + value + expiry(v.expireAt());
        }
        if (m instanceof Mutation.Collection c) {
            if (!in(keyspace, names, c.keyspace())) return null;
            return describe(c, ks(names, c.keyspace()));
        }
        if (m instanceof Mutation.Clear c) {
            if (!in(keyspace, names, c.keyspace())) return null;
            return "CLEAR " + ks(names, c.keyspace());
        }
        if (m instanceof Mutation.Tick t) {
            return keyspace != null ? null : "TIME at=" + iso(t.millis());
        }
        if (m instanceof Mutation.CreateKeyspace c) {
            if (keyspace != null && !keyspace.equals(c.name())) return null;
            return "CREATE_KEYSPACE " + show(c.name().getBytes(StandardCharsets.UTF_8)) + " id=" + c.id() + " kind=" + c.kind();
        }
        if (m instanceof Mutation.DropKeyspace d) {
            if (!in(keyspace, names, d.id())) return null;
            return "DROP_KEYSPACE " + ks(names, d.id()) + " id=" + d.id();
        }
        if (m instanceof Mutation.RenameKeyspace r) {
            if (keyspace != null && !keyspace.equals(r.name()) && !in(keyspace, names, r.id())) return null;
            return "RENAME_KEYSPACE " + ks(names, r.id()) + " id=" + r.id() + " to=" + show(r.name().getBytes(StandardCharsets.UTF_8));
        }
        if (m instanceof Mutation.CopyKeyspace c) {
            if (keyspace != null && !keyspace.equals(c.name()) && !in(keyspace, names, c.source())) return null;
            return "COPY_KEYSPACE " + ks(names, c.source()) + " to=" + show(c.name().getBytes(StandardCharsets.UTF_8)) + " id="
                    + c.id() + " kind=" + c.kind();
        }
        if (m instanceof Mutation.ConvertKeyspace c) {
            if (!in(keyspace, names, c.id())) return null;
            return "CONVERT_KEYSPACE " + ks(names, c.id()) + " kind=" + c.kind();
        }
        if (m instanceof Mutation.SwapKeyspaces w) {
            if (keyspace != null && !in(keyspace, names, w.a()) && !in(keyspace, names, w.b())) return null;
            return "SWAP_KEYSPACES " + ks(names, w.a()) + " with=" + ks(names, w.b());
        }
        return m.getClass().getSimpleName();
    }

    /** A change to a collection as its Redis command and what the record holds, e.g. "HSET users key=h:1 {age=43}". */
    private static String describe(Mutation.Collection c, String ks) {
        int op = c.op() & CollectionOps.OP_MASK;
        String head = ks + " key=" + show(c.key()) + ((c.op() & CollectionOps.FRESH) != 0 ? " new" : "");
        byte[][] items = c.items();
        return switch (op) {
            case CollectionOps.HSET -> "HSET " + head + " " + elements(items, 2, "{", "}", false);
            case CollectionOps.HDEL -> "HDEL " + head + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.SADD -> "SADD " + head + " " + elements(items, 1, "{", "}", false);
            case CollectionOps.SREM -> "SREM " + head + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.ZADD -> "ZADD " + head + " " + elements(items, 2, "[", "]", true);
            case CollectionOps.ZREM -> "ZREM " + head + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.LPUSH -> "PUSH " + head + (c.b() == 0 ? " head " : " tail ") + elements(items, 1, "[", "]", false);
            case CollectionOps.LPOP -> "POP " + head + (c.b() == 0 ? " head" : " tail") + " count=" + c.a();
            case CollectionOps.LSET -> "LSET " + head + " index=" + c.a() + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.LINSERT -> "LINSERT " + head + " index=" + c.a() + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.LREM -> "LREM " + head + " count=" + c.a() + " " + elements(items, 1, "[", "]", false);
            case CollectionOps.LTRIM -> "LTRIM " + head + " keep=" + c.a() + ".." + c.b();
            default -> "COLLECTION " + head + " op=" + op + " (unknown)";
        };
    }

    /** A record's items, one or two to an element; with {@code scores}, each second item is an 8-byte score. */
    private static String elements(byte[][] items, int per, String open, String close, boolean scores) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i + per - 1 < items.length && shown.size() < SHOW_ELEMENTS; i += per) {
            if (per == 1) {
                shown.add(element(items[i]));
            } else {
                String second = scores && items[i + 1].length == 8 ? score(CollectionOps.score(items[i + 1])) : element(items[i + 1]);
                shown.add(element(items[i]) + "=" + second);
            }
        }
        int n = items.length / per;
        return open + String.join(", ", shown) + (n > shown.size() ? ", ...(" + n + " in all)" : "") + close;
    }

    /** Follows the keyspace names through the log, so records show names, not ids. */
    private static void rename(Mutation m, Map<Integer, String> names) {
        if (m instanceof Mutation.CreateKeyspace c) names.put(c.id(), c.name());
        else if (m instanceof Mutation.RenameKeyspace r) names.put(r.id(), r.name());
        else if (m instanceof Mutation.CopyKeyspace c) names.put(c.id(), c.name());
        else if (m instanceof Mutation.DropKeyspace d) names.remove(d.id());
    }

    private static boolean in(String keyspace, Map<Integer, String> names, int id) {
        return keyspace == null || keyspace.equals(names.get(id));
    }

    private static String ks(Map<Integer, String> names, int id) {
        String n = names.get(id);
        return n == null ? "#" + id : show(n.getBytes(StandardCharsets.UTF_8));
    }

    private static String expiry(long at) {
        return at == 0 ? "" : " expires=" + iso(at);
    }

    // ================================================================== repair

    private int repair(Store st, boolean yes) throws IOException {
        SnapScan snaps = SnapScan.scan(st);
        // reading every snapshot part and log segment is the long part: its progress is logged every few seconds
        long logBytes = 0;
        if (Files.isDirectory(st.wal)) for (Path p : WalScanner.segmentFiles(st.wal)) logBytes += Files.size(p);
        ProgressLog progress = new ProgressLog("repair " + st.dir.toAbsolutePath() + ": reading", snaps.bytes + logBytes, true);
        long[] read = {0};
        java.util.function.LongConsumer step = n -> progress.at(read[0] += n);
        snaps.progress = step;
        for (SnapScan.Snap s : snaps.snaps) snaps.check(s);
        long floor = snaps.newestUsable();
        LogScan log = LogScan.scan(st.wal, floor, null, step);
        progress.done();
        out.println("repair " + st.dir.toAbsolutePath() + (yes ? "" : " (a dry run: nothing is changed without --yes)"));
        out.println();
        List<String> blocked = new ArrayList<>();
        int actions = 0;

        // the log: cut at the first frame that does not check out, as recovery (with salvage) would
        LogCut cut = null;
        if (log.stopIndex < 0) {
            out.println("log: nothing to cut");
        } else {
            String seg = st.name(log.stopFile);
            out.println("log: " + (log.validFollows ? "damaged" : "torn tail") + " at " + seg + " offset " + log.stopOffset
                    + ": " + log.stopReason);
            long keptLast = log.prefixLast;
            boolean keptAny = log.keptSegments;
            if (keptAny && keptLast < floor) {
                blocked.add("the log would end at sequence " + keptLast + ", before snapshot " + floor
                        + " that recovery loads: cutting it would not let the store open; move wal/ aside to open the store from"
                        + " the snapshot alone, or restore a backup");
                out.println("  not cut: " + blocked.get(blocked.size() - 1));
            } else {
                cut = new LogCut(log, st);
                if (log.stopOffset == 0) {
                    out.println("  " + (yes ? "moving" : "would move") + " " + seg + " (" + log.stopFileSize
                            + " bytes; its header does not check out) to salvage/ as " + st.name(cut.segmentAside));
                } else if (log.stopNonZero > 0) {
                    out.println("  " + (yes ? "cutting" : "would cut") + " " + seg + " at offset " + log.stopOffset + ": "
                            + log.stopNonZero + " bytes, copied first to " + st.name(cut.tailAside)
                            + " (the segment keeps its preallocated length: the cut bytes are zeroed)");
                }
                for (LogScan.Later l : log.later) {
                    out.println("  " + (yes ? "" : "would ") + (l.allZero() ? "remove " + st.name(l.path()) + " (" + l.size()
                            + " bytes, all zeros: no data)" : "move " + st.name(l.path()) + " (" + l.size() + " bytes) to salvage/"));
                }
                out.println("  " + (log.lostRecords == 0 ? "no valid record is lost: the log keeps its " + log.prefixRecords
                        + " records up to sequence " + keptLast
                        : "records lost from the log (kept in salvage/): " + lost(log)
                        + (log.lostAbove == 0 ? ", all covered by snapshot " + floor + ", so the store loses nothing"
                        : "; " + log.lostAbove + " of them are not in any snapshot: those writes are lost to the store")));
                actions++;
            }
        }

        // snapshots that do not check out: their manifests, and the parts only they name, go to salvage/
        List<Path> moveSnap = new ArrayList<>();
        for (SnapScan.Snap s : snaps.snaps) {
            if (s.usable) continue;
            moveSnap.add(s.file);
            out.println("snapshot " + s.seq + ": damaged (" + where(st, s.problems.get(0)) + ")");
            out.println("  " + (yes ? "moving " : "would move ") + st.name(s.file) + " to salvage/");
        }
        for (Path p : snaps.partsOnlyNamedByUnusable()) {
            moveSnap.add(p);
            out.println("  " + (yes ? "moving " : "would move ") + st.name(p) + " (named only by damaged snapshots) to salvage/");
        }
        if (moveSnap.isEmpty()) out.println("snapshots: nothing to set aside");
        else actions++;
        if (log.undecodable > 0) {
            blocked.add(log.undecodable + " log " + (log.undecodable == 1 ? "record has" : "records have") + " a valid checksum but"
                    + " do not decode (written by a newer Cairn?): not cut; see 'cairn tool verify'");
        }
        out.println();
        if (actions == 0 && blocked.isEmpty()) {
            Plan plan = Plan.of(st, snaps, log);
            if (plan.failure() == null) {
                out.println("repair: nothing to do");
                return OK;
            }
            out.println("repair: nothing the tool can repair, but the store cannot open: " + plan.failure());
            return DAMAGE;
        }
        if (!yes) {
            if (actions > 0) out.println("repair needed: run again with --yes to make these changes (nothing was changed)");
            for (String b : blocked) out.println("cannot repair: " + b);
            return DAMAGE;
        }
        if (cut != null) cut.apply();
        if (!moveSnap.isEmpty()) {
            ensureSalvage(st);
            for (Path p : moveSnap) {
                Path aside = unusedSalvageName(st, p.getFileName() + ".repair");
                Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                out.println("moved " + st.name(p) + " to " + st.name(aside));
            }
            syncDirectory(st.salvage);
            syncDirectory(st.snapshots);
        }
        // what recovery finds now
        SnapScan after = SnapScan.scan(st);
        for (SnapScan.Snap s : after.snaps) after.check(s);
        LogScan afterLog = LogScan.scan(st.wal, after.newestUsable(), null);
        Plan plan = Plan.of(st, after, afterLog);
        out.println();
        for (String b : blocked) out.println("not repaired: " + b);
        if (plan.failure() != null || afterLog.stopIndex >= 0) {
            out.println("repair: done, but the store still cannot open cleanly: " + (plan.failure() != null ? plan.failure()
                    : "the log still stops at " + st.name(afterLog.stopFile) + " offset " + afterLog.stopOffset));
            return DAMAGE;
        }
        out.println("repair: done; recovery now loads " + (plan.loaded() == null ? "no snapshot" : "snapshot " + plan.loaded().seq)
                + " and replays " + plan.replayCount() + " log records, ending at sequence "
                + Math.max(plan.floor(), afterLog.prefixLast));
        return blocked.isEmpty() ? OK : DAMAGE;
    }

    /** Cutting the log where reading stops: what goes where. */
    private final class LogCut {
        final LogScan log;
        final Store st;
        final Path tailAside;
        final Path segmentAside;

        LogCut(LogScan log, Store st) {
            this.log = log;
            this.st = st;
            String seg = log.stopFile.getFileName().toString();
            this.tailAside = log.stopOffset > 0 && log.stopNonZero > 0 ? unusedSalvageName(st, seg + "." + log.stopOffset + ".repair") : null;
            this.segmentAside = log.stopOffset == 0 ? unusedSalvageName(st, seg + ".0.repair") : null;
        }

        /**
         * Copies the cut bytes into salvage/ (fsynced) first, then moves the later segments aside, then zeroes the cut
         * bytes: a crash part way leaves at worst a torn tail that the next open cuts, never lost bytes.
         */
        void apply() throws IOException {
            ensureSalvage(st);
            if (tailAside != null) {
                try (FileChannel in = FileChannel.open(log.stopFile, StandardOpenOption.READ);
                     FileChannel o = FileChannel.open(tailAside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long done = 0;
                    while (done < log.stopNonZero) {
                        long n = in.transferTo(log.stopOffset + done, log.stopNonZero - done, o);
                        if (n <= 0) throw new IOException(log.stopFile + " is shorter than expected");
                        done += n;
                    }
                    o.force(true);
                }
                syncDirectory(st.salvage);
                out.println("saved " + log.stopNonZero + " bytes of " + st.name(log.stopFile) + " from offset " + log.stopOffset
                        + " in " + st.name(tailAside));
            }
            for (int i = log.later.size() - 1; i >= 0; i--) { // the last first: what stays is always a prefix
                LogScan.Later l = log.later.get(i);
                if (l.allZero()) {
                    Files.delete(l.path());
                    out.println("removed " + st.name(l.path()) + " (all zeros)");
                } else {
                    Path aside = unusedSalvageName(st, l.path().getFileName() + ".repair");
                    Files.move(l.path(), aside, StandardCopyOption.ATOMIC_MOVE);
                    out.println("moved " + st.name(l.path()) + " to " + st.name(aside));
                }
            }
            syncDirectory(st.salvage);
            if (segmentAside != null) {
                Files.move(log.stopFile, segmentAside, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(st.salvage);
                out.println("moved " + st.name(log.stopFile) + " to " + st.name(segmentAside));
            } else if (log.stopNonZero > 0) {
                try (FileChannel ch = FileChannel.open(log.stopFile, StandardOpenOption.WRITE)) {
                    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, log.stopNonZero));
                    long pos = log.stopOffset;
                    long to = log.stopOffset + log.stopNonZero;
                    while (pos < to) {
                        zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
                        while (zeros.hasRemaining()) pos += ch.write(zeros, pos);
                    }
                    ch.force(true);
                }
                out.println("cut " + st.name(log.stopFile) + " at offset " + log.stopOffset + " (" + log.stopNonZero + " bytes zeroed)");
            }
            syncDirectory(st.wal);
        }
    }

    private static void ensureSalvage(Store st) throws IOException {
        if (!Files.isDirectory(st.salvage)) {
            Files.createDirectories(st.salvage);
            syncDirectory(st.dir);
        }
    }

    /** {@code name} in salvage/, or {@code name.1}, {@code name.2}, ...: what salvage holds is never overwritten. */
    private static Path unusedSalvageName(Store st, String name) {
        Path p = st.salvage.resolve(name);
        for (int n = 1; Files.exists(p, LinkOption.NOFOLLOW_LINKS); n++) p = st.salvage.resolve(name + "." + n);
        return p;
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for fsync; the data files themselves were forced
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) throw e;
        }
    }

    // ================================================================== what recovery would do

    /**
     * What {@link Cairn#open} would do with these files: the snapshot it loads (the newest that checks out, as
     * {@code Checkpoints} picks it), the log records it replays, or why it fails. {@code coverageFailure} is a failure
     * only the snapshots and where the log starts and ends decide (whether falling back is possible).
     */
    record Plan(SnapScan.Snap loaded, List<SnapScan.Snap> skipped, long floor, String failure, String coverageFailure,
                long replayFirst, long replayLast, long replayCount) {

        static Plan of(Store st, SnapScan snaps, LogScan log) throws IOException {
            SnapScan.Snap loaded = null;
            List<SnapScan.Snap> skipped = new ArrayList<>();
            for (SnapScan.Snap s : snaps.snaps) {
                if (snaps.check(s)) {
                    loaded = s;
                    break;
                }
                skipped.add(s);
            }
            long floor = loaded == null ? 0 : loaded.seq;
            String coverage = null;
            if (log.keptSegments && log.prefixLast < floor) {
                coverage = "the log ends at sequence " + log.prefixLast + " but snapshot " + floor + " covers up to " + floor
                        + " (Cairn.open refuses: the log lost records)";
            } else if (log.prefixRecords > 0 && log.prefixLast > floor && log.prefixFirst > floor + 1) {
                coverage = "the log starts at sequence " + log.prefixFirst + " but " + (loaded == null ? "no usable snapshot covers"
                        : "snapshot " + floor + " covers only up to " + floor + ", not") + " the records before it (Cairn.open"
                        + " refuses: records " + (floor + 1) + ".." + (log.prefixFirst - 1) + " are missing)";
            }
            String failure = null;
            if (log.stopIndex >= 0 && log.validFollows) {
                failure = "the log is damaged at " + st.name(log.stopFile) + " offset " + log.stopOffset + " (" + log.stopReason
                        + ") and valid records follow: Cairn.open refuses the store (CORRUPTED) and changes nothing";
            } else if (coverage != null) {
                failure = coverage;
            } else if (log.undecodableAbove(floor) > 0) {
                failure = "log record " + log.firstUndecodableAbove(floor) + " has a valid checksum but does not decode:"
                        + " Cairn.open refuses the store (CORRUPTED)";
            }
            long first = Math.max(floor + 1, log.prefixFirst);
            long count = log.prefixRecords > 0 && log.prefixLast > floor ? log.prefixLast - first + 1 : 0;
            return new Plan(loaded, skipped, floor, failure, coverage, first, log.prefixLast, count);
        }
    }

    /** A problem found in one file at one byte offset (-1: not tied to an offset). */
    record Problem(Path file, long offset, String what) {
        static Problem of(SnapshotException e) {
            String msg = e.getMessage();
            String prefix = e.file() + " at offset " + e.offset() + ": ";
            return new Problem(e.file(), e.offset(), msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
        }
    }

    private static String where(Store st, Problem p) {
        return st.name(p.file()) + (p.offset() >= 0 ? " offset " + p.offset() : "") + ": " + p.what();
    }

    // ================================================================== snapshots

    /** The snapshots directory: every manifest (newest first), and on request each one's parts checked. */
    static final class SnapScan {
        /** One manifest file. {@code usable} is null until {@link #check} ran. */
        static final class Snap {
            final long seq;
            final Path file;
            long fileSize;
            Manifest manifest;
            final List<Problem> problems = new ArrayList<>();
            Boolean usable;
            /** Its entries by type code ({@link Cells#STRING} to {@link Cells#ZSET}), once {@link #check} has read them. */
            final long[] types = new long[Cells.ZSET + 1];

            Snap(long seq, Path file) {
                this.seq = seq;
                this.file = file;
            }
        }

        /** A part file read through once: its first problem, or null, and its entries by type code. */
        private record PartResult(Problem problem, long[] types) {
        }

        final Store st;
        final List<Snap> snaps = new ArrayList<>();
        /** Part results by file name and expected length. */
        final Map<String, PartResult> parts = new LinkedHashMap<>();
        /** Part and temporary files no manifest names. */
        final List<Path> unnamed = new ArrayList<>();
        long bytes;
        /** Told the length of each part as it is checked (repair's progress). */
        java.util.function.LongConsumer progress = n -> { };

        private SnapScan(Store st) {
            this.st = st;
        }

        static SnapScan scan(Store st) throws IOException {
            SnapScan s = new SnapScan(st);
            if (!Files.isDirectory(st.snapshots)) return s;
            List<Path> files = new ArrayList<>();
            try (Stream<Path> list = Files.list(st.snapshots)) {
                list.sorted().forEach(files::add);
            }
            for (Path p : files) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) s.bytes += Files.size(p);
                long seq = SnapshotDescriptor.manifestSequence(p);
                if (seq > 0) s.snaps.add(new Snap(seq, p));
            }
            s.snaps.sort((a, b) -> Long.compare(b.seq, a.seq));
            java.util.Set<String> named = new java.util.HashSet<>();
            for (Snap snap : s.snaps) {
                snap.fileSize = Files.size(snap.file);
                try {
                    Manifest m = Manifest.read(snap.file);
                    if (m.sequence() != snap.seq) {
                        throw new SnapshotException(snap.file, 16, "the manifest names sequence " + m.sequence()
                                + ", its file name " + snap.seq);
                    }
                    snap.manifest = m;
                    for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                        for (int p = 0; p < k.parts().size(); p++) {
                            if (!k.parts().get(p).empty()) named.add(Manifest.partFile(st.snapshots, k, p).getFileName().toString());
                        }
                    }
                } catch (SnapshotException e) {
                    snap.problems.add(Problem.of(e));
                    snap.usable = false;
                }
            }
            for (Path p : files) {
                String n = p.getFileName().toString();
                if ((n.endsWith(SnapshotDescriptor.PART_SUFFIX) && !named.contains(n)) || n.endsWith(SnapshotDescriptor.TEMP_SUFFIX)) {
                    s.unnamed.add(p);
                }
            }
            return s;
        }

        /** Checks every part of {@code s} (once per file) as loading does; returns whether recovery can load it. */
        boolean check(Snap s) throws IOException {
            if (s.usable != null) return s.usable;
            Manifest m = s.manifest;
            for (Manifest.KeyspaceEntry k : m.keyspaces()) {
                if (k.kind() < 0 || k.kind() >= IndexKind.values().length) {
                    s.problems.add(new Problem(s.file, -1, "keyspace " + k.name() + " has unknown index kind " + k.kind()));
                }
                for (int p = 0; p < k.parts().size(); p++) {
                    Manifest.PartRef ref = k.parts().get(p);
                    if (ref.empty()) continue;
                    Path file = Manifest.partFile(st.snapshots, k, p);
                    String key = file.getFileName() + "/" + ref.length() + "/" + ref.entries();
                    PartResult r = parts.get(key);
                    if (r == null) {
                        long[] types = new long[Cells.ZSET + 1];
                        r = new PartResult(checkPart(file, k.id(), p, ref, types), types);
                        parts.put(key, r);
                        progress.accept(ref.length());
                    }
                    if (r.problem() != null) s.problems.add(r.problem());
                    for (int t = 0; t < s.types.length; t++) s.types[t] += r.types()[t];
                }
            }
            s.usable = s.problems.isEmpty();
            return s.usable;
        }

        /** Reads a part through, checking every CRC and every entry's shape; the first problem, or null. */
        private static Problem checkPart(Path file, int keyspace, int partition, Manifest.PartRef ref, long[] types)
                throws IOException {
            long[] seen = {0};
            try {
                PartReader.Info info = PartReader.read(file, keyspace, partition, ref.length(), (block, off, len) -> {
                    if (!Cells.valid(block, off, len)) throw new BadEntry(seen[0]);
                    types[(block[off] >>> 2) & 7]++; // the type bits of the flags (Cells), 0..4 in a valid cell
                    seen[0]++;
                });
                if (info.entries() != ref.entries()) {
                    return new Problem(file, info.length() - SnapshotDescriptor.TRAILER_LENGTH, "the part holds " + info.entries()
                            + " entries, the manifest says " + ref.entries());
                }
                return null;
            } catch (BadEntry e) {
                long at = blockOf(file, e.index);
                return new Problem(file, at, "entry " + e.index + " of the part" + (at >= 0 ? " (in the block at this offset)" : "")
                        + " is not a well-formed key and value");
            } catch (SnapshotException e) {
                return Problem.of(e);
            } catch (NoSuchFileException e) {
                return new Problem(file, -1, "missing: the manifest names it but there is no such file");
            }
        }

        /** An entry that is not a well-formed cell: its index in the part. */
        private static final class BadEntry extends RuntimeException {
            final long index;

            BadEntry(long index) {
                super(null, null, false, false);
                this.index = index;
            }
        }

        /** The file offset of the block holding entry {@code index} (the blocks before it checked out), or -1. */
        private static long blockOf(Path file, long index) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long pos = SnapshotDescriptor.PART_HEADER_LENGTH;
                long seen = 0;
                ByteBuffer h = ByteBuffer.allocate(SnapshotDescriptor.BLOCK_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                while (pos + SnapshotDescriptor.BLOCK_HEADER_LENGTH <= ch.size()) {
                    h.clear();
                    while (h.hasRemaining()) {
                        if (ch.read(h, pos + h.position()) < 0) return -1;
                    }
                    if (h.getInt(0) == 0) return -1;
                    seen += Integer.toUnsignedLong(h.getInt(8));
                    if (index < seen) return pos;
                    pos += SnapshotDescriptor.BLOCK_HEADER_LENGTH + Integer.toUnsignedLong(h.getInt(4));
                }
            }
            return -1;
        }

        /** The sequence of the newest snapshot that checks out, 0 if none. */
        long newestUsable() throws IOException {
            Snap s = newestUsableSnap();
            return s == null ? 0 : s.seq;
        }

        Snap newestUsableSnap() throws IOException {
            for (Snap s : snaps) if (check(s)) return s;
            return null;
        }

        /** Part files that only unusable snapshots name (after a repair sets those aside, nothing would). */
        List<Path> partsOnlyNamedByUnusable() {
            java.util.Set<String> keep = new java.util.HashSet<>();
            java.util.Set<String> drop = new java.util.TreeSet<>();
            for (Snap s : snaps) {
                if (s.manifest == null) continue;
                for (Manifest.KeyspaceEntry k : s.manifest.keyspaces()) {
                    for (int p = 0; p < k.parts().size(); p++) {
                        if (k.parts().get(p).empty()) continue;
                        String n = Manifest.partFile(st.snapshots, k, p).getFileName().toString();
                        (Boolean.TRUE.equals(s.usable) ? keep : drop).add(n);
                    }
                }
            }
            drop.removeAll(keep);
            List<Path> out = new ArrayList<>();
            for (String n : drop) {
                Path p = st.snapshots.resolve(n);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) out.add(p);
            }
            return out;
        }

        /**
         * Keyspace names by id as of the log's start: from the newest readable manifest before {@code firstSeq}, else
         * the oldest readable one (best effort: the log's own create and rename records correct it as it goes).
         */
        Map<Integer, String> namesBefore(long firstSeq) {
            Manifest best = null;
            for (Snap s : snaps) {
                if (s.manifest == null) continue;
                if (s.seq < firstSeq) {
                    best = s.manifest;
                    break;
                }
                best = s.manifest;
            }
            Map<Integer, String> names = new HashMap<>();
            if (best != null) for (Manifest.KeyspaceEntry k : best.keyspaces()) names.put(k.id(), k.name());
            return names;
        }
    }

    // ================================================================== the log

    /**
     * A read-only walk over every byte of the log. It applies {@code WalScanner}'s rules to find where recovery stops
     * reading (the first frame or segment header that does not check out, or a sequence that does not follow) and
     * whether any valid frame follows (damage) or not (a torn tail); unlike recovery it keeps going after that point,
     * resynchronizing on the next valid frame, so it can list every damaged region and count the records a cut loses.
     */
    static final class LogScan {
        interface Visitor {
            /** A frame whose CRC checks out, decoded ({@code m} null if the payload does not decode). */
            void record(Path file, long offset, long seq, Mutation m, String decodeError);

            default void problem(Problem p) {
            }
        }

        record Segment(long number, Path path, long fileSize, long firstSequence, long lastSequence, long records,
                       long usedBytes, String note) {
        }

        /** A segment after the one where reading stops. */
        record Later(Path path, long size, boolean allZero) {
        }

        final List<Segment> segments = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<Later> later = new ArrayList<>();
        private final Visitor visitor;
        private final long floor;

        // where recovery stops reading
        int stopIndex = -1;
        Path stopFile;
        long stopFileSize;
        long stopOffset = -1;
        String stopReason;
        /** Bytes from the stop offset to the last non-zero byte of that segment: what a cut removes. */
        long stopNonZero;
        boolean validFollows;
        private Path followsFile;
        private long followsOffset;
        private boolean followsHeader;

        // the valid prefix: what recovery reads
        long prefixRecords;
        long prefixFirst = -1;
        /** WalScanner's last sequence: the last record read, or the first segment's first sequence - 1. */
        long prefixLast;
        /** Whether recovery keeps any segment (Wal.open's check that the log reaches the snapshot applies then). */
        boolean keptSegments;
        /** The first sequence of the first segment, if recovery keeps it. */
        long logStart = -1;

        // valid frames after the stop: what a cut loses
        long lostRecords;
        long lostMin = Long.MAX_VALUE;
        long lostMax = -1;
        long lostAbove;

        long totalRecords;
        long minSeq = Long.MAX_VALUE;
        long maxSeq;
        long bytesUsed;
        long bytesOnDisk;
        int preallocFiles;
        long preallocBytes;
        long undecodable;
        private final List<Long> undecodablePrefix = new ArrayList<>();

        private LogScan(long floor, Visitor visitor) {
            this.floor = floor;
            this.visitor = visitor;
        }

        /** Walks the log in {@code walDir}; {@code floor}: the snapshot recovery loads (for counting lost records). */
        static LogScan scan(Path walDir, long floor, Visitor visitor) throws IOException {
            return scan(walDir, floor, visitor, n -> { });
        }

        /** {@link #scan(Path, long, Visitor)}, telling {@code progress} the bytes of each segment as it is read. */
        static LogScan scan(Path walDir, long floor, Visitor visitor, java.util.function.LongConsumer progress) throws IOException {
            LogScan s = new LogScan(floor, visitor);
            s.progress = progress;
            if (Files.isDirectory(walDir)) s.run(walDir);
            return s;
        }

        private java.util.function.LongConsumer progress;

        /** The first segment's first sequence, or 1 if there is no readable one. */
        static long firstSequence(Path walDir) throws IOException {
            if (!Files.isDirectory(walDir)) return 1;
            for (Path p : WalScanner.segmentFiles(walDir)) {
                ByteBuffer b = map(p);
                SegmentDescriptor.Header h = SegmentDescriptor.read(b, new String[1]);
                if (h != null) return h.firstSequence();
            }
            return 1;
        }

        long undecodableAbove(long seq) {
            long n = 0;
            for (long s : undecodablePrefix) if (s > seq) n++;
            return n;
        }

        long firstUndecodableAbove(long seq) {
            for (long s : undecodablePrefix) if (s > seq) return s;
            return -1;
        }

        /** Where the first valid frame (or segment header) after the stop is. */
        String followsAt(Store st) {
            return followsFile == null ? "none" : "the first at " + st.name(followsFile) + " offset " + followsOffset
                    + (followsHeader ? " (a valid segment header)" : "");
        }

        private boolean stopped() {
            return stopIndex >= 0;
        }

        private void run(Path walDir) throws IOException {
            try (Stream<Path> list = Files.list(walDir)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    if (p.getFileName().toString().endsWith(SegmentDescriptor.PREALLOC_SUFFIX)) {
                        preallocFiles++;
                        preallocBytes += Files.size(p);
                    }
                }
            }
            List<Path> segs = WalScanner.segmentFiles(walDir);
            long last = 0; // WalScanner's lastSeq
            for (int i = 0; i < segs.size(); i++) {
                Path path = segs.get(i);
                ByteBuffer b = map(path);
                int end = b.limit();
                bytesOnDisk += end;
                progress.accept(end);
                long number = SegmentDescriptor.parseNumber(path);
                boolean after = stopped();
                if (after) later.add(new Later(path, end, WalScanner.allZero(b, 0, end)));
                String[] why = new String[1];
                SegmentDescriptor.Header h = SegmentDescriptor.read(b, why);
                long expect = -1;
                if (h == null) {
                    if (i == segs.size() - 1 && WalScanner.allZero(b, 0, end)) {
                        segments.add(new Segment(number, path, end, -1, -1, 0, 0, "(no header, all zeros: being created when"
                                + " the store stopped; recovery removes it)"));
                        notes.add(path.getFileName() + " has no header and holds only zeros: it was being created when the"
                                + " store stopped; recovery removes it");
                        if (after) later.remove(later.size() - 1);
                        continue;
                    }
                    problem(path, 0, "segment header: " + why[0]);
                    stop(i, path, b, 0, "segment header: " + why[0]);
                } else {
                    if (after) follows(path, 0, true);
                    if (h.segmentNumber() != number) {
                        String w = "the header names segment " + h.segmentNumber() + " but the file is segment " + number;
                        problem(path, 0, w);
                        stop(i, path, b, 0, w);
                    } else if (!stopped() && last != 0 && h.firstSequence() != last + 1) {
                        String w = "the segment starts at sequence " + h.firstSequence() + " but the log before it ended at " + last;
                        problem(path, 0, w);
                        stop(i, path, b, 0, w);
                    }
                    if (!stopped() && last == 0) last = h.firstSequence() - 1;
                    if (!stopped() && logStart < 0) logStart = h.firstSequence();
                    expect = h.firstSequence();
                }
                int p = SegmentDescriptor.HEADER_LENGTH;
                long segFirst = -1;
                long segLast = -1;
                long segRecords = 0;
                while (p < end) {
                    if (p + WalRecordDescriptor.HEADER_LENGTH > end || b.getInt(p) == 0) {
                        if (WalScanner.allZero(b, p, end)) break; // the unused, zeroed tail
                    }
                    int len = WalRecordDescriptor.validFrameAt(b, p);
                    if (len < 0) {
                        String what = WalScanner.frameProblem(b, p);
                        int q = WalScanner.nextValidFrame(b, p + WalRecordDescriptor.ALIGNMENT);
                        int badEnd = q >= 0 ? q : WalScanner.lastNonZero(b, p, end) + 1;
                        problem(path, p, what + "; " + (badEnd - p) + " bytes " + (q >= 0 ? "do not read up to the next valid"
                                + " record at offset " + q : "do not read from here to the end of the segment's data"));
                        stop(i, path, b, p, what);
                        if (q < 0) {
                            p = badEnd;
                            break;
                        }
                        p = q;
                        expect = -1;
                        continue;
                    }
                    long seq = b.getLong(p + WalRecordDescriptor.SEQUENCE_OFFSET);
                    if (expect >= 0 && seq != expect) {
                        String what = "record has sequence " + seq + ", expected " + expect;
                        problem(path, p, what);
                        stop(i, path, b, p, what);
                    }
                    boolean inPrefix = !stopped();
                    if (inPrefix) {
                        prefixRecords++;
                        if (prefixFirst < 0) prefixFirst = seq;
                        last = seq;
                    } else {
                        if (!(i == stopIndex && p == stopOffset)) follows(path, p, false);
                        lostRecords++;
                        lostMin = Math.min(lostMin, seq);
                        lostMax = Math.max(lostMax, seq);
                        if (seq > floor) lostAbove++;
                    }
                    totalRecords++;
                    minSeq = Math.min(minSeq, seq);
                    maxSeq = Math.max(maxSeq, seq);
                    segRecords++;
                    if (segFirst < 0) segFirst = seq;
                    segLast = seq;
                    ByteBuffer payload = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    payload.limit(p + WalRecordDescriptor.HEADER_LENGTH + len).position(p + WalRecordDescriptor.HEADER_LENGTH);
                    Mutation m = null;
                    String error = null;
                    try {
                        m = MutationDescriptor.decode(payload.slice().order(ByteOrder.LITTLE_ENDIAN));
                    } catch (RuntimeException e) {
                        error = String.valueOf(e.getMessage());
                        undecodable++;
                        if (inPrefix) undecodablePrefix.add(seq);
                        problem(path, p, "record " + seq + " has a valid checksum but does not decode (" + error
                                + "); was it written by a newer Cairn?");
                    }
                    if (visitor != null) visitor.record(path, p, seq, m, error);
                    expect = seq + 1;
                    p += (int) WalRecordDescriptor.frameLength(len);
                }
                if (!stopped() || i < stopIndex || (i == stopIndex && stopOffset > 0)) keptSegments = true;
                bytesUsed += p;
                segments.add(new Segment(number, path, end, h == null ? -1 : h.firstSequence(), segLast, segRecords, p,
                        h == null ? "(header does not check out)" : null));
            }
            prefixLast = last;
        }

        private void follows(Path file, long offset, boolean header) {
            if (!validFollows) {
                validFollows = true;
                followsFile = file;
                followsOffset = offset;
                followsHeader = header;
            }
        }

        private void problem(Path file, long offset, String what) {
            Problem p = new Problem(file, offset, what);
            problems.add(p);
            if (visitor != null) visitor.problem(p);
        }

        private void stop(int i, Path path, ByteBuffer b, int offset, String reason) {
            if (stopped()) return;
            stopIndex = i;
            stopFile = path;
            stopFileSize = b.limit();
            stopOffset = offset;
            stopReason = reason;
            stopNonZero = Math.max(0, WalScanner.lastNonZero(b, offset, b.limit()) + 1 - offset);
        }

        /** The segment mapped read-only (the mapping goes with the buffer); no file is changed. */
        private static ByteBuffer map(Path path) throws IOException {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE - 8) throw new IOException(path + " is " + size + " bytes, larger than any log segment");
                if (size == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            }
        }

    }

    // ================================================================== text

    /**
     * Bytes as text: printable UTF-8 as itself (in double quotes if it holds a space, a quote, a backslash or an
     * equals sign, or is empty), anything else as hex, {@code x'ff00'}; cut after 64 characters (32 bytes of hex) with
     * the full length added.
     */
    static String show(byte[] a) {
        return show(a, "");
    }

    /** {@link #show}, quoting text that holds one of {@code alsoQuote} too. */
    private static String show(byte[] a, String alsoQuote) {
        String text = printable(a);
        if (text != null) {
            boolean cut = text.length() > SHOW_TEXT;
            if (cut) {
                int n = SHOW_TEXT;
                if (Character.isHighSurrogate(text.charAt(n - 1))) n--;
                text = text.substring(0, n);
            }
            boolean quote = text.isEmpty() || text.startsWith("x'");
            for (int i = 0; i < text.length() && !quote; i++) {
                char c = text.charAt(i);
                quote = c == ' ' || c == '"' || c == '\\' || c == '=' || alsoQuote.indexOf(c) >= 0;
            }
            String s = quote ? "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : text;
            return cut ? s + "...(" + a.length + " bytes)" : s;
        }
        int n = Math.min(a.length, SHOW_HEX);
        return "x'" + HexFormat.of().formatHex(a, 0, n) + "'" + (a.length > n ? "...(" + a.length + " bytes)" : "");
    }

    /**
     * A snapshot cell's value: a string as {@link #show} shows it, a collection as its Redis type name and its elements
     * (see {@link #showCollection}).
     */
    static String showValue(byte[] cell) {
        if (Cells.type(cell) == Cells.STRING) return show(Cells.value(cell));
        return showCollection(CollectionValue.decode(cell)); // a well-formed cell (Cells.valid) decodes
    }

    /**
     * A collection as its type and up to {@value #SHOW_ELEMENTS} elements, each as {@link #element} shows it:
     * {@code hash {name=ann, age=42}}, {@code list [a, b]}, {@code set {x, y}}, {@code zset [low=-inf, ann=1.5]}
     * (brackets for the ordered types, a sorted set by score); more elements end in {@code ...(5000 fields)}.
     */
    static String showCollection(CollectionValue v) {
        List<String> shown = new ArrayList<>();
        String open;
        String close;
        String unit;
        if (v instanceof HashValue h) {
            open = "hash {";
            close = "}";
            unit = "fields";
            h.forEach((f, x) -> {
                if (shown.size() < SHOW_ELEMENTS) shown.add(element(f) + "=" + element(x));
            });
        } else if (v instanceof ListValue l) {
            open = "list [";
            close = "]";
            unit = "elements";
            l.items().forEach(0, false, e -> shown.add(element(e)) && shown.size() < SHOW_ELEMENTS);
        } else if (v instanceof SetValue set) {
            open = "set {";
            close = "}";
            unit = "members";
            set.forEach(m -> {
                if (shown.size() < SHOW_ELEMENTS) shown.add(element(m));
            });
        } else {
            open = "zset [";
            close = "]";
            unit = "members";
            ((ZSetValue) v).index().forEach((m, sc) -> shown.add(element(m) + "=" + score(sc)) && shown.size() < SHOW_ELEMENTS);
        }
        return open + String.join(", ", shown) + (v.size() > shown.size() ? ", ...(" + v.size() + " " + unit + ")" : "") + close;
    }

    /**
     * One element of a collection: as {@link #show}, and quoted also when it holds a comma or a bracket, which the
     * collection's own text uses.
     */
    static String element(byte[] a) {
        return show(a, ",{}[]");
    }

    /** A score as Redis writes one: an integer without a fraction, "inf" and "-inf" for the infinities. */
    static String score(double d) {
        if (d == Double.POSITIVE_INFINITY) return "inf";
        if (d == Double.NEGATIVE_INFINITY) return "-inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }

    /** The bytes as a string if they are valid UTF-8 with no control, format or unassigned characters; else null. */
    private static String printable(byte[] a) {
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(a));
        } catch (CharacterCodingException e) {
            return null;
        }
        String s = chars.toString();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                return null;
            }
            i += Character.charCount(cp);
        }
        return s;
    }

    /** Entries by type, the types a snapshot holds only: ": 3 strings, 1 hash, 2 sorted sets"; "" if none. */
    private static String byType(long[] types) {
        String[][] names = {{"string", "strings"}, {"hash", "hashes"}, {"list", "lists"}, {"set", "sets"},
                {"sorted set", "sorted sets"}};
        List<String> parts = new ArrayList<>();
        for (int t = 0; t < types.length; t++) {
            if (types[t] != 0) parts.add(count(types[t], names[t][0], names[t][1]));
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

        private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static String kindName(int kind) {
        return kind >= 0 && kind < IndexKind.values().length ? IndexKind.values()[kind].name() : "unknown kind " + kind;
    }
}
