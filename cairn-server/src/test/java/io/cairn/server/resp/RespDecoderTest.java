package io.cairn.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The decoder byte by byte, through Netty's {@link EmbeddedChannel}: every frame decodes the same whole, split at every
 * byte and split at random; every error has Redis's text, whichever way the bytes arrive.
 */
class RespDecoderTest {
    /** Small limits, so that the limit paths are cheap to reach. */
    static final RespLimits SMALL = new RespLimits(1 << 20, 1 << 20, 1024, 4 << 20);

    // ------------------------------------------------------------------ valid frames

    /** Frame text -> the argument vectors it decodes to. */
    static Map<String, String[][]> validFrames() {
        Map<String, String[][]> m = new LinkedHashMap<>();
        m.put("*1\r\n$4\r\nPING\r\n", r(a("PING")));
        m.put("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", r(a("SET", "k", "hello")));
        m.put("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", r(a("SET", "k", "")));
        // binary-safe bulk: CR, LF, NUL and high bytes inside
        m.put("*2\r\n$4\r\nECHO\r\n$8\r\na\r\n\0b\n\r\u00ff\r\n", r(a("ECHO", "a\r\n\0b\n\r\u00ff")));
        m.put("*2\r\n$4\r\nECHO\r\n$2\r\n\r\n\r\n", r(a("ECHO", "\r\n")));
        // *0 and *-1 are skipped
        m.put("*0\r\n", r());
        m.put("*-1\r\n", r());
        m.put("*0\r\n*-1\r\n*1\r\n$1\r\nx\r\n", r(a("x")));
        // Redis does not check the two bytes after a bulk string
        m.put("*1\r\n$1\r\nxYZ", r(a("x")));
        // more arguments than the initial capacity of the argument array
        StringBuilder many = new StringBuilder("*40\r\n");
        String[] manyArgs = new String[40];
        for (int i = 0; i < 40; i++) {
            manyArgs[i] = "a" + i;
            many.append('$').append(manyArgs[i].length()).append("\r\n").append(manyArgs[i]).append("\r\n");
        }
        m.put(many.toString(), r(manyArgs));
        // inline
        m.put("PING\r\n", r(a("PING")));
        m.put("PING\n", r(a("PING")));
        m.put("SET a b\n", r(a("SET", "a", "b")));
        m.put("\r\n\n  \r\n\t\nGET a\r\n", r(a("GET", "a")));
        m.put("  leading  spaces\t\ttabs  \r\n", r(a("leading", "spaces", "tabs")));
        m.put("SET k \"\\x41\\x4a\\x4B\"\r\n", r(a("SET", "k", "AJK")));
        m.put("SET k \"a\\nb\\rc\\td\\be\\af\\\\g\\\"h\"\r\n", r(a("SET", "k", "a\nb\rc\td\be\u0007f\\g\"h")));
        m.put("SET k \"\\x4g\\q\"\r\n", r(a("SET", "k", "x4gq"))); // not a hex escape: the x stands for itself
        m.put("SET 'it\\'s' x\r\n", r(a("SET", "it's", "x")));
        m.put("SET 'a\\nb' x\r\n", r(a("SET", "a\\nb", "x"))); // single quotes: only \' is an escape
        m.put("SET k \"\"\r\n", r(a("SET", "k", "")));
        m.put("SET k ''\r\n", r(a("SET", "k", "")));
        m.put("ab\"cd ef\" g\r\n", r(a("abcd ef", "g")));
        m.put("\"a b\"\t'c d'\r\n", r(a("a b", "c d")));
        m.put("a\fb \u000bc\r\n", r(a("a\fb", "c"))); // \f ends no unquoted argument; it is skipped before one
        m.put("GET a\0ignored \"unbalanced\r\n", r(a("GET", "a"))); // a NUL ends the line, as in Redis's C string
        m.put("GET caf\u00e9\r\n", r(a("GET", "caf\u00e9")));
        m.put("GET a\r\r\n", r(a("GET", "a"))); // the second CR is blank
        // mixed inline and multibulk
        m.put("PING\r\n*1\r\n$4\r\nPING\r\nPING\n", r(a("PING"), a("PING"), a("PING")));
        return m;
    }

