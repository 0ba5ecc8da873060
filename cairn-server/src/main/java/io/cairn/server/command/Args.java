package io.cairn.server.command;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Parsing of command arguments with Redis's rules and error texts. */
public final class Args {
    private Args() {
    }

    public static String str(byte[] a) {
        return new String(a, StandardCharsets.UTF_8);
    }

    public static String upper(byte[] a) {
        return new String(a, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }

    /** Whether {@code a} equals the ASCII word {@code w}, ignoring case. */
    public static boolean is(byte[] a, String w) {
        if (a.length != w.length()) return false;
        for (int i = 0; i < a.length; i++) {
            int c = a[i];
            if (c >= 'a' && c <= 'z') c -= 32;
            int d = w.charAt(i);
            if (d >= 'a' && d <= 'z') d -= 32;
            if (c != d) return false;
        }
        return true;
    }

    /** A signed 64-bit decimal, strictly as Redis's string2ll reads it; null if it is not one. */
    public static Long parseLong(byte[] a) {
        int n = a.length;
        if (n == 0 || n > 20) return null;
        int i = 0;
        boolean neg = false;
        if (a[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) return null;
        }
        if (a[i] == '0' && n > i + 1) return null; // no leading zeros
        long v = 0;
        for (; i < n; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) return null;
            if (v < (Long.MIN_VALUE + d) / 10) return null; // would overflow (accumulating negatively)
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return null;
            v = -v;
        }
        if (neg && v == 0 && n > 1) return null; // "-0"
        return v;
    }

    /** A 64-bit integer argument or Redis's "value is not an integer or out of range". */
    public static long toLong(byte[] a) {
        Long v = parseLong(a);
        if (v == null) throw Errors.notInteger();
        return v;
    }

    public static int toInt(byte[] a) {
        long v = toLong(a);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw Errors.notInteger();
        return (int) v;
    }

    /** A double as Redis reads one (inf, -inf, +inf allowed; NaN and trailing junk refused); null if not one. */
    public static Double parseDouble(byte[] a) {
        String s = new String(a, StandardCharsets.US_ASCII);
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) return null;
        String l = s.toLowerCase(Locale.ROOT);
        if (l.equals("inf") || l.equals("+inf") || l.equals("infinity") || l.equals("+infinity")) return Double.POSITIVE_INFINITY;
        if (l.equals("-inf") || l.equals("-infinity")) return Double.NEGATIVE_INFINITY;
        if (l.contains("n") || l.endsWith("d") || l.endsWith("f") || l.contains("x") || l.contains("p")) return null;
        try {
            double d = Double.parseDouble(s);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static double toDouble(byte[] a) {
        Double d = parseDouble(a);
        if (d == null) throw Errors.error(Errors.NOT_FLOAT);
        return d;
    }
}
