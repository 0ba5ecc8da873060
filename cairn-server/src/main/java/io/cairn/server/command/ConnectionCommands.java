package io.cairn.server.command;

import io.cairn.CairnException;
import io.cairn.Keyspace;
import io.cairn.server.Version;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Connection commands: PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET and CLIENT's subcommands, with Redis 7's replies
 * and error texts.
 *
 * <p>Authentication: the only user is {@code default}; its password is {@code requirepass} (empty: no password, and
 * then any password authenticates {@code default}, as Redis's {@code nopass} user). AUTH, HELLO, QUIT and RESET work
 * before authenticating (flag {@code no-auth}), as in Redis.
 *
 * <p>SELECT takes a database number, or (Cairn's extension) a keyspace name: {@code SELECT users} selects the named
 * keyspace {@code users}; {@code SELECT default} and {@code SELECT db3} select databases 0 and 3. A named keyspace shows
 * as {@code db=-1} in CLIENT LIST.
 */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static final String NOAUTH_HELLO = "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
            + "version at the same time";
    static final String AUTH_WITHOUT_PASSWORD = "ERR AUTH <password> called without any password configured for the "
            + "default user. Are you sure your configuration is correct?";
    static final String SELECT_IN_CLUSTER = "ERR SELECT is not allowed in cluster mode";
    static final String BAD_CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

    static void register(CommandTable t) {
        t.add(Command.of("ping", -1, "fast sentinel").group("connection").doc("Returns the server's liveliness response.", "1.0.0")
                .run((c, a) -> {
                    if (a.length > 2) throw Errors.arity("ping");
                    if (c.subscribed() && c.protocol() == 2) { // Redis's answer in subscribed mode: [pong, message]
                        c.reply().array(2);
                        c.reply().bulk("pong");
                        c.reply().bulk(a.length == 2 ? a[1] : new byte[0]);
                    } else if (a.length == 2) {
                        c.reply().bulk(a[1]);
                    } else {
                        c.reply().pong();
                    }
                }));
        t.add(Command.of("echo", 2, "fast").group("connection").doc("Returns the given string.", "1.0.0")
                .run((c, a) -> c.reply().bulk(a[1])));
        t.add(Command.of("quit", -1, "no-auth allow-busy noscript loading stale fast").group("connection")
                .doc("Closes the connection.", "1.0.0")
                .run((c, a) -> {
                    c.reply().ok();
                    c.closeAfterReply();
                }));
        t.add(Command.of("hello", -1, "no-auth noscript loading stale fast sentinel allow-busy").group("connection")
                .doc("Handshakes with the server.", "6.0.0").run(ConnectionCommands::hello));
        t.add(Command.of("auth", -2, "no-auth noscript loading stale fast sentinel allow-busy").group("connection")
                .doc("Authenticates the connection.", "1.0.0").run(ConnectionCommands::auth));
        t.add(Command.of("select", 2, "loading stale fast").group("connection")
                .doc("Changes the selected database (Cairn: or selects a named keyspace).", "1.0.0")
                .run(ConnectionCommands::select));
        t.add(Command.of("reset", 1, "no-auth noscript loading stale fast allow-busy").group("connection")
                .doc("Resets the connection.", "6.2.0").run(ConnectionCommands::reset));
        t.add(client());
    }

    // ------------------------------------------------------------------ HELLO, AUTH, SELECT, RESET

    private static void hello(Client c, byte[][] a) {
        int protocol = c.protocol();
        int next = 1;
        if (a.length >= 2) {
            Long v = Args.parseLong(a[1]);
            if (v == null) throw Errors.error("ERR Protocol version is not an integer or out of range");
            if (v < 2 || v > 3) throw Errors.error("NOPROTO unsupported protocol version");
            protocol = v.intValue();
            next = 2;
        }
        String user = null;
        byte[] password = null;
        String name = null;
        for (int j = next; j < a.length; j++) {
            int more = a.length - 1 - j;
            if (Args.is(a[j], "AUTH") && more >= 2) {
                user = Args.str(a[j + 1]);
                password = a[j + 2];
                j += 2;
            } else if (Args.is(a[j], "SETNAME") && more >= 1) {
                name = Args.str(a[j + 1]);
                if (!validAttribute(name)) throw Errors.error(BAD_CLIENT_NAME);
                j++;
            } else {
                throw Errors.error("ERR Syntax error in HELLO option '" + Errors.abbreviate(Args.str(a[j])) + "'");
            }
        }
        if (user != null) {
            if (!passwordOk(c, user, password)) throw Errors.error(Errors.WRONGPASS);
            c.authenticated(true);
        }
        if (!c.authenticated()) throw Errors.error(NOAUTH_HELLO);
        if (name != null) c.name(name);
        c.reply().protocol(protocol);
        c.reply().map(7);
        c.reply().bulk("server");
        c.reply().bulk("redis");
        c.reply().bulk("version");
        c.reply().bulk(Version.REDIS_COMPAT);
        c.reply().bulk("proto");
        c.reply().integer(protocol);
        c.reply().bulk("id");
        c.reply().integer(c.id());
        c.reply().bulk("mode");
        io.cairn.server.cluster.ClusterView cluster = c.server().cluster();
        c.reply().bulk(cluster != null ? "cluster" : "standalone");
        c.reply().bulk("role");
        c.reply().bulk(cluster != null && !cluster.isLeader() ? "replica" : "master");
        c.reply().bulk("modules");
        c.reply().array(0);
    }

    private static void auth(Client c, byte[][] a) {
        if (a.length > 3) throw Errors.syntax();
        String user;
        byte[] password;
        if (a.length == 2) {
            if (c.server().config().get("requirepass").isEmpty()) throw Errors.error(AUTH_WITHOUT_PASSWORD);
            user = "default";
            password = a[1];
        } else {
            user = Args.str(a[1]);
            password = a[2];
        }
        if (!passwordOk(c, user, password)) throw Errors.error(Errors.WRONGPASS);
        c.authenticated(true);
        c.reply().ok();
    }

    /** Whether {@code user} with {@code password} authenticates: only {@code default}, with requirepass (or any, if none). */
    static boolean passwordOk(Client c, String user, byte[] password) {
        if (!user.equals("default")) return false;
        String required = c.server().config().get("requirepass");
        if (required.isEmpty()) return true;
        return MessageDigest.isEqual(required.getBytes(StandardCharsets.UTF_8), password);
    }

    private static void select(Client c, byte[][] a) {
        ServerContext s = c.server();
        Long n = Args.parseLong(a[1]);
        if (n != null) {
            if (s.cluster() != null && n != 0) throw Errors.error(SELECT_IN_CLUSTER);
            if (n < 0 || n >= s.databases()) throw Errors.error(Errors.DB_INDEX);
            c.select(n.intValue(), s.db(n.intValue()));
            c.reply().ok();
            return;
        }
        String name = Args.str(a[1]);
        int db = KeyspaceCommands.numberedDb(s, name);
        if (s.cluster() != null && db != 0) throw Errors.error(SELECT_IN_CLUSTER); // one database, db 0, as in Redis
        if (db >= 0) {
            c.select(db, s.db(db));
            c.reply().ok();
            return;
        }
        Optional<Keyspace> ks;
        try {
            ks = s.store().findKeyspace(name);
        } catch (CairnException e) {
            if (e.code() != CairnException.Code.INVALID_ARGUMENT) throw e;
            ks = Optional.empty(); // a name no keyspace can have (empty, too long)
        }
        if (ks.isEmpty()) throw Errors.error(KeyspaceCommands.noSuchKeyspace(name));
        c.select(-1, ks.get());
        c.reply().ok();
    }

    private static void reset(Client c, byte[][] a) {
        c.server().pubsub().unsubscribeAll(c.subscriber()); // silently, as Redis leaves them
        c.resetTransaction();
        c.stopMonitor();
        c.select(0, c.server().db(0));
        c.reply().protocol(2);
        c.name("");
        c.noEvict(false);
        c.readonly(false);
        if (!c.server().config().get("requirepass").isEmpty()) c.authenticated(false);
        c.reply().simple("RESET");
    }

    // ------------------------------------------------------------------ CLIENT

    private static Command client() {
        return Command.of("client", -2, "sentinel").group("connection").doc("A container for client connection commands.", "2.4.0")
                .sub(Command.of("client|id", 2, "noscript loading stale").group("connection")
                        .doc("Returns the unique client ID of the connection.", "5.0.0")
                        .run((c, a) -> c.reply().integer(c.id())))
                .sub(Command.of("client|setname", 3, "noscript loading stale").group("connection")
                        .doc("Sets the connection name.", "2.6.9")
                        .run((c, a) -> {
                            String name = Args.str(a[2]);
                            if (!validAttribute(name)) throw Errors.error(BAD_CLIENT_NAME);
                            c.name(name);
                            c.reply().ok();
                        }))
                .sub(Command.of("client|getname", 2, "noscript loading stale").group("connection")
                        .doc("Returns the name of the connection.", "2.6.9")
                        .run((c, a) -> c.reply().bulk(c.name().isEmpty() ? null : c.name())))
                .sub(Command.of("client|list", -2, "admin noscript loading stale").group("connection")
                        .doc("Lists open connections.", "2.4.0").run(ConnectionCommands::clientList))
                .sub(Command.of("client|info", 2, "noscript loading stale").group("connection")
                        .doc("Returns information about the connection.", "6.2.0")
                        .run((c, a) -> c.reply().verbatim(info(c) + "\n")))
                .sub(Command.of("client|kill", -3, "admin noscript loading stale").group("connection")
                        .doc("Terminates open connections.", "2.4.0").run(ConnectionCommands::clientKill))
                .sub(Command.of("client|no-evict", 3, "admin noscript loading stale").group("connection")
                        .doc("Sets the client eviction mode of the connection.", "7.0.0")
                        .run((c, a) -> {
                            if (Args.is(a[2], "ON")) c.noEvict(true);
                            else if (Args.is(a[2], "OFF")) c.noEvict(false);
                            else throw Errors.syntax();
                            c.reply().ok();
                        }))
                .sub(Command.of("client|setinfo", 4, "noscript loading stale").group("connection")
                        .doc("Sets information specific to the client or connection.", "7.2.0")
                        .run((c, a) -> {
                            String attr = Args.str(a[2]);
                            String value = Args.str(a[3]);
                            boolean lib = Args.is(a[2], "LIB-NAME");
                            if (!lib && !Args.is(a[2], "LIB-VER")) {
                                throw Errors.error("ERR Unrecognized option '" + Errors.abbreviate(attr) + "'");
                            }
                            if (!value.isEmpty() && !validAttribute(value)) {
                                throw Errors.error("ERR " + Errors.abbreviate(attr) + " cannot contain spaces, newlines or special characters.");
                            }
                            if (lib) c.libName(value);
                            else c.libVersion(value);
                            c.reply().ok();
                        }))
                .sub(Command.of("client|unblock", -3, "admin noscript loading stale").group("connection")
                        .doc("Unblocks a client blocked by a blocking command from a different connection.", "5.0.0")
                        .run(ConnectionCommands::clientUnblock))
                .sub(Command.of("client|help", 2, "loading stale").group("connection").doc("Returns helpful text about the different subcommands.", "5.0.0")
                        .run((c, a) -> Help.reply(c, "client",
                                "GETNAME",
                                "    Return the name of the current connection.",
                                "ID",
                                "    Return the ID of the current connection.",
                                "INFO",
                                "    Return information about the current client connection.",
                                "KILL <ip:port>",
                                "    Kill connection made from <ip:port>.",
                                "KILL <option> <value> [<option> <value> [...]]",
                                "    Kill connections. Options are:",
                                "    * ADDR (<ip:port>|<unixsocket>:0)",
                                "      Kill connections made from the specified address",
                                "    * LADDR (<ip:port>|<unixsocket>:0)",
                                "      Kill connections made to specified local address",
                                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                                "      Kill connections by type.",
                                "    * USER <username>",
                                "      Kill connections authenticated by <username>.",
                                "    * SKIPME (YES|NO)",
                                "      Skip killing current connection (default: yes).",
                                "    * ID <client-id>",
                                "      Kill connections by client id.",
                                "LIST [options ...]",
                                "    Return information about client connections. Options:",
                                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                                "      Return clients of specified type.",
                                "    * ID <client-id> [<client-id> ...]",
                                "      Return clients of specified IDs only.",
                                "NO-EVICT (ON|OFF)",
                                "    Accepted for compatibility; Cairn does not evict clients.",
                                "SETINFO <option> <value>",
                                "    Set client meta attr. Options are:",
                                "    * LIB-NAME: the client lib name.",
                                "    * LIB-VER: the client lib version.",
                                "SETNAME <name>",
                                "    Assign the name <name> to the current connection.",
                                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                                "    Unblock the specified blocked client.")))
                .container();
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked on keys (BLPOP, ...) and is now unblocked. */
    private static void clientUnblock(Client c, byte[][] a) {
        long id = Args.toLong(a[2]);
        boolean error = false;
        if (a.length == 4) {
            if (Args.is(a[3], "ERROR")) error = true;
            else if (!Args.is(a[3], "TIMEOUT")) throw Errors.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
        } else if (a.length > 4) {
            throw Errors.syntax();
        }
        c.reply().integer(Blocking.of(c.server()).unblock(id, error) ? 1 : 0);
    }

    /** Redis's rule for client names and library attributes: printable ASCII, no spaces. */
    static boolean validAttribute(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '!' || ch > '~') return false;
        }
        return true;
    }

    /**
     * Client types CLIENT LIST/KILL TYPE takes: {@code pubsub} for a client subscribed to anything, {@code normal} for
     * the rest (Cairn has no replicas or masters). Null for an unknown type.
     */
    private static java.util.function.Predicate<Client> clientType(byte[] type) {
        if (Args.is(type, "normal")) return x -> !x.subscribed();
        if (Args.is(type, "pubsub")) return Client::subscribed;
        if (Args.is(type, "master") || Args.is(type, "replica") || Args.is(type, "slave")) return x -> false;
        return null;
    }

    private static void clientList(Client c, byte[][] a) {
        List<Client> shown = new ArrayList<>();
        if (a.length == 2) {
            shown.addAll(sorted(c.server()));
        } else if (a.length == 4 && Args.is(a[2], "TYPE")) {
            java.util.function.Predicate<Client> type = clientType(a[3]);
            if (type == null) throw Errors.error("ERR Unknown client type '" + Errors.abbreviate(Args.str(a[3])) + "'");
            for (Client x : sorted(c.server())) if (type.test(x)) shown.add(x);
        } else if (a.length > 3 && Args.is(a[2], "ID")) {
            for (int j = 3; j < a.length; j++) {
                Long id = Args.parseLong(a[j]);
                if (id == null) throw Errors.error("ERR Invalid client ID");
                for (Client x : c.server().clients()) if (x.id() == id) shown.add(x);
            }
        } else {
            throw Errors.syntax();
        }
        StringBuilder sb = new StringBuilder();
        for (Client x : shown) sb.append(info(x)).append('\n');
        c.reply().verbatim(sb.toString());
    }

    private static List<Client> sorted(ServerContext s) {
        List<Client> l = new ArrayList<>(s.clients());
        l.sort((x, y) -> Long.compare(x.id(), y.id()));
        return l;
    }

    /**
     * CLIENT LIST's flags as Redis writes them: O (monitor), P (subscribed), x (in MULTI), b (waiting for a deferred
     * reply: SAVE, a blocking pop), d (a watched key changed), r (READONLY, in cluster mode), e (no-evict), or N for none.
     */
    private static String flags(Client x) {
        String f = (x.monitoring() ? "O" : "") + (x.subscribed() ? "P" : "") + (x.multiCount() >= 0 ? "x" : "")
                + (x.blocked() ? "b" : "") + (x.isWatchTouched() ? "d" : "") + (x.readonly() ? "r" : "") + (x.noEvict() ? "e" : "");
        return f.isEmpty() ? "N" : f;
    }

    /** One CLIENT LIST line, fields in Redis 7.2's order (without the trailing newline). */
    static String info(Client x) {
        long now = System.currentTimeMillis();
        Client.Buffers b = x.buffers();
        long qbuf = b.queryBuffer();
        long argv = b.argvMemory();
        long multi = Math.max(0, x.multiMemory());
        long obl = b.replyBuffer();
        long rbs = b.replyBufferSize();
        long omem = b.replyListBytes();
        return "id=" + x.id()
                + " addr=" + x.address()
                + " laddr=" + x.localAddress()
                + " fd=" + fd(x)
                + " name=" + x.name()
                + " age=" + Math.max(0, (now - x.createdAt()) / 1000)
                + " idle=" + Math.max(0, (now - x.lastInteraction()) / 1000)
                + " flags=" + flags(x)
                + " db=" + x.db()
                + " sub=" + x.subscriber().channelCount()
                + " psub=" + x.subscriber().patternCount()
                + " ssub=0"
                + " multi=" + x.multiCount()
                + " qbuf=" + qbuf
                + " qbuf-free=" + b.queryBufferFree()
                + " argv-mem=" + argv
                + " multi-mem=" + multi
                + " rbs=" + rbs
                + " rbp=" + obl
                + " obl=" + obl
                + " oll=" + b.replyListLength()
                + " omem=" + omem
                + " tot-mem=" + (qbuf + b.queryBufferFree() + argv + multi + rbs + omem)
                + " events=" + (x.channel().config().isAutoRead() ? "r" : "") + (omem > 0 ? "w" : "")
                + " cmd=" + x.lastCommand()
                + " user=default"
                + " redir=-1"
                + " resp=" + x.protocol()
                + " lib-name=" + x.libName()
                + " lib-ver=" + x.libVersion();
    }

    private static int fd(Client x) {
        if (x.channel() instanceof io.netty.channel.unix.UnixChannel u) {
            try {
                return u.fd().intValue();
            } catch (RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }

    private static void clientKill(Client c, byte[][] a) {
        if (a.length == 3) { // the old form: CLIENT KILL addr:port, which may kill the caller
            String addr = Args.str(a[2]);
            Client victim = null;
            for (Client x : c.server().clients()) {
                if (x.address().equals(addr)) {
                    victim = x;
                    break;
                }
            }
            if (victim == null) throw Errors.error("ERR No such client");
            kill(c, victim);
            c.reply().ok();
            return;
        }
        long id = 0;
        java.util.function.Predicate<Client> type = null;
        String addr = null;
        String laddr = null;
        boolean skipMe = true;
        for (int i = 2; i < a.length; i += 2) {
            if (i + 1 >= a.length) throw Errors.syntax();
            byte[] opt = a[i];
            byte[] v = a[i + 1];
            if (Args.is(opt, "ID")) {
                Long n = Args.parseLong(v);
                if (n == null || n < 1) throw Errors.error("ERR client-id should be greater than 0");
                id = n;
            } else if (Args.is(opt, "TYPE")) {
                type = clientType(v);
                if (type == null) throw Errors.error("ERR Unknown client type '" + Errors.abbreviate(Args.str(v)) + "'");
            } else if (Args.is(opt, "ADDR")) {
                addr = Args.str(v);
            } else if (Args.is(opt, "LADDR")) {
                laddr = Args.str(v);
            } else if (Args.is(opt, "USER")) {
                if (!Args.str(v).equals("default")) throw Errors.error("ERR No such user '" + Errors.abbreviate(Args.str(v)) + "'");
            } else if (Args.is(opt, "SKIPME")) {
                if (Args.is(v, "YES")) skipMe = true;
                else if (Args.is(v, "NO")) skipMe = false;
                else throw Errors.syntax();
            } else {
                throw Errors.syntax();
            }
        }
        long killed = 0;
        for (Client x : sorted(c.server())) {
            if (type != null && !type.test(x)) continue;
            if (id != 0 && x.id() != id) continue;
            if (addr != null && !x.address().equals(addr)) continue;
            if (laddr != null && !x.localAddress().equals(laddr)) continue;
            if (skipMe && x == c) continue;
            kill(c, x);
            killed++;
        }
        c.reply().integer(killed);
    }

    private static void kill(Client c, Client victim) {
        if (victim == c) c.closeAfterReply();
        else victim.kill();
    }
}
