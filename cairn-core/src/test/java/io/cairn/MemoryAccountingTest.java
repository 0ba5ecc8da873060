package io.cairn;

import io.cairn.index.Cells;
import io.cairn.index.Index;
import io.cairn.index.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's memory account ({@link Stats#usedMemory()}): kept exactly by every path that changes memory (checked
 * against a sum over the cells after a seeded random run), and close to what the heap really holds (checked against
 * the heap's growth after full collections, within 10%, for strings, collections small and large, with and without
 * expiry, at 100k and 1M keys).
 */
class MemoryAccountingTest {
    @TempDir
    Path dir;

    final ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);

    CairnOptions options(IndexKind kind) {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).clock(clock).expiryInterval(Duration.ofHours(1))
                .checkpointInterval(Duration.ZERO).defaultIndexKind(kind).segmentSize(8 << 20).build();
    }

    /** What every keyspace's entries cost, summed from scratch over its cells. Single-threaded tests only. */
    static long entriesFromScratch(Engine engine, Index index) {
        long m = 0;
        for (Iterator<byte[]> it = index.cells(); it.hasNext(); ) {
            byte[] c = it.next();
            m += Memory.bytes(c.length);
            if (Cells.expireAt(c) != 0) m += Memory.expiry(Cells.key(c).length);
            if (Cells.large(c)) m += Engine.footprint(engine.largeValue(c));
        }
        return m;
    }

    static void assertAccountExact(Cairn db, long seed) {
        for (Keyspace ks : db.keyspaces()) {
            Index index = ks.state.index();
            assertThat(index.entriesMemory()).as("keyspace %s, seed %d", ks.name(), seed)
                    .isEqualTo(entriesFromScratch(ks.engine(), index));
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void account_isExact_throughEveryKindOfChange(IndexKind kind) {
        long seed = Long.getLong("seed", System.nanoTime());
        Random rnd = new Random(seed);
        try (Cairn db = Cairn.open(dir, options(kind))) {
            Keyspace a = db.defaultKeyspace();
            Keyspace b = db.keyspace("b", kind);
            for (int step = 0; step < 20_000; step++) {
                Keyspace ks = rnd.nextBoolean() ? a : b;
                String key = "k" + rnd.nextInt(200);
                int op = rnd.nextInt(14);
                if (Boolean.getBoolean("trace")) System.out.println(step + " op " + op + " " + ks.name() + " " + key);
                switch (op) {
                    case 0, 1 -> ks.put(key, "v".repeat(rnd.nextInt(100)));
                    case 2 -> ks.put(key, "t".repeat(rnd.nextInt(50)), Duration.ofSeconds(1 + rnd.nextInt(100)));
                    case 3 -> ks.delete(key);
                    case 4 -> ks.expire(key, Duration.ofSeconds(rnd.nextInt(100)));
                    case 5 -> ks.persist(key);
                    case 6 -> {
                        try {
                            ks.hash(key).put("f" + rnd.nextInt(300), "x".repeat(rnd.nextInt(rnd.nextInt(10) == 0 ? 100 : 10)));
                        } catch (CairnException e) {
                            assertThat(e.code()).isEqualTo(CairnException.Code.WRONG_TYPE);
                        }
                    }
                    case 7 -> {
                        try {
                            ks.hash(key).remove("f" + rnd.nextInt(300));
                            ks.set(key).add("m" + rnd.nextInt(300));
                        } catch (CairnException e) {
                            assertThat(e.code()).isEqualTo(CairnException.Code.WRONG_TYPE);
                        }
                    }
                    case 8 -> {
                        try {
                            ks.sortedSet(key).add("z" + rnd.nextInt(300), rnd.nextDouble());
                            if (rnd.nextInt(4) == 0) ks.sortedSet(key).remove("z" + rnd.nextInt(300));
                        } catch (CairnException e) {
                            assertThat(e.code()).isEqualTo(CairnException.Code.WRONG_TYPE);
                        }
                    }
                    case 9 -> {
                        try {
                            ListView l = ks.list(key);
                            if (rnd.nextInt(3) == 0) l.popFirst();
                            else l.pushLast("e".repeat(rnd.nextInt(200)));
                        } catch (CairnException e) {
                            assertThat(e.code()).isEqualTo(CairnException.Code.WRONG_TYPE);
                        }
                    }
                    case 10 -> {
                        if (rnd.nextInt(200) == 0) ks.clear();
                    }
                    case 11 -> {
                        if (rnd.nextInt(100) == 0) db.swapKeyspaces(a, b);
                    }
                    case 12 -> clock.advance(rnd.nextInt(2000));
                    default -> {
                        if (rnd.nextInt(50) == 0) ks.engine().reclaimExpired();
                    }
                }
                if (step % Integer.getInteger("every", 1000) == 0) assertAccountExact(db, seed);
            }
            assertAccountExact(db, seed);
            if (rnd.nextBoolean()) db.checkpoint(); // recovery then loads a snapshot, else replays the log
        }
        try (Cairn db = Cairn.open(dir, options(kind))) {
            // the expirer's one run at open may be reclaiming what expired: finish that here, so nothing changes below
            db.defaultKeyspace().engine().reclaimExpired();
            assertAccountExact(db, seed);
            for (Keyspace ks : db.keyspaces()) ks.clear();
            for (Keyspace ks : db.keyspaces()) assertThat(ks.state.index().entriesMemory()).isZero();
        }
    }

    @Test
    void memoryUsage_ofOneKey_isWhatItAddsToTheAccount() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.ORDERED))) {
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 1000; i++) ks.put("k" + i, "v");
            long before = ks.state.index().entriesMemory();
            ks.put("big", "x".repeat(1000), Duration.ofHours(1));
            for (int i = 0; i < 500; i++) ks.hash("h").put("field" + i, "value" + i);
            long added = ks.state.index().entriesMemory() - before;
            long cells = ks.memoryUsage(ExpiryTest.b("big")) + ks.memoryUsage(ExpiryTest.b("h"));
            long share = (ks.state.index().memory() - ks.state.index().entriesMemory()) / ks.state.index().size();
            assertThat(cells).isEqualTo(added + 2 * share); // each key's entry and its share of the skip list
            assertThat(ks.memoryUsage(ExpiryTest.b("absent"))).isEqualTo(-1);
        }
    }

    // ------------------------------------------------------------------ against the heap

    static long heapUsed() {
        long last = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            System.gc();
            long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            if (round >= 2 && Math.abs(used - last) < 64 * 1024) return used; // two full collections agree
            last = used;
        }
        return last;
    }

    /** A shape of data: how many keys and how to write key {@code i}. */
    record Shape(String name, int keys, BiConsumer<Keyspace, Integer> write) {
    }

    static List<Shape> shapes() {
        String kib = "v".repeat(1024);
        List<Shape> s = new ArrayList<>();
        s.add(new Shape("small strings", 1_000_000, (ks, i) -> ks.put("key:" + i, "value:" + i)));
        s.add(new Shape("small strings, ttl", 1_000_000, (ks, i) -> ks.put("key:" + i, "value:" + i, Duration.ofHours(1))));
        s.add(new Shape("small strings", 100_000, (ks, i) -> ks.put("key:" + i, "value:" + i)));
        s.add(new Shape("1 KiB strings", 100_000, (ks, i) -> ks.put("key:" + i, kib)));
        s.add(new Shape("1 KiB strings, ttl", 100_000, (ks, i) -> ks.put("key:" + i, kib, Duration.ofHours(1))));
        s.add(new Shape("small hashes (5 fields)", 100_000, (ks, i) -> {
            HashView h = ks.hash("h:" + i);
            for (int f = 0; f < 5; f++) h.put("field" + f, "value" + f);
        }));
        // the large shapes hold 10 MB or more: below that, what a full collection leaves varies by a few hundred KiB
        // from one measurement to the next, which is 20% of 1 MB (200 lists of 500 failed so, once in CI)
        s.add(new Shape("large hashes (500 fields)", 1_000, (ks, i) -> {
            HashView h = ks.hash("h:" + i);
            for (int f = 0; f < 500; f++) h.put("field" + f, "value" + f);
        }));
        s.add(new Shape("small sets (5)", 100_000, (ks, i) -> ks.set("s:" + i).add("a", "b", "c", "d", "e")));
        s.add(new Shape("large sets (500), ttl", 1_000, (ks, i) -> {
            SetView v = ks.set("s:" + i);
            for (int m = 0; m < 500; m += 50) {
                String[] batch = new String[50];
                for (int j = 0; j < 50; j++) batch[j] = "member" + (m + j);
                v.add(batch);
            }
            ks.expire("s:" + i, Duration.ofHours(1));
        }));
        s.add(new Shape("small sorted sets (5)", 100_000, (ks, i) -> {
            SortedSetView z = ks.sortedSet("z:" + i);
            for (int m = 0; m < 5; m++) z.add("m" + m, m);
        }));
        s.add(new Shape("large sorted sets (500)", 200, (ks, i) -> {
            SortedSetView z = ks.sortedSet("z:" + i);
            for (int m = 0; m < 500; m++) z.add("member" + m, m);
        }));
        s.add(new Shape("small lists (5)", 100_000, (ks, i) -> ks.list("l:" + i).pushLast("a", "b", "c", "d", "e")));
        s.add(new Shape("large lists (500)", 2_000, (ks, i) -> {
            ListView l = ks.list("l:" + i);
            for (int m = 0; m < 500; m += 50) {
                String[] batch = new String[50];
                for (int j = 0; j < 50; j++) batch[j] = "element" + (m + j);
                l.pushLast(batch);
            }
        }));
        return s;
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void account_matchesTheHeap_within10Percent(IndexKind kind) {
        System.out.printf(Locale.ROOT, "%n| %s keyspace | keys | accounted | heap growth | difference |%n| --- | ---: | ---: | ---: | ---: |%n",
                kind.name().toLowerCase(Locale.ROOT));
        for (Shape shape : shapes()) {
            Path d = dir.resolve(kind + "-" + shape.name().replaceAll("\\W", "") + shape.keys());
            try (Cairn db = Cairn.open(d, options(kind))) {
                Keyspace ks = db.defaultKeyspace();
                long accountedBefore = db.stats().usedMemory();
                long heapBefore = heapUsed();
                for (int i = 0; i < shape.keys(); i++) shape.write().accept(ks, i);
                long heapAfter = heapUsed();
                long accounted = db.stats().usedMemory() - accountedBefore;
                long measured = heapAfter - heapBefore;
                double diff = (accounted - measured) * 100.0 / measured;
                System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %+.1f%% |%n", shape.name(), shape.keys(),
                        accounted, measured, diff);
                assertThat(Math.abs(diff)).as("%s, %d keys: accounted %d, heap grew %d", shape.name(), shape.keys(),
                        accounted, measured).isLessThan(10.0);
            }
        }
    }
}
