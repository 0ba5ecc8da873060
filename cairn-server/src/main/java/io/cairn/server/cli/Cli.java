package io.cairn.server.cli;

import io.cairn.server.Version;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.Reference;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * {@code cairn cli}: a shell for any Redis-protocol server, in the manner of redis-cli. With a command on the command
 * line it runs it (repeated with {@code -r}) and prints the reply; with no command and standard input redirected it
 * runs each line of standard input; otherwise it is interactive, through JLine: line editing, persistent history,
 * completion and argument hints from the server's COMMAND table. Exit status: 0, or 1 when the server cannot be
 * reached or closes the connection (and, with {@code -e}, when a reply is an error); 2 for a bad flag.
 */
public final class Cli {
    /** Commands whose replies go on until the connection ends: the shell keeps printing what arrives. */
    private static final Set<String> STREAMING = Set.of("subscribe", "psubscribe", "ssubscribe", "monitor");
    /** Lines never written to the history file: they carry a password. */
    static final Pattern SECRET = Pattern.compile("(?is)^\\s*(\\d+\\s+)?(auth\\b|hello\\b.*\\bauth\\b|acl\\s+setuser\\b"
            + "|migrate\\b.*\\bauth2?\\b|config\\s+set\\b.*\\b(requirepass|masterauth)\\b).*");
    static final String HISTORY_FILE = ".cairncli_history";

    private final CliOptions options;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean raw;
    private final Session session;
    private boolean failed;

    private Cli(CliOptions options, InputStream in, PrintStream out, PrintStream err, boolean stdoutTty) {
        this.options = options;
        this.in = in;
        this.out = out;
        this.err = err;
        this.raw = options.raw != null ? options.raw : !stdoutTty;
        this.session = new Session(options);
    }

    /** The launcher's entry point: {@code cairn cli ...} on the process's own streams and terminal. */
    public static int run(String[] args) {
        boolean stdinTty = isTerminal(0);
        boolean stdoutTty = isTerminal(1);
        return run(args, System.in, System.out, System.err, stdinTty, stdoutTty, null,
                Path.of(System.getProperty("user.home")), System.getenv("REDISCLI_AUTH"));
    }

    /**
     * Runs the shell on the given streams. {@code terminal}, when not null, is used for the interactive mode (tests
     * pass a virtual one); otherwise, when {@code stdinTty}, the system terminal is opened. Returns the exit status.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean stdinTty,
                          boolean stdoutTty, Terminal terminal, Path home, String envAuth) {
        CliOptions o;
        try {
            o = CliOptions.parse(args, envAuth);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("Try 'cairn cli --help' for more information.");
            return 2;
        }
        if (o.help) {
            out.print(CliOptions.USAGE);
            return 0;
        }
        if (o.version) {
            out.println("cairn cli " + Version.VERSION);
            return 0;
        }
        if (o.passwordOnCommandLine && !o.noAuthWarning) {
            err.println("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.");
        }
        Cli cli = new Cli(o, in, out, err, stdoutTty);
        try {
            if (!o.command.isEmpty()) return cli.runCommandLine();
            if (terminal != null || stdinTty) return cli.interactive(terminal, home);
            return cli.runLines();
        } finally {
            cli.session.close();
        }
    }

    /** {@code cairn cli SET k v}: the command, {@code -r} times, {@code -i} apart. */
    private int runCommandLine() {
        List<byte[]> command = new ArrayList<>();
        for (String a : options.command) command.add(a.getBytes(StandardCharsets.UTF_8));
        if (options.lastArgFromStdin) {
            try {
                command.add(in.readAllBytes());
            } catch (IOException e) {
                err.println("Reading from standard input: " + e.getMessage());
                return 1;
            }
        }
        if (!connectOrReport()) return 1;
        for (long i = 0; options.repeat < 0 || i < options.repeat; i++) {
            if (i > 0 && !pause()) break;
            if (!execute(command) && !session.isConnected()) return 1;
        }
        return failed ? 1 : 0;
    }

