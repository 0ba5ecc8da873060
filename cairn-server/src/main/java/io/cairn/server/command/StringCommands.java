package io.cairn.server.command;

/** String commands: GET, SET and the rest of Redis's string family. */
final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("get", 2, "readonly fast").keys(1, 1, 1).group("string").doc("Returns the string value of a key.", "1.0.0")
                .run((c, a) -> {
                    byte[] v = c.keyspace().get(a[1]);
                    if (v == null) c.server().stats().keyspaceMisses.increment();
                    else c.server().stats().keyspaceHits.increment();
                    c.reply().bulk(v);
                }));
        t.add(Command.of("set", -3, "write denyoom").keys(1, 1, 1).group("string").doc("Sets the string value of a key.", "1.0.0")
                .run((c, a) -> {
                    c.writer().put(c.keyspace(), a[1], a[2]);
                    c.reply().ok();
                }));
    }
}
