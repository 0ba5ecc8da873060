package io.cairn.server.command;

import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.Scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Cairn's own commands: named keyspaces, and range and prefix scans over ORDERED ones.
 *
 * <h2>KEYSPACE</h2>
 * <ul>
 *   <li>{@code KEYSPACE CREATE name [HASH|ORDERED]}: a new, empty keyspace (default kind: {@code cairn-default-index}).</li>
 *   <li>{@code KEYSPACE DROP name}: drops a keyspace and its keys. Clients that have it selected get
 *       "ERR keyspace 'x' was dropped" from then on, until they SELECT another.</li>
 *   <li>{@code KEYSPACE RENAME from to}, {@code KEYSPACE COPY from to [HASH|ORDERED]},
 *       {@code KEYSPACE CONVERT name HASH|ORDERED} (rebuilds the index in place).</li>
 *   <li>{@code KEYSPACE LIST}: every keyspace by name; RESP2: an array of {@code [name, kind, keys]}; RESP3: a map of
 *       name to {@code {kind, keys}}. {@code KEYSPACE INFO name}: a map of name, kind, keys, expires, db.</li>
 * </ul>
 * The numbered databases' keyspaces ({@code default} is db 0, {@code db1}...) cannot be dropped or renamed here, and
 * names a SELECT would read as a database ({@code 7}, {@code db7}, {@code default}) cannot be given to a new keyspace.
 * Converting or copying a numbered database is allowed ({@code KEYSPACE CONVERT default ORDERED} lets KRANGE scan db 0).
 * These are rare administrative operations: each waits for its log record to be durable.
 *
 * <h2>KRANGE and KPREFIX</h2>
 * On the selected keyspace, which must be ORDERED (keys in unsigned byte order):
 * <ul>
 *   <li>{@code KRANGE min max [REV] [LIMIT count] [WITHVALUES]}: bounds as ZRANGEBYLEX writes them: {@code -} and
 *       {@code +} for the ends, {@code [key} inclusive, {@code (key} exclusive. KRANGE always takes the lower bound
 *       first, also with {@code REV}, which only reverses the order of the reply (unlike ZREVRANGEBYLEX, which takes max
 *       first). {@code LIMIT count}: at most count entries (a negative count: no limit). The reply is an array of keys;
 *       with {@code WITHVALUES} an array of key, value, key, value... in RESP2 and an array of [key, value] pairs in
 *       RESP3 (as ZRANGE WITHSCORES).</li>
 *   <li>{@code KPREFIX prefix [LIMIT count] [WITHVALUES]}: the keys starting with prefix, in order.</li>
 * </ul>
 * A HASH keyspace gets "WRONGKIND keyspace 'x' has a HASH index; KRANGE needs an ORDERED one (KEYSPACE CONVERT x
 * ORDERED)".
 */
final class KeyspaceCommands {
    private KeyspaceCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("keyspace", -2, "").group("cairn").doc("A container for Cairn's named keyspace commands.", "0.1.0")
                .sub(Command.of("keyspace|create", -3, "write").group("cairn")
                        .doc("Creates a named keyspace with a HASH or an ORDERED index.", "0.1.0").run(KeyspaceCommands::create))
                .sub(Command.of("keyspace|drop", 3, "write").group("cairn")
                        .doc("Drops a named keyspace and every key in it.", "0.1.0").run(KeyspaceCommands::drop))
                .sub(Command.of("keyspace|rename", 4, "write").group("cairn")
                        .doc("Renames a named keyspace.", "0.1.0").run(KeyspaceCommands::rename))
                .sub(Command.of("keyspace|convert", 4, "write").group("cairn")
                        .doc("Rebuilds a keyspace's index as HASH or ORDERED, in place.", "0.1.0").run(KeyspaceCommands::convert))
                .sub(Command.of("keyspace|copy", -4, "write denyoom").group("cairn")
                        .doc("Copies a keyspace's live entries into a new keyspace.", "0.1.0").run(KeyspaceCommands::copy))
                .sub(Command.of("keyspace|list", 2, "readonly").group("cairn")
                        .doc("Lists every keyspace with its index kind and key count.", "0.1.0").run(KeyspaceCommands::list))
                .sub(Command.of("keyspace|info", 3, "readonly").group("cairn")
                        .doc("Describes one keyspace.", "0.1.0").run(KeyspaceCommands::info))
                .sub(Command.of("keyspace|help", 2, "loading stale").group("cairn")
                        .doc("Returns helpful text about the different subcommands.", "0.1.0")
                        .run((c, a) -> Help.reply(c, "keyspace",
                                "CREATE <name> [HASH|ORDERED]",
                                "    Create a keyspace (default kind: cairn-default-index). SELECT <name> selects it.",
                                "DROP <name>",
                                "    Drop a keyspace and its keys (not a numbered database's).",
                                "RENAME <from> <to>",
                                "    Rename a keyspace (not a numbered database's).",
                                "CONVERT <name> HASH|ORDERED",
                                "    Rebuild a keyspace's index in place; KRANGE and KPREFIX need ORDERED.",
                                "COPY <from> <to> [HASH|ORDERED]",
                                "    Copy a keyspace's live entries into a new keyspace.",
                                "LIST",
                                "    List every keyspace with its index kind and key count.",
                                "INFO <name>",
                                "    Describe one keyspace.")))
                .container());
        t.add(Command.of("krange", -3, "readonly").group("cairn")
                .doc("Returns the keys (and values) between two bounds of the selected ORDERED keyspace.", "0.1.0")
                .run(KeyspaceCommands::krange));
        t.add(Command.of("kprefix", -2, "readonly").group("cairn")
                .doc("Returns the keys (and values) starting with a prefix in the selected ORDERED keyspace.", "0.1.0")
                .run(KeyspaceCommands::kprefix));
    }

    // ------------------------------------------------------------------ names

    static String noSuchKeyspace(String name) {
        return "ERR no such keyspace '" + Errors.abbreviate(name) + "'";
    }

    /** The database number whose keyspace is called {@code name} ({@code default}: 0, {@code dbN}: N), or -1. */
    static int numberedDb(ServerContext s, String name) {
        if (name.equals(Cairn.DEFAULT_KEYSPACE)) return 0;
        int n = dbSuffix(name);
        return n >= 1 && n < s.databases() ? n : -1;
    }

    /** N for a name {@code dbN} (N decimal without leading zeros), else -1. */
    private static int dbSuffix(String name) {
        if (name.length() < 3 || name.length() > 12 || !name.startsWith("db")) return -1;
        String digits = name.substring(2);
        if (digits.length() > 1 && digits.charAt(0) == '0') return -1;
        for (int i = 0; i < digits.length(); i++) if (digits.charAt(i) < '0' || digits.charAt(i) > '9') return -1;
        long v = Long.parseLong(digits);
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** Refuses a name a new keyspace may not take: SELECT would read it as a database. */
    private static void checkNewName(String name) {
        if (Args.parseLong(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) != null) {
            throw Errors.error("ERR keyspace name '" + Errors.abbreviate(name) + "' is a number; SELECT would read it as a database number");
        }
        if (name.equals(Cairn.DEFAULT_KEYSPACE)) throw Errors.error("ERR keyspace 'default' already exists");
        if (dbSuffix(name) >= 0) {
            throw Errors.error("ERR keyspace names of the form db<N> are reserved for the numbered databases");
        }
    }

    private static void checkNotNumbered(ServerContext s, String name, String what) {
        int db = numberedDb(s, name);
        if (db >= 0) {
            throw Errors.error("ERR keyspace '" + name + "' is database " + db + " and cannot be " + what
                    + (what.equals("dropped") ? " (FLUSHDB empties it)" : ""));
        }
    }

    /** The keyspace called {@code name}; the numbered databases' own handles for theirs. */
    private static Keyspace find(ServerContext s, String name) {
        int db = numberedDb(s, name);
        if (db >= 0) return s.db(db);
        Optional<Keyspace> ks;
        try {
            ks = s.store().findKeyspace(name);
        } catch (CairnException e) {
            if (e.code() != CairnException.Code.INVALID_ARGUMENT) throw e;
            ks = Optional.empty();
        }
        return ks.orElseThrow(() -> Errors.error(noSuchKeyspace(name)));
    }

    private static IndexKind kind(byte[] a) {
        if (Args.is(a, "HASH")) return IndexKind.HASH;
        if (Args.is(a, "ORDERED")) return IndexKind.ORDERED;
        throw Errors.error("ERR unknown index kind '" + Errors.abbreviate(Args.str(a)) + "'; use HASH or ORDERED");
    }

    static String kindName(IndexKind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    private static CommandException exists(String name) {
        return Errors.error("ERR keyspace '" + Errors.abbreviate(name) + "' already exists");
    }

    // ------------------------------------------------------------------ KEYSPACE

    private static void create(Client c, byte[][] a) {
        if (a.length > 4) throw Errors.syntax();
        String name = Args.str(a[2]);
        IndexKind kind = a.length == 4 ? kind(a[3]) : c.server().store().options().defaultIndexKind();
        checkNewName(name);
        try {
            c.server().store().createKeyspace(name, kind);
        } catch (CairnException e) {
            if (e.code() == CairnException.Code.KEYSPACE_EXISTS) throw exists(name);
            throw e;
        }
        c.reply().ok();
    }

    private static void drop(Client c, byte[][] a) {
        String name = Args.str(a[2]);
        checkNotNumbered(c.server(), name, "dropped");
        boolean existed;
        try {
            existed = c.server().store().dropKeyspace(name);
        } catch (CairnException e) {
            if (e.code() != CairnException.Code.INVALID_ARGUMENT) throw e;
            existed = false;
        }
        if (!existed) throw Errors.error(noSuchKeyspace(name));
        c.reply().ok();
    }

    private static void rename(Client c, byte[][] a) {
        String from = Args.str(a[2]);
        String to = Args.str(a[3]);
        checkNotNumbered(c.server(), from, "renamed");
        find(c.server(), from);
        if (from.equals(to)) {
            c.reply().ok();
            return;
        }
        checkNewName(to);
        try {
            c.server().store().renameKeyspace(from, to);
        } catch (CairnException e) {
            if (e.code() == CairnException.Code.KEYSPACE_EXISTS) throw exists(to);
            if (e.code() == CairnException.Code.NO_SUCH_KEYSPACE) throw Errors.error(noSuchKeyspace(from));
            throw e;
        }
        c.reply().ok();
    }

    private static void convert(Client c, byte[][] a) {
        String name = Args.str(a[2]);
        IndexKind kind = kind(a[3]);
        Keyspace ks = find(c.server(), name);
        try {
            c.server().store().convertKeyspace(ks.name(), kind);
        } catch (CairnException e) {
            if (e.code() == CairnException.Code.NO_SUCH_KEYSPACE) throw Errors.error(noSuchKeyspace(name));
            throw e;
        }
        c.reply().ok();
    }

    private static void copy(Client c, byte[][] a) {
        if (a.length > 5) throw Errors.syntax();
        String from = Args.str(a[2]);
        String to = Args.str(a[3]);
        IndexKind kind = a.length == 5 ? kind(a[4]) : null;
        Keyspace src = find(c.server(), from);
        checkNewName(to);
        try {
            if (kind == null) c.server().store().copyKeyspace(src.name(), to);
            else c.server().store().copyKeyspace(src.name(), to, kind);
        } catch (CairnException e) {
            if (e.code() == CairnException.Code.KEYSPACE_EXISTS) throw exists(to);
            if (e.code() == CairnException.Code.NO_SUCH_KEYSPACE) throw Errors.error(noSuchKeyspace(from));
            throw e;
        }
        c.reply().ok();
    }

    private static void list(Client c, byte[][] a) {
        record Row(String name, String kind, long keys) {
        }
        List<Row> all = new ArrayList<>();
        for (Keyspace ks : c.server().store().keyspaces()) {
            try {
                all.add(new Row(ks.name(), kindName(ks.kind()), ks.size()));
            } catch (CairnException e) {
                if (e.code() != CairnException.Code.NO_SUCH_KEYSPACE) throw e; // dropped meanwhile: not listed
            }
        }
        if (c.reply().resp3()) {
            c.reply().map(all.size());
            for (Row r : all) {
                c.reply().bulk(r.name());
                c.reply().map(2);
                c.reply().bulk("kind");
                c.reply().bulk(r.kind());
                c.reply().bulk("keys");
                c.reply().integer(r.keys());
            }
            return;
        }
        c.reply().array(all.size());
        for (Row r : all) {
            c.reply().array(3);
            c.reply().bulk(r.name());
            c.reply().bulk(r.kind());
            c.reply().integer(r.keys());
        }
    }

    private static void info(Client c, byte[][] a) {
        String name = Args.str(a[2]);
        Keyspace ks = find(c.server(), name);
        c.reply().map(5);
        c.reply().bulk("name");
        c.reply().bulk(ks.name());
        c.reply().bulk("kind");
        c.reply().bulk(kindName(ks.kind()));
        c.reply().bulk("keys");
        c.reply().integer(ks.size());
        c.reply().bulk("expires");
        c.reply().integer(ks.expiringCount());
        c.reply().bulk("db");
        c.reply().integer(numberedDb(c.server(), ks.name()));
    }

    // ------------------------------------------------------------------ KRANGE, KPREFIX

    private static final String BAD_RANGE = "ERR min or max not valid string range item";

    /** One end of a KRANGE: unbounded low ("-"), unbounded high ("+"), or a key with its inclusiveness. */
    private record Bound(byte[] key, boolean inclusive, int infinity) {
    }

    private static Bound bound(byte[] a) {
        if (a.length == 1 && a[0] == '-') return new Bound(null, false, -1);
        if (a.length == 1 && a[0] == '+') return new Bound(null, false, 1);
        if (a.length >= 1 && (a[0] == '[' || a[0] == '(')) return new Bound(Arrays.copyOfRange(a, 1, a.length), a[0] == '[', 0);
        throw Errors.error(BAD_RANGE);
    }

    /** The options after the fixed arguments: REV (if allowed), LIMIT count, WITHVALUES. */
    private static final class Options {
        boolean reverse;
        long limit = -1;
        boolean withValues;

        Options(byte[][] a, int from, boolean revAllowed) {
            for (int i = from; i < a.length; i++) {
                if (revAllowed && Args.is(a[i], "REV")) {
                    reverse = true;
                } else if (Args.is(a[i], "WITHVALUES")) {
                    withValues = true;
                } else if (Args.is(a[i], "LIMIT") && i + 1 < a.length) {
                    limit = Args.toLong(a[++i]);
                } else {
                    throw Errors.syntax();
                }
            }
        }
    }

    private static Keyspace ordered(Client c, String command) {
        Keyspace ks = c.keyspace();
        if (ks.kind() != IndexKind.ORDERED) {
            String n = ks.name();
            throw Errors.error("WRONGKIND keyspace '" + n + "' has a HASH index; " + command
                    + " needs an ORDERED one (KEYSPACE CONVERT " + n + " ORDERED)");
        }
        return ks;
    }

    private static void krange(Client c, byte[][] a) {
        Bound min = bound(a[1]);
        Bound max = bound(a[2]);
        Options o = new Options(a, 3, true);
        Keyspace ks = ordered(c, "KRANGE");
        if (min.infinity() > 0 || max.infinity() < 0 || o.limit == 0 || empty(min, max)) {
            c.reply().array(0);
            return;
        }
        Scan scan = ks.scan();
        if (min.key() != null) {
            if (min.inclusive()) scan.from(min.key());
            else scan.after(min.key());
        }
        if (max.key() != null) {
            if (max.inclusive()) scan.toInclusive(max.key());
            else scan.to(max.key());
        }
        run(c, scan, o);
    }

    /** Whether two finite bounds leave nothing between them. */
    private static boolean empty(Bound min, Bound max) {
        if (min.key() == null || max.key() == null) return false;
        int cmp = Arrays.compareUnsigned(min.key(), max.key());
        return cmp > 0 || (cmp == 0 && !(min.inclusive() && max.inclusive()));
    }

    private static void kprefix(Client c, byte[][] a) {
        byte[] prefix = a[1];
        Options o = new Options(a, 2, false);
        Keyspace ks = ordered(c, "KPREFIX");
        if (o.limit == 0) {
            c.reply().array(0);
            return;
        }
        run(c, ks.scan().prefix(prefix), o);
    }

    private static void run(Client c, Scan scan, Options o) {
        if (o.reverse) scan.reverse();
        if (o.limit > 0) scan.limit(o.limit);
        List<Entry> found = new ArrayList<>();
        try (CloseableIterator<Entry> it = scan.iterator()) {
            while (it.hasNext()) found.add(it.next());
        }
        if (!o.withValues) {
            c.reply().array(found.size());
            for (Entry e : found) c.reply().bulk(e.key());
        } else if (c.reply().resp3()) {
            c.reply().array(found.size());
            for (Entry e : found) {
                c.reply().array(2);
                c.reply().bulk(e.key());
                c.reply().bulk(e.value());
            }
        } else {
            c.reply().array(found.size() * 2);
            for (Entry e : found) {
                c.reply().bulk(e.key());
                c.reply().bulk(e.value());
            }
        }
    }
}
