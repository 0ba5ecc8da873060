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
 * {@link RespLimits#maxQueryBuffer()} bounds together with the arguments of the request being assembled. Arrays grow
 * as elements arrive instead of being sized from the header. A line still waiting for its end is scanned only once
 * (the scan resumes where it stopped), so feeding a request one byte at a time costs linear time.
 *
 * <p>Malformed input raises {@link RespProtocolException} with Redis's text; the handler answers and closes. After
 * the first error every further byte is discarded: the connection is closing and nothing more will be decoded.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    private enum State { START, ARRAY_LENGTH, BULK_LENGTH, BULK_DATA, INLINE }

    private static final byte[][] EMPTY = new byte[0][];
    /** Redis's {@code string2ll} refuses 21 characters or more ({@code LONG_STR_SIZE}). */
    private static final int MAX_NUMBER_CHARS = 20;
    /** The longest byte[] the JVM makes, whatever proto-max-bulk-len says. */
    private static final long MAX_JAVA_ARRAY = Integer.MAX_VALUE - 16;
    /** What an argument costs besides its bytes (array header and the slot holding it), charged to the query buffer. */
    static final int ARG_OVERHEAD = 24;
    /** Initial capacity of the argument array, whatever the header declares. */
    static final int INITIAL_ARGS = 16;

    private final RespLimits limits;
    private final BooleanSupplier authenticated;
    private final java.util.function.LongConsumer received;

    private State state = State.START;
    private byte[][] args = EMPTY;
    private int argc;
    private long expected;
    private long bulkLength;
    /** Bytes of the current request's arguments already copied out of the buffer, with their overhead. */
    private long heldBytes; // read by CLIENT LIST from other threads: a value of about now is all it needs
    /** How far past the reader index the current line has been searched for its end without finding it. */
    private int scanned;
    private boolean failed;

    /**
     * @param authenticated whether the client has authenticated; until it has, requests are held to Redis's
     *                      pre-authentication bounds
     */
    public RespDecoder(RespLimits limits, BooleanSupplier authenticated) {
        this(limits, authenticated, n -> { });
    }

    /** @param received told the size of every buffer read from the socket (INFO's total_net_input_bytes) */
    public RespDecoder(RespLimits limits, BooleanSupplier authenticated, java.util.function.LongConsumer received) {
        this.limits = limits;
        this.authenticated = authenticated;
        this.received = received;
    }

    /** Bytes read and not yet decoded, for CLIENT LIST's qbuf; read from any thread, a value of about now. */
    public long queryBufferBytes() {
        return internalBuffer().readableBytes();
    }

    /** Room in the buffer before it grows (CLIENT LIST's qbuf-free); any thread. */
    public long queryBufferFree() {
        ByteBuf b = internalBuffer();
        return Math.max(0, b.capacity() - b.writerIndex());
    }

    /** Bytes of the request being assembled already copied out (CLIENT LIST's argv-mem); any thread. */
    public long argumentBytes() {
        return heldBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) received.accept(b.readableBytes());
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (true) {
                byte[][] request = decodeOne(in);
                if (request == null) break;
                out.add(request);
            }
            long held = in.readableBytes() + heldBytes;
            if (held > limits.maxQueryBuffer()) {
                throw new RespProtocolException("client query buffer of " + held
                        + " bytes exceeds client-query-buffer-limit " + limits.maxQueryBuffer());
            }
        } catch (RespProtocolException e) {
            failed = true;
            args = EMPTY;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** For tests: the capacity of the argument array of the request being assembled. */
    int argsCapacity() {
        return args.length;
    }

    /** One request if a whole one is buffered; null to wait for more bytes. */
    byte[][] decodeOne(ByteBuf in) {
        while (true) {
            switch (state) {
                case START -> {
                    if (!in.isReadable()) return null;
                    scanned = 0;
                    if (in.getByte(in.readerIndex()) == '*') {
                        state = State.ARRAY_LENGTH;
                    } else {
                        state = State.INLINE;
                    }
                }
                case ARRAY_LENGTH -> {
                    // the line starts with '*', left in place until the whole line is there
                    long n = readNumberLine(in, "invalid multibulk length", "too big mbulk count string");
                    if (n == NEED_MORE) return null;
                    if (n > Math.min(limits.maxArrayLength(), Integer.MAX_VALUE)) {
                        throw new RespProtocolException("invalid multibulk length");
                    }
                    if (n > RespLimits.UNAUTHENTICATED_ARRAY && !authenticated.getAsBoolean()) {
                        throw new RespProtocolException("unauthenticated multibulk length");
                    }
                    if (n <= 0) { // *0 and *-1 are empty requests: skipped, as by Redis
                        state = State.START;
                        continue;
                    }
                    expected = n;
                    argc = 0;
                    heldBytes = 0;
                    args = new byte[(int) Math.min(n, INITIAL_ARGS)][];
                    state = State.BULK_LENGTH;
                }
                case BULK_LENGTH -> {
                    if (!in.isReadable()) return null;
                    byte b = in.getByte(in.readerIndex());
                    if (b != '$') {
                        throw new RespProtocolException("expected '$', got '" + (char) (b & 0xFF) + "'");
                    }
                    long n = readNumberLine(in, "invalid bulk length", "too big bulk count string");
                    if (n == NEED_MORE) return null;
                    if (n < 0 || n > Math.min(limits.maxBulkLength(), MAX_JAVA_ARRAY)) {
                        throw new RespProtocolException("invalid bulk length");
                    }
                    if (n > RespLimits.UNAUTHENTICATED_BULK && !authenticated.getAsBoolean()) {
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
                    heldBytes += arg.length + ARG_OVERHEAD;
                    scanned = 0;
                    if (argc == expected) {
                        byte[][] done = args;
                        args = EMPTY;
                        heldBytes = 0;
                        state = State.START;
                        return done;
                    }
                    state = State.BULK_LENGTH;
                }
                case INLINE -> {
                    // the line, up to but not including its LF (a CR before it included), is at most maxInlineLength
                    int max = limits.maxInlineLength();
                    int window = Math.min(in.readableBytes(), max + 1);
                    int eol = window > scanned
                            ? in.forEachByte(in.readerIndex() + scanned, window - scanned, ByteProcessor.FIND_LF) : -1;
                    if (eol < 0) {
                        scanned = window;
                        if (in.readableBytes() > max) throw new RespProtocolException("too big inline request");
                        return null;
                    }
                    int len = eol - in.readerIndex();
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

    private static final long NEED_MORE = Long.MIN_VALUE;

    /**
     * Reads the number of a {@code *N\r\n} or {@code $N\r\n} line starting at the reader index (the type byte is
     * skipped); {@link #NEED_MORE} if the line is not complete yet, in which case nothing is consumed. As Redis, a line
     * longer than the inline limit without a CR is "too big", and the number must be what {@code string2ll} accepts:
     * no sign but '-', no leading zeros, fewer than 21 characters, within a long.
     */
    private long readNumberLine(ByteBuf in, String invalid, String tooBig) {
        int start = in.readerIndex() + 1;
        int readable = in.writerIndex() - start;
        if (readable <= 0) return NEED_MORE;
        int window = (int) Math.min(readable, limits.maxInlineLength() + 1L);
        int cr = window > scanned ? in.forEachByte(start + scanned, window - scanned, ByteProcessor.FIND_CR) : -1;
        if (cr < 0) {
            scanned = window;
            if (readable > limits.maxInlineLength()) throw new RespProtocolException(tooBig);
            return NEED_MORE;
        }
        scanned = cr - start; // the CR is found; only the LF after it may be missing
        if (cr + 1 >= in.writerIndex()) return NEED_MORE;
        if (in.getByte(cr + 1) != '\n') throw new RespProtocolException(invalid);
        long v = parseLong(in, start, cr);
        if (v == NEED_MORE) throw new RespProtocolException(invalid);
        in.readerIndex(cr + 2);
        scanned = 0;
        return v;
    }

    /** Redis's {@code string2ll} over {@code [from, to)}; {@link #NEED_MORE} when it is not a valid number. */
    static long parseLong(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len == 0 || len > MAX_NUMBER_CHARS) return NEED_MORE;
        if (len == 1 && in.getByte(from) == '0') return 0;
        int i = from;
        boolean negative = false;
        if (in.getByte(i) == '-') {
            negative = true;
            i++;
            if (i == to) return NEED_MORE;
        }
        byte first = in.getByte(i);
        if (first < '1' || first > '9') return NEED_MORE;
        long v = 0; // accumulated negative, so that Long.MIN_VALUE's magnitude fits
        for (; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') return NEED_MORE;
            int d = b - '0';
            if (v < (Long.MIN_VALUE + d) / 10) return NEED_MORE;
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) return NEED_MORE;
            return -v;
        }
        return v == Long.MIN_VALUE ? NEED_MORE : v; // MIN_VALUE is the "need more" marker: refuse it as invalid
    }
}
