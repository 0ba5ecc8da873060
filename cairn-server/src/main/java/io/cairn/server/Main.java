package io.cairn.server;

import io.cairn.server.config.ServerConfig;
import io.cairn.server.tool.JsonLinesCommand;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's entry point: {@code server [cairn.conf] [--name value ...]}. Exits non-zero with one line on a bad
 * setting or a port already taken; shuts down gracefully on SIGTERM, SIGINT and SHUTDOWN.
 * {@code tool export ...} and {@code tool import ...} run {@link JsonLinesCommand} on a stopped store.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length >= 2 && args[0].equals("tool") && (args[1].equals("export") || args[1].equals("import"))) {
            // the store's log lines go to stderr, never into an export on stdout
            if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
                System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
            }
            System.exit(JsonLinesCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length == 0 || !args[0].equals("server")) {
            System.err.println("usage: cairn server [config-file] [--name value ...]");
            System.err.println("       cairn tool export|import DIR ...   (JSON Lines; cairn tool export --help)");
            System.exit(2);
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
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
