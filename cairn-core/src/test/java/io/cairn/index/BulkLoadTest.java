package io.cairn.index;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk loading as snapshot recovery does it: the index afterwards is a normal one in every respect. */
class BulkLoadTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cell(String k, String v) {
        return Cells.make(b(k), true, b(v), 0);
    }

    private static Map<String, String> contents(Index index) {
        Map<String, String> m = new TreeMap<>();
        for (Iterator<Index.Slot> it = index.iterator(); it.hasNext(); ) {
            Index.Slot s = it.next();
            m.put(new String(s.key(), StandardCharsets.UTF_8), new String(Cells.value(s.cell()), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void anOrderedIndexLoadedInKeyOrderIsASkipListLikeAnyOther() {
        OrderedIndex index = new OrderedIndex();
        TreeMap<String, String> model = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) model.put(String.format("k%06d", i), "v" + i);
        for (Map.Entry<String, String> e : model.entrySet()) index.load(cell(e.getKey(), e.getValue()));
        // out of order and repeated keys fall back to an ordinary insert
        index.load(cell("a-first", "x"));
        index.load(cell("k000005", "again"));
        model.put("a-first", "x");
        model.put("k000005", "again");
        index.endLoad();
        assertThat(index.size()).isEqualTo(model.size());
        assertThat(contents(index)).isEqualTo(model);
        Random rnd = new Random(1);
        for (int i = 0; i < 5000; i++) {
            String k = String.format("k%06d", rnd.nextInt(25_000));
            if (rnd.nextBoolean()) {
                index.put(b(k), b("p" + i), 0);
                model.put(k, "p" + i);
            } else {
                index.remove(b(k));
                model.remove(k);
            }
        }
        assertThat(contents(index)).isEqualTo(model);
        for (String k : List.of("k000001", "k019999", "zzz")) {
            byte[] c = index.get(b(k));
            assertThat(c == null ? null : new String(Cells.value(c), StandardCharsets.UTF_8)).isEqualTo(model.get(k));
        }
        List<String> range = new ArrayList<>();
        for (Iterator<Index.Slot> it = index.range(b("k000100"), true, b("k000110"), false, true); it.hasNext(); ) {
            range.add(new String(it.next().key(), StandardCharsets.UTF_8));
        }
        assertThat(range).containsExactlyElementsOf(model.subMap("k000100", true, "k000110", false).descendingKeySet());
    }

    @Test
    void aPresizedHashIndexLoadsWithoutGrowingAndThenGrowsNormally() {
        HashIndex index = new HashIndex();
        index.presize(10_000);
        Map<String, String> model = new TreeMap<>();
        for (int i = 0; i < 10_000; i++) {
            index.load(cell("k" + i, "v" + i));
            model.put("k" + i, "v" + i);
        }
        // past the presized capacity: load keeps working and grows the table
        for (int i = 10_000; i < 30_000; i++) {
            index.load(cell("k" + i, "v" + i));
            model.put("k" + i, "v" + i);
        }
        index.endLoad();
        assertThat(index.size()).isEqualTo(30_000);
        assertThat(contents(index)).isEqualTo(model);
        index.put(b("k5"), b("new"), 0);
        index.remove(b("k6"));
        assertThat(index.size()).isEqualTo(29_999);
        assertThat(Cells.value(index.get(b("k5")))).isEqualTo(b("new"));
        assertThat(index.get(b("k6"))).isNull();
    }
}
