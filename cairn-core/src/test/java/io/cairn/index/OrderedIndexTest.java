package io.cairn.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class OrderedIndexTest {

    private static byte[] key(int i) {
        return new byte[] {(byte) (i >>> 8), (byte) i}; // covers bytes >= 0x80: unsigned order matters
    }

    private static List<String> keysOf(Iterator<Index.Slot> it) {
        List<String> out = new ArrayList<>();
        while (it.hasNext()) out.add(Arrays.toString(it.next().key()));
        return out;
    }

    private static List<String> keysOf(NavigableMap<byte[], byte[]> m) {
        List<String> out = new ArrayList<>();
        for (byte[] k : m.keySet()) out.add(Arrays.toString(k));
        return out;
    }

    @Test
    void randomOperations_matchATreeMap_includingEveryKindOfRange() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        OrderedIndex index = new OrderedIndex();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int step = 0; step < 20_000; step++) {
            byte[] k = key(r.nextInt(600));
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    byte[] v = new byte[] {(byte) step};
                    byte[] prev = index.put(k, v, 0);
                    byte[] expected = model.put(k, v);
                    assertThat(prev == null ? null : Cells.value(prev)).as("seed %d", seed).isEqualTo(expected);
                }
                case 2 -> {
                    byte[] prev = index.remove(k);
                    byte[] expected = model.remove(k);
                    assertThat(prev == null ? null : Cells.value(prev)).as("seed %d", seed).isEqualTo(expected);
                }
                default -> {
                    byte[] c = index.get(k);
                    assertThat(c == null ? null : Cells.value(c)).as("seed %d", seed).isEqualTo(model.get(k));
                }
            }
            assertThat(index.size()).as("seed %d", seed).isEqualTo(model.size());
            if (step % 500 == 0) {
                for (int q = 0; q < 20; q++) {
                    byte[] from = r.nextInt(5) == 0 ? null : key(r.nextInt(620));
                    byte[] to = r.nextInt(5) == 0 ? null : key(r.nextInt(620));
                    boolean fi = r.nextBoolean();
                    boolean ti = r.nextBoolean();
                    boolean reverse = r.nextBoolean();
                    NavigableMap<byte[], byte[]> expected;
                    if (from != null && to != null && Arrays.compareUnsigned(from, to) > 0) {
                        expected = new TreeMap<>(Arrays::compareUnsigned);
                    } else if (from != null && to != null) {
                        expected = model.subMap(from, fi, to, ti);
                    } else if (from != null) {
                        expected = model.tailMap(from, fi);
                    } else if (to != null) {
                        expected = model.headMap(to, ti);
                    } else {
                        expected = model;
                    }
                    if (reverse) expected = expected.descendingMap();
                    assertThat(keysOf(index.range(from, fi, to, ti, reverse)))
                            .as("seed %d range %s %s %s %s reverse=%s", seed, Arrays.toString(from), fi,
                                    Arrays.toString(to), ti, reverse)
                            .isEqualTo(keysOf(expected));
                }
            }
        }
        index.clear();
        assertThat(index.size()).isZero();
        assertThat(index.iterator().hasNext()).isFalse();
    }

    @Test
    void longKeys_withLengthsAroundTheOneByteVarint_orderAndMatchExactly() {
        OrderedIndex index = new OrderedIndex();
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        Random r = new Random(11);
        int[] lengths = {0, 1, 126, 127, 128, 129, 300, 16_383, 16_384, 20_000};
        for (int length : lengths) {
            for (int variant = 0; variant < 4; variant++) {
                byte[] k = new byte[length];
                Arrays.fill(k, (byte) 0x41); // a shared prefix, so comparisons run to the end of the shorter key
                if (length > 0) k[length - 1] = (byte) (variant * 70); // 0, 70, 140 (>= 0x80), 210
                byte[] v = new byte[] {(byte) r.nextInt()};
                index.put(k, v, 0);
                model.put(k, v);
            }
        }
        assertThat(index.size()).isEqualTo(model.size());
        for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
            assertThat(Cells.value(index.get(e.getKey()))).isEqualTo(e.getValue());
            byte[] longer = Arrays.copyOf(e.getKey(), e.getKey().length + 1);
            assertThat(index.get(longer) != null).as("key of %d bytes + 0x00", e.getKey().length)
                    .isEqualTo(model.containsKey(longer));
        }
        assertThat(keysOf(index.iterator())).isEqualTo(keysOf(model));
        assertThat(keysOf(index.range(null, true, null, false, true))).isEqualTo(keysOf(model.descendingMap()));
    }

    /**
     * 16 keys concentrates the contention on the neighbours of the keys being read (where a lookup that trusted a
     * stale link once missed a present key); 4,000 spreads it over a deeper index.
     */
    @ParameterizedTest(name = "keys={0}")
    @ValueSource(ints = {16, 4000})
    void readersNeverMissAKeyThatStaysPresent_whileTheWriterChangesEverythingAroundIt(int n) throws Exception {
        OrderedIndex index = new OrderedIndex();
        int width = Math.min(100, n / 2);
        for (int i = 0; i < n; i += 2) index.put(key(i), new byte[] {1}, 0); // even keys stay for good
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            boolean reverse = t == 2;
            Thread reader = new Thread(() -> {
                Random r = new Random();
                while (!stop.get() && failure.get() == null) {
                    int i = r.nextInt(n / 2) * 2;
                    if (index.get(key(i)) == null) failure.set("get missed present key " + i);
                    // a scan sees every present key of its range, in strict order, once
                    int lo = r.nextInt(n - width - 1);
                    int hi = lo + width - ((lo + width) % 2); // even: always present
                    // the reverse reader includes its upper bound, which must then come first
                    Iterator<Index.Slot> it = index.range(key(lo), true, key(hi), reverse, reverse);
                    if (reverse && (!it.hasNext() || !Arrays.equals(it.next().key(), key(hi)))) {
                        failure.set("reverse scan did not start at its present inclusive bound " + hi);
                    }
                    byte[] prev = reverse ? key(hi) : null;
                    int evens = reverse ? 1 : 0;
                    while (it.hasNext()) {
                        byte[] k = it.next().key();
                        if (prev != null) {
                            int c = Arrays.compareUnsigned(prev, k);
                            if (reverse ? c <= 0 : c >= 0) failure.set("scan out of order at " + Arrays.toString(k));
                        }
                        int v = ((k[0] & 0xFF) << 8) | (k[1] & 0xFF);
                        if (v % 2 == 0) evens++;
                        prev = k;
                    }
                    int expectedEvens = (reverse ? (hi + 2) / 2 : (hi + 1) / 2) - (lo + 1) / 2;
                    if (evens != expectedEvens) failure.set("scan from " + lo + " saw " + evens + " of " + expectedEvens + " present keys");
                }
            });
            reader.start();
            readers.add(reader);
        }
        Random w = new Random(3);
        for (int step = 0; step < 1_000_000 && failure.get() == null; step++) {
            int i = w.nextInt(n);
            if (i % 2 == 1) {
                if (w.nextBoolean()) index.put(key(i), new byte[] {2}, 0);
                else index.remove(key(i));
            } else {
                index.put(key(i), new byte[] {(byte) step}, 0); // updates of present keys swap the cell
            }
        }
        stop.set(true);
        for (Thread t : readers) t.join();
        assertThat(failure.get()).isNull();
        int present = 0;
        for (Iterator<Index.Slot> it = index.iterator(); it.hasNext(); it.next()) present++;
        assertThat(index.size()).isEqualTo(present).isGreaterThanOrEqualTo(n / 2);
    }
}
