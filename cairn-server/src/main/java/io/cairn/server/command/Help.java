package io.cairn.server.command;

import java.util.Locale;

/** The HELP replies of container commands, shaped as Redis's: a first line, the lines given, then HELP itself. */
public final class Help {
    private Help() {
    }

    /**
     * Replies with an array of simple strings: {@code "<CONTAINER> <subcommand> [<arg> [value] [opt] ...]. Subcommands
     * are:"}, then {@code lines} (a subcommand's synopsis, then its description indented by four spaces), then HELP.
     */
    public static void reply(Client c, String container, String... lines) {
        c.reply().array(lines.length + 3);
        c.reply().simple(container.toUpperCase(Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) c.reply().simple(l);
        c.reply().simple("HELP");
        c.reply().simple("    Print this help.");
    }
}
