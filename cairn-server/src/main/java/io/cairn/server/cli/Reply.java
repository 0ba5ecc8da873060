package io.cairn.server.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One reply as the server sent it, RESP2 or RESP3, keeping the wire type: the shell prints a simple string, a bulk
 * string and a verbatim string differently, and an array, a set and a push message differently, as redis-cli does.
 */
sealed interface Reply {
    /** {@code +OK}: printed bare. */
    record Simple(String text) implements Reply {
    }

    /** {@code -ERR ...} (or a RESP3 blob error). */
    record Error(String text) implements Reply {
    }

    /** {@code :5}. */
    record Integer(long value) implements Reply {
    }

    /** {@code $3 abc}: printed quoted, with escapes. */
    record Bulk(byte[] bytes) implements Reply {
        String utf8() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** {@code $-1}, {@code *-1} and RESP3's {@code _}. */
    record Nil() implements Reply {
    }

    /** RESP3 {@code ,1.5}, kept as the server wrote it ({@code inf}, {@code 1e+30}). */
    record Double(String text) implements Reply {
    }

    /** RESP3 {@code #t} / {@code #f}. */
    record Bool(boolean value) implements Reply {
    }

    /** RESP3 {@code (12345...}. */
    record BigNumber(String text) implements Reply {
    }

    /** RESP3 {@code =15 txt:...}: the format ("txt", "mkd") and the text after it. */
    record Verbatim(String format, byte[] bytes) implements Reply {
    }

    /** What kind of sequence: numbered {@code 1)} for arrays and pushes, {@code 1~} for sets. */
    enum Kind {
        ARRAY, SET, PUSH
    }

    /** {@code *N}, RESP3 {@code ~N} and {@code >N}. */
    record Aggregate(Kind kind, List<Reply> items) implements Reply {
    }

    /** RESP3 {@code %N}: keys and values in order. */
    record Map(List<Reply> keys, List<Reply> values) implements Reply {
    }

    static boolean isError(Reply r) {
        return r instanceof Error;
    }
}
