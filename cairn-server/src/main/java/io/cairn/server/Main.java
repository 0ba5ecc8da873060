package io.cairn.server;

import io.cairn.server.config.ServerConfig;
import io.cairn.server.tool.JsonLinesCommand;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's entry point: {@code server [cairn.conf] [--name value ...]} runs the server; it exits non-zero with
 * one line on a bad setting or a port already taken, and shuts down gracefully on SIGTERM, SIGINT and SHUTDOWN.
 * {@code tool <subcommand> ...} runs an offline tool on a stopped store's directory and exits with its code:
 * {@code export} and {@code import} are {@link JsonLinesCommand}, the rest {@link io.cairn.Tool}. {@code cli ...} is the
 * interactive shell, {@link io.cairn.server.cli.Cli}.
 */
public final class Main {
    private static final String USAGE = "usage: cairn server [config-file] [--name value ...]\n"
            + "       cairn tool inspect|verify|dump|repair DIR [options]   (cairn tool --help)\n"
            + "       cairn tool export|import DIR [options]                (JSON Lines; cairn tool export --help)\n"
            + "       cairn cli [-h host] [-p port] [-a password] [cmd [arg ...]]  (a shell; cairn cli --help)";

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "server" -> server(rest);
            case "tool" -> System.exit(tool(rest));
            case "cli" -> System.exit(io.cairn.server.cli.Cli.run(rest));
            default -> {
                System.err.println(command.isEmpty() ? USAGE : "cairn: unknown command '" + command + "'\n" + USAGE);
                System.exit(2);
            }
        }
    }

    /**
     * {@code cairn tool <subcommand> ...}: each subcommand is routed to the class that implements it; everything else
     * (inspect, verify, dump, repair, help and usage errors) goes to the offline tool in cairn-core. Returns the exit
     * code.
     */
    static int tool(String[] args) {
        String sub = args.length == 0 ? "" : args[0];
        return switch (sub) {
            case "export", "import" -> {
                // the store's log lines go to stderr, never into an export on stdout
                if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
                    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
                }
                yield JsonLinesCommand.run(args, System.out, System.err);
            }
            default -> io.cairn.Tool.run(args, System.out, System.err);
        };
    }

    private static void server(String[] args) {
        List<String> rest = Arrays.asList(args);
        ServerConfig config;
        try {
            config = ServerConfig.fromArgs(rest, System.getenv());
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("cairn: " + e.getMessage());
            System.exit(1);
            return;
        }
        Logging.configure(config);
        CairnServer server = new CairnServer(config);
        try {
            server.start();
        } catch (IOException e) {
            System.err.println("cairn: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("cairn: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!server.isClosed()) {
                org.slf4j.LoggerFactory.getLogger("io.cairn.server").info("Received signal, scheduling shutdown...");
                server.close();
            }
        }, "cairn-signal"));
        // SIGTERM and SIGINT shut down gracefully and exit 0, as Redis does; a shutdown hook alone would exit 143/130
        for (String sig : new String[] {"TERM", "INT"}) exitZeroOn(sig, server);
        server.onShutdown(() -> System.exit(0));
    }

    @SuppressWarnings("restriction")
    private static void exitZeroOn(String signal, CairnServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                org.slf4j.LoggerFactory.getLogger("io.cairn.server").info("Received SIG{} scheduling shutdown...", signal);
                server.close(); // the JVM runs each signal's handler on a thread of its own
                System.exit(0);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // the JVM keeps this signal (e.g. -Xrs): the shutdown hook still closes the server gracefully
        }
    }
}
