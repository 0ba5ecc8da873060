package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.cairn.server.RedisAsserts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Passwords, pre-authentication bounds, maxclients, idle timeout, protected mode and TLS. */
class SecurityTest {
    @TempDir
    Path dir;
    @TempDir
    Path certs;

    @Test
    void withRequirepassCommandsNeedAuth() throws Exception {
        try (TestServer s = TestServer.start(dir, "requirepass", "s3cret"); Jedis j = s.jedis()) {
            assertThatThrownBy(() -> j.get("k")).isInstanceOf(JedisDataException.class)
                    .hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> j.set("k", "v")).hasMessage("NOAUTH Authentication required.");
        }
    }

    @Test
    void authWithTheRightPasswordOnly() throws Exception {
        try (TestServer s = TestServer.start(dir, "requirepass", "s3cret"); Jedis j = s.jedis()) {
            assertThatThrownBy(() -> j.get("k")).hasMessage("NOAUTH Authentication required.");
            assertThatThrownBy(() -> j.auth("wrong")).isInstanceOf(JedisDataException.class)
                    .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(j.auth("s3cret")).isEqualTo("OK");
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("v");
        }
    }

    @Test
    void anUnauthenticatedClientIsCutOffOnBigRequests() throws Exception {
        try (TestServer s = TestServer.start(dir, "requirepass", "s3cret")) {
            try (RawClient c = new RawClient(s.port())) {
                c.write("*11\r\n").expect("-ERR Protocol error: unauthenticated multibulk length\r\n").expectClosed();
            }
            try (RawClient c = new RawClient(s.port())) {
                c.write("*2\r\n$4\r\nECHO\r\n$16385\r\n").expect("-ERR Protocol error: unauthenticated bulk length\r\n").expectClosed();
            }
            try (RawClient c = new RawClient(s.port())) {
                // within the bounds: answered, with NOAUTH
                c.write("*2\r\n$4\r\nECHO\r\n$16384\r\n" + "e".repeat(16384) + "\r\n")
                        .expect("-NOAUTH Authentication required.\r\n");
            }
        }
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            // without a password every client is authenticated: no such bound
            c.write("*11\r\n" + "$1\r\na\r\n".repeat(11)).expect("-ERR unknown command 'a', with args beginning with: 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' 'a' \r\n");
        }
    }

    @Test
    void maxclientsRefusesTheNextClient() throws Exception {
        try (TestServer s = TestServer.start(dir, "maxclients", "2");
             RawClient a = new RawClient(s.port());
             RawClient b = new RawClient(s.port())) {
            a.write("PING\r\n").expect("+PONG\r\n");
            b.write("PING\r\n").expect("+PONG\r\n");
            try (RawClient c = new RawClient(s.port())) {
                c.expect("-ERR max number of clients reached\r\n").expectClosed();
            }
            a.close();
            // once one leaves, there is room again
            await(Duration.ofSeconds(5), () -> {
                try (RawClient c = new RawClient(s.port())) {
                    return c.write("PING\r\n").readLine().equals("+PONG\r\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void anIdleClientIsClosedAfterTimeout() throws Exception {
        try (TestServer s = TestServer.start(dir, "timeout", "1");
             RawClient idle = new RawClient(s.port());
             RawClient busy = new RawClient(s.port())) {
            idle.write("PING\r\n").expect("+PONG\r\n");
            long t0 = System.nanoTime();
            // the busy client keeps talking, a request every 250 ms, until the idle one is closed; it stays
            idle.socket.setSoTimeout(250);
            await(Duration.ofSeconds(5), () -> {
                try {
                    busy.write("PING\r\n").expect("+PONG\r\n");
                    return idle.closedByServer();
                } catch (java.net.SocketTimeoutException stillOpen) {
                    return false;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("idle client closed after").isLessThan(3_500);
            busy.write("PING\r\n").expect("+PONG\r\n");
        }
    }

    @Test
    void protectedModeRefusesOnlyNonLoopbackClientsWithoutAPassword() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, 2, 3}), 40000);
        InetSocketAddress loop4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 40000);
        InetSocketAddress loop4b = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 9, 9, 9}), 40000);
        byte[] v6 = new byte[16];
        v6[15] = 1;
        InetSocketAddress loop6 = new InetSocketAddress(InetAddress.getByAddress(v6), 40000);
        assertThat(ConnectionHandler.refusedByProtectedMode(true, false, remote)).isTrue();
        assertThat(ConnectionHandler.refusedByProtectedMode(true, true, remote)).isFalse();
        assertThat(ConnectionHandler.refusedByProtectedMode(false, false, remote)).isFalse();
        assertThat(ConnectionHandler.refusedByProtectedMode(true, false, loop4)).isFalse();
        assertThat(ConnectionHandler.refusedByProtectedMode(true, false, loop4b)).isFalse();
        assertThat(ConnectionHandler.refusedByProtectedMode(true, false, loop6)).isFalse();
        assertThat(ConnectionHandler.refusedByProtectedMode(true, false, new io.netty.channel.local.LocalAddress("x"))).isFalse();
        assertThat(ConnectionHandler.PROTECTED_MODE).startsWith("DENIED ");
        // loopback clients of a protected server without a password are served
        try (TestServer s = TestServer.start(dir, "protected-mode", "yes"); Jedis j = s.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void tlsServesJedisAndRefusesPlainText() throws Exception {
        TestCertificates tc = TestCertificates.generate(certs);
        Certificate cert = tc.cert();
        Path certPem = tc.certPem();
        Path keyPem = tc.keyPem();

        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("cairn", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);

        try (TestServer s = TestServer.start(dir, "tls-port", "6380", "tls-cert-file", certPem.toString(),
                "tls-key-file", keyPem.toString(), "tls-auth-clients", "no")) {
            assertThat(s.tlsPort()).isPositive().isNotEqualTo(6380).isNotEqualTo(s.port());
            DefaultJedisClientConfig config = DefaultJedisClientConfig.builder().ssl(true)
                    .sslSocketFactory(ssl.getSocketFactory()).socketTimeoutMillis(10_000).build();
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", s.tlsPort()), config)) {
                assertThat(j.set("tls-key", "over tls")).isEqualTo("OK");
                assertThat(j.get("tls-key")).isEqualTo("over tls");
            }
            // plain text on the TLS port gets nowhere
            assertThatThrownBy(() -> {
                try (Jedis plain = new Jedis("127.0.0.1", s.tlsPort(), 5_000)) { // Jedis may connect right here
                    plain.ping();
                }
            }).isInstanceOf(JedisConnectionException.class);
            try (RawClient raw = new RawClient(s.tlsPort())) {
                raw.write("PING\r\n").expectClosed();
            }
            // and the plain port still serves
            try (Jedis j = s.jedis()) {
                assertThat(j.get("tls-key")).isEqualTo("over tls");
            }
        }
    }
}
