package io.cairn.server;

import io.cairn.server.command.Blocking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * notify-keyspace-events: which commands send which events, on which channels, for which classes, in Redis's order.
 * A subscriber listens on every keyspace and keyevent channel; each test ends with a marker published after its
 * commands, so "these events and no others" is checked without waiting for a quiet period.
 */
class KeyspaceNotificationsTest extends SharedServerTest {
    private static final String MARK = "__keyspace@0__:~mark";

    /** A subscriber to every keyspace event of every database. */
    private static RawClient listen() throws Exception {
        return listen(server);
    }

    private static RawClient listen(TestServer s) throws Exception {
        RawClient sub = s.raw();
        sub.send("PSUBSCRIBE", "__key*__:*");
        sub.expect("*3\r\n" + bulk("psubscribe") + bulk("__key*__:*") + ":1\r\n");
        return sub;
    }

    /** The events {@code sub} received before the marker, each "channel message". */
    private static List<String> events(RawClient sub, Jedis j) throws Exception {
        j.publish(MARK, "mark");
        List<String> out = new ArrayList<>();
        while (true) {
            String[] lines = sub.read().split("\r\n");
            assertThat(lines[2]).isEqualTo("pmessage");
            String event = lines[6] + " " + lines[8];
            if (event.equals(MARK + " mark")) return out;
            out.add(event);
        }
    }

    private static void flags(Jedis j, String classes) {
        assertThat(j.configSet("notify-keyspace-events", classes)).isEqualTo("OK");
    }

