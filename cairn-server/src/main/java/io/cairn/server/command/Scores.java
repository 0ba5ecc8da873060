package io.cairn.server.command;

import io.cairn.collection.ZSetIndex.LexRange;
import io.cairn.collection.ZSetIndex.ScoreRange;
import io.cairn.server.resp.Reply;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sorted-set scores on the wire: parsed with Redis's rules and error texts, formatted as Redis formats them.
 */
final class Scores {
    static final String RANGE_NOT_FLOAT = "ERR min or max is not a float";
    static final String LEX_NOT_VALID = "ERR min or max not valid string range item";
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    private Scores() {
    }

    /** A score or increment argument: a finite double or an infinity; NaN and junk are "not a valid float". */
    static double parse(byte[] a) {
        Double d = strict(a);
        if (d == null) throw Errors.error(Errors.NOT_FLOAT);
        return d;
    }

    /**
     * A double as Redis's getDoubleFromObject reads one, or null: the whole argument, no leading space, no NaN, and a
     * number out of a double's range refused rather than rounded (1e400 is not infinity, 1e-400 not zero), though
     * {@code inf} itself is fine.
     */
    static Double strict(byte[] a) {
        Double d = Args.parseDouble(a);
        if (d == null) return null;
        if (Double.isInfinite(d) && !Args.str(a).toLowerCase(java.util.Locale.ROOT).contains("inf")) return null;
        if (d == 0) {
            for (byte b : a) {
                if (b == 'e' || b == 'E') break;
                if (b >= '1' && b <= '9') return null;
            }
        }
        return d;
    }

    /**
     * A score interval as ZRANGEBYSCORE and ZCOUNT take it: each end a double, an infinity, or {@code (} before one
     * for an exclusive bound. As Redis's strtod-based parser, an empty number reads as 0 ({@code (} alone is
     * {@code (0}) and leading white space is skipped.
     */
    static ScoreRange range(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        Double lo = bound(min, minEx);
        Double hi = bound(max, maxEx);
        if (lo == null || hi == null) throw Errors.error(RANGE_NOT_FLOAT);
        return new ScoreRange(lo, minEx, hi, maxEx);
    }

    /** One end, read as strtod reads it: leading white space skipped, out-of-range numbers rounded to inf or 0. */
    private static Double bound(byte[] a, boolean exclusive) {
        int from = exclusive ? 1 : 0;
        if (from == a.length) return 0.0;
        while (from < a.length && isSpace(a[from])) from++;
        return from == a.length ? null : Args.parseDouble(Arrays.copyOfRange(a, from, a.length));
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /** A lex interval ({@code -}, {@code +}, {@code [member}, {@code (member} at each end). */
    static LexRange lexRange(byte[] min, byte[] max) {
        try {
            return LexRange.parse(min, max);
        } catch (IllegalArgumentException e) {
            throw Errors.error(LEX_NOT_VALID);
        }
    }

    /**
     * A score as Redis 7.0 prints one ({@code "%.17g"}): 17 significant digits, trailing zeros dropped, exponent form
     * below 1e-4 and from 1e17; {@code inf}, {@code -inf}; {@code -0} for negative zero. So 1.5 is {@code 1.5} and
     * 0.1 is {@code 0.10000000000000001}, exactly the text Redis sends.
     */
    static String format(double v) {
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (Double.isNaN(v)) return "nan";
        if (v == 0) return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        BigDecimal d = new BigDecimal(v).round(SEVENTEEN);
        int exponent = d.precision() - d.scale() - 1;
        if (exponent >= -4 && exponent < 17) return d.stripTrailingZeros().toPlainString();
        String digits = d.unscaledValue().abs().toString();
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') end--;
        StringBuilder s = new StringBuilder(24);
        if (d.signum() < 0) s.append('-');
        s.append(digits.charAt(0));
        if (end > 1) s.append('.').append(digits, 1, end);
        s.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        if (e < 10) s.append('0');
        s.append(e);
        return s.toString();
    }

    static byte[] formatBytes(double v) {
        return format(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** A score reply: RESP3's double type, a bulk string in RESP2; the text as {@link #format}. */
    static void reply(Reply r, double v) {
        byte[] text = formatBytes(v);
        if (r.resp3()) {
            byte[] frame = new byte[text.length + 3];
            frame[0] = ',';
            System.arraycopy(text, 0, frame, 1, text.length);
            frame[frame.length - 2] = '\r';
            frame[frame.length - 1] = '\n';
            r.raw(frame);
        } else {
            r.bulk(text);
        }
    }
}
