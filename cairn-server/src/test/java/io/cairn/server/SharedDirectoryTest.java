package io.cairn.server;

import io.cairn.Cairn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One data directory, used from Java in-process and served over RESP: collections written through the embedded views
 * are what a Redis client reads from the server on the same directory, and what the client writes the views read back.
 */
class SharedDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedApiAndTheServerShareTheirCollections() throws Exception {
        Path data = dir.resolve("data");
        try (Cairn db = Cairn.open(data)) {
            db.hash("user:1").putAll(Map.of("name", "ann", "age", "42"));
            db.list("queue").pushLast("a", "b", "c");
            db.set("tags").add("java", "kv");
            db.sortedSet("board").add("ann", 1.5);
            db.sortedSet("board").add("bob", 2);
        }
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0"); Jedis j = s.jedis()) {
            assertThat(j.hgetAll("user:1")).isEqualTo(Map.of("name", "ann", "age", "42"));
            assertThat(j.lrange("queue", 0, -1)).containsExactly("a", "b", "c");
            assertThat(j.smembers("tags")).isEqualTo(Set.of("java", "kv"));
            assertThat(j.zrangeWithScores("board", 0, -1)).containsExactly(new Tuple("ann", 1.5), new Tuple("bob", 2.0));
            assertThat(j.type("board")).isEqualTo("zset");
            j.hincrBy("user:1", "age", 1);
            j.lpop("queue");
            j.zadd("board", 0.5, "cat");
            j.save(); // the next open loads this snapshot, then the log after it
            j.rpush("queue", "d");
        }
        try (Cairn db = Cairn.open(data)) {
            assertThat(db.hash("user:1").get("age")).isEqualTo("43");
            assertThat(db.list("queue").toList().stream().map(String::new).toList()).isEqualTo(List.of("b", "c", "d"));
            assertThat(db.sortedSet("board").range(0, 0).get(0).memberString()).isEqualTo("cat");
            assertThat(db.set("tags").toSet()).isEqualTo(Set.of("java", "kv"));
        }
    }
}