    @Test
    void empty_sendsNothing() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "");
            j.set("off", "v");
            j.del("off");
            assertThat(events(sub, j)).isEmpty();
        }
    }

    /** Keys the store's expiry cycle removes are announced as {@code expired} (class x), in their own database. */
    @Test
    void expiredKeys_areAnnouncedByTheExpiryCycle() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "KEx");
            cmd(j, "SET", "expiring:0", "v", "PX", "20");
            j.select(3);
            cmd(j, "SET", "expiring:3", "v", "PX", "20");
            j.select(0);
            List<String> got = new ArrayList<>();
            while (got.size() < 4) {
                String[] lines = sub.read().split("\r\n");
                String event = lines[6] + " " + lines[8];
                if (event.contains("expiring:")) got.add(event); // another test's keys may expire meanwhile
            }
            assertThat(got).containsExactlyInAnyOrder(
                    "__keyspace@0__:expiring:0 expired", "__keyevent@0__:expired expiring:0",
                    "__keyspace@3__:expiring:3 expired", "__keyevent@3__:expired expiring:3");
            assertThat(j.exists("expiring:0")).isFalse();
            assertThat(j.info("stats")).containsPattern("\r\nexpired_keys:[1-9]\\d*\r\n")
                    .containsPattern("\r\nexpired_stale_perc:\\d+\\.\\d\\d\r\n")
                    .containsPattern("\r\nexpired_time_cap_reached_count:\\d+\r\n")
                    .containsPattern("\r\nexpire_cycle_cpu_milliseconds:\\d+\r\n");
            flags(j, "");
        }
    }

    @Test
    void stringCommands_sendTheirEvents_onKeyspaceThenKeyevent() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "KEA");
            j.set("s1", "v");
            cmd(j, "SET", "s1", "v", "EX", "100");
            cmd(j, "SET", "s1", "v", "NX"); // not set: nothing
            j.incr("n1");
            j.incrByFloat("n1", 1.5);
            j.append("s1", "x");
            j.setrange("s1", 0, "y");
            j.setrange("s1", 0, ""); // writes nothing: nothing
            j.getDel("s1");
            j.mset("m1", "a", "m2", "b");
            assertThat(events(sub, j)).containsExactly(
                    "__keyspace@0__:s1 set", "__keyevent@0__:set s1",
                    "__keyspace@0__:s1 set", "__keyevent@0__:set s1",
                    "__keyspace@0__:s1 expire", "__keyevent@0__:expire s1",
                    "__keyspace@0__:n1 incrby", "__keyevent@0__:incrby n1",
                    "__keyspace@0__:n1 incrbyfloat", "__keyevent@0__:incrbyfloat n1",
                    "__keyspace@0__:s1 append", "__keyevent@0__:append s1",
                    "__keyspace@0__:s1 setrange", "__keyevent@0__:setrange s1",
                    "__keyspace@0__:s1 del", "__keyevent@0__:del s1",
                    "__keyspace@0__:m1 set", "__keyevent@0__:set m1",
                    "__keyspace@0__:m2 set", "__keyevent@0__:set m2");
        }
    }

    @Test
    void genericCommands_sendTheirEvents_inEachDatabase() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Eg");
            j.set("g1", "v");
            j.expire("g1", 100);
            j.persist("g1");
            j.persist("g1"); // no expiry to remove: nothing
            j.rename("g1", "g2");
            cmd(j, "COPY", "g2", "g3", "DB", "2");
            j.move("g2", 1);
            j.set("g4", "v");
            cmd(j, "EXPIRE", "g4", "-1"); // in the past: the key is deleted
            j.del("g4", "nosuch");
            assertThat(events(sub, j)).containsExactly(
                    "__keyevent@0__:expire g1",
                    "__keyevent@0__:persist g1",
                    "__keyevent@0__:rename_from g1",
                    "__keyevent@0__:rename_to g2",
                    "__keyevent@2__:copy_to g3",
                    "__keyevent@0__:move_from g2",
                    "__keyevent@1__:move_to g2",
                    "__keyevent@0__:del g4");
        }
    }

    @Test
    void classes_selectWhatIsSent() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Kg"); // keyspace channel only, generic events only
            j.set("c1", "v");
            j.del("c1");
            flags(j, "E$"); // keyevent channel only, string events only
            j.set("c2", "v");
            j.del("c2");
            flags(j, "g"); // a class but neither K nor E: nothing at all
            j.set("c3", "v");
            j.del("c3");
            assertThat(events(sub, j)).containsExactly("__keyspace@0__:c1 del", "__keyevent@0__:set c2");
        }
    }

    @Test
    void newKeys_areAnnouncedBeforeTheirEvent() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "En$");
            j.set("new1", "a");
            j.set("new1", "b");
            j.incr("new2");
            cmd(j, "GETEX", "new2", "PERSIST"); // no expiry: nothing, and g is off anyway
            assertThat(events(sub, j)).containsExactly(
                    "__keyevent@0__:new new1", "__keyevent@0__:set new1",
                    "__keyevent@0__:set new1",
                    "__keyevent@0__:new new2", "__keyevent@0__:incrby new2");
        }
    }

    @Test
    void writerClosingBeforeItsReply_stillHasItsEventsSent() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "KEA");
            try (RawClient w = server.raw()) {
                w.send("SET", "hasty", "v"); // and close without waiting for the reply
            }
            // the events come once the write is durable, whether or not its connection is still there to answer
            assertThat(sub.read()).isEqualTo("*4\r\n" + bulk("pmessage") + bulk("__key*__:*") + bulk("__keyspace@0__:hasty") + bulk("set"));
            assertThat(sub.read()).isEqualTo("*4\r\n" + bulk("pmessage") + bulk("__key*__:*") + bulk("__keyevent@0__:set") + bulk("hasty"));
        }
    }

    @Test
    void getex_sendsExpirePersistOrDel() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "KA");
            j.set("gx", "v");
            cmd(j, "GETEX", "gx", "EX", "100");
            cmd(j, "GETEX", "gx", "PERSIST");
            cmd(j, "GETEX", "gx", "PXAT", "1");
            assertThat(events(sub, j)).containsExactly(
                    "__keyspace@0__:gx set", "__keyspace@0__:gx expire", "__keyspace@0__:gx persist", "__keyspace@0__:gx del");
        }
    }

    /** "__keyevent@0__:event key" for each event, key pairs: the keyevent messages the tests below expect. */
    private static List<String> keyevents(String... eventKeyPairs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < eventKeyPairs.length; i += 2) out.add("__keyevent@0__:" + eventKeyPairs[i] + " " + eventKeyPairs[i + 1]);
        return out;
    }

    @Test
    void hashCommands_sendTheirEvents_andDelWhenTheLastFieldGoes() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Ehgn");
            j.hset("h1", "f1", "v1");
            j.hset("h1", "f1", "v1"); // the same value: Redis still sends hset
            j.hsetnx("h1", "f1", "x"); // not set: nothing
            j.hsetnx("h1", "f2", "v2");
            j.hmset("h1", java.util.Map.of("f3", "v3"));
            j.hincrBy("h1", "n", 2);
            j.hincrByFloat("h1", "x", 1.5);
            j.hdel("h1", "nosuch"); // nothing removed: nothing
            j.hdel("h1", "f1", "f2");
            j.hdel("h1", "f3", "n", "x");
            j.hincrBy("h2", "n", 1);
            assertThat(events(sub, j)).containsExactlyElementsOf(keyevents(
                    "new", "h1", "hset", "h1",
                    "hset", "h1",
                    "hset", "h1",
                    "hset", "h1",
                    "hincrby", "h1",
                    "hincrbyfloat", "h1",
                    "hdel", "h1",
                    "hdel", "h1", "del", "h1",
                    "new", "h2", "hincrby", "h2"));
        }
    }

    @Test
    void listCommands_sendTheirEvents_movesPushThenPop() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Elgn");
            j.rpush("l1", "a", "b", "c"); // one event for all three
            j.lpush("l1", "z");
            j.lpushx("nol", "x"); // no list: nothing
            cmd(j, "LINSERT", "l1", "BEFORE", "nosuch", "y"); // no pivot: nothing
            cmd(j, "LINSERT", "l1", "AFTER", "a", "a2");
            j.lset("l1", 0, "zz");
            j.lrem("l1", 0, "nosuch"); // nothing removed: nothing
            j.lrem("l1", 1, "a2");
            j.ltrim("l1", 0, -1); // keeps everything, and Redis sends ltrim all the same
            j.lpop("l1"); // [a, b, c]
            j.rpoplpush("l1", "l2"); // [a, b] and [c]
            cmd(j, "LMOVE", "l1", "l2", "LEFT", "RIGHT"); // [b] and [c, a]
            cmd(j, "LMOVE", "l1", "l2", "LEFT", "LEFT"); // l1 emptied
            j.lpop("l2", 5);
            j.lpop("l2"); // no list: nothing
            j.rpush("l3", "x");
            cmd(j, "LMPOP", "1", "l3", "RIGHT");
            j.rpush("l4", "a", "b", "c");
            j.ltrim("l4", 5, 10);
            String[] many = new String[1000]; // past the compact encoding: the store's large structure
            java.util.Arrays.fill(many, "e".repeat(100));
            j.rpush("l5", many);
            j.lpop("l5", 1000);
            assertThat(events(sub, j)).containsExactlyElementsOf(keyevents(
                    "new", "l1", "rpush", "l1",
                    "lpush", "l1",
                    "linsert", "l1",
                    "lset", "l1",
                    "lrem", "l1",
                    "ltrim", "l1",
                    "lpop", "l1",
                    "new", "l2", "lpush", "l2", "rpop", "l1",
                    "rpush", "l2", "lpop", "l1",
                    "lpush", "l2", "lpop", "l1", "del", "l1",
                    "lpop", "l2", "del", "l2",
                    "new", "l3", "rpush", "l3",
                    "rpop", "l3", "del", "l3",
                    "new", "l4", "rpush", "l4",
                    "ltrim", "l4", "del", "l4",
                    "new", "l5", "rpush", "l5",
                    "lpop", "l5", "del", "l5"));
        }
    }

    @Test
    void setCommands_sendTheirEvents_smoveOnBothKeys() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Esgn");
            j.sadd("s1", "a", "b", "c");
            j.sadd("s1", "a"); // already there: nothing
            j.srem("s1", "nosuch"); // nothing
            j.srem("s1", "a");
            j.smove("s1", "s2", "b"); // s1 {c}, s2 {b}
            j.sadd("s3", "c");
            j.smove("s1", "s3", "c"); // s1 emptied; s3 had c already: no sadd
            j.smove("s2", "s2", "b"); // onto itself: nothing
            j.spop("s2");
            j.sadd("s4", "x", "y");
            j.spop("s4", 0); // nothing
            j.sunionstore("d1", "s3", "s4");
            j.sinterstore("d1", "s3", "s4"); // empty: d1 deleted
            j.sinterstore("d1", "s3", "s4"); // empty, and no d1 to delete: nothing
            j.sdiffstore("d2", "s4", "s3");
            j.spop("s4", 5);
            assertThat(events(sub, j)).containsExactlyElementsOf(keyevents(
                    "new", "s1", "sadd", "s1",
                    "srem", "s1",
                    "srem", "s1", "new", "s2", "sadd", "s2",
                    "new", "s3", "sadd", "s3",
                    "srem", "s1", "del", "s1",
                    "spop", "s2", "del", "s2",
                    "new", "s4", "sadd", "s4",
                    "new", "d1", "sunionstore", "d1",
                    "del", "d1",
                    "new", "d2", "sdiffstore", "d2",
                    "spop", "s4", "del", "s4"));
        }
    }

    @Test
    void sortedSetCommands_sendTheirEvents_onlyForChanges() throws Exception {
        try (Jedis j = server.jedis(); RawClient sub = listen()) {
            flags(j, "Ezgn");
            cmd(j, "ZADD", "z1", "1", "a", "2", "b", "3", "c", "4", "d");
            cmd(j, "ZADD", "z1", "1", "a"); // the same score: nothing
            cmd(j, "ZADD", "z1", "XX", "5", "nosuch"); // nothing
            j.zincrby("z1", 1, "a"); // a 2
            cmd(j, "ZADD", "z1", "INCR", "1", "a"); // a 3
            j.zrem("z1", "nosuch"); // nothing
            j.zrem("z1", "a"); // b c d
            j.zremrangeByScore("z1", 100, 200); // nothing
            j.zremrangeByRank("z1", 0, 0); // c d
            j.zpopmin("z1"); // d
            cmd(j, "ZADD", "z2", "1", "x", "2", "y");
            cmd(j, "ZUNIONSTORE", "z3", "2", "z1", "z2");
            cmd(j, "ZINTERSTORE", "z3", "2", "z1", "z2"); // empty: z3 deleted
            cmd(j, "ZRANGESTORE", "z4", "z2", "0", "0");
            cmd(j, "ZDIFFSTORE", "z4", "1", "z2"); // z4 overwritten: not new
            cmd(j, "ZREMRANGEBYLEX", "z4", "-", "+");
            j.zpopmax("z1");
            cmd(j, "ZMPOP", "1", "z2", "MIN", "COUNT", "5");
            assertThat(events(sub, j)).containsExactlyElementsOf(keyevents(
                    "new", "z1", "zadd", "z1",
                    "zincr", "z1",
                    "zincr", "z1",
                    "zrem", "z1",
                    "zremrangebyrank", "z1",
                    "zpopmin", "z1",
                    "new", "z2", "zadd", "z2",
                    "new", "z3", "zunionstore", "z3",
                    "del", "z3",
                    "new", "z4", "zrangestore", "z4",
                    "zdiffstore", "z4",
                    "zremrangebylex", "z4", "del", "z4",
                    "zpopmax", "z1", "del", "z1",
                    "zpopmin", "z2", "del", "z2"));
        }
    }

    /**
     * A blocking pop served by a later push sends its events after the push's, as Redis does. On one event loop, so
     * the pusher's and the waiter's events (each published when its own reply is sent) come out in that order.
     */
    @Test
    void blockingPops_servedAfterAPush_sendTheirEventsAfterThePush(@TempDir Path own) throws Exception {
        Duration wait = Duration.ofSeconds(10);
        try (TestServer s = TestServer.start(own, "io-threads", "1"); Jedis j = s.jedis(); RawClient sub = listen(s);
             RawClient waiter = s.raw()) {
            flags(j, "Elzgn");
            waiter.send("BLPOP", "bq", "0");
            await(wait, () -> Blocking.of(s.server).size() == 1);
            j.rpush("bq", "a");
            waiter.expect("*2\r\n" + bulk("bq") + bulk("a"));
            waiter.send("BLMOVE", "bsrc", "bdst", "RIGHT", "LEFT", "0");
            await(wait, () -> Blocking.of(s.server).size() == 1);
            j.rpush("bsrc", "x", "y");
            waiter.expect(bulk("y"));
            waiter.send("BZPOPMIN", "bz", "0");
            await(wait, () -> Blocking.of(s.server).size() == 1);
            cmd(j, "ZADD", "bz", "1", "m");
            waiter.expect("*3\r\n" + bulk("bz") + bulk("m") + bulk("1"));
            assertThat(events(sub, j)).containsExactlyElementsOf(keyevents(
                    "new", "bq", "rpush", "bq",
                    "lpop", "bq", "del", "bq",
                    "new", "bsrc", "rpush", "bsrc",
                    "new", "bdst", "lpush", "bdst", "rpop", "bsrc",
                    "new", "bz", "zadd", "bz",
                    "zpopmin", "bz", "del", "bz"));
        }
    }
}
