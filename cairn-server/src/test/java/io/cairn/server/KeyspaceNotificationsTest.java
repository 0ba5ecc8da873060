package io.cairn.server;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

import static io.cairn.server.RawClient.bulk;
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
        RawClient sub = server.raw();
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
}