    /** Commands piped on standard input, one per line, in order. */
    private int runLines() {
        if (!connectOrReport()) return 1;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                List<byte[]> command = ArgSplitter.split(line);
                if (command == null) {
                    out.println("Invalid argument(s)");
                    continue;
                }
                if (!execute(command) && !session.isConnected()) return 1;
            }
        } catch (IOException e) {
            err.println("Reading from standard input: " + e.getMessage());
            return 1;
        }
        return failed ? 1 : 0;
    }

    private int interactive(Terminal given, Path home) {
        session.probeEveryCommand();
        Terminal terminal = given;
        try {
            if (terminal == null) terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            err.println("Could not open the terminal: " + e.getMessage());
            return 1;
        }
        try {
            List<String> warnings = new ArrayList<>();
            try {
                session.connect(warnings);
            } catch (Session.ConnectFailure e) {
                terminal.writer().println(e.getMessage());
            }
            warnings.forEach(terminal.writer()::println);
            CommandCatalog catalog = session.catalog();
            CatalogRef ref = new CatalogRef(catalog);
            DefaultHistory history = new DefaultHistory() {
                @Override
                public void add(Instant time, String line) {
                    if (!SECRET.matcher(line).matches()) super.add(time, line);
                }
            };
            LineReader reader = lineReader(terminal, ref, history, home);
            PrintStream screen = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt());
                } catch (UserInterruptException | EndOfFileException e) {
                    break;
                }
                if (line.isBlank()) continue;
                List<byte[]> command = ArgSplitter.split(line);
                if (command == null) {
                    screen.println("Invalid argument(s)");
                    continue;
                }
                String name = Session.str(command.get(0)).toLowerCase(Locale.ROOT);
                if (command.size() == 1 && (name.equals("quit") || name.equals("exit"))) break;
                if (command.size() == 1 && name.equals("clear")) {
                    terminal.puts(InfoCmp.Capability.clear_screen);
                    terminal.flush();
                    continue;
                }
                if (name.equals("help")) {
                    screen.print(help(line.trim().substring(4).trim(), ref.catalog));
                    screen.flush();
                    continue;
                }
                long times = 1;
                if (command.size() > 1 && Session.str(command.get(0)).matches("\\d{1,9}")) {
                    times = Long.parseLong(Session.str(command.get(0)));
                    command = command.subList(1, command.size());
                }
                AtomicBoolean interrupted = new AtomicBoolean();
                Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> {
                    interrupted.set(true);
                    session.cancel();
                });
                try {
                    for (long i = 0; i < times && !interrupted.get(); i++) execute(command, screen);
                } finally {
                    terminal.handle(Terminal.Signal.INT, previous);
                }
                if (interrupted.get() && !session.isConnected()) {
                    // Ctrl-C ended a SUBSCRIBE by closing its connection: back at the prompt on a fresh one
                    screen.println();
                    try {
                        session.connect(new ArrayList<>());
                    } catch (Session.ConnectFailure e) {
                        screen.println(e.getMessage());
                    }
                }
                if (ref.catalog.isEmpty() && session.isConnected()) ref.catalog = session.catalog();
            }
            try {
                history.save();
            } catch (IOException e) {
                err.println("Could not save the history: " + e.getMessage());
            }
            return 0;
        } finally {
            if (given == null) {
                try {
                    terminal.close();
                } catch (IOException ignored) {
                    // leaving anyway
                }
            }
        }
    }

    /**
     * JLine's reader with the shell's completion, hints (the tail tip, recomputed as the line changes), history file
     * and emacs key bindings, the arrow keys included in both cursor modes.
     */
    private static LineReader lineReader(Terminal terminal, CatalogRef ref, DefaultHistory history, Path home) {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("cairn")
                .completer(ref).highlighter(new HintHighlighter(ref)).history(history)
                .variable(LineReader.HISTORY_FILE, home.resolve(HISTORY_FILE))
                .variable(LineReader.HISTORY_SIZE, 1000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        reader.setAutosuggestion(LineReader.SuggestionType.TAIL_TIP);
        // terminfo names only the keypad mode's ESC O A ...; terminals in normal cursor mode send ESC [ A
        KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
        main.bind(new Reference(LineReader.UP_LINE_OR_HISTORY), "\u001b[A");
        main.bind(new Reference(LineReader.DOWN_LINE_OR_HISTORY), "\u001b[B");
        main.bind(new Reference(LineReader.FORWARD_CHAR), "\u001b[C");
        main.bind(new Reference(LineReader.BACKWARD_CHAR), "\u001b[D");
        main.bind(new Reference(LineReader.BEGINNING_OF_LINE), "\u001b[H");
        main.bind(new Reference(LineReader.END_OF_LINE), "\u001b[F");
        return reader;
    }

    /** The interactive {@code help}: an introduction, or a command's or group's description from COMMAND DOCS. */
    static String help(String topic, CommandCatalog catalog) {
        if (topic.isEmpty()) {
            return "cairn cli " + Version.VERSION + "\n"
                    + "To get help about commands type:\n"
                    + "      \"help @<group>\" to get a list of commands in <group>\n"
                    + "      \"help <command>\" for help on <command>\n"
                    + "      \"quit\" to exit\n"
                    + "Tab completes command names; the arguments still to type are shown after the cursor.\n";
        }
        String h = catalog.help(topic);
        return h != null ? h + "\n" : "No help for '" + topic + "' (the server does not describe it in COMMAND DOCS)\n";
    }

    /**
     * redis-cli's prompt: {@code 127.0.0.1:6379>}, {@code 127.0.0.1:6379[2]>} after SELECT 2, and with Cairn's named
     * keyspaces {@code 127.0.0.1:6379[users]>} after SELECT users.
     */
    String prompt() {
        if (!session.isConnected()) return "not connected> ";
        String db = session.db().equals("0") ? "" : "[" + session.db() + "]";
        String host = options.host.contains(":") ? "[" + options.host + "]" : options.host;
        return host + ":" + options.port + db + "> ";
    }

    private boolean connectOrReport() {
        List<String> warnings = new ArrayList<>();
        try {
            session.connect(warnings);
        } catch (Session.ConnectFailure e) {
            err.println(e.getMessage());
            return false;
        }
        warnings.forEach(err::println);
        return true;
    }

    private boolean execute(List<byte[]> command) {
        return execute(command, out);
    }

    /** Sends a command and prints its reply (and, for SUBSCRIBE and MONITOR, all that follows); false on failure. */
    private boolean execute(List<byte[]> command, PrintStream to) {
        List<String> warnings = new ArrayList<>();
        String name = Session.str(command.get(0)).toLowerCase(Locale.ROOT);
        try {
            session.send(command, warnings);
        } catch (Session.ConnectFailure e) {
            err.println(e.getMessage());
            to.flush();
            return false;
        } catch (IOException e) {
            to.println("Error: " + e.getMessage());
            return false;
        } finally {
            warnings.forEach(err::println);
        }
        try {
            if (STREAMING.contains(name)) {
                Reply first = session.read();
                if (first instanceof Reply.Error) return print(first, to);
                if (!raw && !name.equals("monitor")) to.println("Reading messages... (press Ctrl-C to quit)");
                print(first, to);
                while (true) print(session.read(), to);
            }
            Reply r = session.read();
            while (r instanceof Reply.Aggregate a && a.kind() == Reply.Kind.PUSH) {
                if (!raw) print(r, to); // RESP3 pushes (e.g. client tracking) that come ahead of the reply
                r = session.read();
            }
            if (!(r instanceof Reply.Error)) session.noteSuccess(command);
            return print(r, to);
        } catch (IOException e) {
            if (!STREAMING.contains(name)) to.println("Error: Server closed the connection");
            to.flush();
            return false;
        }
    }

    private boolean print(Reply r, PrintStream to) {
        byte[] text = raw ? ReplyFormat.raw(r) : ReplyFormat.tty(r);
        boolean error = r instanceof Reply.Error;
        PrintStream dest = error && options.exitOnError ? err : to;
        dest.write(text, 0, text.length);
        dest.write('\n');
        dest.flush();
        if (error && options.exitOnError) failed = true;
        return !error;
    }

    private boolean pause() {
        if (options.intervalSeconds <= 0) return true;
        try {
            Thread.sleep((long) (options.intervalSeconds * 1000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether file descriptor {@code fd} of this process is a terminal, asked of {@code test -t}, as JLine does. */
    private static boolean isTerminal(int fd) {
        try {
            ProcessBuilder pb = new ProcessBuilder("test", "-t", Integer.toString(fd));
            if (fd == 0) pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
            else pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
            return pb.start().waitFor() == 0;
        } catch (IOException e) {
            return System.console() != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The catalog the completer and hints read; replaced once when the first connection comes after the start. */
    private static final class CatalogRef implements org.jline.reader.Completer {
        volatile CommandCatalog catalog;

        CatalogRef(CommandCatalog catalog) {
            this.catalog = catalog;
        }

        @Override
        public void complete(LineReader reader, org.jline.reader.ParsedLine line, List<org.jline.reader.Candidate> c) {
            catalog.complete(reader, line, c);
        }
    }

    /** Shows the argument hint after the cursor (JLine's tail tip), recomputed on every redisplay. */
    private static final class HintHighlighter implements org.jline.reader.Highlighter {
        private final CatalogRef ref;

        HintHighlighter(CatalogRef ref) {
            this.ref = ref;
        }

        @Override
        public org.jline.utils.AttributedString highlight(LineReader reader, String buffer) {
            reader.setTailTip(buffer.isEmpty() ? "" : ref.catalog.hint(buffer));
            return new org.jline.utils.AttributedString(buffer);
        }

        @Override
        public void setErrorPattern(Pattern errorPattern) {
        }

        @Override
        public void setErrorIndex(int errorIndex) {
        }
    }
}
