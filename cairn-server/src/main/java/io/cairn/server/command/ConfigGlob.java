package io.cairn.server.command;

/**
 * Redis's glob patterns ({@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, {@code \} escapes) over parameter and
 * command names, without case, as CONFIG GET and COMMAND LIST PATTERN match. Names are short, so plain backtracking
 * does. (Key patterns, over binary keys, are {@code Glob}'s job.)
 */
final class ConfigGlob {
    private ConfigGlob() {
    }

    static boolean matches(String pattern, String name) {
        return match(pattern.toLowerCase(java.util.Locale.ROOT), 0, name.toLowerCase(java.util.Locale.ROOT), 0);
    }

    /** Whether the pattern has any wildcard (else it names one thing). */
    static boolean isPattern(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char pc = p.charAt(pi);
            switch (pc) {
                case '*' -> {
                    while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') pi++;
                    if (pi + 1 == p.length()) return true;
                    for (int k = si; k <= s.length(); k++) if (match(p, pi + 1, s, k)) return true;
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) return false;
                    si++;
                    pi++;
                }
                case '[' -> {
                    if (si >= s.length()) return false;
                    char ch = s.charAt(si);
                    int i = pi + 1;
                    boolean not = i < p.length() && p.charAt(i) == '^';
                    if (not) i++;
                    boolean hit = false;
                    while (i < p.length() && p.charAt(i) != ']') {
                        if (p.charAt(i) == '\\' && i + 1 < p.length()) {
                            i++;
                            if (p.charAt(i) == ch) hit = true;
                            i++;
                        } else if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                            char lo = p.charAt(i);
                            char hi = p.charAt(i + 2);
                            if (lo > hi) {
                                char t = lo;
                                lo = hi;
                                hi = t;
                            }
                            if (ch >= lo && ch <= hi) hit = true;
                            i += 3;
                        } else {
                            if (p.charAt(i) == ch) hit = true;
                            i++;
                        }
                    }
                    if (not) hit = !hit;
                    if (!hit) return false;
                    pi = i < p.length() ? i + 1 : i; // past ']' (an unclosed class ends the pattern)
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length()) pi++;
                    if (si >= s.length() || s.charAt(si) != p.charAt(pi)) return false;
                    si++;
                    pi++;
                }
                default -> {
                    if (si >= s.length() || s.charAt(si) != pc) return false;
                    si++;
                    pi++;
                }
            }
        }
        return si == s.length();
    }
}
