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

/**
 * A plain socket to a test server on loopback, for tests that assert the exact bytes of a reply (RESP2 or RESP3).
 * {@link #call} sends one command as a RESP array and returns one whole reply, every byte of it, as ISO-8859-1 text;
 * {@link #write} sends bytes exactly as given (malformed frames, inline commands) and {@link #expect} checks the next
 * bytes read.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    RawClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A bulk string as RESP writes it. */
    static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    String call(String... args) throws IOException {
        send(args);
        return read();
    }

    void send(String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(v);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /** Sends {@code s} as it is (ISO-8859-1), not as a command array. */
    RawClient write(String s) throws IOException {
        return write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient write(byte[] b) throws IOException {
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
        String line = line(b);
        if (line == null) fail("connection closed before a line");
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Asserts the next bytes are exactly {@code expected}. */
    RawClient expect(String expected) throws IOException {
        String got = new String(read(expected.length()), StandardCharsets.ISO_8859_1);
        assertThat(show(got)).isEqualTo(show(expected));
        return this;
    }

    /** Asserts the server closes the connection (end of stream or reset) with nothing more to read. */
    void expectClosed() throws IOException {
        try {
            assertThat(closedByServer()).as("expected the connection closed, got a byte").isTrue();
        } catch (SocketTimeoutException e) {
            fail("the connection is still open");
        }
    }

    static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** One complete reply, or null if the server closed the connection before sending any byte of one. */
    String read() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (!value(b)) return null;
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection (reads end of stream within the timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true; // reset: closed too
        }
    }

    private boolean value(ByteArrayOutputStream b) throws IOException {
        String line = line(b);
        if (line == null) return false;
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '$', '!', '=' -> {
                int n = Integer.parseInt(rest);
                if (n >= 0) {
                    b.writeBytes(in.readNBytes(n + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(rest);
                for (int i = 0; i < n; i++) value(b);
            }
            case '%', '|' -> {
                int n = Integer.parseInt(rest);
                for (int i = 0; i < 2 * n; i++) value(b);
            }
            default -> {
                // + - : _ , # ( : one line
            }
        }
        return true;
    }

    private String line(ByteArrayOutputStream b) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int ch = in.read();
            if (ch < 0) {
                if (sb.length() == 0) return null;
                throw new IOException("connection closed inside a reply: " + sb);
            }
            b.write(ch);
            if (prev == '\r' && ch == '\n') {
                return sb.substring(0, sb.length() - 1);
            }
            sb.append((char) ch);
            prev = ch;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
