package io.cairn.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads typed replies (RESP2 and RESP3) from a blocking stream. Jedis's {@code Protocol.read} and Netty 4.2's
 * codec-redis do not fit the shell: Jedis folds simple, bulk and verbatim strings into one byte[], arrays, sets and
 * pushes into one List, and throws on an error nested in an EXEC reply; codec-redis has no RESP3 types. Lengths are
 * bounded so a broken or hostile server cannot make the shell allocate without limit. Not thread-safe.
 */
final class ReplyReader {
    /** Redis's own limit on a bulk string (proto-max-bulk-len's maximum). */
    static final long MAX_BULK = 512L * 1024 * 1024;
    /** Aggregates are read element by element; only the first allocation is capped by this. */
    private static final int MAX_PREALLOCATE = 1024;
    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;

    ReplyReader(InputStream in) {
        this.in = in;
    }

    Reply read() throws IOException {
        int type = in.read();
        if (type < 0) throw new EOFException("Server closed the connection");
        return switch (type) {
            case '+' -> new Reply.Simple(line());
            case '-' -> new Reply.Error(line());
            case ':' -> new Reply.Integer(number(line()));
            case '$' -> {
                byte[] b = blob(line());
                yield b == null ? new Reply.Nil() : new Reply.Bulk(b);
            }
            case '!' -> {
                byte[] b = blob(line());
                yield b == null ? new Reply.Nil() : new Reply.Error(new String(b, StandardCharsets.UTF_8));
            }
            case '=' -> {
                byte[] b = blob(line());
                if (b == null) yield new Reply.Nil();
                if (b.length < 4 || b[3] != ':') throw new IOException("Protocol error: bad verbatim string");
                yield new Reply.Verbatim(new String(b, 0, 3, StandardCharsets.US_ASCII), Arrays.copyOfRange(b, 4, b.length));
            }
            case '*' -> aggregate(Reply.Kind.ARRAY);
            case '~' -> aggregate(Reply.Kind.SET);
            case '>' -> aggregate(Reply.Kind.PUSH);
            case '%' -> {
                long n = number(line());
                if (n < 0) yield new Reply.Nil();
                List<Reply> keys = new ArrayList<>((int) Math.min(n, MAX_PREALLOCATE));
                List<Reply> values = new ArrayList<>((int) Math.min(n, MAX_PREALLOCATE));
                for (long i = 0; i < n; i++) {
                    keys.add(read());
                    values.add(read());
                }
                yield new Reply.Map(keys, values);
            }
            case '|' -> { // attributes describe the reply that follows; the shell shows only the reply
                long n = number(line());
                for (long i = 0; i < 2 * n; i++) read();
                yield read();
            }
            case '_' -> {
                line();
                yield new Reply.Nil();
            }
            case ',' -> new Reply.Double(line());
            case '#' -> {
                String t = line();
                if (!t.equals("t") && !t.equals("f")) throw new IOException("Protocol error: bad boolean '" + t + "'");
                yield new Reply.Bool(t.equals("t"));
            }
            case '(' -> new Reply.BigNumber(line());
            default -> throw new IOException("Protocol error, got \"" + printable(type) + "\" as reply type byte");
        };
    }

    private Reply aggregate(Reply.Kind kind) throws IOException {
        long n = number(line());
        if (n < 0) return new Reply.Nil();
        List<Reply> items = new ArrayList<>((int) Math.min(n, MAX_PREALLOCATE));
        for (long i = 0; i < n; i++) items.add(read());
        return new Reply.Aggregate(kind, items);
    }

    private byte[] blob(String header) throws IOException {
        long len = number(header);
        if (len < 0) return null;
        if (len > MAX_BULK) throw new IOException("Protocol error: string of " + len + " bytes");
        byte[] b = in.readNBytes((int) len);
        if (b.length < len || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("Server closed the connection");
        }
        return b;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("Server closed the connection");
            if (c == '\r') {
                if (in.read() != '\n') throw new IOException("Protocol error: expected \\n after \\r");
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_LINE) throw new IOException("Protocol error: line longer than " + MAX_LINE + " bytes");
            b.write(c);
        }
    }

    private static long number(String s) throws IOException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("Protocol error: bad number '" + s + "'");
        }
    }

    private static String printable(int c) {
        return c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c);
    }
}
