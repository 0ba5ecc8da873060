package io.cairn.server.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Typed lines split into arguments as redis-cli splits them. */
class ArgSplitterTest {
    private static List<String> split(String line) {
        List<byte[]> b = ArgSplitter.split(line);
        if (b == null) return null;
        List<String> out = new ArrayList<>();
        for (byte[] x : b) out.add(new String(x, StandardCharsets.ISO_8859_1));
        return out;
    }

    @Test
    void words_separatedByBlanks() {
        assertThat(split("  set   k\tv  ")).containsExactly("set", "k", "v");
        assertThat(split("")).isEmpty();
        assertThat(split("   ")).isEmpty();
    }

    @Test
    void doubleQuotes_withEscapes() {
        assertThat(split("set k \"a b\"")).containsExactly("set", "k", "a b");
        assertThat(split("\"\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\\"\\q\"")).containsExactly("AJ\n\r\t\b\u0007\\\"q");
        assertThat(split("\"\\xff\\x00\"")).containsExactly("\u00ff\u0000");
        // not two hex digits: the x is taken as is
        assertThat(split("\"\\xg1\"")).containsExactly("xg1");
        assertThat(split("\"\"")).containsExactly("");
        assertThat(split("a\"b c\"")).containsExactly("ab c");
    }

    @Test
    void singleQuotes_onlyQuoteEscaped() {
        assertThat(split("'a\\nb'")).containsExactly("a\\nb");
        assertThat(split("'it\\'s'")).containsExactly("it's");
    }

    @Test
    void unbalancedOrGluedQuotes_areInvalid() {
        assertThat(split("set k \"open")).isNull();
        assertThat(split("set k 'open")).isNull();
        assertThat(split("\"a\"b")).isNull();
        assertThat(split("'a'b")).isNull();
    }

    @Test
    void text_isUtf8() {
        assertThat(ArgSplitter.split("é").get(0)).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(ArgSplitter.split("\"😀\"").get(0)).isEqualTo("😀".getBytes(StandardCharsets.UTF_8));
    }
}
