package io.cairn.server.command;

/** Generic key commands: DEL, EXISTS, EXPIRE, SCAN, ... */
final class KeyCommands {
    private KeyCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("del", -2, "write").keys(1, -1, 1).group("generic").doc("Deletes one or more keys.", "1.0.0")
                .run((c, a) -> {
                    long n = c.writer().atomically(tx -> {
                        long d = 0;
                        for (int i = 1; i < a.length; i++) if (tx.delete(c.keyspace(), a[i])) d++;
                        return d;
                    });
                    c.reply().integer(n);
                }));
    }
}
