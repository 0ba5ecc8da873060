package io.cairn.server.resp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes replies into a connection's output buffer in the client's protocol, RESP2 or RESP3 ({@code HELLO 3}). Where
 * RESP3 has a type RESP2 lacks (null, map, set, double, boolean, verbatim), the RESP2 form is what Redis sends.
 *
 * <p>Not thread-safe: one per connection, used on its event loop. Common replies are preencoded.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int SHARED_INTEGERS = 10_000;
    private static final byte[][] INTEGERS = new byte[SHARED_INTEGERS][];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) INTEGERS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private ByteBuf out;
    private int protocol = 2;

    public Reply(ByteBuf out) {
        this.out = out;
    }

    public ByteBuf buffer() {
        return out;
    }

    /** Replaces the buffer replies go to (the previous one was handed to the channel). */
    public void buffer(ByteBuf out) {
        this.out = out;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    // ---------------------------------------------------------------- simple types

    public void ok() {
        out.writeBytes(OK);
    }

    public void pong() {
        out.writeBytes(PONG);
    }

    public void queued() {
        out.writeBytes(QUEUED);
    }

    /** A simple string; must not contain CR or LF. */
    public void simple(String s) {
        out.writeByte('+');
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    /**
     * An error. {@code message} starts with its code ({@code ERR}, {@code WRONGTYPE}, ...), as Redis's do; line breaks
     * in it are replaced with spaces so the reply stays one line.
     */
    public void error(String message) {
        out.writeByte('-');
        out.writeCharSequence(message.replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    public void integer(long v) {
        if (v >= 0 && v < SHARED_INTEGERS) {
            out.writeBytes(INTEGERS[(int) v]);
            return;
        }
        out.writeByte(':');
        writeDecimal(v);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] v) {
        if (v == null) {
            nullBulk();
            return;
        }
        out.writeByte('$');
        writeDecimal(v.length);
        out.writeBytes(CRLF);
        out.writeBytes(v);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] v, int offset, int length) {
        out.writeByte('$');
        writeDecimal(length);
        out.writeBytes(CRLF);
        out.writeBytes(v, offset, length);
        out.writeBytes(CRLF);
    }

    public void bulk(String s) {
        bulk(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** A missing value: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nullBulk() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_BULK);
    }

    /** A missing array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY);
    }

    /** A double: RESP3's {@code ,} type, a bulk string in RESP2 (as Redis formats it). */
    public void doubleValue(double v) {
        String s = formatDouble(v);
        if (protocol == 3) {
            out.writeByte(',');
            out.writeCharSequence(s, StandardCharsets.US_ASCII);
            out.writeBytes(CRLF);
        } else {
            bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A boolean: RESP3's {@code #t}/{@code #f}, {@code :1}/{@code :0} in RESP2. */
    public void bool(boolean v) {
        if (protocol == 3) out.writeBytes(v ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
        else integer(v ? 1 : 0);
    }

    /** Verbatim text (RESP3 {@code =}, format {@code txt}); a bulk string in RESP2. Used by INFO and CLIENT INFO. */
    public void verbatim(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (protocol != 3) {
            bulk(b);
            return;
        }
        out.writeByte('=');
        writeDecimal(b.length + 4);
        out.writeBytes(CRLF);
        out.writeCharSequence("txt:", StandardCharsets.US_ASCII);
        out.writeBytes(b);
        out.writeBytes(CRLF);
    }

    // ---------------------------------------------------------------- aggregates

    public void array(int n) {
        if (n == 0) {
            out.writeBytes(EMPTY_ARRAY);
            return;
        }
        out.writeByte('*');
        writeDecimal(n);
        out.writeBytes(CRLF);
    }

    /** A map of {@code n} pairs: RESP3 {@code %}, a flat array of 2n elements in RESP2. */
    public void map(int n) {
        if (protocol == 3) {
            out.writeByte('%');
            writeDecimal(n);
            out.writeBytes(CRLF);
        } else {
            array(2 * n);
        }
    }

    /** A set: RESP3 {@code ~}, an array in RESP2. */
    public void set(int n) {
        if (protocol == 3) {
            out.writeByte('~');
            writeDecimal(n);
            out.writeBytes(CRLF);
        } else {
            array(n);
        }
    }

    /** A RESP3 push message header ({@code >}); used for out-of-band data. */
    public void push(int n) {
        out.writeByte(protocol == 3 ? '>' : '*');
        writeDecimal(n);
        out.writeBytes(CRLF);
    }

    public void raw(byte[] bytes) {
        out.writeBytes(bytes);
    }

    // ---------------------------------------------------------------- helpers

    private void writeDecimal(long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        out.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
    }

    /** Formats a double as Redis replies with one: shortest round-trip form, {@code inf}/{@code -inf}, no {@code .0}. */
    public static String formatDouble(double v) {
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (Double.isNaN(v)) return "nan";
        if (v == Math.rint(v) && Math.abs(v) < 1e17) return Long.toString((long) v);
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
