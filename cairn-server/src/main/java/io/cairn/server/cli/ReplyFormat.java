package io.cairn.server.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Replies as redis-cli prints them. {@link #tty} is the formatted output ({@code (integer) 5}, quoted strings,
 * numbered and indented aggregates, {@code 1#} map entries, {@code 1~} set members); {@link #raw} is the output for
 * scripts ({@code --raw}, and the default when standard output is not a terminal): strings as bytes, one element per
 * line. Neither ends with the reply's final newline.
 */
final class ReplyFormat {
    private ReplyFormat() {
    }

    static byte[] tty(Reply r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tty(out, r, "", false);
        return out.toByteArray();
    }

    static byte[] raw(Reply r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        raw(out, r);
        return out.toByteArray();
    }

    /**
     * @param prefix the indentation of this reply's nested lines
     * @param indentFirst whether the first element of an aggregate is indented too (a map's value is printed on a new
     *                    line after {@code =>}, an array's element right after its number)
     */
    private static void tty(ByteArrayOutputStream out, Reply r, String prefix, boolean indentFirst) {
        if (r instanceof Reply.Simple s) {
            put(out, s.text());
        } else if (r instanceof Reply.Error e) {
            put(out, "(error) " + e.text());
        } else if (r instanceof Reply.Integer i) {
            put(out, "(integer) " + i.value());
        } else if (r instanceof Reply.Bulk b) {
            out.writeBytes(quote(b.bytes()));
        } else if (r instanceof Reply.Nil) {
            put(out, "(nil)");
        } else if (r instanceof Reply.Double d) {
            put(out, "(double) " + d.text());
        } else if (r instanceof Reply.Bool b) {
            put(out, b.value() ? "(true)" : "(false)");
        } else if (r instanceof Reply.BigNumber b) {
            put(out, "(big number) " + b.text());
        } else if (r instanceof Reply.Verbatim v) {
            out.writeBytes(v.bytes());
        } else if (r instanceof Reply.Aggregate a) {
            if (a.items().isEmpty()) {
                put(out, switch (a.kind()) {
                    case ARRAY -> "(empty array)";
                    case SET -> "(empty set)";
                    case PUSH -> "(empty push)";
                });
                return;
            }
            char mark = a.kind() == Reply.Kind.SET ? '~' : ')';
            elements(out, a.items(), null, mark, prefix, indentFirst);
        } else if (r instanceof Reply.Map m) {
            if (m.keys().isEmpty()) {
                put(out, "(empty hash)");
                return;
            }
            elements(out, m.keys(), m.values(), '#', prefix, indentFirst);
        }
    }

    private static void elements(ByteArrayOutputStream out, List<Reply> items, List<Reply> values, char mark,
                                 String prefix, boolean indentFirst) {
        int width = Integer.toString(items.size()).length();
        String nested = prefix + " ".repeat(width + 2);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) out.write('\n');
            if (i > 0 || indentFirst) put(out, prefix);
            put(out, String.format("%" + width + "d%c ", i + 1, mark));
            tty(out, items.get(i), nested, false);
            if (values != null) {
                Reply v = values.get(i);
                put(out, " => ");
                if (isNonEmptyAggregate(v)) {
                    out.write('\n');
                    tty(out, v, nested, true);
                } else {
                    tty(out, v, nested, false);
                }
            }
        }
    }

    private static boolean isNonEmptyAggregate(Reply r) {
        return r instanceof Reply.Aggregate a && !a.items().isEmpty() || r instanceof Reply.Map m && !m.keys().isEmpty();
    }

    private static void raw(ByteArrayOutputStream out, Reply r) {
        if (r instanceof Reply.Simple s) {
            put(out, s.text());
        } else if (r instanceof Reply.Error e) {
            put(out, e.text());
        } else if (r instanceof Reply.Integer i) {
            put(out, Long.toString(i.value()));
        } else if (r instanceof Reply.Bulk b) {
            out.writeBytes(b.bytes());
        } else if (r instanceof Reply.Double d) {
            put(out, d.text());
        } else if (r instanceof Reply.Bool b) {
            put(out, b.value() ? "(true)" : "(false)");
        } else if (r instanceof Reply.BigNumber b) {
            put(out, b.text());
        } else if (r instanceof Reply.Verbatim v) {
            out.writeBytes(v.bytes());
        } else if (r instanceof Reply.Aggregate a) {
            for (int i = 0; i < a.items().size(); i++) {
                if (i > 0) out.write('\n');
                raw(out, a.items().get(i));
            }
        } else if (r instanceof Reply.Map m) {
            for (int i = 0; i < m.keys().size(); i++) {
                if (i > 0) out.write('\n');
                raw(out, m.keys().get(i));
                out.write(' ');
                raw(out, m.values().get(i));
            }
        } // nil prints nothing
    }

    /** A string as redis-cli quotes it: printable ASCII as is, {@code \" \\ \n \r \t \a \b}, other bytes {@code \xHH}. */
    static byte[] quote(byte[] b) {
        StringBuilder s = new StringBuilder(b.length + 2).append('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case 7 -> s.append("\\a");
                case '\b' -> s.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) s.append((char) c);
                    else s.append(String.format("\\x%02x", c));
                }
            }
        }
        return s.append('"').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
