package io.cairn.index;

import io.cairn.IndexKind;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unit tests of the open-addressing hash index and the cell format it stores. */
class HashIndexTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] be(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    static String val(byte[] cell) {
        return cell == null ? null : new String(Cells.value(cell), StandardCharsets.UTF_8);
    }

    /** Table capacity, read reflectively: the tests check that tombstones are reused rather than piling up. */
    static int capacity(HashIndex index) throws Exception {
        Field f = HashIndex.class.getDeclaredField("table");
        f.setAccessible(true);
        Object table = f.get(index);
        Field cells = table.getClass().getDeclaredField("cells");
        cells.setAccessible(true);
        return ((byte[][]) cells.get(table)).length;
    }

    static int used(HashIndex index) throws Exception {
        Field f = HashIndex.class.getDeclaredField("used");
        f.setAccessible(true);
        return f.getInt(index);
    }

    static Map<String, String> contents(HashIndex index) {
        Map<String, String> out = new HashMap<>();
        for (Iterator<Index.Slot> it = index.iterator(); it.hasNext(); ) {
            Index.Slot s = it.next();
            String prev = out.put(Arrays.toString(s.key()), val(s.cell()));
            assertThat(prev).as("the iterator yields each key once").isNull();
            assertThat(Cells.key(s.cell())).isEqualTo(s.key());
        }
        return out;
    }

    @Test
    void emptyIndex() {
        HashIndex index = new HashIndex();
        assertThat(index.kind()).isEqualTo(IndexKind.HASH);
        assertThat(index.size()).isZero();
        assertThat(index.get(b("x"))).isNull();
        assertThat(index.get(new byte[0])).isNull();
        assertThat(index.remove(b("x"))).isNull();
        assertThat(index.iterator().hasNext()).isFalse();
        assertThatThrownBy(() -> index.iterator().next()).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> index.range(null, true, null, false, false)).isInstanceOf(IllegalStateException.class);
        assertThat(Index.create(IndexKind.HASH)).isInstanceOf(HashIndex.class);
    }

    @Test
    void putGetReplaceRemoveReturnPreviousCells() {
        HashIndex index = new HashIndex();
        assertThat(index.put(b("k"), b("v1"), 0)).isNull();
        assertThat(val(index.get(b("k")))).isEqualTo("v1");
        byte[] prev = index.put(b("k"), b("v2"), 123);
        assertThat(val(prev)).isEqualTo("v1");
        assertThat(index.size()).isEqualTo(1);
        assertThat(Cells.expireAt(index.get(b("k")))).isEqualTo(123);
        byte[] cell = Cells.withExpiry(index.get(b("k")), 0);
        assertThat(val(index.replace(b("k"), cell))).isEqualTo("v2");
        assertThat(index.get(b("k"))).isSameAs(cell);
        assertThat(val(index.remove(b("k")))).isEqualTo("v2");
        assertThat(index.get(b("k"))).isNull();
        assertThat(index.size()).isZero();
        assertThat(index.remove(b("k"))).isNull();
        assertThat(index.size()).isZero();
    }

    @Test
    void theIndexKeepsItsOwnCopies() {
        HashIndex index = new HashIndex();
        byte[] key = b("key");
        byte[] value = b("value");
        index.put(key, value, 0);
        key[0] = 'X';
        value[0] = 'X';
        assertThat(val(index.get(b("key")))).isEqualTo("value");
        assertThat(index.get(key)).isNull();
    }

    @Test
    void growsAndKeepsEveryKey() throws Exception {
        HashIndex index = new HashIndex();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            assertThat(index.put(b("key-" + i), b("v" + i), 0)).isNull();
            if (i == 11 || i == 12) assertThat(capacity(index)).as("after " + (i + 1) + " keys").isEqualTo(i == 11 ? 16 : 32);
        }
        assertThat(index.size()).isEqualTo(n);
        int cap = capacity(index);
        assertThat(Integer.bitCount(cap)).as("a power of two").isEqualTo(1);
        assertThat((double) n / cap).as("load factor").isBetween(0.375 / 2, 0.75);
        for (int i = 0; i < n; i++) assertThat(val(index.get(b("key-" + i)))).isEqualTo("v" + i);
        assertThat(index.get(b("key-" + n))).isNull();
        Map<String, String> all = contents(index);
        assertThat(all).hasSize(n);
        for (int i = 0; i < n; i += 2) index.put(b("key-" + i), b("w" + i), 0);
        for (int i = 0; i < n; i++) assertThat(val(index.get(b("key-" + i)))).isEqualTo((i % 2 == 0 ? "w" : "v") + i);
        assertThat(index.size()).isEqualTo(n);

        index.clear();
        assertThat(index.size()).isZero();
        assertThat(capacity(index)).isEqualTo(16);
        assertThat(index.get(b("key-1"))).isNull();
        index.put(b("key-1"), b("again"), 0);
        assertThat(val(index.get(b("key-1")))).isEqualTo("again");
    }

    @Test
    void tombstonesAreReusedAndDoNotFillTheTable() throws Exception {
        HashIndex index = new HashIndex();
        index.put(b("a"), b("1"), 0);
        int used = used(index);
        index.remove(b("a"));
        assertThat(used(index)).as("a delete leaves a tombstone").isEqualTo(used);
        index.put(b("a"), b("2"), 0);
        assertThat(used(index)).as("re-inserting the key reuses its tombstone").isEqualTo(used);
        assertThat(val(index.get(b("a")))).isEqualTo("2");

        // churn of ever-new keys at a steady size: rebuilt in place, never grown, never full of tombstones
        for (int i = 0; i < 200_000; i++) {
            index.put(b("churn-" + i), b("x"), 0);
            if (i >= 5) assertThat(index.remove(b("churn-" + (i - 5)))).isNotNull();
        }
        assertThat(index.size()).isEqualTo(6); // "a" and the last five
        int cap = capacity(index);
        assertThat(cap).as("six live keys need no more than 32 slots").isLessThanOrEqualTo(32);
        assertThat(used(index)).as("live entries plus tombstones stay under the load limit").isLessThanOrEqualTo(cap / 4 * 3);
        assertThat(index.get(b("never-there"))).as("a probe for a missing key ends").isNull();
        assertThat(contents(index)).hasSize(6);
    }

    /** Keys whose full 32-bit hashes are equal, found by a birthday search over the index's own hash. */
    static List<byte[][]> fullHashCollisions(int pairs) {
        Map<Integer, byte[]> seen = new HashMap<>();
        List<byte[][]> out = new ArrayList<>();
        for (int i = 0; out.size() < pairs; i++) {
            byte[] k = b("c" + i);
            byte[] other = seen.putIfAbsent(HashIndex.hash(k), k);
            if (other != null) out.add(new byte[][]{other, k});
        }
        return out;
    }

    @Test
    void keysWithTheSameFullHashStayDistinct() {
        List<byte[][]> pairs = fullHashCollisions(3);
        HashIndex index = new HashIndex();
        for (byte[][] p : pairs) {
            assertThat(HashIndex.hash(p[0])).isEqualTo(HashIndex.hash(p[1]));
            index.put(p[0], b("first"), 0);
            index.put(p[1], b("second"), 0);
        }
        assertThat(index.size()).isEqualTo(6);
        for (byte[][] p : pairs) {
            assertThat(val(index.get(p[0]))).isEqualTo("first");
            assertThat(val(index.get(p[1]))).isEqualTo("second");
        }
        byte[][] p = pairs.get(0);
        index.remove(p[0]);
        assertThat(index.get(p[0])).isNull();
        assertThat(val(index.get(p[1]))).isEqualTo("second");
        index.put(p[1], b("updated"), 0); // behind the tombstone: must update, not insert a second copy
        assertThat(index.size()).isEqualTo(5);
        assertThat(contents(index)).hasSize(5);
        index.put(p[0], b("back"), 0);
        assertThat(val(index.get(p[0]))).isEqualTo("back");
        assertThat(val(index.get(p[1]))).isEqualTo("updated");
    }

    @Test
    void longProbeChainsOfCollidingKeys() throws Exception {
        // 300 keys that all start probing at the same slot even in a 1024-slot table
        List<byte[]> keys = new ArrayList<>();
        int target = -1;
        for (int i = 0; keys.size() < 300; i++) {
            byte[] k = be(i);
            int slot = HashIndex.hash(k) & 1023;
            if (target < 0) target = slot;
            if (slot == target) keys.add(k);
        }
        HashIndex index = new HashIndex();
        for (int i = 0; i < keys.size(); i++) index.put(keys.get(i), b("v" + i), 0);
        assertThat(capacity(index)).isLessThanOrEqualTo(1024);
        for (int i = 0; i < keys.size(); i++) assertThat(val(index.get(keys.get(i)))).isEqualTo("v" + i);
        // remove every other one: the chain is full of tombstones, later keys must still be found
        for (int i = 0; i < keys.size(); i += 2) assertThat(val(index.remove(keys.get(i)))).isEqualTo("v" + i);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(val(index.get(keys.get(i)))).isEqualTo(i % 2 == 0 ? null : "v" + i);
        }
        // updating keys behind tombstones must not duplicate them
        for (int i = 1; i < keys.size(); i += 2) assertThat(index.put(keys.get(i), b("u" + i), 0)).isNotNull();
        assertThat(index.size()).isEqualTo(150);
        assertThat(contents(index)).hasSize(150);
        for (int i = 0; i < keys.size(); i += 2) assertThat(index.put(keys.get(i), b("r" + i), 0)).isNull();
        assertThat(index.size()).isEqualTo(300);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(val(index.get(keys.get(i)))).isEqualTo((i % 2 == 0 ? "r" : "u") + i);
        }
    }

    @Test
    void binaryAndEmptyKeysOfEveryLength() {
        HashIndex index = new HashIndex();
        List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        for (int i = 0; i < 256; i++) keys.add(new byte[]{(byte) i});
        Random r = new Random(5);
        for (int len = 2; len <= 40; len++) { // every tail length of the 8- and 4-byte hash steps
            byte[] zeros = new byte[len];
            byte[] ones = new byte[len];
            Arrays.fill(ones, (byte) 0xFF);
            byte[] random = new byte[len];
            r.nextBytes(random);
            keys.add(zeros);
            keys.add(ones);
            keys.add(random);
        }
        keys.add(new byte[200]);    // key length needs a 2-byte varint in the cell
        keys.add(new byte[20_000]); // and 3 bytes
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            if (distinct.add(Arrays.toString(keys.get(i)))) index.put(keys.get(i), be(i), 0);
        }
        assertThat(index.size()).isEqualTo(distinct.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] cell = index.get(keys.get(i).clone());
            assertThat(cell).as("key #" + i).isNotNull();
            assertThat(Cells.key(cell)).isEqualTo(keys.get(i));
        }
        assertThat(index.get(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .as("41 zero bytes was never stored").isNull();
        assertThat(Cells.value(index.get(new byte[0]))).isEqualTo(be(0));
        assertThat(index.remove(new byte[0])).isNotNull();
        assertThat(index.get(new byte[0])).isNull();
        assertThat(index.get(new byte[]{0})).as("the empty key and [0] differ").isNotNull();
        index.put(new byte[0], new byte[0], 0);
        assertThat(Cells.value(index.get(new byte[0]))).isEmpty();
    }

    @Test
    void concurrentReadersNeverMissAKeyPresentThroughout() throws Exception {
        HashIndex index = new HashIndex();
        int stable = 2_000;
        for (int i = 0; i < stable; i++) index.put(b("stable-" + i), b("s" + i), 0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int seed = t;
            Thread reader = new Thread(() -> {
                Random r = new Random(seed);
                while (!stop.get() && failure.get() == null) {
                    int i = r.nextInt(stable);
                    byte[] c = index.get(b("stable-" + i));
                    if (c == null) failure.set("stable-" + i + " missing");
                    else if (!val(c).equals("s" + i) && !val(c).equals("S" + i)) failure.set("stable-" + i + " = " + val(c));
                }
            });
            reader.start();
            readers.add(reader);
        }
        try {
            // the single writer grows the table many times, deletes (tombstones) and rewrites stable keys
            for (int i = 0; i < 200_000 && failure.get() == null; i++) {
                index.put(b("churn-" + i), b("x"), 0);
                if (i % 3 == 0) index.remove(b("churn-" + (i / 2)));
                if (i % 7 == 0) index.put(b("stable-" + (i % stable)), b(((i / 7) % 2 == 0 ? "S" : "s") + (i % stable)), 0);
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) t.join();
        }
        assertThat(failure.get()).isNull();
    }

    // ------------------------------------------------------------------ the cell format

    @Test
    void cellLayoutMatchesTheDocumentation() {
        byte[] plain = Cells.make(b("key"), false, b("val"), 0);
        assertThat(plain).containsExactly(0, 'v', 'a', 'l');
        byte[] withKey = Cells.make(b("key"), true, b("val"), 0);
        assertThat(withKey).containsExactly(2, 3, 'k', 'e', 'y', 'v', 'a', 'l');
        long at = 0x0102030405060708L;
        byte[] full = Cells.make(b("k"), true, b("v"), at);
        assertThat(full).containsExactly(3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 'k', 'v');
        assertThat(Cells.expireAt(full)).isEqualTo(at);
        assertThat(Cells.expireAt(withKey)).isZero();
        byte[] longKey = new byte[300]; // LEB128: 300 = 0xAC 0x02
        byte[] c = Cells.make(longKey, true, b("v"), 0);
        assertThat(c[1]).isEqualTo((byte) 0xAC);
        assertThat(c[2]).isEqualTo((byte) 0x02);
        assertThat(Cells.key(c)).isEqualTo(longKey);
        assertThat(Cells.value(c)).isEqualTo(b("v"));
        assertThat(Cells.valueOffset(c)).isEqualTo(1 + 2 + 300);
        assertThat(Cells.valueLength(c)).isEqualTo(1);
    }

    @Test
    void cellAccessors() {
        for (boolean withKey : new boolean[]{true, false}) {
            for (long at : new long[]{0, 1, 1_700_000_000_000L}) {
                for (byte[] key : List.of(new byte[0], b("k"), new byte[130])) {
                    for (byte[] value : List.of(new byte[0], b("value"), new byte[1000])) {
                        byte[] c = Cells.make(key, withKey, value, at);
                        assertThat(Cells.value(c)).isEqualTo(value);
                        assertThat(Cells.valueLength(c)).isEqualTo(value.length);
                        assertThat(Cells.valueEquals(c, value)).isTrue();
                        assertThat(Cells.valueEquals(c, Arrays.copyOf(value, value.length + 1))).isFalse();
                        assertThat(Cells.expireAt(c)).isEqualTo(at);
                        if (withKey) {
                            assertThat(Cells.key(c)).isEqualTo(key);
                            assertThat(Cells.keyEquals(c, key)).isTrue();
                            assertThat(Cells.keyEquals(c, Arrays.copyOf(key, key.length + 1))).isFalse();
                        }
                        byte[] moved = Cells.withExpiry(c, 42);
                        assertThat(Cells.expireAt(moved)).isEqualTo(42);
                        assertThat(Cells.value(moved)).isEqualTo(value);
                        if (withKey) assertThat(Cells.key(moved)).isEqualTo(key);
                        byte[] cleared = Cells.withExpiry(moved, 0);
                        assertThat(Cells.expireAt(cleared)).isZero();
                        assertThat(cleared).isEqualTo(Cells.make(key, withKey, value, 0));
                    }
                }
            }
        }
        byte[] c = Cells.make(b("k"), true, b("v"), 1000);
        assertThat(Cells.live(c, 999)).isTrue();
        assertThat(Cells.live(c, 1000)).as("expired at its expiry time").isFalse();
        assertThat(Cells.live(Cells.withExpiry(c, 0), Long.MAX_VALUE)).isTrue();
        assertThat(Cells.keyEquals(c, b("x"))).isFalse();
        assertThat(Cells.valueEquals(c, b("x"))).isFalse();
    }
}
