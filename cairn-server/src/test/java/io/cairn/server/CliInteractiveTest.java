package io.cairn.server;

import io.cairn.server.cli.Cli;
import io.cairn.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cairn cli}'s interactive mode through JLine, on a virtual xterm whose keys the test types: the prompt,
 * commands, history recall and the history file, completion and hints from the server's COMMAND table, and a
 * reconnect after the server restarts.
 */
class CliInteractiveTest extends SharedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\u001b[=>]|\r");

    @TempDir
    Path home;

    private PipedOutputStream keys;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private Terminal terminal;
    private CompletableFuture<Integer> shell;

    /** Starts the shell on a virtual terminal with {@code args}. */
    private void start(String... args) throws IOException {
        keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 64 * 1024);
        // an ExternalTerminal: JLine's own line discipline over plain streams, no pty of the machine's
        terminal = new ExternalTerminal("cli-test", "xterm-256color", in, screen, StandardCharsets.UTF_8);
        terminal.setSize(new Size(200, 50));
        shell = CompletableFuture.supplyAsync(() -> Cli.run(args, InputStream.nullInputStream(),
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(screen, true, StandardCharsets.UTF_8),
                true, true, terminal, home, null));
    }

    @AfterEach
    void closeTerminal() throws IOException {
        if (keys != null) keys.close();
        if (terminal != null) terminal.close();
    }

    private void type(String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** The screen so far without escape sequences (colours, cursor moves). */
    private String text() {
        return ESCAPES.matcher(screen.toString(StandardCharsets.UTF_8)).replaceAll("");
    }

    /** Waits until {@code s} is on the screen {@code n} times; on a timeout, the failure shows the screen. */
    private void awaitCount(String s, int n) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (count(text(), s) < n) {
            if (System.nanoTime() > end) {
                assertThat(text()).as("the screen, waiting for " + n + " times '" + s + "'").isEqualTo("that");
            }
            Thread.sleep(10);
        }
    }

    private static int count(String text, String s) {
        Matcher m = Pattern.compile(Pattern.quote(s)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void promptCommandsHistoryAndCompletion() throws Exception {
        String prompt = "127.0.0.1:" + server.port() + "> ";
        start("-p", Integer.toString(server.port()));
        awaitCount(prompt, 1);

        type("set cli:i v\r");
        awaitCount("OK", 1);
        type("get cli:i\r");
        awaitCount("\"v\"", 1);
        type("set cli:i w\r");
        awaitCount("OK", 2);
        // two steps back in the history is "get cli:i", run again: the value it reads now is the new one
        type("\u0010\u0010\r"); // Ctrl-P twice
        awaitCount("\"w\"", 1);

        // Tab completes a command name from the server's COMMAND table; the hint shows its arguments
        type("pfcou\t");
        awaitCount("pfcount key [key ...]", 1);
        type("cli:hll\r");
        awaitCount("(integer) 0", 1);

        // help from COMMAND DOCS, as redis-cli's help
        type("help pfcount\r");
        awaitCount("  summary: ", 1);
        assertThat(text()).contains("\n  PFCOUNT key [key ...]\n  summary: ");

        type("select 2\r");
        awaitCount("127.0.0.1:" + server.port() + "[2]> ", 1);
        // Cairn's named keyspaces show in the prompt too
        type("keyspace create cli_users ordered\r");
        awaitCount("OK", 4); // after SET, SET and SELECT 2
        type("select cli_users\r");
        awaitCount("127.0.0.1:" + server.port() + "[cli_users]> ", 1);
        type("auth not-kept\r");
        awaitCount("(error) ", 1);
        type("quit\r");
        assertThat(shell.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();

        List<String> history = Files.readAllLines(home.resolve(".cairncli_history"));
        assertThat(String.join("\n", history)).contains("set cli:i v", "get cli:i", "pfcount cli:hll", "select 2")
                .doesNotContain("auth", "not-kept");
    }

    @Test
    void reconnectsOnTheNextCommandAfterTheServerRestarts(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ServerConfig config = ServerConfig.fromArgs(List.of("--dir", data.toString(), "--port",
                Integer.toString(port), "--io-threads", "2"), Map.of());
        CairnServer first = new CairnServer(config);
        first.start();
        try {
            start("-p", Integer.toString(port), "-n", "4");
            awaitCount("127.0.0.1:" + port + "[4]> ", 1);
            type("set cli:r kept\r");
            awaitCount("OK", 1);
        } finally {
            first.close();
        }
        CairnServer second = new CairnServer(config);
        second.start();
        try {
            // the same database is selected again on the new connection
            type("get cli:r\r");
            awaitCount("\"kept\"", 1);
            assertThat(text()).doesNotContain("Could not connect");
            type("quit\r");
            assertThat(shell.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        } finally {
            second.close();
        }
    }

    @Test
    void startsNotConnected_andConnectsWhenTheServerComesUp(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        start("-p", Integer.toString(port));
        awaitCount("Could not connect to Redis at 127.0.0.1:" + port + ": Connection refused", 1);
        awaitCount("not connected> ", 1);
        CairnServer s = new CairnServer(ServerConfig.fromArgs(List.of("--dir", data.toString(), "--port",
                Integer.toString(port), "--io-threads", "2"), Map.of()));
        s.start();
        try {
            type("ping\r");
            awaitCount("PONG", 1);
            awaitCount("127.0.0.1:" + port + "> ", 1);
            // the command table, unknown at the start, is fetched on this first connection
            type("pfcou\t");
            awaitCount("pfcount key [key ...]", 1);
            type("\u0015quit\r");
            assertThat(shell.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
        } finally {
            s.close();
        }
    }
}
