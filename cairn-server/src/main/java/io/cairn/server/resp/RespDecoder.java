package io.cairn.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decodes requests, RESP multibulk ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) or inline ({@code GET k\r\n}), into
 * {@code byte[][]} argument vectors.
 *
 * <p>An explicit state machine: each step either completes or returns to wait for more bytes, so a request split at
 * any byte decodes the same. A bulk string's bytes are copied out only once all of them have arrived, so a length
 * header alone never makes the server allocate; the bytes still to come sit in Netty's cumulation buffer, which
 * {@link RespLimits#maxQueryBuffer()} bounds. Arrays grow as elements arrive instead of being sized from the header.
 *
 * <p>Malformed input raises {@link RespProtocolException} with Redis's text; the handler answers and closes.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    private enum State { START, ARRAY_LENGTH, BULK_LENGTH, BULK_DATA, INLINE }

    private static final byte[][] EMPTY = new byte[0][];
    private static final int MAX_NUMBER_LINE = 32;

    private final RespLimits limits;
    private final BooleanSupplier authenticated;

    private State state = State.START;
    private byte[][] args = EMPTY;
    private int argc;
    private long expected;
    private long bulkLength;

    /**
     * @param authenticated whether the client has authenticated; until it has, requests are held to Redis's
     *                      pre-authentication bounds
     */
    public RespDecoder(RespLimits limits, BooleanSupplier authenticated) {
        this.limits = limits;
        this.authenticated = authenticated;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            byte[][] request = decodeOne(in);
            if (request == null) break;
            out.add(request);
        }
        if (in.readableBytes() > limits.maxQueryBuffer()) {
            throw new RespProtocolException("client query buffer of " + in.readableBytes()
                    + " bytes exceeds client-query-buffer-limit " + limits.maxQueryBuffer());
        }
    }

    /** One request if a whole one is buffered; null to wait for more bytes. */
    byte[][] decodeOne(ByteBuf in) {
        while (true) {
            switch (state) {
                case START -> {
                    if (!in.isReadable()) return null;
                    if (in.getByte(in.readerIndex()) == '*') {
                        in.skipBytes(1);
                        state = State.ARRAY_LENGTH;
                    } else {
                        state = State.INLINE;
                    }
                }
                case ARRAY_LENGTH -> {
                    long n = readNumberLine(in, "invalid multibulk length", "too big mbulk count string");
                    if (n == Long.MIN_VALUE) return null;
                    boolean auth = authenticated.getAsBoolean();
                    if (!auth && n > RespLimits.UNAUTHENTICATED_ARRAY) {
                        throw new RespProtocolException("unauthenticated multibulk length");
                    }
                    if (n > limits.maxArrayLength()) throw new RespProtocolException("invalid multibulk length");
                    if (n <= 0) { // *0 and *-1 are empty requests: skipped, as by Redis
                        state = State.START;
                        continue;
                    }
                    expected = n;
                    argc = 0;
                    args = new byte[(int) Math.min(n, 64)][];
                    state = State.BULK_LENGTH;
                }
                case BULK_LENGTH -> {
                    if (!in.isReadable()) return null;
                    byte b = in.getByte(in.readerIndex());
                    if (b != '$') {
                        throw new RespProtocolException("expected '$', got '" + (char) (b & 0xFF) + "'");
                    }
                    int save = in.readerIndex();
                    in.skipBytes(1);
                    long n = readNumberLine(in, "invalid bulk length", "too big bulk count string");
                    if (n == Long.MIN_VALUE) {
                        in.readerIndex(save);
                        return null;
                    }
                    if (n < 0 || n > limits.maxBulkLength()) throw new RespProtocolException("invalid bulk length");
                    if (!authenticated.getAsBoolean() && n > RespLimits.UNAUTHENTICATED_BULK) {
                        throw new RespProtocolException("unauthenticated bulk length");
                    }
                    bulkLength = n;
                    state = State.BULK_DATA;
                }
                case BULK_DATA -> {
                    if (in.readableBytes() < bulkLength + 2) return null;
                    byte[] arg = new byte[(int) bulkLength];
                    in.readBytes(arg);
                    // Redis skips the two bytes after a bulk string without checking them; so do we
                    in.skipBytes(2);
                    if (argc == args.length) args = Arrays.copyOf(args, (int) Math.min(expected, args.length * 2L));
                    args[argc++] = arg;
                    if (argc == expected) {
                        byte[][] done = args;
                        args = EMPTY;
                        state = State.START;
                        return done;
                    }
                    state = State.BULK_LENGTH;
                }
                case INLINE -> {
                    int eol = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), limits.maxInlineLength() + 2),
                            ByteProcessor.FIND_LF);
                    if (eol < 0) {
                        if (in.readableBytes() > limits.maxInlineLength()) {
                            throw new RespProtocolException("too big inline request");
                        }
                        return null;
                    }
                    int len = eol - in.readerIndex();
                    if (len > limits.maxInlineLength()) throw new RespProtocolException("too big inline request");
                    byte[] line = new byte[len > 0 && in.getByte(eol - 1) == '\r' ? len - 1 : len];
                    in.getBytes(in.readerIndex(), line);
                    in.readerIndex(eol + 1);
                    state = State.START;
                    byte[][] split = InlineParser.split(line);
                    if (split.length == 0) continue; // an empty line is skipped
                    return split;
                }
            }
        }
    }

    /**
     * Reads a decimal line ending in CRLF; {@link Long#MIN_VALUE} if the line is not complete yet (nothing consumed).
     */
    private static long readNumberLine(ByteBuf in, String invalid, String tooBig) {
        int start = in.readerIndex();
        int limit = Math.min(in.readableBytes(), MAX_NUMBER_LINE);
        int cr = in.forEachByte(start, limit, ByteProcessor.FIND_CR);
        if (cr < 0) {
            if (in.readableBytes() >= MAX_NUMBER_LINE) throw new RespProtocolException(tooBig);
            return Long.MIN_VALUE;
        }
        if (cr + 1 >= in.writerIndex()) return Long.MIN_VALUE; // the LF has not arrived
        if (in.getByte(cr + 1) != '\n') throw new RespProtocolException(invalid);
        long v = 0;
        boolean negative = false;
        int i = start;
        if (i < cr && in.getByte(i) == '-') {
            negative = true;
            i++;
        }
        if (i == cr) throw new RespProtocolException(invalid);
        for (; i < cr; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') throw new RespProtocolException(invalid);
            v = v * 10 + (b - '0');
            if (v > (1L << 40)) throw new RespProtocolException(invalid);
        }
        in.readerIndex(cr + 2);
        return negative ? -v : v;
    }
}
