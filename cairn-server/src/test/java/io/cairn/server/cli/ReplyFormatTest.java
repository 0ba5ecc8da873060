package io.cairn.server.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replies decoded from their RESP bytes and printed as redis-cli prints them, for the types a Cairn server does not
 * send but another server may (verbatim strings, big numbers, booleans, attributes, errors nested in EXEC's reply).
 */
class ReplyFormatTest {
    private static Reply read(String resp) throws IOException {
        ReplyReader r = new ReplyReader(new ByteArrayInputStream(resp.getBytes(StandardCharsets.ISO_8859_1)));
        return r.read();
    }

    private static String tty(String resp) throws IOException {
        return new String(ReplyFormat.tty(read(resp)), StandardCharsets.ISO_8859_1);
    }

    private static String raw(String resp) throws IOException {
        return new String(ReplyFormat.raw(read(resp)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void scalars_tty() throws IOException {
        assertThat(tty("+OK\r\n")).isEqualTo("OK");
        assertThat(tty("$2\r\nOK\r\n")).isEqualTo("\"OK\"");
        assertThat(tty("-ERR no\r\n")).isEqualTo("(error) ERR no");
        assertThat(tty("!9\r\nERR blob!\r\n")).isEqualTo("(error) ERR blob!");
        assertThat(tty(":-7\r\n")).isEqualTo("(integer) -7");
        assertThat(tty("$-1\r\n")).isEqualTo("(nil)");
        assertThat(tty("*-1\r\n")).isEqualTo("(nil)");
        assertThat(tty("_\r\n")).isEqualTo("(nil)");
        assertThat(tty(",inf\r\n")).isEqualTo("(double) inf");
        assertThat(tty("#t\r\n")).isEqualTo("(true)");
        assertThat(tty("#f\r\n")).isEqualTo("(false)");
        assertThat(tty("(3492890328409238509324850943850943825024385\r\n"))
                .isEqualTo("(big number) 3492890328409238509324850943850943825024385");
        assertThat(tty("=15\r\ntxt:Some string\r\n")).isEqualTo("Some string");
    }

    @Test
    void bulkStrings_quotedWithRedisCliEscapes() throws IOException {
        assertThat(tty("$9\r\na\"b\\c\n\r\t\u0007\r\n")).isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\a\"");
        assertThat(tty("$3\r\n\u0000\u00ff\u0008\r\n")).isEqualTo("\"\\x00\\xff\\b\"");
        // UTF-8 is bytes above 0x7f: quoted as \x escapes, as redis-cli does
        assertThat(new String(ReplyFormat.tty(new Reply.Bulk("é".getBytes(StandardCharsets.UTF_8))),
                StandardCharsets.US_ASCII)).isEqualTo("\"\\xc3\\xa9\"");
    }

    @Test
    void aggregates_numberedAndIndented() throws IOException {
        // EXEC's reply with an error inside: the other results still print
        assertThat(tty("*3\r\n+OK\r\n-ERR wrong\r\n*2\r\n:1\r\n*1\r\n$1\r\na\r\n"))
                .isEqualTo("1) OK\n2) (error) ERR wrong\n3) 1) (integer) 1\n   2) 1) \"a\"");
        assertThat(tty("~2\r\n$1\r\nx\r\n$1\r\ny\r\n")).isEqualTo("1~ \"x\"\n2~ \"y\"");
        assertThat(tty(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"))
                .isEqualTo("1) \"message\"\n2) \"ch\"\n3) \"hi\"");
        assertThat(tty("%2\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$1\r\nb\r\n*0\r\n"))
                .isEqualTo("1# \"a\" => \n   1) (integer) 1\n   2) (integer) 2\n2# \"b\" => (empty array)");
        assertThat(tty("*0\r\n")).isEqualTo("(empty array)");
        assertThat(tty("~0\r\n")).isEqualTo("(empty set)");
        assertThat(tty("%0\r\n")).isEqualTo("(empty hash)");
        // an attribute describes the reply after it; the shell shows the reply
        assertThat(tty("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n")).isEqualTo("1) (integer) 2");
    }

    @Test
    void raw_oneElementPerLine() throws IOException {
        assertThat(raw("*3\r\n$1\r\na\r\n:2\r\n*2\r\n$1\r\nb\r\n$-1\r\n")).isEqualTo("a\n2\nb\n");
        assertThat(raw("%2\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nn\r\n,1.5\r\n")).isEqualTo("k v\nn 1.5");
        assertThat(raw("-ERR no\r\n")).isEqualTo("ERR no");
        assertThat(raw("=8\r\nmkd:# hi\r\n")).isEqualTo("# hi");
        assertThat(raw("$3\r\n\u0000\n\u00ff\r\n")).isEqualTo("\u0000\n\u00ff");
    }

    @Test
    void brokenInput_isAnIOException() {
        assertThatThrownBy(() -> read("$5\r\nab")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("?x\r\n")).hasMessage("Protocol error, got \"?\" as reply type byte");
        assertThatThrownBy(() -> read("$999999999999\r\n")).hasMessageContaining("string of 999999999999 bytes");
        assertThatThrownBy(() -> read(":12a\r\n")).hasMessage("Protocol error: bad number '12a'");
        assertThatThrownBy(() -> read("")).isInstanceOf(EOFException.class);
    }
}
