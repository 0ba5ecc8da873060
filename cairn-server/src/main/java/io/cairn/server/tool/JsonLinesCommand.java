package io.cairn.server.tool;

import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.IndexKind;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code cairn tool export} and {@code cairn tool import}: {@link JsonLines} from the command line, on a store that is
 * not running (the tool opens it itself).
 *
 * <pre>
 * export DIR [--keyspace NAME]... [--out FILE]                               default: every keyspace, to stdout
 * import DIR [--in FILE] [--into NAME] [--kind hash|ordered] [--replace]     default: from stdin
 * </pre>
 *
 * Exit status: 0 done, 1 bad input (malformed export, unknown keyspace, target not empty), 2 usage or I/O (bad
 * arguments, unreadable file, the store in use or unusable).
 */
public final class JsonLinesCommand {
    public static final int OK = 0;
    public static final int BAD_INPUT = 1;
    public static final int USAGE_OR_IO = 2;

    static final String USAGE = String.join("\n",
            "usage: cairn tool export DIR [--keyspace NAME]... [--out FILE]",
            "       cairn tool import DIR [--in FILE] [--into NAME] [--kind hash|ordered] [--replace]",
            "  export  writes keyspaces (all, or each --keyspace) as JSON Lines to FILE or stdout",
            "  import  reads JSON Lines from FILE or stdin; --into renames an export of one keyspace, --kind sets the",
            "          index of keyspaces it creates, --replace lets it overwrite keys of keyspaces that have entries",
            "  The store in DIR must not be open elsewhere (stop the server first).");

    private JsonLinesCommand() {
    }

