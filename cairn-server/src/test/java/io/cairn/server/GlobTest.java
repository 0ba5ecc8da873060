package io.cairn.server;

import io.cairn.server.command.Glob;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {
    private static boolean m(String p, String s) {
        return Glob.match(p, s);
    }

    @Test
    void literals_and_question_marks() {
        assertThat(m("hello", "hello")).isTrue();
        assertThat(m("hello", "hell")).isFalse();
        assertThat(m("hello", "helloo")).isFalse();
        assertThat(m("h?llo", "hello")).isTrue();
        assertThat(m("h?llo", "hallo")).isTrue();
        assertThat(m("h?llo", "hllo")).isFalse();
        assertThat(m("???", "abc")).isTrue();
        assertThat(m("???", "ab")).isFalse();
    }

    @Test
    void stars() {
        assertThat(m("h*llo", "hllo")).isTrue();
        assertThat(m("h*llo", "heeeello")).isTrue();
        assertThat(m("h*llo", "hellO")).isFalse();
        assertThat(m("*", "anything")).isTrue();
        assertThat(m("**", "x")).isTrue();
        assertThat(m("a*", "a")).isTrue();
        assertThat(m("*a", "bba")).isTrue();
        assertThat(m("*a", "bab")).isFalse();
        assertThat(m("*a*b*c", "xxaxxbxxc")).isTrue();
        assertThat(m("*a*b*c", "xxaxxcxxb")).isFalse();
        assertThat(m("user:*:name", "user:42:name")).isTrue();
        assertThat(m("user:*:name", "user:42:mail")).isFalse();
    }

    @Test
    void empty_string_matches_only_the_empty_pattern_as_in_redis() {
        assertThat(m("", "")).isTrue();
        assertThat(m("*", "")).isFalse(); // stringmatchlen never enters its loop for an empty string
        assertThat(m("", "a")).isFalse();
    }

    @Test
    void classes() {
        assertThat(m("h[ae]llo", "hello")).isTrue();
        assertThat(m("h[ae]llo", "hallo")).isTrue();
        assertThat(m("h[ae]llo", "hillo")).isFalse();
        assertThat(m("h[^e]llo", "hallo")).isTrue();
        assertThat(m("h[^e]llo", "hello")).isFalse();
        assertThat(m("h[a-b]llo", "hbllo")).isTrue();
        assertThat(m("h[a-b]llo", "hcllo")).isFalse();
        assertThat(m("[b-a]", "a")).isTrue(); // reversed range
        assertThat(m("[0-9][0-9]", "42")).isTrue();
        assertThat(m("[^0-9]", "7")).isFalse();
        assertThat(m("[\\]]", "]")).isTrue();
        assertThat(m("[\\-]", "-")).isTrue();
        assertThat(m("[]", "a")).isFalse(); // empty class
        assertThat(m("[^]", "a")).isTrue();
        assertThat(m("[a-]", "]")).isTrue(); // the range takes the ']' as its end, the class stays open
    }

    @Test
    void unclosed_class_runs_to_the_end_of_the_pattern() {
        assertThat(m("[abc", "b")).isTrue();
        assertThat(m("[abc", "bc")).isFalse();
        assertThat(m("x[", "xa")).isFalse();
        assertThat(m("x[^", "xa")).isTrue();
    }

    @Test
    void escapes() {
        assertThat(m("h\\*llo", "h*llo")).isTrue();
        assertThat(m("h\\*llo", "hello")).isFalse();
        assertThat(m("\\?", "?")).isTrue();
        assertThat(m("\\?", "a")).isFalse();
        assertThat(m("a\\", "a\\")).isTrue(); // a trailing backslash is itself
        assertThat(m("\\[a]", "[a]")).isTrue();
    }

    @Test
    void binary_bytes_compare_as_signed_chars() {
        byte[] p = {'[', (byte) 0x80, '-', (byte) 0xff, ']'};
        assertThat(Glob.match(p, new byte[]{(byte) 0x90})).isTrue();
        assertThat(Glob.match(p, new byte[]{'a'})).isFalse();
        assertThat(Glob.match(new byte[]{'*', 0, '*'}, new byte[]{1, 0, 2})).isTrue();
        assertThat(Glob.match(new byte[]{'?'}, new byte[]{0})).isTrue();
    }

    @Test
    void pathological_patterns_are_fast() {
        String s = "a".repeat(5000);
        String p = "a*".repeat(50) + "b";
        long t0 = System.nanoTime();
        assertThat(m(p, s)).isFalse();
        assertThat(m("*".repeat(10_000) + "a", s)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
    }

    /** Agrees with a direct, recursive reading of Redis's rules on random patterns over a small alphabet. */
    @Test
    void agrees_with_a_recursive_reference_on_random_inputs() {
        Random r = new Random(42);
        String palpha = "ab*?[]^-\\";
        String salpha = "ab]-^\\*";
        for (int n = 0; n < 50_000; n++) {
            String p = random(r, palpha, r.nextInt(7));
            String s = random(r, salpha, r.nextInt(6));
            byte[] pb = p.getBytes(StandardCharsets.ISO_8859_1);
            byte[] sb = s.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(Glob.match(pb, sb)).as("pattern %s string %s", p, s).isEqualTo(reference(pb, 0, sb, 0));
        }
    }

    private static String random(Random r, String alphabet, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }

    /** Redis's rules read literally, recursing on '*' (exponential, fine for tiny inputs). */
    private static boolean reference(byte[] p, int pi, byte[] s, int si) {
        while (pi < p.length && si < s.length) {
            byte c = s[si];
            switch (p[pi]) {
                case '*': {
                    while (pi + 1 < p.length && p[pi + 1] == '*') pi++;
                    if (pi == p.length - 1) return true;
                    for (int k = si; k < s.length; k++) if (reference(p, pi + 1, s, k)) return true;
                    return false;
                }
                case '?':
                    break;
                case '[': {
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) pi++;
                    boolean match = false;
                    while (true) {
                        int left = p.length - pi;
                        if (left >= 2 && p[pi] == '\\') {
                            pi++;
                            if (p[pi] == c) match = true;
                        } else if (left > 0 && p[pi] == ']') {
                            break;
                        } else if (left == 0) {
                            pi--;
                            break;
                        } else if (left >= 3 && p[pi + 1] == '-') {
                            int lo = Math.min(p[pi], p[pi + 2]);
                            int hi = Math.max(p[pi], p[pi + 2]);
                            if (c >= lo && c <= hi) match = true;
                            pi += 2;
                        } else if (p[pi] == c) {
                            match = true;
                        }
                        pi++;
                    }
                    if (not) match = !match;
                    if (!match) return false;
                    break;
                }
                case '\\':
                    if (p.length - pi >= 2) pi++;
                    if (p[pi] != c) return false;
                    break;
                default:
                    if (p[pi] != c) return false;
            }
            pi++;
            si++;
            if (si == s.length) {
                while (pi < p.length && p[pi] == '*') pi++;
                break;
            }
        }
        return pi == p.length && si == s.length;
    }

    @Test
    void names_matchWithoutCase_andPlainNamesAreNotPatterns() {
        assertThat(Glob.matchIgnoreCase("MaxMemory*", "maxmemory-policy")).isTrue();
        assertThat(Glob.matchIgnoreCase("[A-C]*", "bind")).isTrue();
        assertThat(Glob.matchIgnoreCase("port", "tls-port")).isFalse();
        assertThat(Glob.isPattern("maxmemory")).isFalse();
        assertThat(Glob.isPattern("max*")).isTrue();
        assertThat(Glob.isPattern("a?")).isTrue();
        assertThat(Glob.isPattern("[ab]")).isTrue();
    }
}