    @Test
    void everyValidFrameDecodesTheSameWholeAndOneByteAtATime() {
        for (Map.Entry<String, String[][]> e : validFrames().entrySet()) {
            byte[] frame = bytes(e.getKey());
            List<String[]> expected = Arrays.asList(e.getValue());
            assertThat(strings(decodeWhole(frame))).as("whole %s", show(e.getKey())).containsExactlyElementsOf(expected);
            assertThat(strings(decodeSplit(frame, 1))).as("bytewise %s", show(e.getKey())).containsExactlyElementsOf(expected);
            // every single split point
            for (int cut = 1; cut < frame.length; cut++) {
                EmbeddedChannel ch = channel(SMALL, () -> true);
                ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, 0, cut)));
                ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, cut, frame.length)));
                assertThat(strings(drain(ch))).as("cut at %d: %s", cut, show(e.getKey())).containsExactlyElementsOf(expected);
                ch.finishAndReleaseAll();
            }
        }
    }

    @Test
    void pipelinedFramesDecodeInOrderWhateverTheSplits() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String[]> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, String[][]> e : validFrames().entrySet()) {
                if (e.getKey().equals("*1\r\n$1\r\nxYZ")) continue; // its trailer would eat the next frame's bytes
                all.writeBytes(bytes(e.getKey()));
                expected.addAll(Arrays.asList(e.getValue()));
            }
        }
        byte[] stream = all.toByteArray();
        assertThat(strings(decodeWhole(stream))).containsExactlyElementsOf(expected);
        assertThat(strings(decodeSplit(stream, 1))).containsExactlyElementsOf(expected);
        Random rnd = new Random(42);
        for (int i = 0; i < 50; i++) {
            assertThat(strings(decodeRandomSplits(stream, rnd))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLongBulkAndALongInlineLineAtTheLimitDecode() {
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(bytes("*2\r\n$4\r\nECHO\r\n$" + big.length + "\r\n"));
        f.writeBytes(big);
        f.writeBytes(bytes("\r\n"));
        List<byte[][]> out = decodeSplit(f.toByteArray(), 997);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)[1]).isEqualTo(big);

        // an inline line of exactly the limit (CR included, LF not) is accepted
        String line = "ECHO " + "x".repeat(SMALL.maxInlineLength() - 6) + "\r\n";
        assertThat(strings(decodeSplit(bytes(line), 1)).get(0)[1]).hasSize(SMALL.maxInlineLength() - 6);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void everyErrorHasRedisText() {
        String tooBigNumber = "1".repeat(SMALL.maxInlineLength() + 10);
        assertError("*abc\r\n", "invalid multibulk length");
        assertError("*\r\n", "invalid multibulk length");
        assertError("*-\r\n", "invalid multibulk length");
        assertError("*01\r\n", "invalid multibulk length"); // string2ll: no leading zeros
        assertError("*1 \r\n", "invalid multibulk length");
        assertError("*+1\r\n", "invalid multibulk length");
        assertError("*1\rX", "invalid multibulk length");
        assertError("*" + "9".repeat(21) + "\r\n", "invalid multibulk length");
        assertError("*3000000000\r\n", "invalid multibulk length"); // more than INT_MAX, also before AUTH
        assertError("*2000000\r\n", "invalid multibulk length"); // over SMALL's maxArrayLength
        assertError("*1\r\nx", "expected '$', got 'x'");
        assertError("*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'");
        assertError("*1\r\n$-1\r\n", "invalid bulk length");
        assertError("*1\r\n$-5\r\n", "invalid bulk length");
        assertError("*1\r\n$abc\r\n", "invalid bulk length");
        assertError("*1\r\n$\r\n", "invalid bulk length");
        assertError("*1\r\n$007\r\n", "invalid bulk length");
        assertError("*1\r\n$" + ((1 << 20) + 1) + "\r\n", "invalid bulk length"); // > proto-max-bulk-len
        assertError("*1\r\n$99999999999999999999\r\n", "invalid bulk length"); // overflows a long
        assertError("*" + tooBigNumber, "too big mbulk count string");
        assertError("*1\r\n$" + tooBigNumber, "too big bulk count string");
        assertError("GET " + "x".repeat(SMALL.maxInlineLength()), "too big inline request");
        assertError("GET " + "x".repeat(SMALL.maxInlineLength()) + "\r\n", "too big inline request");
        assertError("SET k \"abc\r\n", "unbalanced quotes in request");
        assertError("SET k 'abc\r\n", "unbalanced quotes in request");
        assertError("SET k \"abc\"d\r\n", "unbalanced quotes in request");
        assertError("SET k 'abc'd\r\n", "unbalanced quotes in request");
        assertError("SET k \"abc\\\"\r\n", "unbalanced quotes in request");
        assertError("SET k \"a\0bc\"\r\n", "unbalanced quotes in request");
    }

    @Test
    void beforeAuthenticationOnlyShortRequestsAreAccepted() {
        BooleanSupplier no = () -> false;
        assertError("*11\r\n", "unauthenticated multibulk length", RespLimits.REDIS, no);
        assertError("*1\r\n$16385\r\n", "unauthenticated bulk length", RespLimits.REDIS, no);
        assertError("*1000\r\n", "unauthenticated multibulk length", RespLimits.REDIS, no);
        // the bounds themselves are fine
        String ten = "*10\r\n" + "$1\r\na\r\n".repeat(10);
        assertThat(decodeSplit(bytes(ten), 1, RespLimits.REDIS, no)).hasSize(1);
        String bulk = "*1\r\n$16384\r\n" + "b".repeat(16384) + "\r\n";
        assertThat(decodeSplit(bytes(bulk), 100, RespLimits.REDIS, no)).hasSize(1);
        // and authenticated clients may go past them
        assertThat(decodeSplit(bytes("*11\r\n" + "$1\r\na\r\n".repeat(11)), 1, RespLimits.REDIS, () -> true)).hasSize(1);
        assertThat(decodeSplit(bytes("*1\r\n$16385\r\n" + "b".repeat(16385) + "\r\n"), 1000, RespLimits.REDIS, () -> true)).hasSize(1);
    }

    @Test
    void theQueryBufferLimitCountsBufferedBytesAndTheArgumentsAlreadyRead() {
        RespLimits tiny = new RespLimits(1 << 20, 1 << 20, 1024, 10_000);
        // one big bulk whose bytes are still arriving
        String big = "*1\r\n$50000\r\n" + "z".repeat(20_000);
        assertThat(errorWhole(bytes(big), tiny, () -> true)).startsWith("client query buffer of ");
        assertThat(errorSplit(bytes(big), 1000, tiny, () -> true)).startsWith("client query buffer of ");
        // many finished arguments of a request that never ends
        String many = "*100\r\n" + ("$1000\r\n" + "y".repeat(1000) + "\r\n").repeat(20);
        assertThat(errorSplit(bytes(many), 100, tiny, () -> true)).startsWith("client query buffer of ");
        // many requests at once are fine: each is handed on
        String pipeline = "*1\r\n$1000\r\n" + "y".repeat(1000) + "\r\n";
        assertThat(decodeWhole(bytes(pipeline.repeat(50)), tiny)).hasSize(50);
    }

    @Test
    void theRequestsBeforeAnErrorAreDecodedAndNothingAfterIt() {
        EmbeddedChannel ch = channel(SMALL, () -> true);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("PING\r\n*1\r\n$1\r\na\r\n*x\r\nPING\r\n"))))
                .isInstanceOf(DecoderException.class).hasRootCauseInstanceOf(RespProtocolException.class);
        assertThat(strings(drain(ch))).containsExactly(a("PING"), a("a"));
        // once failed, the decoder swallows everything
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("PING\r\n*1\r\n$4\r\nPING\r\n")));
        assertThat(drain(ch)).isEmpty();
        ch.finishAndReleaseAll();
    }

    // ------------------------------------------------------------------ no allocation from a declared length

    @Test
    void aHugeDeclaredLengthAllocatesNothingBig() {
        RespLimits wide = new RespLimits(512L << 20, Integer.MAX_VALUE, 64 << 10, 1L << 30);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();

        RespDecoder d = new RespDecoder(wide, () -> true);
        EmbeddedChannel ch = new EmbeddedChannel(d);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("*1\r\n"))); // warm up the path
        long before = mx.getThreadAllocatedBytes(tid);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("$536870912\r\n")));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(drain(ch)).isEmpty();
        assertThat(allocated).as("bytes allocated for a 512 MiB bulk header").isLessThan(1 << 20);
        ch.finishAndReleaseAll();

        d = new RespDecoder(wide, () -> true);
        ch = new EmbeddedChannel(d);
        before = mx.getThreadAllocatedBytes(tid);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("*2147483647\r\n$1\r\na\r\n")));
        allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(drain(ch)).isEmpty();
        assertThat(d.argsCapacity()).isLessThanOrEqualTo(RespDecoder.INITIAL_ARGS);
        assertThat(allocated).as("bytes allocated for a 2^31-1 element header").isLessThan(1 << 20);
        // the array grows with the elements that really arrive
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("$1\r\nb\r\n".repeat(100))));
        assertThat(d.argsCapacity()).isBetween(101, 256);
        ch.finishAndReleaseAll();
    }

    // ------------------------------------------------------------------ helpers

    static String[] a(String... s) {
        return s;
    }

    static String[][] r(String[]... s) {
        return s;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String show(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }

    static List<String[]> strings(List<byte[][]> requests) {
        List<String[]> out = new ArrayList<>();
        for (byte[][] req : requests) {
            String[] s = new String[req.length];
            for (int i = 0; i < req.length; i++) s[i] = new String(req[i], StandardCharsets.ISO_8859_1);
            out.add(s);
        }
        return out;
    }

    static EmbeddedChannel channel(RespLimits limits, BooleanSupplier auth) {
        return new EmbeddedChannel(new RespDecoder(limits, auth));
    }

    static List<byte[][]> drain(EmbeddedChannel ch) {
        List<byte[][]> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) out.add((byte[][]) o);
        return out;
    }

    static List<byte[][]> decodeWhole(byte[] frame) {
        return decodeWhole(frame, SMALL);
    }

    static List<byte[][]> decodeWhole(byte[] frame, RespLimits limits) {
        EmbeddedChannel ch = channel(limits, () -> true);
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        List<byte[][]> out = drain(ch);
        ch.finishAndReleaseAll();
        return out;
    }

    static List<byte[][]> decodeSplit(byte[] frame, int chunk) {
        return decodeSplit(frame, chunk, SMALL, () -> true);
    }

    static List<byte[][]> decodeSplit(byte[] frame, int chunk, RespLimits limits, BooleanSupplier auth) {
        EmbeddedChannel ch = channel(limits, auth);
        List<byte[][]> out = new ArrayList<>();
        for (int i = 0; i < frame.length; i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(frame, i, Math.min(frame.length, i + chunk))));
            out.addAll(drain(ch));
        }
        ch.finishAndReleaseAll();
        return out;
    }

    static List<byte[][]> decodeRandomSplits(byte[] frame, Random rnd) {
        EmbeddedChannel ch = channel(SMALL, () -> true);
        List<byte[][]> out = new ArrayList<>();
        int i = 0;
        while (i < frame.length) {
            int n = Math.min(frame.length - i, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 200));
            ByteBuf b = Unpooled.buffer(n);
            b.writeBytes(frame, i, n);
            ch.writeInbound(b);
            out.addAll(drain(ch));
            i += n;
        }
        ch.finishAndReleaseAll();
        return out;
    }

    static void assertError(String input, String message) {
        assertError(input, message, SMALL, () -> true);
    }

    /** The same error whether the bytes come at once or one at a time. */
    static void assertError(String input, String message, RespLimits limits, BooleanSupplier auth) {
        byte[] b = bytes(input);
        assertThat(errorWhole(b, limits, auth)).as("whole %s", show(input)).isEqualTo(message);
        assertThat(errorSplit(b, 1, limits, auth)).as("bytewise %s", show(input)).isEqualTo(message);
    }

    static String errorWhole(byte[] b, RespLimits limits, BooleanSupplier auth) {
        EmbeddedChannel ch = channel(limits, auth);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(b));
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(RespProtocolException.class);
            return e.getCause().getMessage();
        } finally {
            ch.finishAndReleaseAll();
        }
        return fail("no error for " + show(new String(b, StandardCharsets.ISO_8859_1)) + "; decoded " + drain(ch).size());
    }

    static String errorSplit(byte[] b, int chunk, RespLimits limits, BooleanSupplier auth) {
        EmbeddedChannel ch = channel(limits, auth);
        try {
            for (int i = 0; i < b.length; i += chunk) {
                ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(b, i, Math.min(b.length, i + chunk))));
            }
        } catch (DecoderException e) {
            assertThat(e.getCause()).isInstanceOf(RespProtocolException.class);
            return e.getCause().getMessage();
        } finally {
            ch.finishAndReleaseAll();
        }
        return fail("no error for " + show(new String(b, StandardCharsets.ISO_8859_1)));
    }
}
