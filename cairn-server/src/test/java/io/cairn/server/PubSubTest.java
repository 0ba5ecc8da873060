package io.cairn.server;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.cairn.server.RawClient.bulk;
import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.RedisAsserts.cmd;
import static org.assertj.core.api.Assertions.assertThat;

/** SUBSCRIBE, PSUBSCRIBE, PUBLISH and PUBSUB across real connections, replies byte for byte as Redis 7 sends them. */
class PubSubTest extends SharedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String frame(String kind, String name, long count) {
        return "*3\r\n" + bulk(kind) + bulk(name) + ":" + count + "\r\n";
    }

    private static String message(String channel, String payload) {
        return "*3\r\n" + bulk("message") + bulk(channel) + bulk(payload);
    }

    private static String pmessage(String pattern, String channel, String payload) {
        return "*4\r\n" + bulk("pmessage") + bulk(pattern) + bulk(channel) + bulk(payload);
    }

    /** Waits until the server counts {@code n} subscribers of {@code channel}: subscriptions are made on another thread. */
    private static void awaitSubscribers(Jedis j, String channel, long n) {
        await(WAIT, () -> cmd(j, "PUBSUB", "NUMSUB", channel).equals(List.of(channel, n)));
    }

    /** Waits until the connections of earlier tests, closed on the client's side, are gone on the server's too. */
    private static void awaitNoSubscriptions(Jedis j) {
        await(WAIT, () -> cmd(j, "PUBSUB", "NUMPAT").equals(0L) && cmd(j, "PUBSUB", "CHANNELS").equals(List.of()));
    }

    @Test
    void subscribe_publish_acrossConnections() throws Exception {
        try (RawClient sub = server.raw(); Jedis pub = server.jedis()) {
            sub.send("SUBSCRIBE", "news", "sport");
            sub.expect(frame("subscribe", "news", 1)).expect(frame("subscribe", "sport", 2));
            assertThat(pub.publish("news", "hello")).isEqualTo(1);
            assertThat(pub.publish("sport", "goal")).isEqualTo(1);
            assertThat(pub.publish("nobody", "x")).isZero();
            assertThat(sub.read()).isEqualTo(message("news", "hello"));
            assertThat(sub.read()).isEqualTo(message("sport", "goal"));
            // subscribing again to a channel changes nothing but is confirmed
            sub.send("SUBSCRIBE", "news");
            sub.expect(frame("subscribe", "news", 2));
            assertThat(pub.publish("news", "once")).isEqualTo(1);
            assertThat(sub.read()).isEqualTo(message("news", "once"));
        }
    }

    @Test
    void psubscribe_matchesWithGlob_channelBeforePattern() throws Exception {
        try (RawClient sub = server.raw(); Jedis pub = server.jedis()) {
            sub.send("PSUBSCRIBE", "img.*", "h?llo");
            sub.expect(frame("psubscribe", "img.*", 1)).expect(frame("psubscribe", "h?llo", 2));
            sub.send("SUBSCRIBE", "img.png");
            sub.expect(frame("subscribe", "img.png", 3));
            // a channel and a pattern both match: two receivers, the channel's message first
            assertThat(pub.publish("img.png", "p")).isEqualTo(2);
            assertThat(sub.read()).isEqualTo(message("img.png", "p"));
            assertThat(sub.read()).isEqualTo(pmessage("img.*", "img.png", "p"));
            assertThat(pub.publish("hallo", "x")).isEqualTo(1);
            assertThat(sub.read()).isEqualTo(pmessage("h?llo", "hallo", "x"));
            assertThat(pub.publish("img", "no")).isZero();
            sub.send("PUNSUBSCRIBE", "img.*");
            sub.expect(frame("punsubscribe", "img.*", 2));
            assertThat(pub.publish("img.gif", "gone")).isZero();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void pubsubSubcommands_countChannelsSubscribersPatterns() throws Exception {
        try (RawClient a = server.raw(); RawClient b = server.raw(); Jedis j = server.jedis()) {
            awaitNoSubscriptions(j);
            a.send("SUBSCRIBE", "count.one", "count.two");
            a.expect(frame("subscribe", "count.one", 1)).expect(frame("subscribe", "count.two", 2));
            b.send("SUBSCRIBE", "count.one");
            b.expect(frame("subscribe", "count.one", 1));
            b.send("PSUBSCRIBE", "count.*", "other.*");
            b.expect(frame("psubscribe", "count.*", 2)).expect(frame("psubscribe", "other.*", 3));
            a.send("PSUBSCRIBE", "count.*");
            a.expect(frame("psubscribe", "count.*", 3));

            assertThat(cmd(j, "PUBSUB", "NUMSUB", "count.one", "count.two", "count.none"))
                    .isEqualTo(List.of("count.one", 2L, "count.two", 1L, "count.none", 0L));
            assertThat(cmd(j, "PUBSUB", "NUMSUB")).isEqualTo(List.of());
            assertThat(cmd(j, "PUBSUB", "NUMPAT")).isEqualTo(2L); // distinct patterns
            List<Object> channels = (List<Object>) cmd(j, "PUBSUB", "CHANNELS", "count.*");
            assertThat(channels).containsExactlyInAnyOrder("count.one", "count.two");
            assertThat((List<Object>) cmd(j, "PUBSUB", "CHANNELS")).containsExactlyInAnyOrder("count.one", "count.two");
            assertThat(cmd(j, "PUBSUB", "CHANNELS", "count.t*")).isEqualTo(List.of("count.two"));
            assertThat(j.info("stats")).contains("pubsub_channels:2\r\n").contains("pubsub_patterns:2\r\n");
            assertThat(j.clientList()).contains("sub=2 psub=1").contains("sub=1 psub=2").contains("flags=P");
            assertThat(cmd(j, "CLIENT", "LIST", "TYPE", "pubsub").toString().lines()).hasSize(2);
            RedisAsserts.assertError(j, "ERR wrong number of arguments for 'pubsub|numpat' command", "PUBSUB", "NUMPAT", "x");
        }
    }

    @Test
    void resp3_repliesAndMessagesArePushes_otherCommandsStillRun() throws Exception {
        try (RawClient sub = server.raw(); Jedis pub = server.jedis()) {
            assertThat(sub.call("HELLO", "3")).startsWith("%7\r\n");
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo(">3\r\n" + bulk("unsubscribe") + "_\r\n:0\r\n");
            assertThat(sub.call("SUBSCRIBE", "r3")).isEqualTo(">3\r\n" + bulk("subscribe") + bulk("r3") + ":1\r\n");
            assertThat(sub.call("PSUBSCRIBE", "r*")).isEqualTo(">3\r\n" + bulk("psubscribe") + bulk("r*") + ":2\r\n");
            assertThat(pub.publish("r3", "hi")).isEqualTo(2);
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("r3") + bulk("hi"));
            assertThat(sub.read()).isEqualTo(">4\r\n" + bulk("pmessage") + bulk("r*") + bulk("r3") + bulk("hi"));
            // RESP3 has no subscribed mode: any command runs, PING is a plain PONG
            assertThat(sub.call("GET", "r3-missing")).isEqualTo("_\r\n");
            assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(sub.call("PUBLISH", "r3", "self")).isEqualTo(":2\r\n");
            assertThat(sub.read()).isEqualTo(">3\r\n" + bulk("message") + bulk("r3") + bulk("self"));
            assertThat(sub.read()).isEqualTo(">4\r\n" + bulk("pmessage") + bulk("r*") + bulk("r3") + bulk("self"));
        }
    }

    @Test
    void resp2_subscribedMode_allowsOnlyPubSubPingQuitReset() throws Exception {
        try (RawClient sub = server.raw()) {
            sub.send("SUBSCRIBE", "mode");
            sub.expect(frame("subscribe", "mode", 1));
            assertThat(sub.call("GET", "k")).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                    + "PING / QUIT / RESET are allowed in this context\r\n");
            assertThat(sub.call("CONFIG", "GET", "port")).startsWith("-ERR Can't execute 'config|get': only");
            assertThat(sub.call("PING")).isEqualTo("*2\r\n" + bulk("pong") + bulk(""));
            assertThat(sub.call("PING", "hey")).isEqualTo("*2\r\n" + bulk("pong") + bulk("hey"));
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo(frame("unsubscribe", "mode", 0));
            // out of subscribed mode again
            assertThat(sub.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(sub.call("GET", "k")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void unsubscribeWithoutArguments_leavesEveryChannel_thenRepliesNil() throws Exception {
        try (RawClient sub = server.raw()) {
            sub.send("SUBSCRIBE", "u1", "u2");
            sub.expect(frame("subscribe", "u1", 1)).expect(frame("subscribe", "u2", 2));
            sub.send("PSUBSCRIBE", "u*");
            sub.expect(frame("psubscribe", "u*", 3));
            sub.send("UNSUBSCRIBE");
            sub.expect(frame("unsubscribe", "u1", 2)).expect(frame("unsubscribe", "u2", 1));
            assertThat(sub.call("UNSUBSCRIBE")).isEqualTo("*3\r\n" + bulk("unsubscribe") + "$-1\r\n:1\r\n");
            assertThat(sub.call("UNSUBSCRIBE", "never")).isEqualTo(frame("unsubscribe", "never", 1));
            assertThat(sub.call("PUNSUBSCRIBE")).isEqualTo(frame("punsubscribe", "u*", 0));
            assertThat(sub.call("PUNSUBSCRIBE")).isEqualTo("*3\r\n" + bulk("punsubscribe") + "$-1\r\n:0\r\n");
            assertThat(sub.call("GET", "k")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void reset_leavesEverySubscription() throws Exception {
        try (RawClient sub = server.raw(); Jedis j = server.jedis()) {
            sub.send("SUBSCRIBE", "reset.ch");
            sub.expect(frame("subscribe", "reset.ch", 1));
            sub.send("PSUBSCRIBE", "reset.*");
            sub.expect(frame("psubscribe", "reset.*", 2));
            assertThat(sub.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(cmd(j, "PUBSUB", "NUMSUB", "reset.ch")).isEqualTo(List.of("reset.ch", 0L));
            assertThat(j.publish("reset.ch", "x")).isZero();
            assertThat(sub.call("GET", "k")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void closedConnection_leavesItsChannelsAndPatterns() throws Exception {
        try (Jedis j = server.jedis()) {
            awaitNoSubscriptions(j);
            try (RawClient sub = server.raw()) {
                sub.send("SUBSCRIBE", "gone");
                sub.expect(frame("subscribe", "gone", 1));
                sub.send("PSUBSCRIBE", "gone.unique.*");
                sub.expect(frame("psubscribe", "gone.unique.*", 2));
                assertThat(cmd(j, "PUBSUB", "NUMSUB", "gone")).isEqualTo(List.of("gone", 1L));
            }
            awaitSubscribers(j, "gone", 0);
            await(WAIT, () -> cmd(j, "PUBSUB", "NUMPAT").equals(0L));
            assertThat(j.publish("gone", "x")).isZero();
        }
    }

    @Test
    void clientKillTypePubsub_closesOnlySubscribers() throws Exception {
        try (RawClient sub = server.raw(); RawClient plain = server.raw(); Jedis j = server.jedis()) {
            awaitNoSubscriptions(j);
            sub.send("SUBSCRIBE", "kill.me");
            sub.expect(frame("subscribe", "kill.me", 1));
            assertThat(plain.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(cmd(j, "CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(1L);
            sub.expectClosed();
            assertThat(plain.call("PING")).isEqualTo("+PONG\r\n");
            awaitSubscribers(j, "kill.me", 0);
        }
    }

    @Test
    void jedisSubscriber_receivesMessages() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add(channel + "=" + message);
                if (message.equals("bye")) unsubscribe();
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add(pattern + ":" + channel + "=" + message);
            }
        };
        try (Jedis sub = server.jedis(); Jedis pub = server.jedis()) {
            Thread t = new Thread(() -> sub.subscribe(listener, "jedis.ch"), "jedis-subscriber");
            t.start();
            awaitSubscribers(pub, "jedis.ch", 1);
            pub.publish("jedis.ch", "one");
            pub.publish("jedis.ch", "bye");
            t.join(WAIT.toMillis());
            assertThat(t.isAlive()).isFalse();
            assertThat(got).containsExactly("jedis.ch=one", "jedis.ch=bye");
            assertThat(sub.ping()).isEqualTo("PONG"); // back to normal after unsubscribing
        }
    }

    /**
     * Publishers on several connections (so several event loops) at once: each subscriber, RESP2 and RESP3, gets every
     * message exactly once, and each publisher's messages in the order it published them.
     */
    @Test
    void concurrentPublishers_everyMessageOnce_inEachPublishersOrder() throws Exception {
        int publishers = 4;
        int each = 2000;
        try (RawClient s2 = server.raw(); RawClient s3 = server.raw(); Jedis j = server.jedis()) {
            s2.send("SUBSCRIBE", "stress");
            s2.expect(frame("subscribe", "stress", 1));
            assertThat(s3.call("HELLO", "3")).startsWith("%7\r\n");
            assertThat(s3.call("SUBSCRIBE", "stress")).startsWith(">3\r\n");
            awaitSubscribers(j, "stress", 2);
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int id = p;
                Thread t = new Thread(() -> {
                    try (Jedis pub = server.jedis()) {
                        redis.clients.jedis.Pipeline pipe = pub.pipelined();
                        for (int n = 0; n < each; n++) pipe.publish("stress", id + ":" + n);
                        pipe.sync();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "publisher-" + p);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join(WAIT.toMillis());
            assertThat(failures).isEmpty();
            for (RawClient sub : List.of(s2, s3)) {
                int[] next = new int[publishers];
                for (int m = 0; m < publishers * each; m++) {
                    String[] lines = sub.read().split("\r\n");
                    assertThat(lines[2]).isEqualTo("message");
                    String[] payload = lines[6].split(":");
                    int id = Integer.parseInt(payload[0]);
                    assertThat(Integer.parseInt(payload[1])).as("publisher %d's next message", id).isEqualTo(next[id]);
                    next[id]++;
                }
                assertThat(next).containsOnly(each);
            }
        }
    }

    @Test
    void slowSubscriber_isClosedByThePubsubLimit_publisherNeverWaits() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("slow-subscriber"), "client-output-buffer-limit", "pubsub 1mb 0 0");
             RawClient sub = s.raw(); Jedis pub = s.jedis()) {
            sub.socket.setReceiveBufferSize(4096);
            sub.send("SUBSCRIBE", "firehose");
            sub.expect(frame("subscribe", "firehose", 1));
            // the subscriber reads nothing more; the publisher goes on and is answered every time
            String payload = "x".repeat(64 << 10);
            int published = 0;
            while (published < 2000 && !cmd(pub, "PUBSUB", "NUMSUB", "firehose").equals(List.of("firehose", 0L))) {
                assertThat(pub.publish("firehose", payload)).isBetween(0L, 1L);
                published++;
            }
            awaitSubscribers(pub, "firehose", 0);
            assertThat(pub.publish("firehose", "after")).isZero();
            assertThat(pub.ping()).isEqualTo("PONG");
            // well past the limit the connection was closed: at most the socket buffers and 1 MB were ever queued
            assertThat(published).isLessThan(2000);
        }
    }
}
