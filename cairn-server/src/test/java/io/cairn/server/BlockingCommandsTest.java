package io.cairn.server;

import io.cairn.Keyspace;
import io.cairn.server.command.Blocking;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * BLPOP and the other blocking pops: served at once, in FIFO order when data arrives, on timeout, on CLIENT UNBLOCK,
 * and not at all for a client that went away. Waits are on conditions (the server's count of blocked clients), never
 * on the clock; timeouts are 0.1 s.
 */
class BlockingCommandsTest extends SharedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    Jedis j;

    @BeforeEach
    void connect() {
        j = server.jedis();
    }

    @AfterEach
    void disconnect() {
        awaitBlocked(0); // every test's blocked clients are gone before the next counts its own
        j.close();
    }

    private static long blockedClients() {
        return Blocking.of(server.server).size();
    }

    private static void awaitBlocked(long n) {
        await(WAIT, () -> blockedClients() == n);
    }

    /** Sends a blocking command on {@code r} and waits until the server holds it blocked. */
    private static void block(RawClient r, String... command) throws Exception {
        long before = blockedClients();
        r.send(command);
        awaitBlocked(before + 1);
    }

    private static String pair(String key, String element) {
        return "*2\r\n" + bulk(key) + bulk(element);
    }

    private static RawClient resp3() throws Exception {
        RawClient r = server.raw();
        assertThat(r.call("HELLO", "3")).startsWith("%7\r\n");
        return r;
    }

    // ------------------------------------------------------------------ served at once, and timeouts

    @Test
    void blpop_serves_at_once_from_the_first_non_empty_key() throws Exception {
        cmd(j, "RPUSH", "now:b", "1", "2");
        try (RawClient r = server.raw()) {
            assertThat(r.call("BLPOP", "now:a", "now:b", "0")).isEqualTo(pair("now:b", "1"));
            assertThat(r.call("BRPOP", "now:a", "now:b", "0")).isEqualTo(pair("now:b", "2"));
            assertThat(r.call("EXISTS", "now:b")).isEqualTo(":0\r\n");
            cmd(j, "SET", "now:s", "v");
            assertThat(r.call("BLPOP", "now:s", "now:b", "0")).startsWith("-WRONGTYPE");
            cmd(j, "RPUSH", "now:b", "x");
            assertThat(r.call("BLPOP", "now:b", "now:s", "0")).isEqualTo(pair("now:b", "x")); // found before the string
        }
        assertThat(blockedClients()).isZero();
    }

    @Test
    void timeouts_reply_nil_in_each_protocol() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("BLPOP", "to:a", "to:b", "0.1")).isEqualTo("*-1\r\n");
            assertThat(r.call("BRPOP", "to:a", "0.05")).isEqualTo("*-1\r\n");
            assertThat(r.call("BLMOVE", "to:a", "to:b", "LEFT", "RIGHT", "0.1")).isEqualTo("$-1\r\n");
            assertThat(r.call("BRPOPLPUSH", "to:a", "to:b", "0.1")).isEqualTo("$-1\r\n");
            assertThat(r.call("BLMPOP", "0.1", "2", "to:a", "to:b", "LEFT")).isEqualTo("*-1\r\n");
            assertThat(r.call("BZPOPMIN", "to:z", "0.1")).isEqualTo("*-1\r\n");
            assertThat(r.call("BZPOPMAX", "to:z", "0.1")).isEqualTo("*-1\r\n");
            assertThat(r.call("BZMPOP", "0.1", "1", "to:z", "MIN")).isEqualTo("*-1\r\n");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        }
        try (RawClient r = resp3()) {
            assertThat(r.call("BLPOP", "to:a", "0.1")).isEqualTo("_\r\n");
            assertThat(r.call("BLMOVE", "to:a", "to:b", "LEFT", "RIGHT", "0.1")).isEqualTo("_\r\n");
            assertThat(r.call("BZPOPMIN", "to:z", "0.1")).isEqualTo("_\r\n");
            assertThat(r.call("BLMPOP", "0.1", "1", "to:a", "LEFT")).isEqualTo("_\r\n");
        }
        assertThat(cmd(j, "EXISTS", "to:a", "to:b")).isEqualTo(0L);
    }

    @Test
    void timeout_and_argument_errors() {
        assertError(j, "ERR timeout is negative", "BLPOP", "te:a", "-1");
        assertError(j, "ERR timeout is negative", "BLMOVE", "te:a", "te:b", "LEFT", "LEFT", "-0.5");
        assertError(j, "ERR timeout is not a float or out of range", "BLPOP", "te:a", "soon");
        assertError(j, "ERR timeout is not a float or out of range", "BZPOPMIN", "te:a", "nan");
        assertError(j, "ERR timeout is out of range", "BRPOP", "te:a", "inf");
        assertError(j, "ERR syntax error", "BLMOVE", "te:a", "te:b", "UP", "LEFT", "0");
        assertError(j, "ERR numkeys should be greater than 0", "BLMPOP", "0", "0", "te:a", "LEFT");
        assertError(j, "ERR timeout is negative", "BLMPOP", "-1", "1", "te:a", "LEFT");
        assertError(j, "ERR syntax error", "BZMPOP", "0", "1", "te:a", "LEFT");
        assertError(j, "ERR count should be greater than 0", "BZMPOP", "0", "1", "te:a", "MIN", "COUNT", "0");
        assertError(j, "ERR wrong number of arguments for 'blpop' command", "BLPOP", "te:a");
        assertThat(blockedClients()).isZero();
    }

    // ------------------------------------------------------------------ waking in order

    @Test
    void three_blocked_clients_are_served_first_come_first_served() throws Exception {
        try (RawClient a = server.raw(); RawClient b = server.raw(); RawClient c = server.raw()) {
            block(a, "BLPOP", "fifo:q", "0");
            block(b, "BRPOP", "fifo:q", "fifo:other", "0");
            block(c, "BLPOP", "fifo:q", "0");
            assertThat(cmd(j, "RPUSH", "fifo:q", "1")).isEqualTo(1L);
            assertThat(a.read()).isEqualTo(pair("fifo:q", "1"));
            awaitBlocked(2);
            assertThat(cmd(j, "RPUSH", "fifo:q", "2", "3")).isEqualTo(2L);
            assertThat(b.read()).isEqualTo(pair("fifo:q", "3")); // BRPOP takes the tail
            assertThat(c.read()).isEqualTo(pair("fifo:q", "2"));
            awaitBlocked(0);
            assertThat(cmd(j, "EXISTS", "fifo:q")).isEqualTo(0L);
        }
    }

    @Test
    void a_push_that_holds_more_than_the_waiters_take_leaves_the_rest() throws Exception {
        try (RawClient a = server.raw(); RawClient b = server.raw()) {
            block(a, "BLPOP", "more:q", "0");
            block(b, "BLMPOP", "0", "1", "more:q", "RIGHT", "COUNT", "2");
            // one pipeline: the waiters are served after the push, before anything after it on their connections
            try (RawClient p = server.raw()) {
                p.send("RPUSH", "more:q", "a", "b", "c", "d");
                p.send("RPUSH", "more:q", "e");
                assertThat(p.read()).isEqualTo(":4\r\n");
                // 5 if no waiter was served yet, less if one on this connection's event loop already was
                assertThat(p.read()).isIn(":2\r\n", ":3\r\n", ":4\r\n", ":5\r\n");
            }
            assertThat(a.read()).isEqualTo(pair("more:q", "a"));
            String rest = b.read();
            // b was served after the first push (d c) or after the second (e d)
            assertThat(rest).isIn("*2\r\n" + bulk("more:q") + "*2\r\n" + bulk("d") + bulk("c"),
                    "*2\r\n" + bulk("more:q") + "*2\r\n" + bulk("e") + bulk("d"));
            List<?> left = (List<?>) cmd(j, "LRANGE", "more:q", "0", "-1");
            assertThat(left).hasSize(2);
        }
    }

    @Test
    void on_one_event_loop_the_waiter_is_served_before_the_pushers_next_command(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own, "io-threads", "1"); RawClient waiter = s.raw(); RawClient pusher = s.raw()) {
            waiter.send("BLPOP", "one:q", "0");
            await(WAIT, () -> Blocking.of(s.server).size() == 1);
            pusher.send("RPUSH", "one:q", "x");
            pusher.send("LPOP", "one:q");
            assertThat(pusher.read()).isEqualTo(":1\r\n");
            assertThat(pusher.read()).isEqualTo("$-1\r\n"); // as in Redis: the waiter had it already
            assertThat(waiter.read()).isEqualTo(pair("one:q", "x"));
        }
    }

    @Test
    void a_push_and_a_blocking_pop_in_one_pipeline() throws Exception {
        try (RawClient r = server.raw()) {
            r.send("RPUSH", "pipe:q", "x");
            r.send("BLPOP", "pipe:q", "0");
            r.send("LLEN", "pipe:q");
            assertThat(r.read()).isEqualTo(":1\r\n");
            assertThat(r.read()).isEqualTo(pair("pipe:q", "x"));
            assertThat(r.read()).isEqualTo(":0\r\n");
        }
    }

    @Test
    void a_blocked_client_holds_its_pipelined_requests() throws Exception {
        try (RawClient r = server.raw(); RawClient other = server.raw()) {
            long before = blockedClients();
            r.send("BLPOP", "held:q", "0");
            r.send("PING");
            r.send("LLEN", "held:q");
            awaitBlocked(before + 1);
            assertThat(other.call("CLIENT", "LIST")).contains("flags=b");
            assertThat(cmd(j, "INFO", "clients").toString()).contains("blocked_clients:1");
            assertThat(other.call("RPUSH", "held:q", "a", "b")).isEqualTo(":2\r\n");
            assertThat(r.read()).isEqualTo(pair("held:q", "a"));
            assertThat(r.read()).isEqualTo("+PONG\r\n");
            assertThat(r.read()).isEqualTo(":1\r\n"); // after the pop: the held LLEN ran once it was served
            // a timeout releases the held requests the same way, the push after it included
            r.send("BLPOP", "held:empty", "0.1");
            r.send("RPUSH", "held:empty", "z");
            r.send("LPOP", "held:empty");
            assertThat(r.read()).isEqualTo("*-1\r\n");
            assertThat(r.read()).isEqualTo(":1\r\n");
            assertThat(r.read()).isEqualTo(bulk("z"));
        }
    }

    @Test
    void a_client_that_disconnects_while_blocked_loses_nothing() throws Exception {
        RawClient gone = server.raw();
        block(gone, "BLPOP", "dc:q", "0");
        gone.close();
        awaitBlocked(0);
        try (RawClient next = server.raw()) {
            block(next, "BLPOP", "dc:other", "0"); // blocked on something else: not served by the push below
            assertThat(cmd(j, "RPUSH", "dc:q", "kept")).isEqualTo(1L);
            assertThat(cmd(j, "LRANGE", "dc:q", "0", "-1")).isEqualTo(List.of("kept"));
            assertThat(cmd(j, "CLIENT", "UNBLOCK", clientId(next), "TIMEOUT")).isEqualTo(1L);
            assertThat(next.read()).isEqualTo("*-1\r\n");
        }
    }

    private static String clientId(RawClient r) {
        // the blocked connection cannot answer CLIENT ID now: find it in CLIENT LIST by its local port
        String list;
        try (Jedis x = server.jedis()) {
            list = (String) cmd(x, "CLIENT", "LIST");
        }
        String addr = "addr=127.0.0.1:" + r.socket.getLocalPort() + " ";
        for (String line : list.split("\n")) {
            if (line.contains(addr)) return line.substring(3, line.indexOf(' '));
        }
        throw new AssertionError("no client at " + addr + " in " + list);
    }

    @Test
    void client_unblock_with_timeout_or_error() throws Exception {
        try (RawClient r = server.raw()) {
            block(r, "BLMOVE", "ub:a", "ub:b", "LEFT", "RIGHT", "0");
            String id = clientId(r);
            assertThat(cmd(j, "CLIENT", "UNBLOCK", id)).isEqualTo(1L);
            assertThat(r.read()).isEqualTo("$-1\r\n");
            block(r, "BLPOP", "ub:a", "0");
            assertThat(cmd(j, "CLIENT", "UNBLOCK", id, "ERROR")).isEqualTo(1L);
            assertThat(r.read()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(cmd(j, "CLIENT", "UNBLOCK", id)).isEqualTo(0L);
            assertThat(cmd(j, "CLIENT", "UNBLOCK", "999999")).isEqualTo(0L);
            assertError(j, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", "CLIENT", "UNBLOCK", id, "LATER");
            assertError(j, "ERR value is not an integer or out of range", "CLIENT", "UNBLOCK", "x");
        }
    }

    @Test
    void concurrent_pushers_and_waiters_lose_and_duplicate_nothing() throws Exception {
        int consumers = 8;
        int each = 25;
        int producers = 4;
        java.util.concurrent.ConcurrentLinkedQueue<String> got = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(consumers + producers);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                done.add(pool.submit(() -> {
                    try (RawClient r = server.raw()) {
                        for (int i = 0; i < each; i++) {
                            String reply = r.call(i % 2 == 0 ? "BLPOP" : "BRPOP", "st:other", "st:q", "0");
                            got.add(reply.substring(reply.lastIndexOf("$")));
                        }
                    }
                    return null;
                }));
            }
            for (int p = 0; p < producers; p++) {
                int id = p;
                done.add(pool.submit(() -> {
                    try (Jedis x = server.jedis()) {
                        int total = consumers * each / producers;
                        for (int i = 0; i < total; ) {
                            int n = Math.min(1 + i % 3, total - i);
                            Object[] args = new Object[n + 2];
                            args[0] = "RPUSH";
                            args[1] = "st:q";
                            for (int k = 0; k < n; k++) args[k + 2] = id + "-" + (i + k);
                            cmd(x, args);
                            i += n;
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (int p = 0; p < producers; p++) {
            for (int i = 0; i < consumers * each / producers; i++) expected.add(bulk(p + "-" + i));
        }
        assertThat(got).hasSize(consumers * each);
        assertThat(new java.util.HashSet<>(got)).isEqualTo(expected);
        assertThat(cmd(j, "EXISTS", "st:q")).isEqualTo(0L);
    }

    // ------------------------------------------------------------------ BLMOVE, types and databases

    @Test
    void blmove_is_served_and_its_push_wakes_the_next_list_waiter() throws Exception {
        try (RawClient mover = server.raw(); RawClient popper = server.raw()) {
            block(mover, "BLMOVE", "bm:src", "bm:dst", "RIGHT", "LEFT", "0");
            block(popper, "BRPOPLPUSH", "bm:dst", "bm:final", "0");
            assertThat(cmd(j, "RPUSH", "bm:src", "a", "b")).isEqualTo(2L);
            assertThat(mover.read()).isEqualTo(bulk("b"));
            assertThat(popper.read()).isEqualTo(bulk("b"));
            awaitBlocked(0);
            assertThat(cmd(j, "LRANGE", "bm:src", "0", "-1")).isEqualTo(List.of("a"));
            assertThat(cmd(j, "EXISTS", "bm:dst")).isEqualTo(0L);
            assertThat(cmd(j, "LRANGE", "bm:final", "0", "-1")).isEqualTo(List.of("b"));
        }
    }

    @Test
    void blmove_of_a_list_onto_itself_rotates_once_when_served() throws Exception {
        try (RawClient r = server.raw(); RawClient next = server.raw()) {
            block(r, "BLMOVE", "rot:k", "rot:k", "LEFT", "RIGHT", "0");
            block(next, "BLPOP", "rot:k", "0");
            assertThat(cmd(j, "RPUSH", "rot:k", "a", "b", "c")).isEqualTo(3L);
            assertThat(r.read()).isEqualTo(bulk("a"));
            assertThat(next.read()).isEqualTo(pair("rot:k", "b")); // the rotation signalled the key: the next waiter
            assertThat(cmd(j, "LRANGE", "rot:k", "0", "-1")).isEqualTo(List.of("c", "a"));
        }
    }

    @Test
    void a_waiter_keeps_waiting_while_its_key_holds_another_type() throws Exception {
        try (RawClient r = server.raw()) {
            block(r, "BLPOP", "ty:k", "0");
            assertThat(cmd(j, "SET", "ty:k", "string")).isEqualTo("OK");
            assertThat(cmd(j, "DEL", "ty:k")).isEqualTo(1L);
            assertThat(blockedClients()).isEqualTo(1);
            assertThat(cmd(j, "RPUSH", "ty:k", "x")).isEqualTo(1L);
            assertThat(r.read()).isEqualTo(pair("ty:k", "x"));
        }
    }

    @Test
    void waiters_wait_in_their_own_database() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("SELECT", "3")).isEqualTo("+OK\r\n");
            block(r, "BLPOP", "db:k", "0");
            assertThat(cmd(j, "RPUSH", "db:k", "db0")).isEqualTo(1L);
            try (Jedis three = server.jedis()) {
                cmd(three, "SELECT", "3");
                assertThat(cmd(three, "RPUSH", "db:k", "db3")).isEqualTo(1L);
            }
            assertThat(r.read()).isEqualTo(pair("db:k", "db3"));
            assertThat(cmd(j, "LRANGE", "db:k", "0", "-1")).isEqualTo(List.of("db0"));
            // MOVE adds to another database: its waiters are looked at too
            block(r, "BLPOP", "db:k", "0");
            assertThat(cmd(j, "MOVE", "db:k", "3")).isEqualTo(1L);
            assertThat(r.read()).isEqualTo(pair("db:k", "db0"));
        }
    }

    // ------------------------------------------------------------------ sorted sets

    /** Adds to a sorted set through the embedded API (ZADD is another family's), then signals as a command's end would. */
    private static void zadd(int db, String key, double score, String member) {
        Keyspace ks = server.server.db(db);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        server.server.store().atomically(tx -> tx.sortedSet(ks, k).set(
                new byte[][]{member.getBytes(StandardCharsets.UTF_8)}, new double[]{score}));
        Blocking.of(server.server).signal(ks, k);
    }

    @Test
    void bzpopmin_and_bzpopmax() throws Exception {
        zadd(0, "z:a", 1, "one");
        zadd(0, "z:a", 2.5, "two");
        zadd(0, "z:a", 3, "three");
        try (RawClient r = server.raw()) {
            assertThat(r.call("BZPOPMIN", "z:none", "z:a", "0")).isEqualTo("*3\r\n" + bulk("z:a") + bulk("one") + bulk("1"));
            assertThat(r.call("BZPOPMAX", "z:a", "0")).isEqualTo("*3\r\n" + bulk("z:a") + bulk("three") + bulk("3"));
            assertThat(r.call("BZMPOP", "0", "1", "z:a", "MAX", "COUNT", "5"))
                    .isEqualTo("*2\r\n" + bulk("z:a") + "*1\r\n*2\r\n" + bulk("two") + bulk("2.5"));
            assertThat(r.call("EXISTS", "z:a")).isEqualTo(":0\r\n");
            assertThat(r.call("BZPOPMIN", "z:a", "0.05")).isEqualTo("*-1\r\n");
            block(r, "BZPOPMIN", "z:b", "0");
            zadd(0, "z:b", 7, "late");
            assertThat(r.read()).isEqualTo("*3\r\n" + bulk("z:b") + bulk("late") + bulk("7"));
            cmd(j, "RPUSH", "z:list", "x");
            assertThat(r.call("BZPOPMIN", "z:list", "0")).startsWith("-WRONGTYPE");
            assertThat(r.call("BLPOP", "z:b", "z:list", "0")).isEqualTo(pair("z:list", "x")); // z:b is gone
        }
        try (RawClient r = resp3()) {
            zadd(0, "z:c", 1.5, "m");
            assertThat(r.call("BZPOPMIN", "z:c", "0")).isEqualTo("*3\r\n" + bulk("z:c") + bulk("m") + ",1.5\r\n");
            block(r, "BZMPOP", "0", "2", "z:x", "z:c", "MIN", "COUNT", "2");
            zadd(0, "z:c", 2, "n");
            assertThat(r.read()).isEqualTo("*2\r\n" + bulk("z:c") + "*1\r\n*2\r\n" + bulk("n") + ",2\r\n");
        }
    }

    @Test
    void list_and_sorted_set_waiters_on_one_key_each_take_their_type() throws Exception {
        try (RawClient lists = server.raw(); RawClient zsets = server.raw()) {
            block(lists, "BLPOP", "mix:k", "0");
            block(zsets, "BZPOPMIN", "mix:k", "0");
            zadd(0, "mix:k", 1, "m"); // the list waiter is first but cannot pop it: the next one does
            assertThat(zsets.read()).isEqualTo("*3\r\n" + bulk("mix:k") + bulk("m") + bulk("1"));
            assertThat(blockedClients()).isEqualTo(1);
            cmd(j, "RPUSH", "mix:k", "e");
            assertThat(lists.read()).isEqualTo(pair("mix:k", "e"));
        }
    }

    // ------------------------------------------------------------------ durability

    @Test
    void a_served_pop_is_logged_and_survives_a_restart(@TempDir Path own) throws Exception {
        // no checkpoint at shutdown: the restart finds the served pops in the log
        try (TestServer s = TestServer.start(own, "checkpoint-interval", "0"); RawClient r = s.raw(); RawClient m = s.raw();
             Jedis c = s.jedis()) {
            r.send("BLPOP", "dur:q", "0");
            m.send("BLMOVE", "dur:src", "dur:dst", "LEFT", "LEFT", "0");
            await(WAIT, () -> Blocking.of(s.server).size() == 2);
            assertThat(cmd(c, "RPUSH", "dur:q", "a", "b")).isEqualTo(2L);
            assertThat(cmd(c, "RPUSH", "dur:src", "x", "y")).isEqualTo(2L);
            assertThat(r.read()).isEqualTo(pair("dur:q", "a"));
            assertThat(m.read()).isEqualTo(bulk("x"));
        }
        try (TestServer s = TestServer.start(own); Jedis c = s.jedis()) {
            assertThat(cmd(c, "LRANGE", "dur:q", "0", "-1")).isEqualTo(List.of("b"));
            assertThat(cmd(c, "LRANGE", "dur:src", "0", "-1")).isEqualTo(List.of("y"));
            assertThat(cmd(c, "LRANGE", "dur:dst", "0", "-1")).isEqualTo(Arrays.asList("x"));
        }
    }
}
