package io.cairn.server.command;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob-style matching (its {@code stringmatchlen}) on bytes: used by KEYS, SCAN MATCH and CONFIG GET.
 *
 * <ul>
 *   <li>{@code *} any run of bytes, {@code ?} any one byte;</li>
 *   <li>{@code [abc]} one of the listed bytes, {@code [^abc]} any other, {@code [a-z]} a range (either order), {@code \x}
 *       inside a class the byte {@code x}; a class left unclosed runs to the end of the pattern;</li>
 *   <li>{@code \x} elsewhere is the byte {@code x} literally; a lone trailing backslash matches a backslash.</li>
 * </ul>
 * As in Redis, bytes compare as signed chars in ranges, and an empty string matches only the empty pattern (so
 * {@code *} does not match an empty key; KEYS and SCAN treat a pattern of exactly {@code *} as "everything" before
 * matching at all).
 *
 * <p>Unlike Redis's recursive version this runs in O(pattern × string) time at worst and constant stack: it keeps one
 * backtracking point, the last {@code *} seen, which is enough because every other element matches exactly one byte.
 */
public final class Glob {
    private Glob() {
    }

    /**
     * Without case, as CONFIG GET and COMMAND LIST FILTERBY PATTERN match parameter and command names (both folded to
     * lower case, so a class like {@code [A-Z]} folds too).
     */
    public static boolean matchIgnoreCase(String pattern, String s) {
        return match(pattern.toLowerCase(java.util.Locale.ROOT), s.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether {@code pattern} has a wildcard; without one it names exactly one thing. */
    public static boolean isPattern(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    public static boolean match(String pattern, String s) {
        return match(pattern.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean match(byte[] pattern, byte[] s) {
        int plen = pattern.length;
        int slen = s.length;
        if (slen == 0) return plen == 0; // Redis never enters its loop for an empty string
        int pi = 0;
        int si = 0;
        int starP = -1; // pattern index just after the last '*' run
        int starS = 0;  // string index that '*' run was last tried to end at
        while (si < slen) {
            if (pi < plen && pattern[pi] == '*') {
                while (pi < plen && pattern[pi] == '*') pi++;
                if (pi == plen) return true; // a trailing '*' takes the rest
                starP = pi;
                starS = si;
                continue;
            }
            if (pi < plen) {
                int next = matchOne(pattern, pi, s[si]);
                if (next >= 0) {
                    pi = next;
                    si++;
                    continue;
                }
            }
            if (starP < 0) return false;
            // let the last '*' swallow one more byte and retry the rest of the pattern from there
            si = ++starS;
            pi = starP;
        }
        while (pi < plen && pattern[pi] == '*') pi++;
        return pi == plen;
    }

    /**
     * Matches the single pattern element at {@code pi} (not a {@code *}) against byte {@code c}: the index of the next
     * element, or -1 if it does not match.
     */
    private static int matchOne(byte[] p, int pi, byte c) {
        int plen = p.length;
        switch (p[pi]) {
            case '?':
                return pi + 1;
            case '[': {
                int i = pi + 1;
                boolean not = i < plen && p[i] == '^';
                if (not) i++;
                boolean match = false;
                while (true) {
                    if (i >= plen) {
                        i = plen; // unclosed: the class took the rest of the pattern
                        break;
                    }
                    if (p[i] == '\\' && plen - i >= 2) {
                        i++;
                        if (p[i] == c) match = true;
                    } else if (p[i] == ']') {
                        i++;
                        break;
                    } else if (plen - i >= 3 && p[i + 1] == '-') {
                        int start = p[i];
                        int end = p[i + 2];
                        if (start > end) {
                            int t = start;
                            start = end;
                            end = t;
                        }
                        if (c >= start && c <= end) match = true;
                        i += 2;
                    } else if (p[i] == c) {
                        match = true;
                    }
                    i++;
                }
                if (not) match = !match;
                return match ? i : -1;
            }
            case '\\':
                if (plen - pi >= 2) pi++;
                return p[pi] == c ? pi + 1 : -1;
            default:
                return p[pi] == c ? pi + 1 : -1;
        }
    }
}