    /** Runs {@code export ...} or {@code import ...} (the words after {@code tool}); import reads stdin by default. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** {@link #run(String[], PrintStream, PrintStream)} with the standard input given. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length == 0) return usage(err, "cairn tool", "missing subcommand: export or import");
        String sub = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        if (rest.contains("-h") || rest.contains("--help")) {
            out.println(USAGE);
            return OK;
        }
        try {
            return switch (sub) {
                case "export" -> export(rest, out, err);
                case "import" -> importCmd(rest, stdin, out, err);
                default -> usage(err, "cairn tool", "unknown subcommand '" + sub + "': export or import");
            };
        } catch (UsageException e) {
            return usage(err, "cairn tool " + sub, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- export

    private static int export(List<String> args, PrintStream out, PrintStream err) {
        String dir = null;
        String file = null;
        List<String> keyspaces = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--keyspace" -> keyspaces.add(value(args, i++, a));
                case "--out" -> file = once(file, value(args, i++, a), a);
                default -> dir = positional(dir, a);
            }
        }
        if (dir == null) throw new UsageException("missing DIR, the store's directory");
        String me = "cairn tool export: ";
        Path storeDir = Path.of(dir);
        String missing = notAStore(storeDir);
        if (missing != null) {
            err.println(me + "no store in " + dir + " (" + missing + ")");
            return USAGE_OR_IO;
        }
        boolean toStdout = file == null || file.equals("-");
        Path target = toStdout ? null : Path.of(file);
        Path temp = null;
        try (Cairn db = Cairn.open(storeDir)) {
            for (String name : keyspaces) {
                if (db.findKeyspace(name).isEmpty()) {
                    err.println(me + "no keyspace named '" + name + "' in " + dir);
                    return BAD_INPUT;
                }
            }
            long n;
            if (toStdout) {
                n = JsonLines.export(db, keyspaces, out);
                if (out.checkError()) {
                    err.println(me + "writing to standard output failed");
                    return USAGE_OR_IO;
                }
            } else {
                // a sibling file, moved into place when complete: FILE is never left half written
                Path parent = target.toAbsolutePath().getParent();
                temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
                try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                    n = JsonLines.export(db, keyspaces, os);
                }
                moveIntoPlace(temp, target);
                temp = null;
            }
            int count = keyspaces.isEmpty() ? db.keyspaces().size() : (int) keyspaces.stream().distinct().count();
            (toStdout ? err : out).println("exported " + n + " entries of " + count + " keyspace"
                    + (count == 1 ? "" : "s") + (toStdout ? "" : " to " + file));
            return OK;
        } catch (CairnException e) {
            return storeFailure(err, me, dir, e);
        } catch (IOException | UncheckedIOException e) {
            err.println(me + (file == null ? "" : file + ": ") + ioMessage(e));
            return USAGE_OR_IO;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the failure is reported already
                }
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Why {@code dir} holds no store, or null if it looks like one (Cairn.open would create one in an empty place). */
    private static String notAStore(Path dir) {
        if (!Files.isDirectory(dir)) return Files.exists(dir) ? "not a directory" : "no such directory";
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent() ? null : "the directory is empty";
        } catch (IOException e) {
            return ioMessage(e);
        }
    }

    // ---------------------------------------------------------------- import

    private static int importCmd(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
        String dir = null;
        String file = null;
        ImportOptions opts = ImportOptions.defaults();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--in" -> file = once(file, value(args, i++, a), a);
                case "--into" -> {
                    if (opts.into() != null) throw new UsageException("--into given twice");
                    opts = opts.withInto(value(args, i++, a));
                }
                case "--kind" -> {
                    String k = value(args, i++, a);
                    try {
                        opts = opts.withKind(IndexKind.valueOf(k.toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--kind must be hash or ordered, not '" + k + "'");
                    }
                }
                case "--replace" -> opts = opts.withReplace(true);
                default -> dir = positional(dir, a);
            }
        }
        if (dir == null) throw new UsageException("missing DIR, the store's directory");
        String me = "cairn tool import: ";
        boolean fromStdin = file == null || file.equals("-");
        String source = fromStdin ? "standard input" : file;
        InputStream in;
        try {
            in = fromStdin ? new FilterInputStream(stdin) {
                @Override
                public void close() {
                    // the caller's standard input stays open
                }
            } : Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            err.println(me + "cannot read " + file + ": " + ioMessage(e));
            return USAGE_OR_IO;
        }
        try (InputStream buffered = new BufferedInputStream(in, 1 << 16);
             Cairn db = Cairn.open(Path.of(dir))) {
            ImportResult r = JsonLines.importInto(db, buffered, opts);
            StringBuilder sb = new StringBuilder("imported " + r.imported() + " entries from " + source + " into ");
            String sep = "";
            for (Map.Entry<String, Long> e : r.perKeyspace().entrySet()) {
                sb.append(sep).append('\'').append(e.getKey()).append("' (").append(e.getValue())
                        .append(r.created().contains(e.getKey()) ? ", created" : "").append(')');
                sep = ", ";
            }
            if (r.perKeyspace().isEmpty()) sb.append("no keyspace");
            if (r.skippedExpired() > 0) sb.append("; skipped ").append(r.skippedExpired()).append(" already expired");
            out.println(sb);
            return OK;
        } catch (ImportException e) {
            err.println(me + (fromStdin ? "" : file + ": ") + e.getMessage());
            return BAD_INPUT;
        } catch (CairnException e) {
            return storeFailure(err, me, dir, e);
        } catch (IOException | UncheckedIOException e) {
            err.println(me + "reading " + source + " failed: " + ioMessage(e));
            return USAGE_OR_IO;
        }
    }

    // ---------------------------------------------------------------- shared

    private static int storeFailure(PrintStream err, String me, String dir, CairnException e) {
        switch (e.code()) {
            case LOCKED -> {
                err.println(me + "the store in " + dir + " is in use (is the server running?)");
                return USAGE_OR_IO;
            }
            case NO_SUCH_KEYSPACE, TOO_LARGE, INVALID_ARGUMENT, KEYSPACE_EXISTS -> {
                err.println(me + e.getMessage());
                return BAD_INPUT;
            }
            default -> {
                err.println(me + "the store in " + dir + ": " + e.getMessage());
                return USAGE_OR_IO;
            }
        }
    }

    private static String ioMessage(Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof NoSuchFileException) return "no such file";
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String value(List<String> args, int i, String flag) {
        if (i + 1 >= args.size()) throw new UsageException(flag + " needs a value");
        return args.get(i + 1);
    }

    private static String once(String previous, String value, String flag) {
        if (previous != null) throw new UsageException(flag + " given twice");
        return value;
    }

    private static String positional(String previous, String arg) {
        if (arg.startsWith("--")) throw new UsageException("unknown option " + arg);
        if (previous != null) throw new UsageException("one DIR only, got '" + previous + "' and '" + arg + "'");
        return arg;
    }

    private static int usage(PrintStream err, String me, String message) {
        err.println(me + ": " + message);
        err.println(USAGE);
        return USAGE_OR_IO;
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
