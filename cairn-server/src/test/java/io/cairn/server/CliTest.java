package io.cairn.server;

import io.cairn.server.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.cairn.server.RedisAsserts.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cairn cli} without a terminal: one command from the command line, or commands piped on standard input,
 * against a real server, with the output compared to what redis-cli 7 prints for the same replies.
 */
class CliTest extends SharedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path home;

    record Run(int code, String out, String err) {
    }

    /** Output as on a terminal (redis-cli's formatted replies). */
    private Run tty(String... args) {
        return run("", true, args);
    }

    private Run run(String stdin, boolean stdoutTty, String... args) {
        return run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), stdoutTty, args);
    }

    private Run run(InputStream stdin, boolean stdoutTty, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, stdoutTty, null, home, null);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] at(int port, String... rest) {
        String[] a = new String[rest.length + 2];
        a[0] = "-p";
        a[1] = Integer.toString(port);
        System.arraycopy(rest, 0, a, 2, rest.length);
        return a;
    }

    private static String[] on(String... rest) {
        return at(server.port(), rest);
    }

    @Test
    void oneCommand_stringsIntegersNilAndErrors() {
        assertThat(tty(on("SET", "cli:s", "v"))).isEqualTo(new Run(0, "OK\n", ""));
        assertThat(tty(on("GET", "cli:s")).out()).isEqualTo("\"v\"\n");
        assertThat(tty(on("INCR", "cli:n")).out()).isEqualTo("(integer) 1\n");
        assertThat(tty(on("GET", "cli:missing")).out()).isEqualTo("(nil)\n");
        // an error in a reply prints and exits 0, as redis-cli does; -e makes it exit 1 with the error on stderr
        assertThat(tty(on("GET", "a", "b"))).isEqualTo(
                new Run(0, "(error) ERR wrong number of arguments for 'get' command\n", ""));
        assertThat(tty(on("-e", "GET", "a", "b"))).isEqualTo(
                new Run(1, "", "(error) ERR wrong number of arguments for 'get' command\n"));
    }

    @Test
    void nestedAndEmptyArrays() {
        tty(on("-n", "5", "FLUSHDB"));
        tty(on("-n", "5", "SET", "only", "1"));
        assertThat(tty(on("-n", "5", "SCAN", "0")).out()).isEqualTo("1) \"0\"\n2) 1) \"only\"\n");
        assertThat(tty(on("LRANGE", "cli:nolist", "0", "-1")).out()).isEqualTo("(empty array)\n");
        for (int i = 1; i <= 10; i++) tty(on("RPUSH", "cli:ten", "e" + i));
        // ten elements: the numbers are right-aligned, as redis-cli does
        assertThat(tty(on("LRANGE", "cli:ten", "0", "-1")).out()).startsWith(" 1) \"e1\"\n 2) \"e2\"\n")
                .endsWith(" 9) \"e9\"\n10) \"e10\"\n");
    }

    @Test
    void resp3_mapsSetsDoublesAndNesting() {
        tty(on("HSET", "cli:h", "f1", "v1", "f2", "v2"));
        tty(on("SADD", "cli:set", "m"));
        tty(on("ZADD", "cli:z", "1.5", "a"));
        assertThat(tty(on("-3", "HGETALL", "cli:h")).out()).isEqualTo("1# \"f1\" => \"v1\"\n2# \"f2\" => \"v2\"\n");
        assertThat(tty(on("-3", "SMEMBERS", "cli:set")).out()).isEqualTo("1~ \"m\"\n");
        assertThat(tty(on("-3", "ZSCORE", "cli:z", "a")).out()).isEqualTo("(double) 1.5\n");
        assertThat(tty(on("-3", "ZRANGE", "cli:z", "0", "-1", "WITHSCORES")).out())
                .isEqualTo("1) 1) \"a\"\n   2) (double) 1.5\n");
        assertThat(tty(on("-3", "HGETALL", "cli:nohash")).out()).isEqualTo("(empty hash)\n");
        assertThat(tty(on("-3", "SMEMBERS", "cli:noset")).out()).isEqualTo("(empty set)\n");
        assertThat(tty(on("-3", "GET", "cli:missing")).out()).isEqualTo("(nil)\n");
        // a map whose values are aggregates: each value on its own lines, indented under its key
        String hello = tty(on("-3", "HELLO", "3")).out();
        assertThat(hello).startsWith("1# \"server\" => ").contains("\n3# \"proto\" => (integer) 3\n");
        String docs = tty(on("-3", "COMMAND", "DOCS", "get")).out();
        assertThat(docs).startsWith("1# \"get\" => \n   1# \"summary\" => \"")
                .contains("\n   4# \"arguments\" => \n      1) 1# \"name\" => \"key\"\n         2# \"type\" => \"key\"");
    }

    @Test
    void rawOutputByDefaultWhenStdoutIsNotATerminal() {
        tty(on("HSET", "cli:raw", "f", "v"));
        assertThat(run("", false, on("HGETALL", "cli:raw")).out()).isEqualTo("f\nv\n");
        assertThat(run("", false, on("-3", "HGETALL", "cli:raw")).out()).isEqualTo("f v\n");
        assertThat(run("", false, on("GET", "cli:missing")).out()).isEqualTo("\n");
        assertThat(run("", false, on("GET", "a", "b")).out())
                .isEqualTo("ERR wrong number of arguments for 'get' command\n");
        assertThat(run("", false, on("--no-raw", "HGET", "cli:raw", "f")).out()).isEqualTo("\"v\"\n");
        assertThat(tty(on("--raw", "HGET", "cli:raw", "f")).out()).isEqualTo("v\n");
    }

    @Test
    void pipedLines_quotingAndEscapesAsRedisCli() {
        String script = String.join("\n",
                "SET cli:q \"a\\x41\\n b\"",
                "GET cli:q",
                "SET cli:q2 'x\\ny \\'q\\''",
                "GET cli:q2",
                "set cli:q3 \"unbalanced",
                "SET cli:q4 \"\\xff\\t\\\"\\\\\"",
                "GET cli:q4",
                "") + "\n";
        Run r = run(script, true, on());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("OK\n\"aA\\n b\"\nOK\n\"x\\\\ny 'q'\"\nInvalid argument(s)\nOK\n\"\\xff\\t\\\"\\\\\"\n");
        try (Jedis j = server.jedis()) {
            assertThat(j.get("cli:q")).isEqualTo("aA\n b");
            assertThat(j.get("cli:q2")).isEqualTo("x\\ny 'q'");
        }
    }

    @Test
    void pipedLines_runInOrderOnOneConnection() {
        Run r = run("MULTI\nINCR cli:tx\nINCR cli:tx\nEXEC\n", true, on());
        assertThat(r.out()).isEqualTo("OK\nQUEUED\nQUEUED\n1) (integer) 1\n2) (integer) 2\n");
    }

    @Test
    void selectedDatabase() {
        assertThat(tty(on("-n", "3", "SET", "cli:db", "three")).out()).isEqualTo("OK\n");
        try (Jedis j = server.jedis()) {
            assertThat(j.get("cli:db")).isNull();
            j.select(3);
            assertThat(j.get("cli:db")).isEqualTo("three");
        }
        assertThat(tty(on("-n", "3", "GET", "cli:db")).out()).isEqualTo("\"three\"\n");
        assertThat(tty(on("-u", "redis://127.0.0.1:" + server.port() + "/3", "GET", "cli:db")).out())
                .isEqualTo("\"three\"\n");
    }

    @Test
    void repeatAndLastArgumentFromStdin() {
        assertThat(tty(on("-r", "3", "INCR", "cli:r")).out()).isEqualTo("(integer) 1\n(integer) 2\n(integer) 3\n");
        assertThat(run("hello\n", true, on("-x", "SET", "cli:x")).out()).isEqualTo("OK\n");
        assertThat(tty(on("GET", "cli:x")).out()).isEqualTo("\"hello\\n\"\n");
    }

    @Test
    void password_fromFlagUriAndEnvironment(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own, "requirepass", "s3cret")) {
            assertThat(tty(at(s.port(), "GET", "k")).out()).isEqualTo("(error) NOAUTH Authentication required.\n");
            Run r = tty(at(s.port(), "-a", "s3cret", "SET", "k", "v"));
            assertThat(r).isEqualTo(new Run(0, "OK\n",
                    "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n"));
            assertThat(tty(at(s.port(), "-a", "s3cret", "--no-auth-warning", "GET", "k"))).isEqualTo(
                    new Run(0, "\"v\"\n", ""));
            assertThat(tty("-u", "redis://:s3cret@127.0.0.1:" + s.port(), "--no-auth-warning", "GET", "k").out())
                    .isEqualTo("\"v\"\n");
            assertThat(tty(at(s.port(), "--user", "default", "-a", "s3cret", "--no-auth-warning", "GET", "k")).out())
                    .isEqualTo("\"v\"\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Cli.run(at(s.port(), "GET", "k"), InputStream.nullInputStream(),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                    false, true, null, home, "s3cret");
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\"v\"\n");
            Run wrong = tty(at(s.port(), "-a", "nope", "--no-auth-warning", "GET", "k"));
            assertThat(wrong.err()).isEqualTo("AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n");
            assertThat(wrong.out()).isEqualTo("(error) NOAUTH Authentication required.\n");
        }
    }

    @Test
    void tls_withTheServersCertificate(@TempDir Path own, @TempDir Path certs) throws Exception {
        TestCertificates tc = TestCertificates.generate(certs);
        try (TestServer s = TestServer.start(own, "tls-port", "6380", "tls-cert-file", tc.certPem().toString(),
                "tls-key-file", tc.keyPem().toString(), "tls-auth-clients", "no")) {
            String port = Integer.toString(s.tlsPort());
            assertThat(tty("-p", port, "--tls", "--cacert", tc.certPem().toString(), "SET", "t", "over tls"))
                    .isEqualTo(new Run(0, "OK\n", ""));
            assertThat(tty("-u", "rediss://127.0.0.1:" + port, "--cacert", tc.certPem().toString(), "GET", "t").out())
                    .isEqualTo("\"over tls\"\n");
            assertThat(tty("-p", port, "--tls", "--insecure", "GET", "t").out()).isEqualTo("\"over tls\"\n");
            // the JVM's own trusted roots do not include a self-signed certificate
            Run untrusted = tty("-p", port, "--tls", "GET", "t");
            assertThat(untrusted.code()).isEqualTo(1);
            assertThat(untrusted.out()).isEmpty();
            assertThat(untrusted.err()).isEqualTo("Could not connect to Redis at 127.0.0.1:" + port + ": TLS handshake"
                    + " failed: the server's certificate is not trusted (--cacert names the CA that signed it;"
                    + " --insecure skips the check)\n");
        }
    }

    @Test
    void connectionRefused_exitsOne() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Run r = tty(at(port, "PING"));
        assertThat(r).isEqualTo(new Run(1, "", "Could not connect to Redis at 127.0.0.1:" + port + ": Connection refused\n"));
        assertThat(run("PING\n", true, at(port)).code()).isEqualTo(1);
    }

    @Test
    void badFlag_exitsTwo_andHelpExitsZero() {
        Run r = tty("--frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("Unrecognized option or bad number of args for: '--frobnicate'\n");
        assertThat(tty("-p").code()).isEqualTo(2);
        Run help = tty("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("usage: cairn cli [OPTIONS] [cmd [arg [arg ...]]]\n").contains("--tls");
    }

    @Test
    void subscribe_printsMessagesUntilTheConnectionEnds() throws Exception {
        for (String protocol : new String[] {"-2", "-3"}) {
            String channel = "cli:news" + protocol;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CompletableFuture<Integer> shell = CompletableFuture.supplyAsync(() -> Cli.run(
                    on(protocol, "SUBSCRIBE", channel), InputStream.nullInputStream(),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                    false, true, null, home, null));
            try (Jedis j = server.jedis()) {
                await(WAIT, () -> j.pubsubNumSub(channel).get(channel) == 1L);
                assertThat(j.publish(channel, "hello")).isEqualTo(1);
                await(WAIT, () -> out.toString(StandardCharsets.UTF_8).contains("hello"));
                // Ctrl-C aside, the loop ends when the connection does
                j.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                        .type(redis.clients.jedis.args.ClientType.PUBSUB));
            }
            assertThat(shell.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Reading messages... (press Ctrl-C to quit)\n"
                    + "1) \"subscribe\"\n2) \"" + channel + "\"\n3) (integer) 1\n"
                    + "1) \"message\"\n2) \"" + channel + "\"\n3) \"hello\"\n");
        }
    }
}
