package io.cairn.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cairn cli}'s flags, with redis-cli's names and meanings. Options come first; the first word that is not an
 * option starts the command to run.
 */
final class CliOptions {
    String host = "127.0.0.1";
    int port = 6379;
    String user;
    String password;
    int db;
    int resp = 2;
    boolean tls;
    String cacert;
    String cert;
    String key;
    String sni;
    boolean insecure;
    long repeat = 1;
    double intervalSeconds;
    boolean lastArgFromStdin;
    /** null: raw when standard output is not a terminal, as redis-cli. */
    Boolean raw;
    boolean exitOnError;
    boolean noAuthWarning;
    boolean help;
    boolean version;
    /** The password came from -a or -u (redis-cli warns), not from REDISCLI_AUTH. */
    boolean passwordOnCommandLine;
    final List<String> command = new ArrayList<>();

    /** Parses {@code args}; throws IllegalArgumentException with the line redis-cli would print. */
    static CliOptions parse(String[] args, String envAuth) {
        CliOptions o = new CliOptions();
        if (envAuth != null && !envAuth.isEmpty()) o.password = envAuth;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.length() == 1) break;
            switch (a) {
                case "-h" -> o.host = value(args, ++i, a);
                case "-p" -> o.port = integer(value(args, ++i, a), a);
                case "-a", "--pass" -> {
                    o.password = value(args, ++i, a);
                    o.passwordOnCommandLine = true;
                }
                case "--user" -> o.user = value(args, ++i, a);
                case "-n" -> o.db = integer(value(args, ++i, a), a);
                case "-u" -> o.uri(value(args, ++i, a));
                case "-2" -> o.resp = 2;
                case "-3" -> o.resp = 3;
                case "--tls" -> o.tls = true;
                case "--cacert" -> o.cacert = value(args, ++i, a);
                case "--cert" -> o.cert = value(args, ++i, a);
                case "--key" -> o.key = value(args, ++i, a);
                case "--sni" -> o.sni = value(args, ++i, a);
                case "--insecure" -> o.insecure = true;
                case "-r" -> o.repeat = longValue(value(args, ++i, a), a);
                case "-i" -> {
                    String v = value(args, ++i, a);
                    try {
                        o.intervalSeconds = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw bad(a);
                    }
                    if (!(o.intervalSeconds >= 0)) throw bad(a);
                }
                case "-x" -> o.lastArgFromStdin = true;
                case "--raw" -> o.raw = true;
                case "--no-raw" -> o.raw = false;
                case "-e" -> o.exitOnError = true;
                case "--no-auth-warning" -> o.noAuthWarning = true;
                case "--help" -> o.help = true;
                case "-v", "--version" -> o.version = true;
                default -> throw bad(a);
            }
        }
        for (; i < args.length; i++) o.command.add(args[i]);
        if (o.user != null && o.password == null) {
            throw new IllegalArgumentException("--user needs a password: -a, --pass or REDISCLI_AUTH");
        }
        return o;
    }

    /** {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS, as redis-cli's -u. */
    private void uri(String s) {
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Invalid URI: " + s);
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
            throw new IllegalArgumentException("Invalid URI scheme");
        }
        if (scheme.equals("rediss")) tls = true;
        if (u.getHost() != null) host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1)
                : u.getHost();
        if (u.getPort() > 0) port = u.getPort();
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                if (colon > 0) user = decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
            passwordOnCommandLine = true;
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) db = integer(path.substring(1), "-u");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw bad(flag);
        return args[i];
    }

    private static int integer(String v, String flag) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(flag);
        }
    }

    private static long longValue(String v, String flag) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(flag);
        }
    }

    private static IllegalArgumentException bad(String flag) {
        return new IllegalArgumentException("Unrecognized option or bad number of args for: '" + flag + "'");
    }

    static final String USAGE = """
            usage: cairn cli [OPTIONS] [cmd [arg [arg ...]]]
              -h <hostname>      Server hostname (default: 127.0.0.1).
              -p <port>          Server port (default: 6379).
              -a <password>      Password to use when connecting to the server (also REDISCLI_AUTH).
              --pass <password>  Alias of -a.
              --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
              -u <uri>           Server URI: redis://[[user]:password@]host[:port][/db], rediss:// for TLS.
              -n <db>            Database number.
              -2                 Start session in RESP2 protocol mode (the default).
              -3                 Start session in RESP3 protocol mode (HELLO 3).
              -r <repeat>        Execute the command N times (-1: forever).
              -i <interval>      When -r is used, waits <interval> seconds per command (sub-second: -i 0.1).
              -x                 Read the last argument from standard input.
              -e                 Exit with status 1 when a command's reply is an error.
              --tls              Establish a secure TLS connection.
              --sni <host>       Server name indication for TLS.
              --cacert <file>    CA certificate (PEM) to verify the server with; without it, the JVM's trusted roots.
              --cert <file>      Client certificate (PEM) to authenticate with.
              --key <file>       Private key (PEM, PKCS#8) to authenticate with.
              --insecure         Allow an insecure TLS connection by skipping certificate and host name checks.
              --raw              Use raw formatting for replies (default when standard output is not a terminal).
              --no-raw           Force formatted output even when standard output is not a terminal.
              --no-auth-warning  Don't warn about a password given on the command line.
              --help             Output this help and exit.
              -v, --version      Output the version and exit.

            Without a command, and with a terminal on standard input, an interactive shell starts (line editing,
            history in ~/.cairncli_history, completion with Tab, argument hints). Without a command and with
            standard input redirected, each line of standard input is run as a command.

            Examples:
              cairn cli SET greeting hello
              cairn cli -r 100 -i 1 INFO keyspace
              cat /etc/services | cairn cli -x SET services
              printf 'SET k v\\nGET k\\n' | cairn cli
              cairn cli -3 HGETALL user:1
            """;
}
