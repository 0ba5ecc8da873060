package io.cairn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What opening does with a log whose bytes were damaged after it was written: a torn tail (the end of the last
 * segment cut, zeroed or overwritten) is cut back to the last whole record and the store opens; damage followed by
 * valid records is refused with CORRUPTED and changes nothing, or with salvage keeps exactly the records before it and
 * moves the rest into {@code salvage/}.
 *
 * <p>Every case derives its expectation from the bytes alone (which records are still intact, what non-zero bytes
 * remain after the first broken one), never from the scanner. Reproduce a failure with {@code -Dcairn.torn.seed=N}.
 */
class TornLogTest {
    private static final long SEED = Long.getLong("cairn.torn.seed", System.nanoTime());
    private static final long SEGMENT = 16 * 1024;
    private static final int PUTS = 400;
    private static final int HEADER = 64;
    private static final CairnOptions OPTIONS =
            CairnOptions.builder().segmentSize(SEGMENT).fsyncPolicy(FsyncPolicy.ALWAYS).build();
    /** Reopening after damage and the writes after it need no fsync per write: close forces the log. */
    private static final CairnOptions FAST = OPTIONS.toBuilder().fsyncPolicy(FsyncPolicy.NEVER).build();

    @TempDir
    static Path shared;
    private static Path template;
    private static final List<byte[]> KEYS = new ArrayList<>();
    private static final List<byte[]> VALUES = new ArrayList<>();

    @TempDir
    Path work;

    /** One record frame as found on disk. */
    record Frame(Path file, int offset, int length, long seq) {
        int end() {
            return offset + 16 + length;
        }
    }

    // ------------------------------------------------------------------ the template log

    @BeforeAll
    static void writeTemplate() throws IOException {
        Random rnd = new Random(SEED);
        template = shared.resolve("template");
        try (Cairn db = Cairn.open(template, OPTIONS)) {
            for (int i = 0; i < PUTS; i++) {
                byte[] k = String.format("k%05d", i).getBytes(StandardCharsets.UTF_8);
                byte[] v = new byte[rnd.nextInt(300)];
                rnd.nextBytes(v);
                if (v.length > 0 && rnd.nextBoolean()) Arrays.fill(v, v.length / 2, v.length, (byte) 0); // zero tails
                db.put(k, v);
                KEYS.add(k);
                VALUES.add(v);
            }
        }
        List<Frame> frames = frames(template);
        // record 1 creates the default keyspace; put i is record i + 2
        assertThat(frames).hasSize(PUTS + 1);
        for (int i = 0; i < frames.size(); i++) assertThat(frames.get(i).seq()).isEqualTo(i + 1);
        assertThat(segments(template)).as("the template spans several segments").hasSizeGreaterThanOrEqualTo(3);
    }

    private Path copyOfTemplate(String name) throws IOException {
        Path store = work.resolve(name);
        Files.createDirectories(store.resolve("wal"));
        for (Path p : segments(template)) Files.copy(p, store.resolve("wal").resolve(p.getFileName()));
        return store;
    }

