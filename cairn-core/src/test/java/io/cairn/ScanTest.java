package io.cairn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ordered range and prefix scans: bounds, prefixes, direction, limits, paging, order, resources. */
class ScanTest {
    @TempDir
    Path dir;

    Cairn db;
    Keyspace ks;

    @BeforeEach
    void open() {
        db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).build());
        ks = db.createKeyspace("ordered", IndexKind.ORDERED);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    static byte[] be(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static List<String> keys(Scan scan) {
        try (CloseableIterator<Entry> it = scan.iterator()) {
            List<String> out = new ArrayList<>();
            it.forEachRemaining(e -> out.add(e.keyString()));
            return out;
        }
    }

    static List<String> hexKeys(Scan scan) {
        try (Stream<Entry> s = scan.stream()) {
            return s.map(e -> hex(e.key())).collect(Collectors.toList());
        }
    }

    static List<String> range(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).mapToObj(i -> String.format("k%02d", i)).collect(Collectors.toList());
    }

    static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        Collections.reverse(r);
        return r;
    }

    void putK00toK99() {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 100; i++) batch.put(ks, b(String.format("k%02d", i)), b("v" + i));
        db.write(batch);
    }

    @Test
    void boundsAreInclusiveOrExclusiveAsNamed() {
        putK00toK99();
        assertThat(keys(ks.scan())).isEqualTo(range(0, 100));
        assertThat(keys(ks.scan().from(b("k10")).to(b("k20")))).isEqualTo(range(10, 20));
        assertThat(keys(ks.scan().from(b("k10")).toInclusive(b("k20")))).isEqualTo(range(10, 21));
        assertThat(keys(ks.scan().after(b("k10")).to(b("k20")))).isEqualTo(range(11, 20));
        assertThat(keys(ks.scan().after(b("k10")).toInclusive(b("k20")))).isEqualTo(range(11, 21));
        assertThat(keys(ks.scan().from(b("k95")))).isEqualTo(range(95, 100));
        assertThat(keys(ks.scan().to(b("k03")))).isEqualTo(range(0, 3));
        assertThat(keys(ks.scan().toInclusive(b("k03")))).isEqualTo(range(0, 4));
        // bounds that are not keys
        assertThat(keys(ks.scan().from(b("k10a")).to(b("k13a")))).isEqualTo(range(11, 14));
        assertThat(keys(ks.scan().after(b("k")).toInclusive(b("k01")))).isEqualTo(range(0, 2));
        assertThat(keys(ks.scan().from(b("a")).to(b("z")))).isEqualTo(range(0, 100));
        assertThat(keys(ks.scan().from(b("z")))).isEmpty();
        // empty and single-key ranges
        assertThat(keys(ks.scan().from(b("k20")).to(b("k10")))).as("from after to").isEmpty();
        assertThat(keys(ks.scan().from(b("k20")).to(b("k20")))).isEmpty();
        assertThat(keys(ks.scan().from(b("k20")).toInclusive(b("k20")))).containsExactly("k20");
        assertThat(keys(ks.scan().after(b("k20")).toInclusive(b("k20")))).isEmpty();
        assertThat(keys(ks.scan().after(b("k20")).toInclusive(b("k21")))).containsExactly("k21");
        // the last setter of a side wins
        assertThat(keys(ks.scan().from(b("k10")).after(b("k10")).to(b("k12")))).containsExactly("k11");
        assertThat(keys(ks.scan().to(b("k12")).toInclusive(b("k11")))).isEqualTo(range(0, 12));
    }

    @Test
    void reverseRunsFromTheUpperBoundDown() {
        putK00toK99();
        assertThat(keys(ks.scan().reverse())).isEqualTo(reversed(range(0, 100)));
        assertThat(keys(ks.scan().from(b("k10")).to(b("k20")).reverse())).isEqualTo(reversed(range(10, 20)));
        assertThat(keys(ks.scan().after(b("k10")).toInclusive(b("k20")).reverse())).isEqualTo(reversed(range(11, 21)));
        assertThat(keys(ks.scan().reverse().from(b("k97")))).containsExactly("k99", "k98", "k97");
        assertThat(keys(ks.scan().to(b("k02")).reverse())).containsExactly("k01", "k00");
        assertThat(keys(ks.scan().from(b("k20")).to(b("k10")).reverse())).isEmpty();
        assertThat(keys(ks.scan().prefix(b("k1")).reverse().limit(3))).containsExactly("k19", "k18", "k17");
        assertThat(keys(ks.scan().from(b("k50")).reverse().limit(2))).containsExactly("k99", "k98");
    }

    @Test
    void prefixesIncludingAllOnesBytes() {
        List<byte[]> all = List.of(bytes(), bytes(0x00), bytes(0x01), bytes(0x01, 0x00), bytes(0x01, 0xFF),
                bytes(0x01, 0xFF, 0xFF), bytes(0x02), bytes(0x7F), bytes(0x80), bytes(0xFE, 0xFF), bytes(0xFF),
                bytes(0xFF, 0x00), bytes(0xFF, 0xFF), bytes(0xFF, 0xFF, 0x01), b("ab"), b("abc"), b("abd"), b("ac"));
        List<byte[]> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));
        for (byte[] k : shuffled) ks.put(k, bytes(1));

        assertThat(hexKeys(ks.scan().prefix(bytes(0xFF)))).containsExactly("ff", "ff00", "ffff", "ffff01");
        assertThat(hexKeys(ks.scan().prefix(bytes(0xFF, 0xFF)))).containsExactly("ffff", "ffff01");
        assertThat(hexKeys(ks.scan().prefix(bytes(0xFF, 0xFF, 0xFF)))).isEmpty();
        assertThat(hexKeys(ks.scan().prefix(bytes(0x01, 0xFF)))).containsExactly("01ff", "01ffff");
        assertThat(hexKeys(ks.scan().prefix(bytes(0x01)))).containsExactly("01", "0100", "01ff", "01ffff");
        assertThat(hexKeys(ks.scan().prefix(bytes(0xFE)))).containsExactly("feff");
        assertThat(hexKeys(ks.scan().prefix(bytes(0xFF)).reverse())).containsExactly("ffff01", "ffff", "ff00", "ff");
        assertThat(hexKeys(ks.scan().prefix(bytes(0xFF)).limit(2))).containsExactly("ff", "ff00");
        assertThat(keys(ks.scan().prefix(b("ab")))).containsExactly("ab", "abc", "abd");
        assertThat(keys(ks.scan().prefix(b("abc")))).containsExactly("abc");
        assertThat(keys(ks.scan().prefix(b("b")))).isEmpty();
        assertThat(hexKeys(ks.scan().prefix(bytes()))).as("the empty prefix is everything").hasSize(all.size());
        try (CloseableIterator<Entry> it = ks.scanPrefix(bytes(0xFF, 0xFF))) {
            assertThat(hex(it.next().key())).isEqualTo("ffff");
            assertThat(hex(it.next().key())).isEqualTo("ffff01");
            assertThat(it.hasNext()).isFalse();
        }
        // prefix replaces earlier bounds
        assertThat(keys(ks.scan().from(b("zzz")).to(b("a")).prefix(b("ab")))).containsExactly("ab", "abc", "abd");
    }

    @Test
    void keysSortAsUnsignedBytes() {
        List<byte[]> all = new ArrayList<>();
        all.add(bytes());
        for (int i = 0; i < 256; i++) all.add(bytes(i));
        all.add(bytes(0x7F, 0xFF));
        all.add(bytes(0x80, 0x00));
        all.add(bytes(0x00, 0x00));
        List<byte[]> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(3));
        for (byte[] k : shuffled) ks.put(k, k);
        all.sort(Arrays::compareUnsigned);
        List<String> expected = all.stream().map(ScanTest::hex).collect(Collectors.toList());
        assertThat(hexKeys(ks.scan())).isEqualTo(expected);
        List<String> iterated = new ArrayList<>();
        ks.forEach((k, v) -> iterated.add(hex(k)));
        assertThat(iterated).as("iteration of an ORDERED keyspace is in key order").isEqualTo(expected);
        assertThat(hexKeys(ks.scan().from(bytes(0x7F)).to(bytes(0x81)))).containsExactly("7f", "7fff", "80", "8000");
        assertThat(hexKeys(ks.scan().after(bytes(0x7F, 0xFF)).limit(1))).as("0x80 sorts after 0x7F").containsExactly("80");
        assertThat(hexKeys(ks.scan().limit(3))).containsExactly("", "00", "0000");
        assertThat(hexKeys(ks.scan().reverse().limit(2))).containsExactly("ff", "fe");
    }

    @Test
    void limitsAcrossPageBoundaries() {
        int n = 1000;
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) batch.put(ks, be(i), be(i));
        db.write(batch);
        List<String> all = IntStream.range(0, n).mapToObj(i -> hex(be(i))).collect(Collectors.toList());
        for (int limit : new int[]{0, 1, 2, 255, 256, 257, 512, 999, 1000, 1001}) {
            int m = Math.min(limit, n);
            assertThat(hexKeys(ks.scan().limit(limit))).as("limit " + limit).isEqualTo(all.subList(0, m));
            assertThat(hexKeys(ks.scan().reverse().limit(limit))).as("reverse limit " + limit)
                    .isEqualTo(reversed(all).subList(0, m));
        }
        assertThat(hexKeys(ks.scan())).isEqualTo(all);
        assertThat(hexKeys(ks.scan().reverse())).isEqualTo(reversed(all));
        // bounded ranges over several pages, both directions
        assertThat(hexKeys(ks.scan().from(be(100)).to(be(700)))).isEqualTo(all.subList(100, 700));
        assertThat(hexKeys(ks.scan().after(be(100)).toInclusive(be(700)).reverse())).isEqualTo(reversed(all.subList(101, 701)));
        assertThat(hexKeys(ks.scan().from(be(100)).limit(300))).isEqualTo(all.subList(100, 400));
        assertThat(hexKeys(ks.scan().to(be(900)).reverse().limit(257))).isEqualTo(reversed(all.subList(643, 900)));
        assertThatThrownBy(() -> ks.scan().limit(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThat(ks.scan().limit(0).iterator().hasNext()).isFalse();
    }

    @Test
    void pagedScansUnderConcurrentDeletesNeverRepeatOrReorder() throws Exception {
        int n = 3000;
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < n; i++) batch.put(ks, be(i), be(i));
        db.write(batch);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread churn = new Thread(() -> {
            Random r = new Random(11);
            try {
                while (!stop.get()) {
                    int odd = 2 * r.nextInt(n / 2) + 1; // only odd keys come and go; even keys stay throughout
                    if (r.nextBoolean()) ks.delete(be(odd));
                    else ks.put(be(odd), be(odd));
                    if (r.nextInt(50) == 0) ks.put(be(n + r.nextInt(100)), bytes(1)); // keys beyond the range
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "scan-churn");
        churn.start();
        try {
            for (int round = 0; round < 30; round++) {
                boolean reverse = round % 2 == 1;
                Scan scan = ks.scan().from(be(0)).to(be(n));
                if (reverse) scan.reverse();
                List<Integer> seen = new ArrayList<>();
                try (CloseableIterator<Entry> it = scan.iterator()) {
                    while (it.hasNext()) {
                        Entry e = it.next();
                        int k = ByteBuffer.wrap(e.key()).getInt();
                        assertThat(ByteBuffer.wrap(e.value()).getInt()).isEqualTo(k);
                        seen.add(k);
                    }
                }
                for (int i = 1; i < seen.size(); i++) {
                    if (reverse) assertThat(seen.get(i)).as("round " + round + " position " + i).isLessThan(seen.get(i - 1));
                    else assertThat(seen.get(i)).as("round " + round + " position " + i).isGreaterThan(seen.get(i - 1));
                }
                List<Integer> evens = seen.stream().filter(k -> k % 2 == 0).collect(Collectors.toList());
                assertThat(evens).as("keys present throughout are all seen, round " + round).hasSize(n / 2);
                assertThat(seen).allMatch(k -> k >= 0 && k < n);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void iteratorsAndStreamsCloseCleanly() {
        putK00toK99();
        CloseableIterator<Entry> it = ks.scan().iterator();
        assertThat(it.next().keyString()).isEqualTo("k00");
        it.close();
        assertThat(it.hasNext()).as("closed").isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        it.close(); // twice is harmless

        Stream<Entry> stream = ks.scan().from(b("k50")).stream();
        Iterator<Entry> si = stream.iterator();
        assertThat(si.next().keyString()).isEqualTo("k50");
        stream.close();
        assertThat(si.hasNext()).as("closing the stream closes the scan").isFalse();

        try (Stream<Entry> s = ks.stream()) {
            assertThat(s.count()).isEqualTo(100);
        }
        try (Stream<Entry> s = db.stream()) {
            assertThat(s.count()).isZero();
        }
        db.put("h", "x");
        CloseableIterator<Entry> hashIt = db.iterator();
        assertThat(hashIt.hasNext()).isTrue();
        hashIt.close();
        assertThat(hashIt.hasNext()).isFalse();
        hashIt.close();

        // the scan object keeps its own copies of the bounds and can be run again
        byte[] from = b("k90");
        Scan scan = ks.scan().from(from).limit(3);
        from[2] = '0';
        assertThat(keys(scan)).containsExactly("k90", "k91", "k92");
        assertThat(keys(scan)).containsExactly("k90", "k91", "k92");
    }

    @Test
    void scansCarryExpiriesAndSkipExpiredEntries() {
        ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);
        db.close();
        db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(64 * 1024).clock(clock).build());
        ks = db.keyspace("ordered");
        ks.put(b("a"), b("1"), Duration.ofSeconds(5));
        ks.put(b("b"), b("2"));
        ks.put(b("c"), b("3"), Duration.ofSeconds(1));
        try (CloseableIterator<Entry> it = ks.scan().iterator()) {
            assertThat(it.next()).isEqualTo(new Entry(b("a"), b("1"), ExpiryTest.T0 + 5000));
            assertThat(it.next()).isEqualTo(new Entry(b("b"), b("2"), 0));
            assertThat(it.next()).isEqualTo(new Entry(b("c"), b("3"), ExpiryTest.T0 + 1000));
        }
        clock.advance(1000);
        assertThat(keys(ks.scan())).containsExactly("a", "b");
        assertThat(keys(ks.scan().reverse().limit(1))).containsExactly("b");
    }

    @Test
    void hashKeyspacesRefuseScansButIterate() {
        Keyspace hash = db.createKeyspace("hash", IndexKind.HASH);
        for (int i = 0; i < 300; i++) hash.put(be(i), be(i));
        CairnException e = org.junit.jupiter.api.Assertions.assertThrows(CairnException.class, () -> hash.scan().iterator());
        assertThat(e.code()).isEqualTo(CairnException.Code.WRONG_INDEX_KIND);
        assertThat(e.getMessage()).contains("hash").contains("ORDERED");
        assertThatThrownBy(() -> hash.scanPrefix(bytes(0))).isInstanceOfSatisfying(CairnException.class,
                x -> assertThat(x.code()).isEqualTo(CairnException.Code.WRONG_INDEX_KIND));
        assertThatThrownBy(() -> hash.scan().limit(5).stream()).isInstanceOf(CairnException.class);
        List<Integer> seen = new ArrayList<>();
        hash.forEach((k, v) -> seen.add(ByteBuffer.wrap(k).getInt()));
        assertThat(seen).hasSize(300).doesNotHaveDuplicates();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 300).boxed().collect(Collectors.toList()));
    }
}
