package io.cairn;

import io.cairn.snapshot.SnapshotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline tool on stores built with the real API: inspect, verify (good store, a flipped byte in a part, damage in
 * the middle of the log), dump, repair (a dry run changes nothing; --yes cuts a torn tail and keeps it in salvage/,
 * sets a damaged snapshot aside), and its refusal of a store that is open.
 */
class ToolTest {
    @TempDir
    Path dir;

    private static final int HEADER = 64;

    static CairnOptions.Builder options() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024)
                .checkpointInterval(Duration.ZERO).checkpointLogBytes(0);
    }

    record Run(int code, String out, String err) {
    }

    static Run tool(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            code = Tool.run(args, po, pe);
        }
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** A store of several segments with two snapshots and records after the newest; returns their sequences. */
    private long[] twoSnapshots(Path store) {
        try (Cairn db = Cairn.open(store, options().build())) {
            for (int i = 0; i < 600; i++) db.put("k" + i, "value-" + i + "-" + "x".repeat(100));
            long first = db.checkpoint().sequence();
            for (int i = 0; i < 300; i++) db.put("k" + i, "second-" + i + "-" + "y".repeat(100));
            long second = db.checkpoint().sequence();
            for (int i = 0; i < 5; i++) db.put("after" + i, "z" + i);
            return new long[] {first, second};
        }
    }

    /** A store with no snapshot whose log spans several segments. */
    private void logOnly(Path store, int puts) {
        try (Cairn db = Cairn.open(store, options().build())) {
            for (int i = 0; i < puts; i++) db.put("k" + i, "v" + i + "-" + "w".repeat(150));
        }
    }

    static List<Path> segments(Path store) throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("wal"))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.wal")).sorted().collect(Collectors.toList());
        }
    }

    /** Frame offsets of a segment, read with the documented format. */
    static List<Integer> frames(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> out = new ArrayList<>();
        int p = HEADER;
        while (p + 16 <= b.limit() && b.getInt(p) != 0) {
            out.add(p);
            p += (16 + b.getInt(p) + 7) & -8;
        }
        return out;
    }

    /** Where the records of a segment end. */
    static int dataEnd(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        int p = HEADER;
        while (p + 16 <= b.limit() && b.getInt(p) != 0) p += (16 + b.getInt(p) + 7) & -8;
        return p;
    }

    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }

    /** Every file under {@code root} with its bytes. */
    static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String k : before.keySet()) assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
    }

    static Path newestPart(Path store, long seq) throws IOException {
        try (Stream<Path> s = Files.list(store.resolve(SnapshotDescriptor.DIRECTORY))) {
            return s.filter(p -> p.getFileName().toString().startsWith(String.format("%020d-k0-", seq))).findFirst().orElseThrow();
        }
    }

    // ------------------------------------------------------------------ inspect and verify

    @Test
    void inspectListsSnapshotsSegmentsAndWhatRecoveryWouldDo() throws IOException {
        long[] snaps = twoSnapshots(dir);
        Run r = tool("inspect", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("snapshots: 2", "snapshot " + snaps[1], "snapshot " + snaps[0],
                "consistent at ", "keyspace default (id 0): HASH, 600 entries", "written by it", "shared with earlier snapshots");
        for (Path seg : segments(dir)) {
            long n = Long.parseLong(seg.getFileName().toString().substring(0, 20));
            assertThat(r.out()).containsPattern("(?m)^\\s+" + n + "\\s+\\d+");
        }
        assertThat(r.out()).contains("load snapshot " + snaps[1] + " (600 entries)")
                .contains("replay 5 log records (" + (snaps[1] + 1) + ".." + (snaps[1] + 5) + ")")
                .containsPattern("created \\d{4}-\\d\\d-\\d\\dT");
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.recoveryInfo().recordsReplayed()).isEqualTo(5);
            assertThat(db.recoveryInfo().snapshotSequence()).isEqualTo(snaps[1]);
        }
    }

    @Test
    void verifyPassesOnAGoodStore() {
        twoSnapshots(dir);
        Run r = tool("verify", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("snapshot", ": ok", "verify: no damage found").doesNotContain("DAMAGED");
    }

    @Test
    void verifyReportsAFlippedByteInAPartWithItsOffsetAndTheFallback() throws IOException {
        long[] snaps = twoSnapshots(dir);
        Path part = newestPart(dir, snaps[1]);
        // the first block's header is at 32; its stored bytes start at 56
        flip(part, 32 + 24 + 10);
        Run r = tool("verify", dir.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("snapshot " + snaps[1] + ": DAMAGED")
                .contains("snapshots/" + part.getFileName() + " offset 32: block CRC mismatch")
                .contains("recovery can fall back past it: it loads snapshot " + snaps[0])
                .contains("verify: 1 problem found");
        // and that is what opening does
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.recoveryInfo().snapshotSequence()).isEqualTo(snaps[0]);
            assertThat(db.getString("k1")).startsWith("second-1-");
        }
    }

    @Test
    void verifyReportsDamageInTheMiddleOfTheLogWithValidRecordsAfterIt() throws IOException {
        logOnly(dir, 1000);
        List<Path> segs = segments(dir);
        assertThat(segs).hasSizeGreaterThan(2);
        Path first = segs.get(0);
        List<Integer> frames = frames(first);
        int victim = frames.get(frames.size() / 2);
        flip(first, victim + 20); // a payload byte: the record's CRC no longer matches
        Map<String, byte[]> before = files(dir);
        Run r = tool("verify", dir.toString());
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("wal/" + first.getFileName() + " offset " + victim + ": record CRC mismatch")
                .contains("DAMAGED, not torn")
                .contains("valid records follow")
                .contains("FAIL: the log is damaged at wal/" + first.getFileName() + " offset " + victim);
        assertSameFiles(before, files(dir));
        // the store refuses to open for the same reason
        CairnException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> Cairn.open(dir, options().build()).close(), CairnException.class);
        assertThat(e.code()).isEqualTo(CairnException.Code.CORRUPTED);
        assertThat(e.getMessage()).contains("offset " + victim);

        Run dry = tool("repair", dir.toString());
        assertThat(dry.code()).isEqualTo(1);
        assertThat(dry.out()).contains("damaged at wal/" + first.getFileName() + " offset " + victim)
                .contains("valid records after it").contains("run again with --yes");
        assertSameFiles(before, files(dir));
    }

    // ------------------------------------------------------------------ dump

    @Test
    void dumpShowsLogRecordsAndSnapshotEntriesWithBinaryAsHex() throws IOException {
        try (Cairn db = Cairn.open(dir, options().build())) {
            db.put("hello", "world");
            db.put(new byte[] {(byte) 0xff, 0x00}, new byte[] {1, 2, 3});
            db.put("big", "a".repeat(1000));
            db.put("with space", "has \"quotes\"");
            db.put("ttl", "soon", Duration.ofHours(1));
            db.createKeyspace("other", IndexKind.ORDERED).put("o", "p");
            db.checkpoint();
            db.put("later", "on");
            db.delete("hello");
        }
        Run r = tool("dump", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 CREATE_KEYSPACE default id=0 kind=HASH")
                .contains(" PUT default key=hello value=world\n")
                .contains(" PUT default key=x'ff00' value=x'010203'\n")
                .contains(" PUT default key=big value=" + "a".repeat(64) + "...(1000 bytes)\n")
                .contains(" PUT default key=\"with space\" value=\"has \\\"quotes\\\"\"\n")
                .containsPattern(" PUT default key=ttl value=soon expires=\\d{4}-\\d\\d-\\d\\dT")
                .contains(" PUT other key=o value=p\n")
                .contains(" PUT default key=later value=on\n")
                .contains(" DELETE default key=hello\n");

        Run snap = tool("dump", dir.toString(), "--snapshot", "latest");
        assertThat(snap.code()).as(snap.err()).isZero();
        assertThat(snap.out()).contains("default hello world\n", "default x'ff00' x'010203'\n", "other o p\n")
                .containsPattern("default ttl soon expires \\d{4}-")
                .doesNotContain("later");

        Run one = tool("dump", dir.toString(), "--snapshot", "latest", "--keyspace", "other");
        assertThat(one.out()).contains("other o p").doesNotContain("default hello");
        Run limited = tool("dump", dir.toString(), "--log", "--limit", "2");
        assertThat(limited.out().lines().filter(l -> !l.startsWith("#")).count()).isEqualTo(2);
        assertThat(limited.out()).contains("# limit of 2 records reached");
        Run ks = tool("dump", dir.toString(), "--keyspace", "other");
        assertThat(ks.out()).contains("CREATE_KEYSPACE other", "PUT other key=o value=p").doesNotContain("key=hello");
    }

    @Test
    void dumpShowsEachCollectionWithItsTypeAndElements() {
        try (Cairn db = Cairn.open(dir, options().build())) {
            Keyspace users = db.createKeyspace("users", IndexKind.ORDERED);
            users.put("plain", "text");
            users.hash("h:1").put("name", "ann");
            users.hash("h:1").put("age", "42");
            users.list("l:1").pushLast("a", "b, c", "");
            users.list("l:1").pushLast(new byte[] {0, (byte) 0xff});
            users.set("s:1").add("x");
            users.set("s:1").add("{y}");
            users.sortedSet("z:1").add("ann", 1.5);
            users.sortedSet("z:1").add("bob", 2);
            users.sortedSet("z:1").add("low", Double.NEGATIVE_INFINITY);
            users.expire("z:1", Duration.ofHours(1));
            for (int i = 0; i < 100; i++) users.list("long").pushLast("e" + i);
            db.checkpoint();
            users.hash("h:1").put("age", "43");
            db.atomically(tx -> {
                io.cairn.collection.SetValue v = new io.cairn.collection.SetValue();
                v.add("only".getBytes(StandardCharsets.UTF_8));
                tx.putValue(users, "copied".getBytes(StandardCharsets.UTF_8), v, 0);
                return null;
            });
        }
        Run snap = tool("dump", dir.toString(), "--snapshot", "latest", "--keyspace", "users");
        assertThat(snap.code()).as(snap.err()).isZero();
        assertThat(snap.out()).contains("users plain text\n",
                        "users l:1 list [a, \"b, c\", \"\", x'00ff']\n",
                        "users long list [e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15, ...(100 elements)]\n")
                .containsPattern("users h:1 hash \\{(name=ann, age=42|age=42, name=ann)}\n")
                .containsPattern("users s:1 set \\{(x, \"\\{y}\"|\"\\{y}\", x)}\n")
                .containsPattern("users z:1 zset \\[low=-inf, ann=1.5, bob=2] expires \\d{4}-")
                .doesNotContain("copied");

        Run log = tool("dump", dir.toString(), "--log", "--keyspace", "users");
        assertThat(log.code()).as(log.err()).isZero();
        assertThat(log.out()).contains(" HSET users key=h:1 new {name=ann}\n", " HSET users key=h:1 {age=43}\n",
                " PUSH users key=l:1 new tail [a, \"b, c\", \"\"]\n", " ZADD users key=z:1 new [ann=1.5]\n", " ZADD users key=z:1 [low=-inf]\n",
                " VALUE users key=copied set {only}\n")
                .containsPattern(" EXPIRE users key=z:1 expires=\\d{4}-");

        Run verify = tool("verify", dir.toString());
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).contains(": ok (2 keyspaces, 6 entries: 1 string, 1 hash, 2 lists, 1 set, 1 sorted set)");
    }

    // ------------------------------------------------------------------ repair

    /** Writes garbage after the last record of the active segment: a torn write. Returns the segment and offset. */
    private Object[] tearTail(Path store) throws IOException {
        List<Path> segs = segments(store);
        Path active = segs.get(segs.size() - 1);
        int end = dataEnd(active);
        byte[] garbage = new byte[100];
        for (int i = 0; i < garbage.length; i++) garbage[i] = (byte) (0x31 + i % 50);
        try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
            f.seek(end);
            f.write(garbage);
        }
        return new Object[] {active, end, garbage};
    }

    @Test
    void repairWithoutYesChangesNothingAndSaysWhatItWouldCut() throws IOException {
        logOnly(dir, 300);
        Object[] torn = tearTail(dir);
        Path active = (Path) torn[0];
        Map<String, byte[]> before = files(dir);
        Run r = tool("repair", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("torn tail at wal/" + active.getFileName() + " offset " + torn[1])
                .contains("would cut wal/" + active.getFileName() + " at offset " + torn[1] + ": 100 bytes")
                .contains("salvage/" + active.getFileName() + "." + torn[1] + ".repair")
                .contains("no valid record is lost")
                .contains("nothing was changed");
        assertSameFiles(before, files(dir));
        assertThat(dir.resolve("salvage")).doesNotExist();
        Run v = tool("verify", dir.toString());
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("torn tail at wal/" + active.getFileName() + " offset " + torn[1]);
    }

    @Test
    void repairWithYesCutsATornTailKeepsItInSalvageAndTheStoreOpensWithEverything() throws IOException {
        try (Cairn db = Cairn.open(dir, options().fsyncPolicy(FsyncPolicy.ALWAYS).build())) {
            for (int i = 0; i < 200; i++) db.put("k" + i, "v" + i);
            db.checkpoint();
            for (int i = 200; i < 300; i++) db.put("k" + i, "v" + i);
        }
        Object[] torn = tearTail(dir);
        Path active = (Path) torn[0];
        Run r = tool("repair", dir.toString(), "--yes");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("cut wal/" + active.getFileName() + " at offset " + torn[1]).contains("repair: done");
        Path saved = dir.resolve("salvage").resolve(active.getFileName() + "." + torn[1] + ".repair");
        assertThat(saved).exists();
        assertThat(Files.readAllBytes(saved)).isEqualTo((byte[]) torn[2]);
        assertThat(Files.size(active)).as("the segment keeps its preallocated length").isEqualTo(64 * 1024);

        assertThat(tool("verify", dir.toString()).code()).isZero();
        assertThat(tool("repair", dir.toString()).out()).contains("repair: nothing to do");
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.recoveryInfo().corruptionDetected()).isFalse();
            assertThat(db.recoveryInfo().bytesTruncated()).isZero();
            for (int i = 0; i < 300; i++) assertThat(db.getString("k" + i)).isEqualTo("v" + i);
            assertThat(db.size()).isEqualTo(300);
        }
    }

    @Test
    void repairWithYesSetsADamagedSnapshotAsideAndTheStoreFallsBack() throws IOException {
        long[] snaps = twoSnapshots(dir);
        Path manifest = dir.resolve(SnapshotDescriptor.DIRECTORY).resolve(SnapshotDescriptor.manifestName(snaps[1]));
        flip(manifest, Files.size(manifest) - 1); // its CRC
        Run v = tool("verify", dir.toString());
        assertThat(v.code()).isEqualTo(1);
        assertThat(v.out()).contains("snapshot " + snaps[1] + ": DAMAGED", "manifest CRC mismatch",
                "recovery can fall back past it: it loads snapshot " + snaps[0]);
        Run r = tool("repair", dir.toString(), "--yes");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(manifest).doesNotExist();
        assertThat(dir.resolve("salvage").resolve(manifest.getFileName() + ".repair")).exists();
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.recoveryInfo().snapshotSequence()).isEqualTo(snaps[0]);
            assertThat(db.recoveryInfo().corruptionDetected()).isFalse();
            assertThat(db.getString("k1")).startsWith("second-1-");
            assertThat(db.getString("after4")).isEqualTo("z4");
        }
    }

    // ------------------------------------------------------------------ refusals and usage

    @Test
    void refusesAStoreThatIsOpen() throws IOException {
        try (Cairn db = Cairn.open(dir, options().build())) {
            db.put("a", "b");
            for (String cmd : new String[] {"inspect", "verify", "dump", "repair"}) {
                Run r = tool(cmd, dir.toString());
                assertThat(r.code()).as(cmd).isEqualTo(2);
                assertThat(r.err()).as(cmd).contains("is in use").contains("stopped store");
                assertThat(r.out()).as(cmd).isEmpty();
            }
            assertThat(tool("repair", dir.toString(), "--yes").code()).isEqualTo(2);
            db.put("c", "d"); // the store's lock was not disturbed
        }
        assertThat(tool("verify", dir.toString()).code()).isZero();
        // the tool released the lock: the store opens again
        try (Cairn db = Cairn.open(dir, options().build())) {
            assertThat(db.getString("c")).isEqualTo("d");
        }
    }

    @Test
    void usageAndMisuse() throws IOException {
        Run none = tool();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("usage: cairn tool");
        Run help = tool("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("inspect DIR", "verify DIR", "dump DIR", "repair DIR [--yes]");
        assertThat(tool("frobnicate", dir.toString()).code()).isEqualTo(2);
        assertThat(tool("verify").err()).contains("missing the store directory");
        assertThat(tool("verify", dir.toString(), "--yes").err()).contains("--yes belongs to repair");
        assertThat(tool("dump", dir.toString(), "--limit", "x").code()).isEqualTo(2);

        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("notes.txt"), "not a store");
        for (String cmd : new String[] {"inspect", "verify", "dump", "repair"}) {
            Run r = tool(cmd, plain.toString());
            assertThat(r.code()).as(cmd).isEqualTo(2);
        }
        Run r = tool("repair", plain.toString(), "--yes");
        assertThat(r.err()).contains("is not a Cairn store");
        try (Stream<Path> s = Files.list(plain)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        assertThat(tool("verify", dir.resolve("absent").toString()).err()).contains("no such directory");
        assertThat(dir.resolve("absent")).doesNotExist();
    }

    @Test
    void showsTextQuotedOrHex() {
        assertThat(Tool.show("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo("abc");
        assertThat(Tool.show("héllo".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo");
        assertThat(Tool.show(new byte[0])).isEqualTo("\"\"");
        assertThat(Tool.show("a b".getBytes(StandardCharsets.UTF_8))).isEqualTo("\"a b\"");
        assertThat(Tool.show(new byte[] {(byte) 0xff, 0})).isEqualTo("x'ff00'");
        assertThat(Tool.show("line\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("x'6c696e650a'");
        byte[] big = new byte[100];
        Arrays.fill(big, (byte) 0x80);
        assertThat(Tool.show(big)).isEqualTo("x'" + "80".repeat(32) + "'...(100 bytes)");
    }

    @Test
    void restoreBuildsAStoreAsOfASequenceAnInstantOrASnapshot(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        long afterFirst;
        java.time.Instant between;
        long snap;
        ExpiryTest.TestClock clock = new ExpiryTest.TestClock(System.currentTimeMillis());
        try (Cairn db = Cairn.open(store, options().clock(clock).logRetention(Duration.ofDays(1)).build())) {
            db.put("a", "1");
            afterFirst = db.stats().lastSequence();
            snap = db.checkpoint().sequence();
            clock.advance(5);
            between = clock.instant();
            clock.advance(5);
            db.put("a", "2");
            db.put("b", "3");
        }
        Run r = tool("restore", store.toString(), tmp.resolve("by-seq").toString(), "--sequence", Long.toString(afterFirst));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("restored").contains("log sequence " + afterFirst);
        try (Cairn db = Cairn.open(tmp.resolve("by-seq"), options().build())) {
            assertThat(db.getString("a")).isEqualTo("1");
            assertThat(db.contains("b")).isFalse();
        }
        r = tool("restore", store.toString(), tmp.resolve("by-time").toString(), "--time", between.toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Cairn db = Cairn.open(tmp.resolve("by-time"), options().build())) {
            assertThat(db.getString("a")).isEqualTo("1");
            assertThat(db.contains("b")).isFalse();
        }
        r = tool("restore", store.toString(), tmp.resolve("by-snapshot").toString(), "--snapshot", Long.toString(snap));
        assertThat(r.code()).as(r.err()).isZero();
        r = tool("restore", store.toString(), tmp.resolve("latest").toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Cairn db = Cairn.open(tmp.resolve("latest"), options().build())) {
            assertThat(db.getString("a")).isEqualTo("2");
            assertThat(db.getString("b")).isEqualTo("3");
        }
        // errors: a target that holds something, a bad instant, no such store
        r = tool("restore", store.toString(), tmp.resolve("latest").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not empty");
        r = tool("restore", store.toString(), tmp.resolve("x").toString(), "--time", "yesterday");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ISO-8601");
        r = tool("restore", tmp.resolve("nothing").toString(), tmp.resolve("y").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a Cairn store");
    }
}
