package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;

/** maxmemory, maxkeys and every maxmemory-policy through a real client, and MEMORY / OBJECT FREQ / OBJECT IDLETIME. */
class EvictionServerTest {
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    @TempDir
    Path dir;

    static Map<String, String> info(Jedis j, String section) {
        return ServerCommandsTest.parseInfo(j.info(section));
    }

    static long usedMemory(Jedis j) {
        return Long.parseLong(info(j, "memory").get("used_memory"));
    }

    static long evicted(Jedis j) {
        return Long.parseLong(info(j, "stats").get("evicted_keys"));
    }

    static Set<Integer> missing(Jedis j, int n) {
        Set<Integer> gone = new HashSet<>();
        for (int i = 0; i < n; i++) if (!j.exists("key:" + i)) gone.add(i);
        return gone;
    }

    @Test
    void noeviction_refusesDenyoomCommands_servesReadsAndDeletes() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            for (int i = 0; i < 100; i++) j.set("key:" + i, "x".repeat(1000));
            long used = usedMemory(j);
            assertThat(j.configSet("maxmemory", String.valueOf(used))).isEqualTo("OK");
            j.set("key:0", "y".repeat(1000)); // at the limit, not past it
            j.set("key:1", "y".repeat(1100)); // now past it
            assertError(j, OOM, "SET", "new", "v");
            assertError(j, OOM, "HSET", "h", "f", "v");
            assertError(j, OOM, "RPUSH", "l", "v");
            assertThat(j.get("key:0")).isEqualTo("y".repeat(1000));
            assertThat(j.expire("key:2", 100)).isEqualTo(1); // not denyoom
            assertThat(j.del("key:3", "key:4")).isEqualTo(2);
            j.set("new", "v"); // the deletes made room
            assertThat(j.get("new")).isEqualTo("v");
            assertThat(info(j, "memory")).containsEntry("maxmemory_policy", "noeviction")
                    .containsEntry("maxmemory", String.valueOf(used));
            assertThat(evicted(j)).isZero();
        }
    }

    @Test
    void allkeysLru_evictsTheUntouchedHalf() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            int n = 400;
            for (int i = 0; i < n; i++) j.set("key:" + i, "v");
            // LRU stamps are seconds, as Redis's: let two seconds pass, then touch the even half
            await(Duration.ofSeconds(10), () -> (Long) cmd(j, "OBJECT", "IDLETIME", "key:1") >= 2);
            for (int i = 0; i < n; i += 2) j.get("key:" + i);
            assertThat((Long) cmd(j, "OBJECT", "IDLETIME", "key:0")).isLessThanOrEqualTo(1L); // a second may tick
            j.configSet("maxmemory-policy", "allkeys-lru");
            j.configSet("maxkeys", String.valueOf(n));
            for (int i = 0; i < 100; i++) j.set("new:" + i, "v");
            assertThat(j.dbSize()).isEqualTo(n);
            Set<Integer> gone = missing(j, n);
            assertThat(gone).hasSize(100);
            assertThat(gone.stream().filter(i -> i % 2 == 1).count()).isGreaterThanOrEqualTo(95);
            assertThat(evicted(j)).isEqualTo(100);
        }
    }

    @Test
    void allkeysLfu_keepsHotKeys_andObjectFreqTellsThem() throws Exception {
        // no decay: a minute turning during the test would take one off every counter (lfuCounterDecaysWithIdleMinutes
        // in the core checks decay against a clock it moves)
        try (TestServer s = TestServer.start(dir, "maxmemory-policy", "allkeys-lfu", "lfu-decay-time", "0");
             Jedis j = s.jedis()) {
            int n = 400;
            for (int i = 0; i < n; i++) j.set("key:" + i, "v");
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < n; i += 10) j.get("key:" + i);
            }
            assertThat((Long) cmd(j, "OBJECT", "FREQ", "key:0")).isGreaterThan(5L);
            assertThat((Long) cmd(j, "OBJECT", "FREQ", "key:1")).isEqualTo(5L);
            assertThat(cmd(j, "OBJECT", "FREQ", "absent")).isNull();
            assertError(j, "ERR An LRU maxmemory policy is not selected, access time not tracked. Please note that when "
                    + "switching between policies at runtime LRU and LFU data will take some time to adjust.",
                    "OBJECT", "IDLETIME", "key:0");
            j.configSet("maxkeys", String.valueOf(n));
            for (int i = 0; i < 150; i++) j.set("new:" + i, "v");
            Set<Integer> gone = missing(j, n);
            assertThat(gone).isNotEmpty().noneMatch(i -> i % 10 == 0);
            j.configSet("maxmemory-policy", "allkeys-lru");
            assertError(j, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
                    + "when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                    "OBJECT", "FREQ", "key:0");
        }
    }

    @Test
    void volatileLru_evictsOnlyKeysWithTtl_thenRefuses() throws Exception {
        try (TestServer s = TestServer.start(dir, "maxmemory-policy", "volatile-lru", "maxkeys", "100");
             Jedis j = s.jedis()) {
            for (int i = 0; i < 100; i++) {
                if (i % 2 == 0) j.setex("key:" + i, 1000, "v");
                else j.set("key:" + i, "v");
            }
            for (int i = 0; i < 50; i++) j.set("new:" + i, "v");
            Set<Integer> gone = missing(j, 100);
            assertThat(gone).hasSize(50).allMatch(i -> i % 2 == 0);
            assertError(j, OOM, "SET", "one-more", "v"); // only keys without a ttl remain
            assertThat(j.dbSize()).isEqualTo(100);
        }
    }

    @Test
    void volatileTtl_evictsTheNearestExpiry() throws Exception {
        try (TestServer s = TestServer.start(dir, "maxmemory-policy", "volatile-ttl"); Jedis j = s.jedis()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 50; i++) order.add(i);
            java.util.Collections.shuffle(order, new java.util.Random(3));
            for (int i : order) j.setex("key:" + i, 1000 + i, "v");
            j.configSet("maxkeys", "50");
            for (int i = 0; i < 5; i++) j.set("new:" + i, "v");
            assertThat(missing(j, 50)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        }
    }

    @Test
    void allkeysRandom_byMaxmemory_staysUnderIt_andEvictionsSurviveARestart() throws Exception {
        Path data = dir.resolve("data");
        Set<Integer> gone;
        try (TestServer s = TestServer.start(data, "maxmemory-policy", "allkeys-random"); Jedis j = s.jedis()) {
            String value = "x".repeat(1024);
            for (int i = 0; i < 200; i++) j.set("key:" + i, value);
            long limit = usedMemory(j) + 100 * 1024;
            j.configSet("maxmemory", String.valueOf(limit));
            for (int i = 200; i < 600; i++) {
                j.set("key:" + i, value);
                // past the limit by at most one write: its entry, and the table it may have made grow
                assertThat(usedMemory(j)).isLessThanOrEqualTo(limit + 16 * 1024);
            }
            gone = missing(j, 600);
            assertThat(gone.size()).isGreaterThan(250);
            assertThat(evicted(j)).isEqualTo(gone.size());
        }
        try (TestServer s = TestServer.start(data); Jedis j = s.jedis()) {
            assertThat(missing(j, 600)).isEqualTo(gone);
        }
    }

    @Test
    void evictedKeysAreAnnounced() throws Exception {
        try (TestServer s = TestServer.start(dir, "maxmemory-policy", "allkeys-random", "maxkeys", "10",
                "notify-keyspace-events", "Ee"); Jedis j = s.jedis(); RawClient sub = s.raw()) {
            for (int i = 0; i < 10; i++) j.set("key:" + i, "v");
            sub.send("SUBSCRIBE", "__keyevent@0__:evicted");
            sub.read();
            j.set("new", "v");
            String message = sub.read();
            assertThat(message).startsWith("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n");
            String key = message.split("\r\n")[6];
            assertThat(j.exists(key)).isFalse();
        }
    }

    @Test
    void configParameters_getSetAndRewrite() throws Exception {
        Path conf = dir.resolve("cairn.conf");
        Files.writeString(conf, "maxmemory-policy volatile-lfu\n");
        try (TestServer s = TestServer.startWithConfigFile(dir.resolve("data"), conf); Jedis j = s.jedis()) {
            assertThat(j.configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "volatile-lfu");
            for (String p : List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                    "allkeys-lfu", "allkeys-random", "noeviction")) {
                assertThat(j.configSet("maxmemory-policy", p)).isEqualTo("OK");
                assertThat(info(j, "memory")).containsEntry("maxmemory_policy", p);
            }
            assertError(j, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be "
                    + "one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
                    + "allkeys-lfu, allkeys-random, noeviction", "CONFIG", "SET", "maxmemory-policy", "lru");
            assertThat(j.configSet("maxmemory-samples", "10")).isEqualTo("OK");
            assertThat(j.configSet("lfu-log-factor", "0")).isEqualTo("OK");
            assertThat(j.configSet("lfu-decay-time", "0")).isEqualTo("OK");
            assertThat(j.configSet("maxkeys", "1000")).isEqualTo("OK");
            assertThat(j.configGet("maxkeys")).containsEntry("maxkeys", "1000");
            // lfu-log-factor 0 takes effect: every access counts
            j.configSet("maxmemory-policy", "allkeys-lfu");
            j.set("k", "v");
            for (int i = 0; i < 10; i++) j.get("k");
            assertThat((Long) cmd(j, "OBJECT", "FREQ", "k")).isEqualTo(15L);
            assertThat(j.configRewrite()).isEqualTo("OK");
            assertThat(Files.readString(conf)).contains("maxmemory-policy allkeys-lfu", "maxkeys 1000",
                    "maxmemory-samples 10", "lfu-log-factor 0", "lfu-decay-time 0");
        }
    }

    @Test
    void memoryCommands() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            j.set("small", "v");
            j.set("big", "x".repeat(10_000));
            long small = (Long) cmd(j, "MEMORY", "USAGE", "small");
            long big = (Long) cmd(j, "MEMORY", "USAGE", "big", "SAMPLES", "0");
            assertThat(small).isBetween(24L, 200L);
            assertThat(big - small).isBetween(9_900L, 10_100L);
            assertThat(cmd(j, "MEMORY", "USAGE", "absent")).isNull();
            assertError(j, "ERR syntax error", "MEMORY", "USAGE", "big", "SAMPLES");
            assertError(j, "ERR syntax error", "MEMORY", "USAGE", "big", "SAMPLES", "-1");
            assertError(j, "ERR syntax error", "MEMORY", "USAGE", "big", "FOO", "1");
            @SuppressWarnings("unchecked")
            List<Object> stats = (List<Object>) cmd(j, "MEMORY", "STATS");
            assertThat(stats).contains("peak.allocated", "total.allocated", "keys.count", "dataset.bytes", "db.0");
            int at = stats.indexOf("keys.count");
            assertThat(stats.get(at + 1)).isEqualTo(2L);
            assertThat(stats.get(stats.indexOf("total.allocated") + 1)).isEqualTo(usedMemory(j));
            assertThat((String) cmd(j, "MEMORY", "DOCTOR")).contains("Sam");
            @SuppressWarnings("unchecked")
            List<Object> help = (List<Object>) cmd(j, "MEMORY", "HELP");
            assertThat(help.get(0)).isEqualTo("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
            assertThat(help).contains("USAGE <key> [SAMPLES <count>]");
            // INFO: used_memory is the store's account, the dataset all of it
            Map<String, String> mem = info(j, "memory");
            assertThat(mem.get("used_memory_dataset")).isEqualTo(mem.get("used_memory"));
        }
    }
}