    static List<Path> segments(Path store) throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("wal"))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.wal")).sorted().collect(Collectors.toList());
        }
    }

    /** The frames of every segment, read with nothing but the documented format (the log must be intact). */
    static List<Frame> frames(Path store) throws IOException {
        List<Frame> out = new ArrayList<>();
        for (Path seg : segments(store)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(seg)).order(ByteOrder.LITTLE_ENDIAN);
            int p = HEADER;
            while (p + 16 <= b.limit() && b.getInt(p) != 0) {
                int len = b.getInt(p);
                out.add(new Frame(seg, p, len, b.getLong(p + 8)));
                p += (16 + len + 7) & -8;
            }
        }
        return out;
    }

    private static int lastNonZero(byte[] b, int from) {
        for (int i = b.length - 1; i >= from; i--) if (b[i] != 0) return i;
        return from - 1;
    }

    private static Map<Path, byte[]> snapshot(Path store) throws IOException {
        Map<Path, byte[]> m = new TreeMap<>();
        for (Path p : segments(store)) m.put(p.getFileName(), Files.readAllBytes(p));
        return m;
    }

    private static void assertSameBytes(Map<Path, byte[]> before, Map<Path, byte[]> after) {
        assertThat(after.keySet()).as("segment files").isEqualTo(before.keySet());
        for (Path p : before.keySet()) assertBytes(after.get(p), before.get(p), "bytes of " + p);
    }

    /** Byte arrays compared without printing them whole. */
    private static void assertBytes(byte[] actual, byte[] expected, String what) {
        if (!Arrays.equals(actual, expected)) {
            throw new AssertionError(what + ": " + actual.length + " bytes where " + expected.length
                    + " were expected, first difference at byte " + Arrays.mismatch(actual, expected));
        }
    }

    /** Content fingerprints (length and SHA-256), to compare sets of files by content. */
    private static List<String> fingerprints(List<byte[]> contents) {
        List<String> out = new ArrayList<>();
        for (byte[] b : contents) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
                out.add(b.length + ":" + HexFormat.of().formatHex(d, 0, 8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static List<byte[]> salvageFiles(Path store) throws IOException {
        Path s = store.resolve("salvage");
        if (!Files.isDirectory(s)) return List.of();
        try (Stream<Path> files = Files.list(s)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : (Iterable<Path>) files::iterator) out.add(Files.readAllBytes(p));
            return out;
        }
    }

    /** The store holds exactly puts 0..count-1 of the template and the {@code extra} entries. */
    private static void assertHolds(Cairn db, int count, Map<String, String> extra) {
        for (int i = 0; i < PUTS; i++) {
            byte[] got = db.get(KEYS.get(i));
            if (i < count) {
                assertThat(got).as("put %d (kept)", i).isEqualTo(VALUES.get(i));
            } else {
                assertThat(got).as("put %d (after the damage)", i).isNull();
            }
        }
        for (Map.Entry<String, String> e : extra.entrySet()) {
            assertThat(db.getString(e.getKey())).as("later write %s", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(db.size()).isEqualTo(count + extra.size());
    }

    /** Writes enough after recovery to need a new segment, then checks it all survives a reopen. */
    private static void assertWritableAfterwards(Path store, int kept, String tag) {
        Map<String, String> extra = new LinkedHashMap<>();
        try (Cairn db = Cairn.open(store, FAST)) {
            for (int i = 0; i < 80; i++) {
                String k = tag + "-x" + i;
                String v = "v".repeat(100 + i) + i;
                db.put(k, v);
                extra.put(k, v);
            }
            assertHolds(db, kept, extra);
        }
        try (Cairn db = Cairn.open(store, FAST)) {
            assertThat(db.recoveryInfo().corruptionDetected()).as("%s", db.recoveryInfo()).isFalse();
            assertHolds(db, kept, extra);
        }
    }

    /** Every failure names the seed, so it can be rerun. */
    @RegisterExtension
    static final TestExecutionExceptionHandler SEED_ON_FAILURE = (context, t) -> {
        throw new AssertionError("[seed " + SEED + ": rerun with -Dcairn.torn.seed=" + SEED + "] " + t.getMessage(), t);
    };

    @FunctionalInterface
    private interface Case {
        void run() throws Exception;
    }

    private static void check(String context, Case c) throws Exception {
        try {
            c.run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(context + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ (a) torn tails

    enum Tear { TRUNCATE, ZERO_TO_END, GARBAGE_OVER_TAIL }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void aTornTailIsCutBackToExactlyTheIntactPrefix(Tear tear) throws Exception {
        Random rnd = new Random(SEED ^ tear.ordinal() * 0x9E3779B97F4A7C15L);
        List<Frame> all = frames(template);
        for (int iteration = 0; iteration < 40; iteration++) {
            Path store = copyOfTemplate(tear + "-" + iteration);
            Path last = segments(store).get(segments(store).size() - 1);
            List<Frame> inLast = new ArrayList<>();
            for (Frame f : all) if (f.file().getFileName().equals(last.getFileName())) inLast.add(f);
            int before = all.size() - inLast.size();
            byte[] original = Files.readAllBytes(last);
            int lastEnd = inLast.get(inLast.size() - 1).end();
            byte[] modified;
            String what;
            switch (tear) {
                case TRUNCATE: {
                    int x = HEADER + rnd.nextInt(lastEnd - HEADER + 1);
                    modified = Arrays.copyOf(original, x);
                    what = "truncated to " + x + " bytes";
                    break;
                }
                case ZERO_TO_END: {
                    int x = HEADER + rnd.nextInt(lastEnd - HEADER);
                    modified = original.clone();
                    Arrays.fill(modified, x, modified.length, (byte) 0);
                    what = "zeroed from " + x;
                    break;
                }
                default: {
                    Frame from = inLast.get(inLast.size() - 1 - rnd.nextInt(Math.min(5, inLast.size())));
                    int x = from.offset() + rnd.nextInt(lastEnd - from.offset());
                    modified = original.clone();
                    byte[] garbage = new byte[lastEnd - x];
                    rnd.nextBytes(garbage);
                    System.arraycopy(garbage, 0, modified, x, garbage.length);
                    what = "garbage over " + x + ".." + lastEnd;
                }
            }
            Files.write(last, modified);

            // the expectation, from the bytes: records of the last segment count while they are byte-for-byte intact
            int intact = 0;
            while (intact < inLast.size()) {
                Frame f = inLast.get(intact);
                if (f.end() > modified.length
                        || !Arrays.equals(original, f.offset(), f.end(), modified, f.offset(), f.end())) break;
                intact++;
            }
            int kept = before + intact;
            int stop = intact < inLast.size() ? inLast.get(intact).offset() : -1;
            int lnz = stop < 0 ? -1 : lastNonZero(modified, stop);
            boolean torn = stop >= 0 && lnz >= stop;
            String context = tear + " #" + iteration + " (" + last.getFileName() + " " + what + ", " + intact + " of "
                    + inLast.size() + " records intact)";
            check(context, () -> {
                try (Cairn db = Cairn.open(store, FAST)) {
                    RecoveryInfo ri = db.recoveryInfo();
                    assertThat(ri.recordsReplayed()).as("%s", ri).isEqualTo(kept);
                    assertThat(ri.lastSequence()).as("%s", ri).isEqualTo(kept);
                    assertThat(ri.corruptionDetected()).as("%s", ri).isEqualTo(torn);
                    if (torn) {
                        assertThat(ri.damagedFile().toAbsolutePath()).isEqualTo(last.toAbsolutePath());
                        assertThat(ri.damagedOffset()).isEqualTo(stop);
                        assertThat(ri.bytesTruncated()).isEqualTo(lnz + 1 - stop);
                        assertThat(ri.salvagedTo()).isNotNull();
                        assertBytes(Files.readAllBytes(ri.salvagedTo()), Arrays.copyOfRange(modified, stop, lnz + 1),
                                "the cut bytes, kept in " + ri.salvagedTo());
                    } else {
                        assertThat(ri.bytesTruncated()).isZero();
                        assertThat(ri.damagedFile()).isNull();
                        assertThat(ri.damagedOffset()).isEqualTo(-1);
                        assertThat(ri.salvagedTo()).isNull();
                    }
                    assertHolds(db, kept - 1, Map.of());
                }
                assertWritableAfterwards(store, kept - 1, "t" + store.getFileName());
            });
        }
    }

    @Test
    void aSegmentWhoseHeaderNeverReachedTheDiskIsDropped() throws Exception {
        List<Frame> all = frames(template);
        Path store = copyOfTemplate("zero-segment");
        List<Path> segs = segments(store);
        Path last = segs.get(segs.size() - 1);
        long inLast = all.stream().filter(f -> f.file().getFileName().equals(last.getFileName())).count();
        Files.write(last, new byte[(int) Files.size(last)]);
        int kept = (int) (all.size() - inLast);
        try (Cairn db = Cairn.open(store, FAST)) {
            assertThat(db.recoveryInfo().recordsReplayed()).isEqualTo(kept);
            assertThat(db.recoveryInfo().corruptionDetected()).isFalse();
            assertHolds(db, kept - 1, Map.of());
        }
        assertWritableAfterwards(store, kept - 1, "z");
    }

    // ------------------------------------------------------------------ (b) damage before valid records

    private static Frame pickNotLast(List<Frame> all, Random rnd) {
        return all.get(rnd.nextInt(all.size() - 1));
    }

    private static void flipByteIn(Frame f, Random rnd) throws IOException {
        byte[] b = Files.readAllBytes(f.file());
        int at = f.offset() + rnd.nextInt(16 + f.length());
        b[at] ^= (byte) (1 + rnd.nextInt(255));
        Files.write(f.file(), b);
    }

    private static Frame inStore(Frame f, Path store) {
        return new Frame(store.resolve("wal").resolve(f.file().getFileName()), f.offset(), f.length(), f.seq());
    }

    private static void assertRefused(Path store, Path file, long offset) throws IOException {
        Map<Path, byte[]> before = snapshot(store);
        CairnException e = catchThrowableOfType(CairnException.class, () -> Cairn.open(store, OPTIONS).close());
        assertThat(e).as("opening a log damaged at %s offset %d", file.getFileName(), offset).isNotNull();
        assertThat(e.code()).as("%s", e).isEqualTo(CairnException.Code.CORRUPTED);
        assertThat(e.getMessage()).contains(file.toAbsolutePath() + " offset " + offset);
        assertSameBytes(before, snapshot(store));
        assertThat(salvageFiles(store)).as("salvage/ after a refused open").isEmpty();
    }

    @Test
    void damageFollowedByValidRecordsIsRefusedAndNothingChanges() throws Exception {
        Random rnd = new Random(SEED + 1);
        List<Frame> all = frames(template);
        for (int iteration = 0; iteration < 30; iteration++) {
            Path store = copyOfTemplate("flip-" + iteration);
            Frame f = inStore(pickNotLast(all, rnd), store);
            flipByteIn(f, rnd);
            check("flip #" + iteration + " in record " + f.seq() + " at " + f.file().getFileName() + " offset "
                    + f.offset(), () -> assertRefused(store, f.file(), f.offset()));
        }
    }

    // ------------------------------------------------------------------ (c) salvage

    /** Opens with salvage and checks that exactly the records before {@code damaged} survive and the rest is kept aside. */
    private static void assertSalvaged(Path store, Frame damaged, List<Frame> all) throws IOException {
        int kept = all.indexOf(new Frame(template.resolve("wal").resolve(damaged.file().getFileName()),
                damaged.offset(), damaged.length(), damaged.seq()));
        assertThat(kept).isNotNegative();
        List<Path> segs = segments(store);
        byte[] damagedBytes = Files.readAllBytes(damaged.file());
        int lnz = lastNonZero(damagedBytes, damaged.offset());
        List<byte[]> expectedAside = new ArrayList<>();
        expectedAside.add(Arrays.copyOfRange(damagedBytes, damaged.offset(), lnz + 1));
        long expectedBytes = lnz + 1 - damaged.offset();
        for (Path p : segs) {
            if (p.getFileName().toString().compareTo(damaged.file().getFileName().toString()) > 0) {
                byte[] b = Files.readAllBytes(p);
                expectedAside.add(b);
                expectedBytes += b.length;
            }
        }
        try (Cairn db = Cairn.open(store, FAST.toBuilder().salvage(true).build())) {
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.corruptionDetected()).as("%s", ri).isTrue();
            assertThat(ri.damagedFile().toAbsolutePath()).isEqualTo(damaged.file().toAbsolutePath());
            assertThat(ri.damagedOffset()).isEqualTo(damaged.offset());
            assertThat(ri.recordsReplayed()).isEqualTo(kept);
            assertThat(ri.bytesTruncated()).isEqualTo(expectedBytes);
            assertThat(ri.salvagedTo()).isNotNull();
            assertThat(Files.exists(ri.salvagedTo())).isTrue();
            assertThat(ri.salvagedTo().getParent().getFileName().toString()).isEqualTo("salvage");
            assertHolds(db, Math.max(0, kept - 1), Map.of());
        }
        List<byte[]> aside = salvageFiles(store);
        assertThat(aside).as("files in salvage/").isNotEmpty().allSatisfy(b -> assertThat(b).isNotEmpty());
        assertThat(aside.stream().mapToLong(b -> b.length).sum()).isEqualTo(expectedBytes);
        assertThat(fingerprints(aside)).as("salvage/ holds every byte moved aside")
                .containsAll(fingerprints(expectedAside));
        assertWritableAfterwards(store, Math.max(0, kept - 1), "s");
    }

    @Test
    void salvageKeepsTheRecordsBeforeTheDamageAndMovesTheRestAside() throws Exception {
        Random rnd = new Random(SEED + 2);
        List<Frame> all = frames(template);
        for (int iteration = 0; iteration < 15; iteration++) {
            Path store = copyOfTemplate("salvage-" + iteration);
            Frame f = inStore(pickNotLast(all, rnd), store);
            flipByteIn(f, rnd);
            check("salvage #" + iteration + " of record " + f.seq() + " at " + f.file().getFileName() + " offset "
                    + f.offset(), () -> {
                assertRefused(store, f.file(), f.offset()); // and the failed open let go of the directory
                assertSalvaged(store, f, all);
            });
        }
    }

    @Test
    void aSecondSalvageKeepsWhatTheFirstOneMovedAside() throws Exception {
        List<Frame> all = frames(template);
        Path store = copyOfTemplate("salvage-twice");
        Frame f = inStore(all.get(all.size() / 8), store); // early in segment 1: segments 2.. go aside
        assertThat(f.file().getFileName()).isEqualTo(segments(store).get(0).getFileName());
        flipByteIn(f, new Random(SEED + 3));
        assertSalvaged(store, f, all);
        List<byte[]> first = salvageFiles(store);

        // The log grows again over the same segment numbers and is damaged again at the same place.
        try (Cairn db = Cairn.open(store, FAST)) {
            for (int i = 0; i < PUTS; i++) db.put(KEYS.get(i), VALUES.get(i));
        }
        List<Frame> now = frames(store);
        Frame again = now.stream().filter(x -> x.file().equals(f.file()) && x.offset() == f.offset()).findFirst()
                .orElseThrow();
        flipByteIn(again, new Random(SEED + 4));
        try (Cairn db = Cairn.open(store, FAST.toBuilder().salvage(true).build())) {
            assertThat(db.recoveryInfo().corruptionDetected()).isTrue();
        }
        List<byte[]> second = salvageFiles(store);
        assertThat(fingerprints(second)).as("what the first salvage kept is still in salvage/")
                .containsAll(fingerprints(first));
        assertThat(second.size()).isGreaterThan(first.size());
    }

    // ------------------------------------------------------------------ (d) damage in an early segment

    @Test
    void damageInTheFirstOfSeveralSegmentsIsRefusedNotSkipped() throws Exception {
        Random rnd = new Random(SEED + 5);
        List<Frame> all = frames(template);
        Path first = segments(template).get(0);
        List<Frame> inFirst = all.stream().filter(f -> f.file().equals(first)).collect(Collectors.toList());
        assertThat(inFirst.size()).isGreaterThan(3);

        // a byte flipped in a record in the middle of segment 1, and in its last record
        for (Frame t : List.of(inFirst.get(1 + rnd.nextInt(inFirst.size() - 2)), inFirst.get(inFirst.size() - 1))) {
            Path store = copyOfTemplate("seg1-flip-" + t.seq());
            Frame f = inStore(t, store);
            flipByteIn(f, rnd);
            check("flip in record " + f.seq() + " of segment 1", () -> {
                assertRefused(store, f.file(), f.offset());
                assertSalvaged(store, f, all);
            });
        }

        // segment 1 cut inside a record (a torn write in a segment that is not the last one)
        Path cut = copyOfTemplate("seg1-cut");
        Frame c = inStore(inFirst.get(inFirst.size() / 2), cut);
        byte[] b = Files.readAllBytes(c.file());
        Files.write(c.file(), Arrays.copyOf(b, c.offset() + 1 + rnd.nextInt(c.end() - c.offset() - 1)));
        check("segment 1 cut inside record " + c.seq(), () -> assertRefused(cut, c.file(), c.offset()));

        // segment 1 lost its last records (zeros from a record boundary): segment 2 no longer follows on
        Path lost = copyOfTemplate("seg1-lost");
        Frame l = inStore(inFirst.get(inFirst.size() / 2), lost);
        byte[] lb = Files.readAllBytes(l.file());
        Arrays.fill(lb, l.offset(), lb.length, (byte) 0);
        Files.write(l.file(), lb);
        Path second = segments(lost).get(1);
        check("segment 1 zeroed from record " + l.seq(), () -> assertRefused(lost, second, 0));

        // segment 2 missing altogether: a hole in the sequence
        Path hole = copyOfTemplate("seg2-missing");
        Files.delete(segments(hole).get(1));
        Path third = segments(hole).get(1);
        check("segment 2 deleted", () -> assertRefused(hole, third, 0));
    }

    // ------------------------------------------------------------------ (e) segment headers

    private static void flipHeaderByte(Path seg, Random rnd) throws IOException {
        byte[] b = Files.readAllBytes(seg);
        b[rnd.nextInt(HEADER)] ^= (byte) (1 + rnd.nextInt(255));
        Files.write(seg, b);
    }

    @Test
    void aDamagedSegmentHeaderBeforeValidRecordsIsRefused() throws Exception {
        Random rnd = new Random(SEED + 6);
        List<Frame> all = frames(template);
        for (int which : new int[]{0, -1}) {
            for (int iteration = 0; iteration < 5; iteration++) {
                Path store = copyOfTemplate("header-" + which + "-" + iteration);
                List<Path> segs = segments(store);
                Path seg = which == 0 ? segs.get(0) : segs.get(segs.size() - 1);
                flipHeaderByte(seg, rnd);
                check("header of " + seg.getFileName() + " #" + iteration, () -> assertRefused(store, seg, 0));
                if (iteration == 0) {
                    // salvage keeps the segments before it; the damaged one and every later one go aside whole
                    long kept = all.stream().filter(f -> f.file().getFileName().toString()
                            .compareTo(seg.getFileName().toString()) < 0).count();
                    try (Cairn db = Cairn.open(store, FAST.toBuilder().salvage(true).build())) {
                        assertThat(db.recoveryInfo().corruptionDetected()).isTrue();
                        assertThat(db.recoveryInfo().damagedOffset()).isZero();
                        assertThat(db.recoveryInfo().recordsReplayed()).isEqualTo(kept);
                        assertHolds(db, (int) Math.max(0, kept - 1), Map.of());
                    }
                    assertThat(salvageFiles(store)).isNotEmpty();
                    assertWritableAfterwards(store, (int) Math.max(0, kept - 1), "h");
                }
            }
        }
    }

    @Test
    void aDamagedHeaderOfAnEmptyLastSegmentIsATornTail() throws Exception {
        // the moment after a roll: the newest segment has its header and no record yet
        Random rnd = new Random(SEED + 7);
        List<Frame> all = frames(template);
        Path store = copyOfTemplate("header-empty-last");
        List<Path> segs = segments(store);
        Path last = segs.get(segs.size() - 1);
        byte[] b = Files.readAllBytes(last);
        Arrays.fill(b, HEADER, b.length, (byte) 0);
        Files.write(last, b);
        flipHeaderByte(last, rnd);
        byte[] damaged = Files.readAllBytes(last);
        int lnz = lastNonZero(damaged, 0);
        long kept = all.stream().filter(f -> !f.file().getFileName().equals(last.getFileName())).count();
        try (Cairn db = Cairn.open(store, FAST)) {
            RecoveryInfo ri = db.recoveryInfo();
            assertThat(ri.corruptionDetected()).as("%s", ri).isTrue();
            assertThat(ri.damagedFile().toAbsolutePath()).isEqualTo(last.toAbsolutePath());
            assertThat(ri.damagedOffset()).isZero();
            assertThat(ri.bytesTruncated()).isEqualTo(lnz + 1);
            assertThat(ri.recordsReplayed()).isEqualTo(kept);
            assertHolds(db, (int) kept - 1, Map.of());
        }
        assertThat(fingerprints(salvageFiles(store))).contains(fingerprints(List.of(Arrays.copyOf(damaged, lnz + 1))).get(0));
        assertWritableAfterwards(store, (int) kept - 1, "e");
    }
}
