package io.cairn.server.command;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** COMMAND DOCS's arguments: every command has them, and they render as redis-cli renders Redis's own. */
class CommandSyntaxTest {
    /** Renders arguments the way redis-cli's hints show them. */
    static String render(List<CommandSyntax.Arg> args) {
        return args.stream().map(CommandSyntaxTest::render).collect(Collectors.joining(" "));
    }

    static String render(CommandSyntax.Arg a) {
        String s = switch (a.type()) {
            case "pure-token" -> a.token();
            case "oneof" -> a.children().stream().map(CommandSyntaxTest::render).collect(Collectors.joining("|"));
            case "block" -> (a.token() != null ? a.token() + " " : "") + render(a.children());
            default -> (a.token() != null ? a.token() + " " : "") + a.name();
        };
        if (a.multiple()) s += " [" + s + " ...]";
        return a.optional() ? "[" + s + "]" : s;
    }

    @Test
    void everyCommandAndSubcommand_hasArguments() {
        List<String> missing = new ArrayList<>();
        for (Command c : CommandTable.standard().all()) {
            if (c.handler() != null && CommandSyntax.of(c.name()) == null) missing.add(c.name());
            for (Command sub : c.subcommands().values()) {
                if (CommandSyntax.of(sub.name()) == null) missing.add(sub.name());
            }
        }
        assertThat(missing).as("commands without a line in syntax.txt").isEmpty();
    }

    @Test
    void set_rendersAsRedisDocumentsIt() {
        assertThat(render(CommandSyntax.of("set")))
                .isEqualTo("key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]");
        CommandSyntax.Arg key = CommandSyntax.of("set").get(0);
        assertThat(key.type()).isEqualTo("key");
        CommandSyntax.Arg expiry = CommandSyntax.of("set").get(4);
        assertThat(expiry.type()).isEqualTo("oneof");
        assertThat(expiry.optional()).isTrue();
        assertThat(expiry.children().get(0).token()).isEqualTo("EX");
        assertThat(expiry.children().get(0).type()).isEqualTo("integer");
    }

    @Test
    void repeats_blocks_andNestedOptionals() {
        assertThat(render(CommandSyntax.of("mset"))).isEqualTo("key value [key value ...]");
        assertThat(CommandSyntax.of("del").get(0).multiple()).isTrue();
        assertThat(render(CommandSyntax.of("hello"))).isEqualTo("[protover [AUTH username password] [SETNAME clientname]]");
        assertThat(render(CommandSyntax.of("krange"))).isEqualTo("min max [REV] [LIMIT count] [WITHVALUES]");
    }

    @Test
    void unbalancedSyntax_isRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse("key [NX"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse("key NX]"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse("(key value"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse("[key)"));
    }
}
