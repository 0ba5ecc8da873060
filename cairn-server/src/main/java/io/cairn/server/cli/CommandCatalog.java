package io.cairn.server.cli;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's command table as the shell uses it: names and subcommands for Tab completion, and each command's
 * argument syntax for the hint shown after the cursor. Built from the COMMAND and COMMAND DOCS replies (fetched once
 * per connection, RESP2 or RESP3), so it describes whatever server the shell is talking to, Cairn or Redis. Immutable.
 */
final class CommandCatalog implements Completer {
    /** Lower-case name (subcommands as "config|get") to its argument hints, one per top-level argument. */
    private final Map<String, List<String>> args;
    /** Lower-case container name to its lower-case subcommand names. */
    private final Map<String, List<String>> subcommands;
    /** Lower-case name to its summary, since and group, for {@code help <command>}. */
    private final Map<String, String[]> about;

    private CommandCatalog(Map<String, List<String>> args, Map<String, List<String>> subcommands,
                           Map<String, String[]> about) {
        this.args = args;
        this.subcommands = subcommands;
        this.about = about;
    }

    static final CommandCatalog EMPTY = new CommandCatalog(Map.of(), Map.of(), Map.of());

    /** From COMMAND's reply and COMMAND DOCS's reply; either may be an error (then less is known). */
    static CommandCatalog of(Reply command, Reply docs) {
        Map<String, List<String>> args = new TreeMap<>();
        Map<String, List<String>> subs = new TreeMap<>();
        Map<String, String[]> about = new TreeMap<>();
        if (command instanceof Reply.Aggregate all) {
            for (Reply entry : all.items()) {
                if (!(entry instanceof Reply.Aggregate e) || e.items().isEmpty()) continue;
                String name = text(e.items().get(0)).toLowerCase(Locale.ROOT);
                args.put(name, List.of());
                if (e.items().size() > 9 && e.items().get(9) instanceof Reply.Aggregate s) {
                    List<String> names = new ArrayList<>();
                    for (Reply sub : s.items()) {
                        if (sub instanceof Reply.Aggregate se && !se.items().isEmpty()) {
                            String full = text(se.items().get(0)).toLowerCase(Locale.ROOT);
                            names.add(full.substring(full.indexOf('|') + 1));
                            args.put(full, List.of());
                        }
                    }
                    if (!names.isEmpty()) subs.put(name, names);
                }
            }
        }
        for (Map.Entry<String, Reply> d : asMap(docs).entrySet()) {
            addDocs(args, subs, about, d.getKey().toLowerCase(Locale.ROOT), d.getValue());
        }
        return new CommandCatalog(args, subs, about);
    }

