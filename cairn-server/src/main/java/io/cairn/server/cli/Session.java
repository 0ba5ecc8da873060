package io.cairn.server.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shell's connection and what it must restore after a reconnect: the password (from the flags or a successful
 * AUTH), the database (from -n or a successful SELECT) and the protocol (from -3 or a successful HELLO). A command
 * sent on a connection the server has closed (it restarted) reconnects and is sent again, once, as redis-cli does.
 * Used by one thread; {@link #cancel} may be called from another (Ctrl-C) to end a blocking read.
 */
final class Session implements AutoCloseable {
    private final CliOptions options;
    private RedisConnection conn;
    private volatile RedisConnection reading;
    private String user;
    private String password;
    /** The database: a number, or the name of one of Cairn's keyspaces (SELECT users). */
    private String db;
    private int resp;
    private CommandCatalog catalog;
    /**
     * Whether every command probes its connection first ({@link RedisConnection#closedWhileIdle}), however briefly it
     * sat idle: the interactive shell, where a millisecond per command is nothing and a server restarted a moment ago
     * must not cost the next command its reply. Piped and one-shot commands probe only after an idle spell.
     */
    private boolean probeEveryCommand;

    Session(CliOptions options) {
        this.options = options;
        this.user = options.user;
        this.password = options.password;
        this.db = Integer.toString(options.db);
        this.resp = options.resp;
    }

    void probeEveryCommand() {
        probeEveryCommand = true;
    }

    boolean isConnected() {
        return conn != null;
    }

    String db() {
        return db;
    }

    /** Connects if not connected: AUTH, SELECT and HELLO as set; their failures are returned as warnings. */
    void connect(List<String> warnings) throws ConnectFailure {
        if (conn != null) return;
        RedisConnection c;
        try {
            c = RedisConnection.open(options);
        } catch (IOException e) {
            throw new ConnectFailure("Could not connect to Redis at " + options.host + ":" + options.port + ": "
                    + reason(e), e);
        }
        try {
            if (password != null) {
                List<byte[]> auth = user != null ? args("AUTH", user, password) : args("AUTH", password);
                Reply r = c.call(auth);
                if (r instanceof Reply.Error e) warnings.add("AUTH failed: " + e.text());
            }
            if (!db.equals("0")) {
                Reply r = c.call(args("SELECT", db));
                if (r instanceof Reply.Error e) {
                    warnings.add("SELECT " + db + " failed: " + e.text());
                    db = "0";
                }
            }
            if (resp == 3) {
                Reply r = c.call(args("HELLO", "3"));
                if (r instanceof Reply.Error e) {
                    warnings.add("HELLO 3 failed: " + e.text());
                    resp = 2;
                }
            }
        } catch (IOException e) {
            closeQuietly(c);
            throw new ConnectFailure("Could not connect to Redis at " + options.host + ":" + options.port + ": "
                    + reason(e), e);
        }
        conn = c;
    }

    /** The command table of the server, fetched once per shell (COMMAND and COMMAND DOCS). */
    CommandCatalog catalog() {
        if (catalog != null) return catalog;
        if (conn == null) return CommandCatalog.EMPTY;
        try {
            catalog = CommandCatalog.of(conn.call(args("COMMAND")), conn.call(args("COMMAND", "DOCS")));
        } catch (IOException e) {
            disconnect();
            return CommandCatalog.EMPTY;
        }
        return catalog;
    }

    /**
     * Sends one command; reconnects first when not connected, and once more when the send fails on a connection the
     * server closed.
     */
    void send(List<byte[]> command, List<String> warnings) throws ConnectFailure, IOException {
        if (conn != null && conn.closedWhileIdle(probeEveryCommand)) disconnect();
        boolean fresh = conn == null;
        connect(warnings);
        try {
            conn.send(command);
        } catch (IOException e) {
            disconnect();
            if (fresh) throw e;
            connect(warnings);
            conn.send(command);
        }
    }

    /** Reads one reply; on failure the connection is dropped, so the next command reconnects. */
    Reply read() throws IOException {
        RedisConnection c = conn;
        if (c == null) throw new IOException("Server closed the connection");
        reading = c;
        try {
            return c.read();
        } catch (IOException e) {
            disconnect();
            throw e;
        } finally {
            reading = null;
        }
    }

    /** Takes note of what a successful command changed that a reconnect must restore. */
    void noteSuccess(List<byte[]> command) {
        String name = str(command.get(0)).toLowerCase(Locale.ROOT);
        switch (name) {
            case "select" -> {
                if (command.size() == 2) db = str(command.get(1));
            }
            case "auth" -> {
                if (command.size() == 2) {
                    user = null;
                    password = str(command.get(1));
                } else if (command.size() == 3) {
                    user = str(command.get(1));
                    password = str(command.get(2));
                }
            }
            case "hello" -> {
                if (command.size() >= 2) {
                    String v = str(command.get(1));
                    if (v.equals("2") || v.equals("3")) resp = Integer.parseInt(v);
                }
                for (int i = 2; i + 2 < command.size(); i++) {
                    if (str(command.get(i)).equalsIgnoreCase("AUTH")) {
                        user = str(command.get(i + 1));
                        password = str(command.get(i + 2));
                    }
                }
            }
            default -> {
            }
        }
    }

    /** Ends a blocking read from another thread (Ctrl-C while in SUBSCRIBE or MONITOR). */
    void cancel() {
        RedisConnection c = reading;
        if (c != null) closeQuietly(c);
    }

    void disconnect() {
        if (conn != null) closeQuietly(conn);
        conn = null;
    }

    @Override
    public void close() {
        disconnect();
    }

    static List<byte[]> args(String... words) {
        List<byte[]> out = new ArrayList<>(words.length);
        for (String w : words) out.add(w.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The reason as redis-cli words it (its text comes from the C library). */
    static String reason(IOException e) {
        if (e instanceof UnknownHostException) return "Name or service not known";
        if (e instanceof SocketTimeoutException) return "Connection timed out";
        if (e instanceof NoRouteToHostException) return "No route to host";
        if (e instanceof ConnectException && e.getMessage() != null && e.getMessage().startsWith("Connection refused")) {
            return "Connection refused";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.security.cert.CertPathValidatorException
                        || t.getClass().getName().endsWith("SunCertPathBuilderException")) {
                    return "TLS handshake failed: the server's certificate is not trusted (--cacert names the CA that"
                            + " signed it; --insecure skips the check)";
                }
            }
            return "TLS handshake failed: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(RedisConnection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already broken; nothing more to release
        }
    }

    /** The server could not be reached; the message is redis-cli's "Could not connect to Redis at ...". */
    static final class ConnectFailure extends Exception {
        ConnectFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
