package io.cairn.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** A plain socket to a test server on loopback: writes bytes as given, reads replies byte-exact. */
final class SocketClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SocketClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    SocketClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    SocketClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** Reads exactly {@code n} bytes. */
    byte[] read(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            fail("connection closed after " + b.length + " of " + n + " bytes: " + show(new String(b, StandardCharsets.ISO_8859_1)));
        }
        return b;
    }

    /** Reads one line, CRLF included. */
    String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) fail("connection closed after " + show(b.toString(StandardCharsets.ISO_8859_1)));
            b.write(c);
            if (prev == '\r' && c == '\n') return b.toString(StandardCharsets.ISO_8859_1);
            prev = c;
        }
    }

    /** Asserts the next bytes are exactly {@code expected}. */
    SocketClient expect(String expected) throws IOException {
        String got = new String(read(expected.length()), StandardCharsets.ISO_8859_1);
        assertThat(show(got)).isEqualTo(show(expected));
        return this;
    }

    /** Asserts the server closes the connection (end of stream or reset) with nothing more to read. */
    void expectClosed() throws IOException {
        try {
            int c = in.read();
            assertThat(c).as("expected the connection closed, got a byte").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail("the connection is still open");
        } catch (SocketException e) {
            // reset: closed too
        }
    }

    static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
