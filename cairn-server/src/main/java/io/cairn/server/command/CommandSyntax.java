package io.cairn.server.command;

import io.cairn.server.resp.Reply;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Each command's arguments as COMMAND DOCS reports them (redis-cli builds its input hints from them), read from
 * {@code syntax.txt} beside this class: one line per command, its name then its syntax as Redis's documentation writes
 * it ({@code set key value [NX|XX] [GET] [EX seconds|PX milliseconds]}). Upper-case words are tokens (a token followed
 * by a lower-case word gives that argument its token, as {@code EX seconds}), lower-case words are arguments,
 * {@code [...]} is optional, {@code a|b} one of, {@code (...)} a group, and {@code ...} after an argument or a group
 * means it repeats.
 */
final class CommandSyntax {
    /** One argument in COMMAND DOCS's shape. */
    record Arg(String name, String type, String token, boolean optional, boolean multiple, List<Arg> children) {
        Arg with(boolean optional, boolean multiple) {
            return new Arg(name, type, token, optional, multiple, children);
        }
    }

    private static final Set<String> KEY_NAMES = Set.of("key", "newkey", "source", "destination", "key1", "key2");
    private static final Set<String> INTEGER_NAMES = Set.of("seconds", "milliseconds", "unix-time-seconds",
            "unix-time-milliseconds", "count", "offset", "start", "end", "increment", "decrement", "db", "index1",
            "index2", "cursor", "len", "min-match-len", "destination-db", "numkeys", "client-id", "timeout", "protover");

    private static final Map<String, List<Arg>> BY_NAME = load();

    private CommandSyntax() {
    }

    /** The arguments of {@code command} ("set", "config|get"), or null if the file has none. */
    static List<Arg> of(String command) {
        return BY_NAME.get(command);
    }

    private static Map<String, List<Arg>> load() {
        Map<String, List<Arg>> m = new HashMap<>();
        try (InputStream in = CommandSyntax.class.getResourceAsStream("syntax.txt")) {
            if (in == null) return m;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int sp = line.indexOf(' ');
                String name = (sp < 0 ? line : line.substring(0, sp)).toLowerCase(Locale.ROOT);
                m.put(name, sp < 0 ? List.of() : parse(line.substring(sp + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static List<Arg> parse(String syntax) {
        List<String> tokens = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < syntax.length(); i++) {
            char ch = syntax.charAt(i);
            if (ch == '[' || ch == ']' || ch == '(' || ch == ')' || ch == '|' || ch == ' ') {
                if (w.length() > 0) tokens.add(w.toString());
                w.setLength(0);
                if (ch == ')' && syntax.startsWith("...", i + 1)) {
                    tokens.add(")...");
                    i += 3;
                } else if (ch != ' ') {
                    tokens.add(String.valueOf(ch));
                }
            } else {
                w.append(ch);
            }
        }
        if (w.length() > 0) tokens.add(w.toString());
        int[] at = {0};
        List<Arg> out = sequence(tokens, at);
        if (at[0] != tokens.size()) throw new IllegalArgumentException("unbalanced ']' or ')' in syntax: " + syntax);
        return out;
    }

    /** Items up to a ']' or the end; alternatives separated by '|' become one "oneof". */
    private static List<Arg> sequence(List<String> t, int[] at) {
        List<List<Arg>> alternatives = new ArrayList<>();
        List<Arg> cur = new ArrayList<>();
        while (at[0] < t.size() && !t.get(at[0]).equals("]") && !t.get(at[0]).startsWith(")")) {
            String s = t.get(at[0]);
            if (s.equals("|")) {
                alternatives.add(cur);
                cur = new ArrayList<>();
                at[0]++;
                continue;
            }
            Arg a;
            if (s.equals("(")) {
                at[0]++;
                List<Arg> inner = sequence(t, at);
                if (at[0] >= t.size() || !t.get(at[0]).startsWith(")")) throw new IllegalArgumentException("unbalanced '(' in syntax");
                boolean repeats = t.get(at[0]).equals(")...");
                at[0]++;
                a = new Arg("block", "block", null, false, repeats, inner);
            } else if (s.equals("[")) {
                at[0]++;
                List<Arg> inner = sequence(t, at);
                if (at[0] >= t.size() || !t.get(at[0]).equals("]")) throw new IllegalArgumentException("unbalanced '[' in syntax");
                at[0]++; // ]
                a = (inner.size() == 1 ? inner.get(0) : new Arg("block", "block", null, false, false, inner)).with(true, false);
            } else {
                at[0]++;
                boolean multiple = s.endsWith("...");
                String word = multiple ? s.substring(0, s.length() - 3) : s;
                if (isToken(word)) {
                    // a token followed by a lower-case argument names that argument's token: EX seconds
                    String next = at[0] < t.size() ? t.get(at[0]) : null;
                    if (next != null && !isToken(stripDots(next)) && !next.equals("[") && !next.equals("]") && !next.equals("|")
                            && !next.equals("(") && !next.startsWith(")")) {
                        at[0]++;
                        Arg v = argument(stripDots(next), next.endsWith("..."));
                        a = new Arg(v.name(), v.type(), word, false, v.multiple(), List.of());
                    } else {
                        a = new Arg(word.toLowerCase(Locale.ROOT), "pure-token", word, false, multiple, List.of());
                    }
                } else {
                    a = argument(word, multiple);
                }
            }
            cur.add(a);
        }
        if (alternatives.isEmpty()) return cur;
        alternatives.add(cur);
        List<Arg> options = new ArrayList<>();
        for (List<Arg> alt : alternatives) {
            options.add(alt.size() == 1 ? alt.get(0) : new Arg("block", "block", null, false, false, alt));
        }
        return List.of(new Arg("choice", "oneof", null, false, false, options));
    }

    private static String stripDots(String s) {
        return s.endsWith("...") ? s.substring(0, s.length() - 3) : s;
    }

    private static boolean isToken(String w) {
        return !w.isEmpty() && w.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                && w.chars().anyMatch(c -> c >= 'A' && c <= 'Z');
    }

    private static Arg argument(String name, boolean multiple) {
        String type = KEY_NAMES.contains(name) ? "key" : INTEGER_NAMES.contains(name) ? "integer"
                : name.equals("increment-float") ? "double" : "string";
        return new Arg(name, type, null, false, multiple, List.of());
    }

    /** Writes {@code args} as COMMAND DOCS's "arguments" array. */
    static void write(Reply r, List<Arg> args) {
        r.array(args.size());
        for (Arg a : args) {
            int fields = 2 + (a.token() != null ? 1 : 0) + (a.optional() || a.multiple() ? 1 : 0) + (a.children().isEmpty() ? 0 : 1);
            r.map(fields);
            r.bulk("name");
            r.bulk(a.name());
            r.bulk("type");
            r.bulk(a.type());
            if (a.token() != null) {
                r.bulk("token");
                r.bulk(a.token());
            }
            if (a.optional() || a.multiple()) {
                r.bulk("flags");
                r.set((a.optional() ? 1 : 0) + (a.multiple() ? 1 : 0));
                if (a.optional()) r.simple("optional");
                if (a.multiple()) r.simple("multiple");
            }
            if (!a.children().isEmpty()) {
                r.bulk("arguments");
                write(r, a.children());
            }
        }
    }
}
