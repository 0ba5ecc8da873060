package io.cairn.server.resp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Arbitrary bytes, cut at arbitrary points, through the decoder with small limits. The only acceptable outcomes are
 * argument vectors (at least one argument, none null) and {@link RespProtocolException}; anything else thrown is a
 * finding. With a query-buffer limit the input cannot reach, the outcome must also not depend on the cuts: the same
 * requests and the same error as when all the bytes arrive at once.
 *
 * <p>{@code ./mvnw verify} fuzzes this for 20 seconds (a surefire execution of its own sets {@code JAZZER_FUZZ=1}, in
 * {@code target/jazzer}, where the generated corpus and any crash file land); without that variable only the seeds run.
 */
class RespDecoderFuzzTest {
    /** Small enough that fuzzed input reaches every limit. */
    private static final RespLimits ROOMY_BUFFER = new RespLimits(100, 20, 64, 1 << 20);
    private static final RespLimits SMALL_BUFFER = new RespLimits(100, 20, 64, 200);

    @FuzzTest(maxDuration = "20s")
    void decodesOrRefusesWhateverTheBytesAndCuts(FuzzedDataProvider data) {
        boolean authenticated = data.consumeBoolean();
        boolean smallBuffer = data.consumeBoolean();
        long cutSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        RespLimits limits = smallBuffer ? SMALL_BUFFER : ROOMY_BUFFER;

        Outcome cut = decode(input, limits, authenticated, new Random(cutSeed));
        if (!smallBuffer) {
            Outcome whole = decode(input, limits, authenticated, null);
            if (!Objects.equals(whole.error, cut.error) || !sameRequests(whole.requests, cut.requests)) {
                throw new AssertionError("outcome depends on the cuts: whole " + whole + ", cut " + cut);
            }
        }
    }

    private record Outcome(List<byte[][]> requests, String error) {
        @Override
        public String toString() {
            return requests.size() + " requests, error " + error;
        }
    }

    /** Feeds {@code input} whole ({@code cuts} null) or in random pieces; throws on any unacceptable outcome. */
    private static Outcome decode(byte[] input, RespLimits limits, boolean authenticated, Random cuts) {
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(limits, () -> authenticated));
        List<byte[][]> requests = new ArrayList<>();
        String error = null;
        try {
            int i = 0;
            while (i < input.length || i == 0) {
                int n = cuts == null ? input.length : Math.min(input.length - i, 1 + cuts.nextInt(cuts.nextBoolean() ? 4 : 64));
                ByteBuf b = Unpooled.buffer(Math.max(n, 1));
                b.writeBytes(input, i, n);
                i += n;
                String thisError = null;
                try {
                    ch.writeInbound(b);
                } catch (DecoderException e) {
                    if (!(e.getCause() instanceof RespProtocolException)) throw e;
                    thisError = e.getCause().getMessage();
                    if (error != null) throw new AssertionError("a second error " + thisError + " after " + error);
                }
                Object o;
                while ((o = ch.readInbound()) != null) {
                    if (!(o instanceof byte[][] req)) throw new AssertionError("decoded a " + o.getClass());
                    if (error != null) throw new AssertionError("decoded a request after the error " + error);
                    if (req.length == 0) throw new AssertionError("decoded an empty request");
                    for (byte[] arg : req) {
                        if (arg == null) throw new AssertionError("decoded a null argument");
                        if (arg.length > limits.maxBulkLength() && arg.length > limits.maxInlineLength()) {
                            throw new AssertionError("an argument of " + arg.length + " bytes passed the limits");
                        }
                    }
                    if (req.length > limits.maxArrayLength() && req.length > limits.maxInlineLength()) {
                        throw new AssertionError("a request of " + req.length + " arguments passed the limits");
                    }
                    requests.add(req);
                }
                if (thisError != null) error = thisError; // requests decoded before it came out first
                if (n == 0) break;
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return new Outcome(requests, error);
    }

    private static boolean sameRequests(List<byte[][]> a, List<byte[][]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.deepEquals(a.get(i), b.get(i))) return false;
        }
        return true;
    }
}
