package io.cairn.server;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH: Redis 7's replies and texts, isolation, and WATCH under contention. */
class TransactionsTest extends SharedServerTest {

    @Test
    void multiExec_queuesAndRunsInOrder_withJedis() {
        try (Jedis j = server.jedis()) {
            j.del("tx:a", "tx:n");
            Transaction t = j.multi();
            Response<String> set = t.set("tx:a", "1");
            Response<Long> incr = t.incr("tx:n");
            Response<String> get = t.get("tx:a");
            List<Object> all = t.exec();
            assertThat(all).hasSize(3);
            assertThat(set.get()).isEqualTo("OK");
            assertThat(incr.get()).isEqualTo(1L);
            assertThat(get.get()).isEqualTo("1");
        }
    }

    @Test
    void multiExec_exactReplies_inResp2AndResp3() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.call("DEL", "tx:r");
            assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.call("SET", "tx:r", "v")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("GET", "tx:r")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("EXEC")).isEqualTo("*2\r\n+OK\r\n" + bulk("v"));
            assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.call("EXEC")).as("an empty transaction").isEqualTo("*0\r\n");
            assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.call("MULTI")).isEqualTo("-ERR MULTI calls can not be nested\r\n");
            assertThat(c.call("WATCH", "tx:r")).isEqualTo("-ERR WATCH inside MULTI is not allowed\r\n");
            assertThat(c.call("DISCARD")).isEqualTo("+OK\r\n");
            assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
            assertThat(c.call("DISCARD")).isEqualTo("-ERR DISCARD without MULTI\r\n");
            // a WATCH abort is a nil array in RESP2 and a null in RESP3
            assertThat(c.call("WATCH", "tx:r")).isEqualTo("+OK\r\n");
            try (Jedis other = server.jedis()) {
                other.set("tx:r", "changed");
            }
            c.call("MULTI");
            c.call("GET", "tx:r");
            assertThat(c.call("EXEC")).isEqualTo("*-1\r\n");
            assertThat(c.call("HELLO", "3")).startsWith("%");
            assertThat(c.call("WATCH", "tx:r")).isEqualTo("+OK\r\n");
            try (Jedis other = server.jedis()) {
                other.set("tx:r", "again");
            }
            c.call("MULTI");
            c.call("GET", "tx:r");
            assertThat(c.call("EXEC")).isEqualTo("_\r\n");
        }
    }

    @Test
    void errorsWhileQueueing_abortTheTransactionWithExecAbort() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.call("DEL", "tx:q");
            c.call("MULTI");
            assertThat(c.call("SET", "tx:q", "1")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("NOSUCHCOMMAND", "x")).startsWith("-ERR unknown command 'NOSUCHCOMMAND'");
            assertThat(c.call("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
            assertThat(c.call("SAVE")).isEqualTo("-ERR Command not allowed inside a transaction\r\n");
            assertThat(c.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
            assertThat(c.call("GET", "tx:q")).as("nothing ran").isEqualTo("$-1\r\n");
            assertThat(c.call("EXEC")).as("the transaction is over").isEqualTo("-ERR EXEC without MULTI\r\n");
        }
        try (Jedis j = server.jedis()) {
            Transaction t = j.multi();
            t.set("tx:q", "1");
            t.sendCommand(redis.clients.jedis.Protocol.Command.GET, new String[0]); // wrong arity: refused while queueing
            assertThatThrownBy(t::exec).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("EXECABORT Transaction discarded because of previous errors.");
        }
    }

    @Test
    void aRuntimeErrorInsideExec_isThatElement_andTheOthersRun() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.call("SET", "tx:s", "not-a-number");
            c.call("DEL", "tx:t");
            c.call("MULTI");
            c.call("SET", "tx:t", "1");
            c.call("INCR", "tx:s");
            c.call("INCR", "tx:t");
            assertThat(c.call("EXEC")).isEqualTo("*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:2\r\n");
        }
        try (Jedis j = server.jedis()) {
            Transaction t = j.multi();
            t.set("tx:u", "x");
            t.incr("tx:u");
            t.get("tx:u");
            List<Object> r = t.exec();
            assertThat(r.get(1)).isInstanceOf(JedisDataException.class);
            assertThat(r.get(2)).isEqualTo("x");
        }
    }

    @Test
    void watch_abortsWhenAnotherConnectionWrites_andUnwatchAndDiscardForget() {
        try (Jedis a = server.jedis(); Jedis b = server.jedis()) {
            a.set("tx:w", "1");
            a.watch("tx:w");
            b.set("tx:w", "2");
            Transaction t = a.multi();
            t.set("tx:w", "from-a");
            assertThat(t.exec()).as("aborted").isNull();
            assertThat(a.get("tx:w")).isEqualTo("2");
            // EXEC unwatched: the next transaction runs
            Transaction t2 = a.multi();
            t2.set("tx:w", "from-a");
            assertThat(t2.exec()).containsExactly("OK");
            // UNWATCH forgets
            a.watch("tx:w");
            b.set("tx:w", "3");
            a.unwatch();
            Transaction t3 = a.multi();
            t3.get("tx:w");
            assertThat(t3.exec()).containsExactly("3");
            // DISCARD forgets too
            a.watch("tx:w");
            b.set("tx:w", "4");
            Transaction t4 = a.multi();
            t4.discard();
            Transaction t5 = a.multi();
            t5.get("tx:w");
            assertThat(t5.exec()).containsExactly("4");
            // a write by the watcher itself counts, as in Redis
            a.watch("tx:w");
            a.set("tx:w", "5");
            Transaction t6 = a.multi();
            t6.get("tx:w");
            assertThat(t6.exec()).isNull();
            // an untouched watched key does not abort, and neither does a write to another key
            a.watch("tx:w");
            b.set("tx:other", "x");
            Transaction t7 = a.multi();
            t7.get("tx:w");
            assertThat(t7.exec()).containsExactly("5");
        }
    }

    @Test
    void watch_isAbortedByFlushdbFlushallAndDeletesInOtherDatabasesDoNot() {
        try (Jedis a = server.jedis(); Jedis b = server.jedis()) {
            a.select(3);
            b.select(3);
            a.set("tx:f", "1");
            a.watch("tx:f");
            b.flushDB();
            Transaction t = a.multi();
            t.set("tx:f", "2");
            assertThat(t.exec()).as("FLUSHDB touched every key of the db").isNull();
            // FLUSHDB of another database leaves it alone
            a.set("tx:f", "1");
            a.watch("tx:f");
            b.select(4);
            b.flushDB();
            Transaction t2 = a.multi();
            t2.get("tx:f");
            assertThat(t2.exec()).containsExactly("1");
            // a watched key written by a transaction of another client
            a.watch("tx:f");
            b.select(3);
            Transaction tb = b.multi();
            tb.set("tx:f", "by-b");
            tb.exec();
            Transaction t3 = a.multi();
            t3.get("tx:f");
            assertThat(t3.exec()).isNull();
        }
    }

    @Test
    void watch_aKeyThatExpiresBeforeExec_aborts_butOneThatWasAlreadyGoneDoesNot() throws Exception {
        try (Jedis a = server.jedis()) {
            a.set("tx:e", "1", redis.clients.jedis.params.SetParams.setParams().px(50));
            a.watch("tx:e");
            RedisAsserts.await(java.time.Duration.ofSeconds(10), () -> {
                try (Jedis b = server.jedis()) {
                    return !b.exists("tx:e");
                }
            });
            Transaction t = a.multi();
            t.get("tx:e");
            assertThat(t.exec()).isNull();
            a.del("tx:gone");
            a.watch("tx:gone");
            Transaction t2 = a.multi();
            t2.get("tx:gone");
            assertThat(t2.exec()).containsExactly((Object) null);
        }
    }

    @Test
    void resetAndDisconnect_endTheTransactionAndTheWatches() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.call("WATCH", "tx:x");
            c.call("MULTI");
            c.call("SET", "tx:x", "1");
            assertThat(c.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(c.call("EXEC")).isEqualTo("-ERR EXEC without MULTI\r\n");
            try (Jedis other = server.jedis()) {
                other.set("tx:x", "2");
            }
            c.call("MULTI");
            c.call("GET", "tx:x");
            assertThat(c.call("EXEC")).as("RESET unwatched").isEqualTo("*1\r\n" + bulk("2"));
        }
    }

    @Test
    void concurrentWatchMultiRetryLoops_countExactly() throws Exception {
        int clients = 8;
        int each = 150;
        try (Jedis j = server.jedis()) {
            j.set("tx:counter", "0");
        }
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try (Jedis j = server.jedis()) {
                    for (int n = 0; n < each; n++) {
                        while (true) {
                            j.watch("tx:counter");
                            long v = Long.parseLong(j.get("tx:counter"));
                            Transaction t1 = j.multi();
                            t1.set("tx:counter", Long.toString(v + 1));
                            if (t1.exec() != null) break;
                            retries.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(TimeUnit.MINUTES.toMillis(2));
        if (failure.get() != null) throw new AssertionError(failure.get());
        try (Jedis j = server.jedis()) {
            assertThat(j.get("tx:counter")).isEqualTo(Integer.toString(clients * each));
        }
        System.out.println("TransactionsTest: " + clients * each + " increments, " + retries.get() + " retries");
    }

    @Test
    void aReaderNeverSeesHalfAnExec() throws Exception {
        int keys = 100;
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) names[i] = "tx:iso:" + i;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            try (Jedis j = server.jedis()) {
                started.countDown();
                while (!stop.get()) {
                    List<String> vs = j.mget(names);
                    for (String v : vs) {
                        if (!java.util.Objects.equals(v, vs.get(0))) problem.compareAndSet(null, "saw " + vs);
                    }
                    reads.incrementAndGet();
                }
            } catch (Throwable e) {
                problem.compareAndSet(null, e.toString());
            }
        });
        reader.start();
        started.await();
        try (Jedis w = server.jedis()) {
            for (int round = 0; round < 200 && problem.get() == null; round++) {
                Transaction t = w.multi();
                for (String k : names) t.set(k, "v" + round);
                t.exec();
            }
        }
        stop.set(true);
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(problem.get()).isNull();
        assertThat(reads.get()).isPositive();
    }

    @Test
    void commandTable_listsTheTransactionCommands() {
        try (Jedis j = server.jedis()) {
            for (String name : List.of("multi", "exec", "discard", "watch", "unwatch")) {
                Object info = cmd(j, "COMMAND", "INFO", name);
                assertThat(info.toString()).contains(name);
            }
            assertError(j, "ERR wrong number of arguments for 'watch' command", "WATCH");
        }
    }
}
