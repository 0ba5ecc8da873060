package io.cairn.server;

import io.cairn.server.config.ServerConfig;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's entry point: {@code server [cairn.conf] [--name value ...]}. Exits non-zero with one line on a bad
 * setting or a port already taken; shuts down gracefully on SIGTERM, SIGINT and SHUTDOWN.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("server")) {
            System.err.println("usage: cairn server [config-file] [--name value ...]");
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
        server.onShutdown(() -> System.exit(0));
    }
}
