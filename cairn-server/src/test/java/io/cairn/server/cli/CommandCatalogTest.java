package io.cairn.server.cli;

import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Completion and argument hints from COMMAND and COMMAND DOCS replies as Redis 7 sends them (RESP2 and RESP3). */
class CommandCatalogTest {
    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    private static String arr(String... items) {
        return "*" + items.length + "\r\n" + String.join("", items);
    }

    private static String map(String... items) {
        return "%" + items.length / 2 + "\r\n" + String.join("", items);
    }

    private static Reply read(String resp) throws IOException {
        return new ReplyReader(new ByteArrayInputStream(resp.getBytes(StandardCharsets.UTF_8))).read();
    }

    /** A COMMAND entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
    private static String entry(String name, String subs) {
        return arr(bulk(name), ":-1\r\n", arr(), ":1\r\n", ":1\r\n", ":1\r\n", arr(), arr(), arr(), subs);
    }

    private static final String COMMAND = arr(entry("set", arr()), entry("setrange", arr()),
            entry("config", arr(entry("config|get", arr()), entry("config|set", arr()))));

    /** SET's arguments as Redis 7.0 describes them, and CONFIG GET's; RESP2: maps are flat arrays. */
    private static final String DOCS_RESP2 = arr(
            bulk("set"), arr(bulk("summary"), bulk("Set the string value of a key"), bulk("since"), bulk("1.0.0"),
                    bulk("group"), bulk("string"), bulk("arguments"), arr(
                            arr(bulk("name"), bulk("key"), bulk("type"), bulk("key")),
                            arr(bulk("name"), bulk("value"), bulk("type"), bulk("string")),
                            arr(bulk("name"), bulk("condition"), bulk("type"), bulk("oneof"), bulk("flags"),
                                    arr(bulk("optional")), bulk("arguments"), arr(
                                            arr(bulk("name"), bulk("nx"), bulk("type"), bulk("pure-token"),
                                                    bulk("token"), bulk("NX")),
                                            arr(bulk("name"), bulk("xx"), bulk("type"), bulk("pure-token"),
                                                    bulk("token"), bulk("XX")))),
                            arr(bulk("name"), bulk("expiration"), bulk("type"), bulk("oneof"), bulk("flags"),
                                    arr(bulk("optional")), bulk("arguments"), arr(
                                            arr(bulk("name"), bulk("seconds"), bulk("type"), bulk("integer"),
                                                    bulk("token"), bulk("EX")),
                                            arr(bulk("name"), bulk("keepttl"), bulk("type"), bulk("pure-token"),
                                                    bulk("token"), bulk("KEEPTTL")))))),
            bulk("config"), arr(bulk("summary"), bulk("A container"), bulk("since"), bulk("2.0.0"), bulk("group"),
                    bulk("server"), bulk("subcommands"), arr(
                            bulk("config|get"), arr(bulk("summary"), bulk("Get"), bulk("since"), bulk("2.0.0"),
                                    bulk("group"), bulk("server"), bulk("arguments"), arr(
                                            arr(bulk("name"), bulk("parameter"), bulk("type"), bulk("string"),
                                                    bulk("flags"), arr(bulk("multiple"))))))));

    @Test
    void hints_areTheArgumentsNotTypedYet() throws IOException {
        CommandCatalog c = CommandCatalog.of(read(COMMAND), read(DOCS_RESP2));
        assertThat(c.hint("set")).isEqualTo(" key value [NX|XX] [EX seconds|KEEPTTL]");
        assertThat(c.hint("SET ")).isEqualTo("key value [NX|XX] [EX seconds|KEEPTTL]");
        assertThat(c.hint("set k")).isEqualTo(" value [NX|XX] [EX seconds|KEEPTTL]");
        assertThat(c.hint("set k v NX EX 10")).isEmpty();
        assertThat(c.hint("config get ")).isEqualTo("parameter [parameter ...]");
        assertThat(c.hint("config")).isEmpty();
        assertThat(c.hint("nosuchcommand ")).isEmpty();
        assertThat(c.hint("set \"open")).isEmpty();
        assertThat(c.help("set")).isEqualTo("\n  SET key value [NX|XX] [EX seconds|KEEPTTL]\n"
                + "  summary: Set the string value of a key\n  since: 1.0.0\n  group: string\n");
        assertThat(c.help("config get")).startsWith("\n  CONFIG GET parameter [parameter ...]\n  summary: Get\n");
        assertThat(c.help("nosuch")).isNull();
    }

    @Test
    void resp3Maps_giveTheSameCatalog() throws IOException {
        String docs = map(bulk("config"), map(bulk("summary"), bulk("A container"), bulk("since"), bulk("2.0.0"),
                bulk("group"), bulk("server"), bulk("subcommands"), map(
                        bulk("config|get"), map(bulk("summary"), bulk("Get"), bulk("since"), bulk("2.0.0"),
                                bulk("group"), bulk("server"), bulk("arguments"), arr(
                                        map(bulk("name"), bulk("parameter"), bulk("type"), bulk("string"),
                                                bulk("flags"), "~1\r\n" + bulk("multiple")))))));
        CommandCatalog c = CommandCatalog.of(read(COMMAND), read(docs));
        assertThat(c.hint("config get x")).isEmpty();
        assertThat(c.hint("config get")).isEqualTo(" parameter [parameter ...]");
    }

    @Test
    void completion_ofNamesAndSubcommands_inTheCaseTyped() throws IOException {
        CommandCatalog c = CommandCatalog.of(read(COMMAND), read("-ERR unknown subcommand 'DOCS'\r\n"));
        assertThat(complete(c, "se")).containsExactly("config", "set", "setrange"); // the reader filters by prefix
        assertThat(complete(c, "SE")).containsExactly("CONFIG", "SET", "SETRANGE");
        assertThat(complete(c, "config g")).containsExactly("get", "set");
        assertThat(complete(c, "set k ")).isEmpty();
        assertThat(c.hint("set ")).isEmpty(); // no docs: nothing to hint
    }

    private static List<String> complete(CommandCatalog c, String line) {
        List<Candidate> out = new ArrayList<>();
        c.complete(null, new DefaultParser().parse(line, line.length()), out);
        List<String> values = new ArrayList<>();
        for (Candidate x : out) values.add(x.value());
        return values;
    }
}
