package io.cairn.server.command;

/** Connection commands: PING, ECHO, QUIT, HELLO, AUTH, SELECT, RESET, CLIENT ... */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("ping", -1, "fast sentinel").group("connection").doc("Returns the server's liveliness response.", "1.0.0")
                .run((c, a) -> {
                    if (a.length > 2) throw Errors.arity("ping");
                    if (a.length == 2) c.reply().bulk(a[1]);
                    else c.reply().pong();
                }));
        t.add(Command.of("echo", 2, "fast").group("connection").doc("Returns the given string.", "1.0.0")
                .run((c, a) -> c.reply().bulk(a[1])));
        t.add(Command.of("quit", -1, "no-auth allow-busy fast").group("connection").doc("Closes the connection.", "1.0.0")
                .run((c, a) -> {
                    c.reply().ok();
                    c.closeAfterReply();
                }));
        t.add(Command.of("select", 2, "loading stale fast").group("connection").doc("Changes the selected database.", "1.0.0")
                .run((c, a) -> {
                    Long n = Args.parseLong(a[1]);
                    if (n == null) throw Errors.notInteger();
                    if (n < 0 || n >= c.server().databases()) throw Errors.error(Errors.DB_INDEX);
                    c.select(n.intValue(), c.server().db(n.intValue()));
                    c.reply().ok();
                }));
    }
}
