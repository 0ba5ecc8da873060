package io.cairn.server;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Every client-controlled size is bounded: bulk length, query buffer, output buffer; pipelines keep order. */
class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void aBulkOverProtoMaxBulkLenIsRefusedAndClosed() throws Exception {
        try (TestServer s = TestServer.start(dir, "proto-max-bulk-len", "1mb"); RawClient c = new RawClient(s.port())) {
            c.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + ((1 << 20) + 1) + "\r\n")
                    .expect("-ERR Protocol error: invalid bulk length\r\n").expectClosed();
            // exactly the limit is fine
            try (RawClient ok = new RawClient(s.port()); Jedis j = s.jedis()) {
                ok.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (1 << 20) + "\r\n");
                ok.write(new byte[1 << 20]).write("\r\n").expect("+OK\r\n");
                assertThat(j.strlen("k")).isEqualTo(1 << 20);
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                // STRLEN may not be there yet: GET instead
                try (Jedis j = s.jedis()) {
                    assertThat(j.get("k".getBytes(StandardCharsets.UTF_8))).hasSize(1 << 20);
                }
            }
        }
    }

    @Test
    void aQueryBufferOverTheLimitIsRefusedAndClosed() throws Exception {
        try (TestServer s = TestServer.start(dir, "client-query-buffer-limit", "1mb"); RawClient c = new RawClient(s.port())) {
            // a 2 MB bulk (under proto-max-bulk-len) whose bytes pile up past the 1 MB query buffer
            c.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (2 << 20) + "\r\n");
            c.write(new byte[(1 << 20) - 4096]);
            c.write(new byte[8192]); // now over: however the bytes arrive, the held total passes the limit
            assertThat(c.readLine()).startsWith("-ERR Protocol error: client query buffer of ")
                    .contains("exceeds client-query-buffer-limit 1048576");
            c.expectClosed();
            try (Jedis j = s.jedis()) {
                assertThat(j.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void aSingleReplyOverTheHardOutputLimitClosesOnlyThatClient() throws Exception {
        try (TestServer s = TestServer.start(dir, "client-output-buffer-limit", "normal 1mb 0 0");
             Jedis other = s.jedis()) {
            byte[] big = new byte[4 << 20];
            Arrays.fill(big, (byte) 'v');
            assertThat(other.set("big".getBytes(StandardCharsets.UTF_8), big)).isEqualTo("OK");
            try (RawClient c = new RawClient(s.port())) {
                // a pipeline of GETs of a 4 MB value, never read: the first reply is already past the limit
                c.write("GET big\r\n".repeat(1000));
                c.expectClosed(); // nothing of the reply was sent
            }
            assertThat(other.ping()).isEqualTo("PONG");
            assertThat(other.set("small", "1")).isEqualTo("OK");
            assertThat(other.get("small")).isEqualTo("1");
        }
    }

    @Test
    void aClientThatPipelinesBigRepliesWithoutReadingHoldsBoundedMemory() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis other = s.jedis()) {
            byte[] big = new byte[1 << 20];
            Arrays.fill(big, (byte) 'w');
            other.set("big".getBytes(StandardCharsets.UTF_8), big);
            int n = 500; // 500 MB of replies if the server produced them all at once
            long base = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            try (RawClient c = new RawClient(s.port())) {
                c.socket.setReceiveBufferSize(64 << 10);
                c.write("GET big\r\n".repeat(n));
                long peak = 0;
                for (int i = 0; i < 20; i++) {
                    Thread.sleep(50);
                    peak = Math.max(peak, PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - base);
                }
                assertThat(peak).as("direct memory held for a client that does not read").isLessThan(64L << 20);
                assertThat(other.ping()).isEqualTo("PONG");
                // once it reads, every reply comes, in order
                byte[] header = "$1048576\r\n".getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < n; i++) {
                    assertThat(c.read(header.length)).isEqualTo(header);
                    byte[] body = c.read((1 << 20) + 2);
                    assertThat(body[0]).isEqualTo((byte) 'w');
                    assertThat(body[(1 << 20) + 1]).isEqualTo((byte) '\n');
                }
                c.write("PING\r\n").expect("+PONG\r\n");
            }
        }
    }

    @Test
    void tenThousandPipelinedCommandsGetTenThousandRepliesInOrder() throws Exception {
        try (TestServer s = TestServer.start(dir, "appendfsync", "always"); RawClient c = new RawClient(s.port())) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                String k = "key:" + i;
                String v = "value-" + i;
                req.writeBytes(("*3\r\n$3\r\nSET\r\n$" + k.length() + "\r\n" + k + "\r\n$" + v.length() + "\r\n" + v + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                req.writeBytes(("GET " + k + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                expected.append("+OK\r\n$").append(v.length()).append("\r\n").append(v).append("\r\n");
            }
            c.write(req.toByteArray()); // one write
            c.expect(expected.toString());
            c.write("DBSIZE\r\n").expect(":5000\r\n");
        }
    }
}
