package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Memory and key limits: each eviction policy picks the keys it should, and noeviction refuses only growing writes. */
class EvictionTest {
    @TempDir
    Path dir;

    final ExpiryTest.TestClock clock = new ExpiryTest.TestClock(ExpiryTest.T0);

    CairnOptions.Builder options(IndexKind kind) {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).clock(clock).expiryInterval(Duration.ofHours(1))
                .defaultIndexKind(kind).segmentSize(1 << 20);
    }

    static String key(int i) {
        return "key:" + i;
    }

    /** Keys of {@code 0..n-1} that are gone. */
    static Set<Integer> missing(Keyspace ks, int n) {
        Set<Integer> gone = new HashSet<>();
        for (int i = 0; i < n; i++) if (!ks.contains(key(i))) gone.add(i);
        return gone;
    }

    static void assertOutOfMemory(Runnable write) {
        assertThatThrownBy(write::run).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(CairnException.Code.OUT_OF_MEMORY));
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void noEviction_refusesGrowingWrites_servesReadsAndDeletes(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options(kind).maxKeys(10).build())) {
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 10; i++) ks.put(key(i), "v" + i);
            ks.hash("h0"); // a view only: nothing written
            assertOutOfMemory(() -> ks.put("new", "v"));
            assertOutOfMemory(() -> ks.put(key(1), "overwritten")); // at the limit every growing write is refused first
            assertOutOfMemory(() -> ks.increment("n", 1));
            assertOutOfMemory(() -> ks.hash("h").put("f", "v"));
            assertOutOfMemory(() -> db.write(new WriteBatch().put("b", "v")));
            assertThat(ks.size()).isEqualTo(10);
            assertThat(ks.getString(key(1))).isEqualTo("v1");
            assertThat(ks.contains("new")).isFalse();
            assertThat(ks.expire(key(2), Duration.ofHours(1))).isTrue(); // not a growing write
            assertThat(ks.delete(key(0))).isEqualTo("v0");
            ks.put("new", "v"); // room again
            assertThat(ks.getString("new")).isEqualTo("v");
            assertThat(db.stats().evictedKeys()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void noEviction_byMemory_refusesUntilDeletesMakeRoom(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options(kind).build())) {
            Keyspace ks = db.defaultKeyspace();
            String value = "x".repeat(1024);
            for (int i = 0; i < 100; i++) ks.put(key(i), value);
            db.limits().setMaxMemory(db.stats().usedMemory());
            ks.put(key(0), value); // same size: still within the limit
            ks.put(key(100), "y");
            assertOutOfMemory(() -> ks.put(key(101), value));
            assertThat(ks.contains(key(101))).isFalse();
            for (int i = 0; i < 5; i++) ks.delete(key(i));
            ks.put(key(101), value);
            assertThat(ks.getString(key(101))).isEqualTo(value);
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void allkeysLru_evictsTheLeastRecentlyUsed(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options(kind).build())) {
            Keyspace ks = db.defaultKeyspace();
            int n = 1000;
            for (int i = 0; i < n; i++) ks.put(key(i), "v");
            clock.advance(10_000);
            for (int i = 0; i < n; i += 2) assertThat(ks.get(key(i))).isNotNull(); // touch the even half
            clock.advance(10_000);
            db.limits().setPolicy(EvictionPolicy.ALLKEYS_LRU).setMaxKeys(n);
            for (int i = 0; i < 200; i++) ks.put("new:" + i, "v");
            assertThat(ks.size()).isEqualTo(n); // each new key made room for itself first
            Set<Integer> gone = missing(ks, n);
            long untouched = gone.stream().filter(i -> i % 2 == 1).count();
            assertThat(gone).hasSize(200); // none of the new keys: they are the most recently used
            assertThat(untouched).as("evicted keys from the untouched half, of %d", gone.size())
                    .isGreaterThanOrEqualTo(gone.size() * 95L / 100);
            assertThat(db.stats().evictedKeys()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void allkeysLfu_keepsHotKeys(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options(kind).evictionPolicy(EvictionPolicy.ALLKEYS_LFU).build())) {
            Keyspace ks = db.defaultKeyspace();
            int n = 1000;
            for (int i = 0; i < n; i++) ks.put(key(i), "v");
            for (int round = 0; round < 100; round++) {
                for (int i = 0; i < n; i += 10) ks.get(key(i)); // every tenth key is hot
            }
            assertThat(ks.frequency(ExpiryTest.b(key(0)))).isGreaterThan(5);
            assertThat(ks.frequency(ExpiryTest.b(key(1)))).isEqualTo(5);
            db.limits().setMaxKeys(n);
            for (int i = 0; i < 300; i++) ks.put("new:" + i, "v");
            Set<Integer> gone = missing(ks, n);
            assertThat(gone).isNotEmpty();
            assertThat(gone).noneMatch(i -> i % 10 == 0);
        }
    }

    @Test
    void lfuCounterDecaysWithIdleMinutes() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).evictionPolicy(EvictionPolicy.ALLKEYS_LFU)
                .lfuLogFactor(0).lfuDecayTime(Duration.ofMinutes(2)).build())) {
            Keyspace ks = db.defaultKeyspace();
            ks.put("k", "v");
            for (int i = 0; i < 20; i++) ks.get("k"); // log factor 0: every access counts
            assertThat(ks.frequency(ExpiryTest.b("k"))).isEqualTo(25);
            clock.advance(Duration.ofMinutes(10).toMillis());
            assertThat(ks.frequency(ExpiryTest.b("k"))).isEqualTo(20);
            db.limits().setLfuDecayTime(Duration.ZERO);
            clock.advance(Duration.ofMinutes(10).toMillis());
            assertThat(ks.frequency(ExpiryTest.b("k"))).isEqualTo(25);
        }
    }

    @Test
    void idleTimeCountsSecondsSinceTheLastAccess() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).build())) {
            Keyspace ks = db.defaultKeyspace();
            ks.put("k", "v");
            clock.advance(42_000);
            assertThat(ks.idleTime(ExpiryTest.b("k"))).isEqualTo(Duration.ofSeconds(42));
            ks.get("k");
            assertThat(ks.idleTime(ExpiryTest.b("k"))).isEqualTo(Duration.ZERO);
            assertThat(ks.idleTime(ExpiryTest.b("absent"))).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = EvictionPolicy.class, names = {"VOLATILE_LRU", "VOLATILE_LFU", "VOLATILE_RANDOM", "VOLATILE_TTL"})
    void volatilePolicies_evictOnlyKeysWithExpiry_thenRefuse(EvictionPolicy policy) {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).evictionPolicy(policy).build())) {
            Keyspace ks = db.defaultKeyspace();
            int n = 200;
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) ks.put(key(i), "v", Duration.ofMinutes(10 + i));
                else ks.put(key(i), "v");
            }
            db.limits().setMaxKeys(n);
            for (int i = 0; i < 50; i++) ks.put("new:" + i, "v");
            Set<Integer> gone = missing(ks, n);
            assertThat(gone).hasSize(50).allMatch(i -> i % 2 == 0);
            // only keys without an expiry left to evict once the rest are gone: writes are refused
            int added = 50;
            while (true) {
                int i = added;
                try {
                    ks.put("new:" + i, "v");
                } catch (CairnException e) {
                    assertThat(e.code()).isEqualTo(CairnException.Code.OUT_OF_MEMORY);
                    break;
                }
                added++;
                assertThat(added).as("writes should be refused once no key has an expiry").isLessThan(n);
            }
            assertThat(added).isEqualTo(100);
            for (int i = 1; i < n; i += 2) assertThat(ks.contains(key(i))).isTrue();
        }
    }

    @Test
    void volatileTtl_evictsTheNearestExpiryFirst() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.ORDERED).evictionPolicy(EvictionPolicy.VOLATILE_TTL).build())) {
            Keyspace ks = db.defaultKeyspace();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 100; i++) order.add(i);
            Collections.shuffle(order, new Random(7));
            for (int i : order) ks.put(key(i), "v", Duration.ofSeconds(100 + i));
            db.limits().setMaxKeys(100);
            for (int i = 0; i < 10; i++) ks.put("new:" + i, "v");
            assertThat(missing(ks, 100)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @ParameterizedTest
    @EnumSource(IndexKind.class)
    void allkeysRandom_byMemory_staysWithinTheLimit(IndexKind kind) {
        try (Cairn db = Cairn.open(dir, options(kind).evictionPolicy(EvictionPolicy.ALLKEYS_RANDOM).build())) {
            Keyspace ks = db.defaultKeyspace();
            String value = "x".repeat(1024);
            for (int i = 0; i < 500; i++) ks.put(key(i), value);
            long limit = db.stats().usedMemory() / 2;
            db.limits().setMaxMemory(limit);
            for (int i = 500; i < 1000; i++) {
                ks.put(key(i), value);
                assertThat(db.stats().usedMemory()).isLessThanOrEqualTo(limit + 2048);
            }
            Set<Integer> gone = missing(ks, 1000);
            assertThat(gone.size()).isGreaterThan(500);
            assertThat(gone).anyMatch(i -> i < 500).anyMatch(i -> i >= 500);
            assertThat(db.stats().evictedKeys()).isEqualTo(gone.size());
        }
    }

    @Test
    void evictionsAreLogRecords_survivingARestart() {
        Set<Integer> gone;
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).evictionPolicy(EvictionPolicy.ALLKEYS_RANDOM)
                .maxKeys(100).build())) {
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 300; i++) ks.put(key(i), "v");
            gone = missing(ks, 300);
            assertThat(gone).hasSize(200);
        }
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).build())) {
            assertThat(missing(db.defaultKeyspace(), 300)).isEqualTo(gone);
            assertThat(db.stats().evictedKeys()).isZero();
        }
    }

    @Test
    void evictionListenerHearsEachEvictedKey() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).evictionPolicy(EvictionPolicy.ALLKEYS_LRU)
                .maxKeys(10).build())) {
            List<String> heard = new ArrayList<>();
            db.onEviction((keyspace, key) -> heard.add(keyspace + "/" + new String(key)));
            Keyspace ks = db.defaultKeyspace();
            for (int i = 0; i < 15; i++) ks.put(key(i), "v");
            assertThat(heard).hasSize(5);
            for (String h : heard) assertThat(ks.contains(h.substring(h.indexOf('/') + 1))).isFalse();
        }
    }

    @Test
    void keysAcrossKeyspacesCount_andEveryKeyspaceIsSampled() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).evictionPolicy(EvictionPolicy.ALLKEYS_LRU).build())) {
            Keyspace a = db.keyspace("a", IndexKind.HASH);
            Keyspace b = db.keyspace("b", IndexKind.ORDERED);
            for (int i = 0; i < 100; i++) a.put(key(i), "v");
            clock.advance(60_000);
            for (int i = 0; i < 100; i++) b.put(key(i), "v");
            db.limits().setMaxKeys(200);
            for (int i = 0; i < 50; i++) b.put("new:" + i, "v");
            assertThat(a.size() + b.size()).isEqualTo(200);
            assertThat(missing(a, 100).size()).isGreaterThanOrEqualTo(45); // a's keys are the older ones
        }
    }

    @Test
    void settingsAreValidated() {
        try (Cairn db = Cairn.open(dir, options(IndexKind.HASH).build())) {
            assertThatThrownBy(() -> db.limits().setMaxMemory(-1)).isInstanceOf(CairnException.class);
            assertThatThrownBy(() -> db.limits().setSamples(0)).isInstanceOf(CairnException.class);
            assertThatThrownBy(() -> db.limits().setLfuDecayTime(Duration.ofSeconds(30))).isInstanceOf(CairnException.class);
            assertThatThrownBy(() -> CairnOptions.builder().evictionSamples(65)).isInstanceOf(IllegalArgumentException.class);
            assertThat(db.limits().samples()).isEqualTo(5);
            assertThat(db.limits().lfuLogFactor()).isEqualTo(10);
            assertThat(db.limits().lfuDecayTime()).isEqualTo(Duration.ofMinutes(1));
            assertThat(db.limits().policy()).isEqualTo(EvictionPolicy.NO_EVICTION);
            assertThat(EvictionPolicy.ofConfigName("ALLKEYS-LFU")).isEqualTo(EvictionPolicy.ALLKEYS_LFU);
        }
    }
}
