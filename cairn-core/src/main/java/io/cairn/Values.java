package io.cairn;

import java.nio.charset.StandardCharsets;

/**
 * The encoding of typed values. Numbers and booleans are stored as their decimal or word text in UTF-8, exactly as
 * Redis stores them, so a value written with {@code putLong} is read by {@code GET} over RESP as {@code "42"} and
 * {@code INCR} works on it, and a value written by {@code SET k 42} is read by {@link Keyspace#getLong}.
 *
 * <ul>
 *   <li>long: {@link Long#toString(long)}, e.g. {@code -17}. Parsing accepts exactly what Redis's INCR accepts: an
 *       optional minus sign and decimal digits, no spaces, no plus sign, no leading zeros.</li>
 *   <li>double: integral values within ±2^53 as a long ({@code 3}), others by {@link Double#toString(double)}
 *       ({@code 2.5}, {@code 1.0E300}); infinities as {@code inf} and {@code -inf}. NaN is rejected.</li>
 *   <li>boolean: {@code true} or {@code false}; parsing also accepts {@code 1}, {@code 0}, any case.</li>
 * </ul>
 */
public final class Values {
    private Values() {
    }

    public static byte[] ofLong(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] ofDouble(double v) {
        if (Double.isNaN(v)) throw new CairnException(CairnException.Code.NOT_A_NUMBER, "NaN cannot be stored as a number");
        if (v == Double.POSITIVE_INFINITY) return "inf".getBytes(StandardCharsets.US_ASCII);
        if (v == Double.NEGATIVE_INFINITY) return "-inf".getBytes(StandardCharsets.US_ASCII);
        if (v == Math.rint(v) && Math.abs(v) <= (1L << 53)) {
            return ofLong((long) v);
        }
        return Double.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] ofBoolean(boolean v) {
        return (v ? "true" : "false").getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses a long as Redis does; throws {@link CairnException.Code#NOT_A_NUMBER} otherwise. */
    /** Whether {@code b} is a decimal long as Redis writes one (no sign on zero, no leading zeros, no spaces). */
    static boolean isLong(byte[] b) {
        if (b.length == 0 || b.length > 20) return false;
        int i = b[0] == '-' ? 1 : 0;
        if (i == b.length) return false;
        if (b[i] == '0' && (b.length > i + 1 || i == 1)) return false;
        for (int k = i; k < b.length; k++) if (b[k] < '0' || b[k] > '9') return false;
        try {
            Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static long toLong(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) throw notA("an integer", b);
        int i = 0;
        boolean neg = false;
        if (b[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) throw notA("an integer", b);
        }
        if (b[i] == '0' && n > i + 1) throw notA("an integer", b);
        if (neg && b[i] == '0') throw notA("an integer", b);
        long acc = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) throw notA("an integer", b);
            // accumulate negatively so Long.MIN_VALUE parses
            if (acc < (Long.MIN_VALUE + d) / 10) throw notA("an integer", b);
            acc = acc * 10 - d;
        }
        if (!neg) {
            if (acc == Long.MIN_VALUE) throw notA("an integer", b);
            return -acc;
        }
        return acc;
    }

    /** Parses a double: decimal or scientific notation, {@code inf}, {@code -inf}, {@code +inf}; never NaN. */
    public static double toDouble(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII);
        String t = s.toLowerCase(java.util.Locale.ROOT);
        if (t.equals("inf") || t.equals("+inf") || t.equals("infinity") || t.equals("+infinity")) return Double.POSITIVE_INFINITY;
        if (t.equals("-inf") || t.equals("-infinity")) return Double.NEGATIVE_INFINITY;
        if (s.isEmpty() || s.length() > 5000 || Character.isWhitespace(s.charAt(0))
                || Character.isWhitespace(s.charAt(s.length() - 1))) {
            throw notA("a float", b);
        }
        char last = s.charAt(s.length() - 1);
        if (last == 'd' || last == 'D' || last == 'f' || last == 'F' || t.contains("x") || t.contains("n")) {
            throw notA("a float", b);
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) throw notA("a float", b);
            return d;
        } catch (NumberFormatException e) {
            throw notA("a float", b);
        }
    }

    /** Parses {@code true}/{@code false}/{@code 1}/{@code 0} in any case. */
    public static boolean toBoolean(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "true": case "1": return true;
            case "false": case "0": return false;
            default: throw notA("a boolean", b);
        }
    }

    private static CairnException notA(String what, byte[] b) {
        String shown = b.length > 64 ? new String(b, 0, 64, StandardCharsets.UTF_8) + "..." : new String(b, StandardCharsets.UTF_8);
        return new CairnException(CairnException.Code.NOT_A_NUMBER, "value is not " + what + ": '" + shown + "'");
    }
}
