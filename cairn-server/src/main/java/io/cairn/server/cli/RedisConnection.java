package io.cairn.server.cli;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One blocking connection to a Redis-protocol server, plain or TLS: commands out as RESP arrays of bulk strings,
 * replies in through {@link ReplyReader}. TLS material is PEM (as redis-cli's {@code --cacert --cert --key}), read
 * with Netty's SslContextBuilder, which the server uses too. Not thread-safe, except {@link #close}, which another
 * thread may call to end a blocking read (Ctrl-C in a SUBSCRIBE loop).
 */
final class RedisConnection implements Closeable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /** A connection idle this long is probed before use: the server may have gone away meanwhile. */
    private static final long PROBE_AFTER_IDLE_NANOS = 50_000_000L;

    private final Socket socket;
    private final OutputStream out;
    private final BufferedInputStream bytesIn;
    private final ReplyReader in;
    private long lastUsed = System.nanoTime();

    private RedisConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.bytesIn = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.in = new ReplyReader(bytesIn);
    }

    /**
     * Whether the server has closed this connection since it was last used (it restarted, or timed the client out).
     * Writing to such a connection succeeds, and only the reply is lost, so the shell asks first, with a read that
     * waits at most a millisecond, and unless {@code always}, only after the connection sat idle, so piped commands pay
     * nothing.
     */
    boolean closedWhileIdle(boolean always) {
        if (!always && System.nanoTime() - lastUsed < PROBE_AFTER_IDLE_NANOS) return false;
        try {
            if (bytesIn.available() > 0) return false;
            socket.setSoTimeout(1);
            bytesIn.mark(1);
            if (bytesIn.read() < 0) return true;
            bytesIn.reset();
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            try {
                socket.setSoTimeout(0);
            } catch (IOException ignored) {
                // the socket is closed: the next use reports it
            }
        }
    }

    /** Connects, and completes the TLS handshake when {@code tls} is set, so a bad certificate shows here. */
    static RedisConnection open(CliOptions o) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(o.host, o.port), CONNECT_TIMEOUT_MILLIS);
            if (o.tls) {
                SSLSocket ssl = (SSLSocket) sslContext(o).getSocketFactory().createSocket(s, o.host, o.port, true);
                SSLParameters p = ssl.getSSLParameters();
                if (!o.insecure) p.setEndpointIdentificationAlgorithm("HTTPS");
                String sni = o.sni != null ? o.sni : o.host;
                if (!sni.isEmpty() && !Character.isDigit(sni.charAt(0)) && !sni.contains(":")) {
                    p.setServerNames(List.of(new SNIHostName(sni)));
                }
                ssl.setSSLParameters(p);
                ssl.startHandshake();
                return new RedisConnection(ssl);
            }
            return new RedisConnection(s);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static javax.net.ssl.SSLContext sslContext(CliOptions o) throws IOException {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (o.insecure) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (o.cacert != null) {
                b.trustManager(new File(o.cacert));
            }
            if (o.cert != null || o.key != null) {
                if (o.cert == null || o.key == null) throw new IOException("--cert and --key go together");
                b.keyManager(new File(o.cert), new File(o.key));
            }
            SslContext ctx = b.build();
            return ((JdkSslContext) ctx).context();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not set up TLS: " + e.getMessage(), e);
        }
    }

    void send(List<byte[]> args) throws IOException {
        out.write(('*' + Integer.toString(args.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.write(('$' + Integer.toString(a.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(a);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    Reply read() throws IOException {
        Reply r = in.read();
        lastUsed = System.nanoTime();
        return r;
    }

    Reply call(List<byte[]> args) throws IOException {
        send(args);
        return read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