    private static void addDocs(Map<String, List<String>> args, Map<String, List<String>> subs,
                                Map<String, String[]> about, String name, Reply doc) {
        Map<String, Reply> fields = asMap(doc);
        about.put(name, new String[] {text(fields.get("summary")), text(fields.get("since")), text(fields.get("group"))});
        Reply a = fields.get("arguments");
        List<String> hints = new ArrayList<>();
        if (a instanceof Reply.Aggregate list) {
            for (Reply arg : list.items()) hints.add(hint(asMap(arg)));
        }
        args.put(name, hints);
        Map<String, Reply> sub = asMap(fields.get("subcommands"));
        if (!sub.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, Reply> s : sub.entrySet()) {
                String full = s.getKey().toLowerCase(Locale.ROOT);
                names.add(full.substring(full.indexOf('|') + 1));
                addDocs(args, subs, about, full, s.getValue());
            }
            subs.put(name, names);
        }
    }

    /** One argument's syntax as redis-cli shows it: {@code [EX seconds|PX milliseconds]}, {@code key [key ...]}. */
    private static String hint(Map<String, Reply> arg) {
        String type = text(arg.get("type"));
        String token = arg.containsKey("token") ? text(arg.get("token")) : null;
        String name = arg.containsKey("display_text") ? text(arg.get("display_text")) : text(arg.get("name"));
        List<String> flags = new ArrayList<>();
        if (arg.get("flags") instanceof Reply.Aggregate f) for (Reply x : f.items()) flags.add(text(x));
        String body;
        if (type.equals("pure-token")) {
            body = token != null ? token : name;
        } else if (type.equals("block") || type.equals("oneof")) {
            List<String> parts = new ArrayList<>();
            if (arg.get("arguments") instanceof Reply.Aggregate inner) {
                for (Reply x : inner.items()) parts.add(hint(asMap(x)));
            }
            body = String.join(type.equals("oneof") ? "|" : " ", parts);
            if (token != null) body = token + " " + body;
        } else {
            body = token != null ? token + " " + name : name;
        }
        if (flags.contains("multiple")) {
            String again = flags.contains("multiple_token") || token == null ? body : body.substring(token.length() + 1);
            body = body + " [" + again + " ...]";
        }
        return flags.contains("optional") ? "[" + body + "]" : body;
    }

    /** What to show after the cursor for {@code line}: the arguments not typed yet, "" when nothing is known. */
    String hint(String line) {
        List<String> words = ArgSplitter.words(line);
        if (words == null || words.isEmpty()) return "";
        String name = words.get(0).toLowerCase(Locale.ROOT);
        int used = 1;
        if (words.size() >= 2 && subcommands.containsKey(name)) {
            String sub = name + "|" + words.get(1).toLowerCase(Locale.ROOT);
            if (args.containsKey(sub)) {
                name = sub;
                used = 2;
            }
        }
        List<String> hints = args.get(name);
        if (hints == null) return "";
        boolean endsWithBlank = Character.isWhitespace(line.charAt(line.length() - 1));
        // the word being typed counts as given: what is left are the arguments after it
        int given = words.size() - used;
        if (given >= hints.size()) return "";
        String rest = String.join(" ", hints.subList(given, hints.size()));
        if (rest.isEmpty()) return "";
        return endsWithBlank ? rest : " " + rest;
    }

    /**
     * {@code help <command>} as redis-cli prints it: the syntax, then summary, since and group; {@code help @group}
     * lists a group's commands that way. Null when the server did not describe the topic.
     */
    String help(String topic) {
        String t = topic.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", "|");
        StringBuilder out = new StringBuilder();
        if (t.startsWith("@")) {
            String group = t.substring(1);
            for (Map.Entry<String, String[]> e : about.entrySet()) {
                if (e.getValue()[2].equals(group)) describe(out, e.getKey());
            }
        } else if (about.containsKey(t)) {
            describe(out, t);
            for (String sub : subcommands(t)) describe(out, t + "|" + sub);
        }
        return out.length() == 0 ? null : out.toString();
    }

    private void describe(StringBuilder out, String name) {
        String[] a = about.get(name);
        List<String> hints = args.getOrDefault(name, List.of());
        out.append("\n  ").append(name.replace('|', ' ').toUpperCase(Locale.ROOT));
        if (!hints.isEmpty()) out.append(' ').append(String.join(" ", hints));
        out.append("\n  summary: ").append(a[0]).append("\n  since: ").append(a[1]).append("\n  group: ").append(a[2])
                .append('\n');
    }

    /** Lower-case command names, subcommands excluded. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        for (String n : args.keySet()) if (n.indexOf('|') < 0) out.add(n);
        return out;
    }

    List<String> subcommands(String command) {
        return subcommands.getOrDefault(command.toLowerCase(Locale.ROOT), List.of());
    }

    boolean isEmpty() {
        return args.isEmpty();
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        boolean upper = !word.isEmpty() && word.equals(word.toUpperCase(Locale.ROOT))
                && !word.equals(word.toLowerCase(Locale.ROOT));
        List<String> names;
        if (line.wordIndex() == 0) {
            names = names();
        } else if (line.wordIndex() == 1) {
            names = subcommands(line.words().get(0));
        } else {
            return;
        }
        for (String n : names) {
            String v = upper ? n.toUpperCase(Locale.ROOT) : n;
            candidates.add(new Candidate(v, v, null, null, null, null, true));
        }
    }

    /** A map reply as name to value: RESP3 maps, and RESP2's flat key, value, key, value arrays. */
    static Map<String, Reply> asMap(Reply r) {
        Map<String, Reply> out = new LinkedHashMap<>();
        if (r instanceof Reply.Map m) {
            for (int i = 0; i < m.keys().size(); i++) out.put(text(m.keys().get(i)), m.values().get(i));
        } else if (r instanceof Reply.Aggregate a && a.items().size() % 2 == 0) {
            for (int i = 0; i < a.items().size(); i += 2) out.put(text(a.items().get(i)), a.items().get(i + 1));
        }
        return out;
    }

    static String text(Reply r) {
        if (r instanceof Reply.Bulk b) return new String(b.bytes(), StandardCharsets.UTF_8);
        if (r instanceof Reply.Simple s) return s.text();
        if (r instanceof Reply.Verbatim v) return new String(v.bytes(), StandardCharsets.UTF_8);
        if (r instanceof Reply.Integer i) return Long.toString(i.value());
        return "";
    }
}
