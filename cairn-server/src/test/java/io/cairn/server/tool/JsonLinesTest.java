package io.cairn.server.tool;

import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.CairnOptions;
import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.FsyncPolicy;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long FUTURE = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    private static final String HEADER_FRESH =
            "{\"cairn\":\"export\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\",\"keyspaces\":[{\"name\":\"fresh\",\"kind\":\"ORDERED\"}]}";

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- helpers

    /** Small segments: a store preallocates its segment on open, 64 MiB by default. */
    private static CairnOptions.Builder small() {
        return CairnOptions.builder().segmentSize(1 << 20).fsyncPolicy(FsyncPolicy.NEVER);
    }

    private static Cairn open(Path dir) {
        return Cairn.open(dir, small().build());
    }

    private static byte[] export(Cairn db, String... keyspaces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLines.export(db, List.of(keyspaces), out);
        return out.toByteArray();
    }

    private static ImportResult importBytes(Cairn db, byte[] data, ImportOptions opts) {
        return JsonLines.importInto(db, new ByteArrayInputStream(data), opts);
    }

    private static ImportResult importText(Cairn db, String text, ImportOptions opts) {
        return importBytes(db, text.getBytes(UTF_8), opts);
    }

    private static byte[] b(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = (byte) bytes[i];
        return out;
    }

    /** Every keyspace: kind, then entries by hex key as "hexvalue@expires", in iteration order. */
    private static Map<String, Object> dump(Cairn db) {
        Map<String, Object> all = new TreeMap<>();
        for (Keyspace ks : db.keyspaces()) all.put(ks.name(), List.of(ks.kind(), entries(ks)));
        return all;
    }

    private static Map<String, String> entries(Keyspace ks) {
        Map<String, String> m = new LinkedHashMap<>();
        try (CloseableIterator<Entry> it = ks.iterator()) {
            while (it.hasNext()) {
                Entry e = it.next();
                m.put(HEX.formatHex(e.key()), contents(ks, e) + "@" + e.expiresAtMillis());
            }
        }
        return ks.kind() == IndexKind.HASH ? new TreeMap<>(m) : m; // a hash keyspace's order is its own
    }

    /**
     * A string's value in hex; a collection as its type and elements in hex: a hash's fields and a set's members sorted
     * (their order is the table's), a list's elements and a sorted set's members with their scores in order.
     */
    private static String contents(Keyspace ks, Entry e) {
        return switch (e.type()) {
            case STRING -> HEX.formatHex(e.value());
            case HASH -> {
                Map<String, String> m = new TreeMap<>();
                ks.hash(e.key()).toByteMap().forEach((f, v) -> m.put(HEX.formatHex(bytesOf(f)), HEX.formatHex(v)));
                yield "hash" + m;
            }
            case LIST -> "list" + ks.list(e.key()).toList().stream().map(HEX::formatHex).toList();
            case SET -> "set" + new java.util.TreeSet<>(ks.set(e.key()).members().stream().map(HEX::formatHex).toList());
            case SORTED_SET -> "zset" + ks.sortedSet(e.key()).range(0, -1).stream()
                    .map(x -> HEX.formatHex(x.member()) + "=" + x.score()).toList();
        };
    }

    private static byte[] bytesOf(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static List<String> lines(byte[] data) {
        String s = new String(data, UTF_8);
        assertThat(s).endsWith("\n");
        return List.of(s.split("\n", -1)).subList(0, (int) s.chars().filter(c -> c == '\n').count());
    }

    private static List<String> keyspaceNames(Cairn db) {
        return db.keyspaces().stream().map(Keyspace::name).toList();
    }

    static final class TestClock extends Clock {
        final AtomicLong now = new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return now.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }

    /** A store with two keyspaces of each kind, holding text, binary, empty and expiring entries. */
    private static void fill(Cairn db) {
        Keyspace def = db.defaultKeyspace();
        def.put("user:1", "ann");
        def.put("user:2", "");                                        // empty value
        def.put("", "the empty key");                                 // empty key
        def.put("quotes \"\\ / and\ttabs\nnewlines\r\n", "x");
        def.put("unicode", "héllo wörld – 日本語 – 🪨🪨 – e\u0301");
        def.put("exp".getBytes(UTF_8), "soon".getBytes(UTF_8), Instant.ofEpochMilli(FUTURE));

        Keyspace bin = db.createKeyspace("bin", IndexKind.ORDERED);
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
            bin.put(b(i), b(255 - i));                                // every single-byte key
        }
        bin.put(b('a', 'l', 'l'), every);
        bin.put(b(0xc3, 0x28), b(0xff));                              // invalid UTF-8
        bin.put(b(0xed, 0xa0, 0x80), b(0xf8, 0x88, 0x80, 0x80, 0x80)); // an encoded surrogate, a 5-byte form
        bin.put(b(0xe2, 0x82), b(0xc0, 0xaf));                        // truncated; overlong
        bin.put("del\u007f".getBytes(UTF_8), "c1\u0085".getBytes(UTF_8)); // DEL and a C1 control: base64
        bin.put(b('z', 'z'), new byte[0], Instant.ofEpochMilli(FUTURE + 1));

        Keyspace hashed = db.createKeyspace("h2", IndexKind.HASH);
        for (int i = 0; i < 50; i++) hashed.put("k" + i, "v" + i);
        db.createKeyspace("o-empty", IndexKind.ORDERED);              // an empty keyspace travels too
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void round_trip_of_a_whole_store() throws Exception {
        byte[] data;
        Map<String, Object> before;
        try (Cairn src = open(tmp.resolve("src"))) {
            fill(src);
            before = dump(src);
            data = export(src);
        }
        List<String> lines = lines(data);
        assertThat(lines).hasSize(1 + 6 + 256 + 6 + 50);
        assertThat(lines.get(0)).matches("\\{\"cairn\":\"export\",\"version\":1,\"created\":\"[0-9T:.Z-]+\",\"keyspaces\":\\["
                + "\\{\"name\":\"bin\",\"kind\":\"ORDERED\"},\\{\"name\":\"default\",\"kind\":\"HASH\"},"
                + "\\{\"name\":\"h2\",\"kind\":\"HASH\"},\\{\"name\":\"o-empty\",\"kind\":\"ORDERED\"}]}");
        Instant.parse(lines.get(0).replaceAll(".*\"created\":\"([^\"]+)\".*", "$1"));
        // readable where it can be: text as strings, with JSON's escapes; the rest as base64
        assertThat(lines).contains("{\"ks\":\"default\",\"key\":\"user:1\",\"value\":\"ann\"}",
                "{\"ks\":\"default\",\"key\":\"user:2\",\"value\":\"\"}",
                "{\"ks\":\"default\",\"key\":\"quotes \\\"\\\\ / and\\ttabs\\nnewlines\\r\\n\",\"value\":\"x\"}",
                "{\"ks\":\"default\",\"key\":\"unicode\",\"value\":\"héllo wörld – 日本語 – 🪨🪨 – e\u0301\"}",
                "{\"ks\":\"default\",\"key\":\"exp\",\"value\":\"soon\",\"expires\":" + FUTURE + "}",
                "{\"ks\":\"bin\",\"key\":{\"b64\":\"AA==\"},\"value\":{\"b64\":\"/w==\"}}",
                "{\"ks\":\"bin\",\"key\":\"A\",\"value\":{\"b64\":\"vg==\"}}",
                "{\"ks\":\"bin\",\"key\":\"\\n\",\"value\":{\"b64\":\"9Q==\"}}",
                "{\"ks\":\"bin\",\"key\":{\"b64\":\"ZGVsfw==\"},\"value\":{\"b64\":\"YzHChQ==\"}}",
                "{\"ks\":\"bin\",\"key\":\"zz\",\"value\":\"\",\"expires\":" + (FUTURE + 1) + "}");
        // the ORDERED keyspace in key order, straight after the header
        assertThat(lines.get(1)).isEqualTo("{\"ks\":\"bin\",\"key\":{\"b64\":\"AA==\"},\"value\":{\"b64\":\"/w==\"}}");

        try (Cairn dst = open(tmp.resolve("dst"))) {
            ImportResult r = importBytes(dst, data, ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(6 + 256 + 6 + 50);
            assertThat(r.skippedExpired()).isZero();
            assertThat(r.created()).containsExactly("bin", "h2", "o-empty");
            assertThat(r.perKeyspace()).containsExactly(Map.entry("bin", 262L), Map.entry("default", 6L),
                    Map.entry("h2", 50L), Map.entry("o-empty", 0L));
            assertThat(dump(dst)).isEqualTo(before);
            assertThat(dst.keyspace("default").expiresAt("exp".getBytes(UTF_8))).contains(Instant.ofEpochMilli(FUTURE));
            // and exporting again gives the same lines but for the header's time
            assertThat(lines(export(dst)).subList(1, lines.size())).isEqualTo(lines.subList(1, lines.size()));
        }
        try (Cairn dst = open(tmp.resolve("dst"))) { // durable: reopened, the same
            assertThat(dump(dst)).isEqualTo(before);
        }
    }

    @Test
    void expired_entries_are_neither_exported_nor_imported() {
        TestClock clock = new TestClock();
        byte[] data;
        try (Cairn src = Cairn.open(tmp.resolve("src"), small().clock(clock).build())) {
            src.put("stays".getBytes(UTF_8), "1".getBytes(UTF_8));
            src.defaultKeyspace().put("goes".getBytes(UTF_8), "2".getBytes(UTF_8), Instant.ofEpochMilli(clock.millis() + 1000));
            src.defaultKeyspace().put("later".getBytes(UTF_8), "3".getBytes(UTF_8), Instant.ofEpochMilli(clock.millis() + 5000));
            clock.now.addAndGet(2000);
            data = export(src);
            assertThat(lines(data)).hasSize(3).noneMatch(l -> l.contains("goes"));
        }
        // imported by a store whose clock is later: "later" has expired on the way
        TestClock later = new TestClock();
        later.now.set(clock.millis() + 10_000);
        try (Cairn dst = Cairn.open(tmp.resolve("dst"), small().clock(later).build())) {
            ImportResult r = importBytes(dst, data, ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(1);
            assertThat(r.skippedExpired()).isEqualTo(1);
            assertThat(dst.getString("stays")).isEqualTo("1");
            assertThat(dst.size()).isEqualTo(1);
        }
        // and a hand-written line from 1970 is skipped, one far ahead kept to the millisecond
        try (Cairn dst = open(tmp.resolve("dst2"))) {
            ImportResult r = importText(dst, HEADER_FRESH + "\n"
                    + "{\"ks\":\"fresh\",\"key\":\"old\",\"value\":\"x\",\"expires\":1000}\n"
                    + "{\"ks\":\"fresh\",\"key\":\"new\",\"value\":\"y\",\"expires\":" + FUTURE + "}\n"
                    + "{\"ks\":\"fresh\",\"key\":\"none\",\"value\":\"z\",\"expires\":null}\n", ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(2);
            assertThat(r.skippedExpired()).isEqualTo(1);
            Keyspace fresh = dst.keyspace("fresh");
            assertThat(fresh.kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(fresh.contains("old")).isFalse();
            assertThat(fresh.expiresAt("new".getBytes(UTF_8))).contains(Instant.ofEpochMilli(FUTURE));
            assertThat(fresh.ttlMillis("none")).isEqualTo(-1);
        }
    }

    @Test
    void one_keyspace_exported_and_imported_under_another_name_and_kind() {
        byte[] data;
        Map<String, String> bin;
        try (Cairn src = open(tmp.resolve("src"))) {
            fill(src);
            bin = entries(src.keyspace("bin"));
            data = export(src, "bin");
        }
        List<String> lines = lines(data);
        assertThat(lines.get(0)).contains("\"keyspaces\":[{\"name\":\"bin\",\"kind\":\"ORDERED\"}]");
        assertThat(lines).hasSize(1 + 262).allMatch(l -> l.startsWith("{\"cairn\"") || l.startsWith("{\"ks\":\"bin\""));

        try (Cairn dst = open(tmp.resolve("dst"))) {
            dst.createKeyspace("bin", IndexKind.HASH).put("untouched", "yes");
            ImportResult r = importBytes(dst, data, ImportOptions.defaults().withInto("copy").withKind(IndexKind.HASH));
            assertThat(r.created()).containsExactly("copy");
            assertThat(r.perKeyspace()).containsExactly(Map.entry("copy", 262L));
            Keyspace copy = dst.keyspace("copy");
            assertThat(copy.kind()).isEqualTo(IndexKind.HASH);
            assertThat(entries(copy)).isEqualTo(new TreeMap<>(bin));
            assertThat(entries(dst.keyspace("bin"))).hasSize(1);
            assertThat(keyspaceNames(dst)).containsExactly("bin", "copy", "default");
        }
        // an export of several keyspaces cannot be renamed as one
        try (Cairn src = open(tmp.resolve("src")); Cairn dst = open(tmp.resolve("dst3"))) {
            byte[] two = export(src, "bin", "h2");
            assertThatThrownBy(() -> importBytes(dst, two, ImportOptions.defaults().withInto("x")))
                    .isInstanceOf(ImportException.class).hasMessageContaining("exactly one keyspace; this one has 2");
            assertThat(keyspaceNames(dst)).containsExactly("default");
        }
    }

    @Test
    void export_of_a_missing_keyspace_fails_before_writing() {
        try (Cairn db = open(tmp.resolve("db"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThatThrownBy(() -> JsonLines.export(db, List.of("default", "nope"), out))
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(CairnException.Code.NO_SUCH_KEYSPACE));
            assertThat(out.size()).isZero();
        }
    }

    @Test
    void replace_decides_what_happens_to_a_keyspace_with_entries() {
        String input = HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"new-a\"}\n"
                + "{\"ks\":\"fresh\",\"key\":\"b\",\"value\":\"new-b\"}\n";
        try (Cairn db = open(tmp.resolve("db"))) {
            Keyspace fresh = db.createKeyspace("fresh", IndexKind.HASH);
            fresh.put("a", "old-a");
            fresh.put("c", "old-c");
            assertThatThrownBy(() -> importText(db, input, ImportOptions.defaults()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("keyspace 'fresh' has 2 entries already")
                    .hasMessageContaining("--replace");
            assertThat(fresh.getString("a")).isEqualTo("old-a");
            assertThat(fresh.size()).isEqualTo(2);
            assertThat(keyspaceNames(db)).containsExactly("default", "fresh");

            ImportResult r = importText(db, input, ImportOptions.defaults().withReplace(true).withKind(IndexKind.ORDERED));
            assertThat(r.created()).isEmpty();
            assertThat(r.imported()).isEqualTo(2);
            assertThat(fresh.getString("a")).isEqualTo("new-a");   // overwritten
            assertThat(fresh.getString("b")).isEqualTo("new-b");
            assertThat(fresh.getString("c")).isEqualTo("old-c");   // kept: a merge, not a swap
            assertThat(fresh.kind()).isEqualTo(IndexKind.HASH);     // an existing keyspace keeps its kind

            // an existing but empty keyspace needs no --replace
            db.createKeyspace("empty", IndexKind.ORDERED);
            importText(db, input, ImportOptions.defaults().withInto("empty"));
            assertThat(db.keyspace("empty").size()).isEqualTo(2);
        }
        // with several keyspaces, one that has entries stops the whole import before anything is created or written
        try (Cairn src = open(tmp.resolve("src")); Cairn db = open(tmp.resolve("db2"))) {
            fill(src);
            byte[] data = export(src);
            db.put("x", "y");
            assertThatThrownBy(() -> importBytes(db, data, ImportOptions.defaults()))
                    .isInstanceOf(ImportException.class).hasMessageContaining("keyspace 'default' has 1 entries already");
            assertThat(keyspaceNames(db)).containsExactly("default");
            assertThat(db.size()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- collections

    /** One key of each collection type, binary members and odd scores included, and two strings beside them. */
    private static void fillCollections(Cairn db) {
        Keyspace def = db.defaultKeyspace();
        def.put("plain", "text");
        def.hash("h:1").put("name", "ann");
        def.hash("h:1").put("age", "42");
        def.hash("h:1").put(b(0, 0xff), b(0xc3, 0x28));                 // binary field and value
        def.hash("h:1").put("", "");                                   // empty field and value
        def.list("l:1").pushLast("a", "b", "a", "");                  // order and repeats kept
        def.list("l:1").pushLast(b(0x7f), "\"quoted\"\n".getBytes(UTF_8));
        def.set("s:1").add("x", "y", "日本語 🪨");
        def.set("s:1").add(b(1, 2, 3));
        def.sortedSet("z:1").add("one", 1);
        def.sortedSet("z:1").add("half", 0.5);
        def.sortedSet("z:1").add("big", 1e300);
        def.sortedSet("z:1").add("tiny", -4.9e-324);
        def.sortedSet("z:1").add("third", 1.0 / 3);
        def.sortedSet("z:1").add("top", Double.POSITIVE_INFINITY);
        def.sortedSet("z:1").add("bottom", Double.NEGATIVE_INFINITY);
        def.sortedSet("z:1".getBytes(UTF_8)).add(b(0xfe), -17);
        def.sortedSet("z:1".getBytes(UTF_8)).add(b(0xfd), 2e15);
        Keyspace ord = db.createKeyspace("ord", IndexKind.ORDERED);
        ord.put("a", "1");
        ord.hash("b").put("f", "v");
        ord.expire("b", java.time.Duration.ofDays(365 * 60));       // a collection's expiry
        ord.list("c").pushLast("only");
        ord.set("d").add("m");
        ord.sortedSet("e").add("m", 0);
        ord.put("f", "2");
    }

    @Test
    void round_trip_of_every_collection_type() {
        byte[] data;
        Map<String, Object> before;
        try (Cairn src = open(tmp.resolve("src"))) {
            fillCollections(src);
            before = dump(src);
            data = export(src);
        }
        List<String> lines = lines(data);
        assertThat(lines).hasSize(1 + 5 + 6);
        // each type's shape, elements as strings or {"b64":...} like keys and values, pairs as 2-element arrays
        assertThat(lines).contains("{\"ks\":\"default\",\"key\":\"plain\",\"value\":\"text\"}",
                "{\"ks\":\"default\",\"key\":\"l:1\",\"type\":\"list\",\"value\":[\"a\",\"b\",\"a\",\"\","
                        + "{\"b64\":\"fw==\"},\"\\\"quoted\\\"\\n\"]}",
                "{\"ks\":\"default\",\"key\":\"z:1\",\"type\":\"zset\",\"value\":[[\"bottom\",\"-inf\"],"
                        + "[{\"b64\":\"/g==\"},-17],[\"tiny\",-4.9E-324],[\"third\",0.3333333333333333],[\"half\",0.5],"
                        + "[\"one\",1],[{\"b64\":\"/Q==\"},2.0E15],[\"big\",1.0E300],[\"top\",\"inf\"]]}",
                "{\"ks\":\"ord\",\"key\":\"a\",\"value\":\"1\"}",
                "{\"ks\":\"ord\",\"key\":\"c\",\"type\":\"list\",\"value\":[\"only\"]}",
                "{\"ks\":\"ord\",\"key\":\"d\",\"type\":\"set\",\"value\":[\"m\"]}",
                "{\"ks\":\"ord\",\"key\":\"e\",\"type\":\"zset\",\"value\":[[\"m\",0]]}");
        String hash = lines.stream().filter(l -> l.contains("\"key\":\"h:1\"")).findFirst().orElseThrow();
        assertThat(hash).startsWith("{\"ks\":\"default\",\"key\":\"h:1\",\"type\":\"hash\",\"value\":[")
                .contains("[\"name\",\"ann\"]", "[\"age\",\"42\"]", "[{\"b64\":\"AP8=\"},{\"b64\":\"wyg=\"}]", "[\"\",\"\"]");
        String set = lines.stream().filter(l -> l.contains("\"key\":\"s:1\"")).findFirst().orElseThrow();
        assertThat(set).contains("\"type\":\"set\"", "\"x\"", "\"y\"", "\"日本語 🪨\"", "{\"b64\":\"AQID\"}");
        assertThat(lines.stream().filter(l -> l.contains("\"key\":\"b\"")).findFirst().orElseThrow())
                .matches("\\{\"ks\":\"ord\",\"key\":\"b\",\"type\":\"hash\",\"value\":\\[\\[\"f\",\"v\"]],\"expires\":\\d+}");

        try (Cairn dst = open(tmp.resolve("dst"))) {
            ImportResult r = importBytes(dst, data, ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(11);
            assertThat(dump(dst)).isEqualTo(before);
            assertThat(dst.defaultKeyspace().type("z:1".getBytes(UTF_8))).isEqualTo(io.cairn.ValueType.SORTED_SET);
            assertThat(dst.keyspace("ord").ttlMillis("b")).isPositive();
            // exporting again gives the same lines (but for the header's time, and a hash's or set's own order)
            java.util.function.Predicate<String> tableOrder = l -> l.contains("\"key\":\"h:1\"") || l.contains("\"key\":\"s:1\"");
            List<String> again = lines(export(dst));
            assertThat(again.subList(1, again.size()).stream().filter(tableOrder.negate()).toList())
                    .isEqualTo(lines.subList(1, lines.size()).stream().filter(tableOrder.negate()).toList());
        }
        try (Cairn dst = open(tmp.resolve("dst"))) { // durable: reopened, the same
            assertThat(dump(dst)).isEqualTo(before);
        }
    }

    @Test
    void export_from_a_snapshot_view_holds_its_collections() {
        Path dir = tmp.resolve("src");
        try (Cairn src = open(dir)) {
            fillCollections(src);
            src.checkpoint();
        }
        try (Cairn snap = Cairn.openSnapshot(dir, -1)) {
            assertThat(lines(export(snap))).hasSize(1 + 5 + 6).anyMatch(l -> l.contains("\"type\":\"zset\""));
        }
    }

    @Test
    void large_collections_round_trip() {
        int n = 5000;
        Random rnd = new Random(11);
        byte[] data;
        Map<String, Object> before;
        try (Cairn src = open(tmp.resolve("src"))) {
            Keyspace def = src.defaultKeyspace();
            def.put("before", "a string before the big ones");
            src.atomically(tx -> {
                io.cairn.collection.HashValue h = new io.cairn.collection.HashValue();
                io.cairn.collection.ListValue l = new io.cairn.collection.ListValue();
                io.cairn.collection.SetValue set = new io.cairn.collection.SetValue();
                io.cairn.collection.ZSetValue z = new io.cairn.collection.ZSetValue();
                for (int i = 0; i < n; i++) {
                    byte[] e = i % 7 == 0 ? randomBytes(rnd, 30) : ("e" + i).getBytes(UTF_8);
                    h.put(("f" + i).getBytes(UTF_8), e);
                    l.addLast(e);
                    set.add(("m" + i).getBytes(UTF_8));
                    z.add(("m" + i).getBytes(UTF_8), rnd.nextGaussian() * 1000);
                }
                Keyspace ks = src.defaultKeyspace();
                tx.putValue(ks, "big-hash".getBytes(UTF_8), h, 0);
                tx.putValue(ks, "big-list".getBytes(UTF_8), l, 0);
                tx.putValue(ks, "big-set".getBytes(UTF_8), set, 0);
                tx.putValue(ks, "big-zset".getBytes(UTF_8), z, FUTURE);
                // a list of 5 MiB: more than a batch's bytes on its own
                io.cairn.collection.ListValue huge = new io.cairn.collection.ListValue();
                for (int i = 0; i < n; i++) huge.addLast(("x".repeat(1000) + i).getBytes(UTF_8));
                tx.putValue(ks, "huge-list".getBytes(UTF_8), huge, 0);
                return null;
            });
            def.put("after", "a string after them");
            before = dump(src);
            data = export(src);
        }
        assertThat(lines(data)).hasSize(1 + 7);
        try (Cairn dst = open(tmp.resolve("dst"))) {
            ImportResult r = importBytes(dst, data, ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(7);
            assertThat(dump(dst)).isEqualTo(before);
            assertThat(dst.defaultKeyspace().list("huge-list").size()).isEqualTo(n);
            assertThat(dst.defaultKeyspace().sortedSet("big-zset").size()).isEqualTo(n);
            assertThat(dst.defaultKeyspace().expiresAt("big-zset".getBytes(UTF_8))).contains(Instant.ofEpochMilli(FUTURE));
        }
    }

    @Test
    void a_collections_expiry_travels_and_an_expired_collection_is_skipped() {
        TestClock clock = new TestClock();
        byte[] data;
        try (Cairn src = Cairn.open(tmp.resolve("src"), small().clock(clock).build())) {
            Keyspace def = src.defaultKeyspace();
            def.hash("stays").put("f", "v");
            def.list("later").pushLast("x");
            def.expire("later", java.time.Duration.ofSeconds(5));
            def.set("goes").add("m");
            def.expire("goes", java.time.Duration.ofSeconds(1));
            clock.now.addAndGet(2000);
            data = export(src);
            assertThat(lines(data)).hasSize(3).noneMatch(l -> l.contains("goes"))
                    .contains("{\"ks\":\"default\",\"key\":\"later\",\"type\":\"list\",\"value\":[\"x\"],\"expires\":"
                            + (clock.millis() + 3000) + "}");
        }
        TestClock later = new TestClock();
        later.now.set(clock.millis() + 10_000);
        try (Cairn dst = Cairn.open(tmp.resolve("dst"), small().clock(later).build())) {
            ImportResult r = importBytes(dst, data, ImportOptions.defaults());
            assertThat(r.imported()).isEqualTo(1);
            assertThat(r.skippedExpired()).isEqualTo(1);
            assertThat(dst.defaultKeyspace().hash("stays").toMap()).containsExactly(Map.entry("f", "v"));
            assertThat(dst.size()).isEqualTo(1);
        }
        // a hand-written collection with an expiry far ahead keeps it to the millisecond
        try (Cairn dst = open(tmp.resolve("dst2"))) {
            importText(dst, HEADER_FRESH + "\n{\"ks\":\"fresh\",\"expires\":" + FUTURE + ",\"key\":\"z\",\"type\":\"zset\","
                    + "\"value\":[[\"a\",\"+inf\"],[\"b\",1e2],[\"a\",\"-INF\"]]}\n", ImportOptions.defaults());
            Keyspace fresh = dst.keyspace("fresh");
            assertThat(fresh.expiresAt("z".getBytes(UTF_8))).contains(Instant.ofEpochMilli(FUTURE));
            // a member given twice keeps its last score, as ZADD does
            assertThat(fresh.sortedSet("z").range(0, -1)).extracting(x -> x.memberString() + "=" + x.score())
                    .containsExactly("a=-Infinity", "b=100.0");
        }
    }

    @Test
    void version_1_lines_without_type_are_strings_and_type_string_is_accepted() {
        try (Cairn dst = open(tmp.resolve("dst"))) {
            importText(dst, HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"1\"}\n"
                    + "{\"ks\":\"fresh\",\"key\":\"b\",\"type\":\"string\",\"value\":{\"b64\":\"AP8=\"}}\n", ImportOptions.defaults());
            Keyspace fresh = dst.keyspace("fresh");
            assertThat(fresh.getString("a")).isEqualTo("1");
            assertThat(fresh.get("b".getBytes(UTF_8))).isEqualTo(b(0, 0xff));
            assertThat(fresh.type("b".getBytes(UTF_8))).isEqualTo(io.cairn.ValueType.STRING);
        }
    }

    @Test
    void replace_puts_a_collection_over_a_string_and_a_string_over_a_collection() {
        try (Cairn db = open(tmp.resolve("db"))) {
            Keyspace fresh = db.createKeyspace("fresh", IndexKind.HASH);
            fresh.put("was-string", "old");
            fresh.list("was-list").pushLast("old");
            importText(db, HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"was-string\",\"type\":\"set\",\"value\":[\"n\"]}\n"
                    + "{\"ks\":\"fresh\",\"key\":\"was-list\",\"value\":\"new\"}\n", ImportOptions.defaults().withReplace(true));
            assertThat(fresh.set("was-string").toSet()).containsExactly("n");
            assertThat(fresh.getString("was-list")).isEqualTo("new");
        }
    }

    // ---------------------------------------------------------------- malformed input

    static Stream<Arguments> malformed() {
        String ok = "{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\"}";
        return Stream.of(
                Arguments.of("bad JSON", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"a\",}\n", 3, "malformed JSON"),
                Arguments.of("truncated line", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"a", 3, "malformed JSON"),
                Arguments.of("not an object", HEADER_FRESH + "\n[1,2]\n", 2, "expected an entry, a JSON object, found an array"),
                Arguments.of("two objects on a line", HEADER_FRESH + "\n" + ok + " " + ok + "\n", 2, "a second JSON value on the line"),
                Arguments.of("an object over two lines", HEADER_FRESH + "\n{\"ks\":\"fresh\",\n\"key\":\"a\",\"value\":\"b\"}\n", 2, "each object must be on one line"),
                Arguments.of("missing ks", HEADER_FRESH + "\n" + ok + "\n" + ok + "\n{\"key\":\"a\",\"value\":\"b\"}\n", 4, "the entry has no \"ks\""),
                Arguments.of("missing key", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"value\":\"b\"}\n", 2, "the entry has no \"key\""),
                Arguments.of("missing value", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"b\"}\n", 2, "the entry has no \"value\""),
                Arguments.of("unknown field", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\",\"expire\":5}\n", 2, "unknown field \"expire\""),
                Arguments.of("duplicate field", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"key\":\"c\",\"value\":\"b\"}\n", 2, "Duplicate field 'key'"),
                Arguments.of("bad base64", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":{\"b64\":\"!!!!\"},\"value\":\"b\"}\n", 3, "bad base64 in key"),
                Arguments.of("base64 object with another field", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":{\"b64\":\"AA==\",\"x\":1}}\n", 2, "value's object must have \"b64\" as its only field"),
                Arguments.of("object without b64", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":{\"hex\":\"00\"},\"value\":\"b\"}\n", 2, "key is an object but not {\"b64\""),
                Arguments.of("number as value", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":5}\n", 2, "value must be a string or {\"b64\""),
                Arguments.of("lone surrogate", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\\ud800\",\"value\":\"b\"}\n", 2, "unpaired surrogate"),
                Arguments.of("unknown keyspace", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"other\",\"key\":\"a\",\"value\":\"b\"}\n", 3, "keyspace 'other' is not listed in the header"),
                Arguments.of("negative expiry", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\",\"expires\":-5}\n", 2, "positive time"),
                Arguments.of("string expiry", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\",\"expires\":\"soon\"}\n", 2, "\"expires\" must be an integer"),
                Arguments.of("huge expiry", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\",\"expires\":99999999999999999999}\n", 2, "\"expires\" must be an integer"),
                Arguments.of("key too large", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"123456789\",\"value\":\"b\"}\n", 3, "key of 9 bytes exceeds the limit of 8 bytes"),
                Arguments.of("value too large", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":{\"b64\":\"" + Base64.getEncoder().encodeToString(new byte[17]) + "\"}}\n", 2, "value of 17 bytes exceeds the limit of 16 bytes"),
                Arguments.of("unknown type", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"type\":\"stream\",\"value\":[]}\n", 3, "unknown type \"stream\" (string, hash, list, set or zset)"),
                Arguments.of("type not a string", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"type\":1,\"value\":[]}\n", 2, "\"type\" must be a string"),
                Arguments.of("type after value", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"x\",\"type\":\"list\"}\n", 2, "\"type\" must come before \"value\""),
                Arguments.of("array value without type", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":[\"x\"]}\n", 2, "value is an array but the entry has no \"type\""),
                Arguments.of("string value of a hash", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"type\":\"hash\",\"value\":\"x\"}\n", 2, "the value of a hash must be an array, not a string"),
                Arguments.of("hash pair of 3", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[[\"f\",\"v\"],[\"f\",\"v\",\"w\"]]}\n", 3, "element 1 of the hash has more than 2 elements: it must be a pair [field, value]"),
                Arguments.of("hash pair of 1", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[[\"f\"]]}\n", 2, "element 0 of the hash has 1 element: it must be a pair [field, value]"),
                Arguments.of("hash pair empty", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[[]]}\n", 2, "element 0 of the hash is an empty array"),
                Arguments.of("hash element not a pair", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[\"f\",\"v\"]}\n", 2, "element 0 of the hash must be a pair [field, value], not a string"),
                Arguments.of("hash value a number", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[[\"f\",1]]}\n", 2, "element 0 of the hash (its value) must be a string or {\"b64\""),
                Arguments.of("list element a number", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"l\",\"type\":\"list\",\"value\":[\"a\",2]}\n", 2, "element 1 of the list must be a string or {\"b64\""),
                Arguments.of("set element bad base64", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"s\",\"type\":\"set\",\"value\":[{\"b64\":\"!!\"}]}\n", 2, "bad base64 in element 0 of the set"),
                Arguments.of("NaN score", HEADER_FRESH + "\n" + ok + "\n{\"ks\":\"fresh\",\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"m\",1],[\"n\",\"nan\"]]}\n", 3, "the score of element 1 of the zset is NaN"),
                Arguments.of("NaN as a JSON token", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"m\",NaN]]}\n", 2, "malformed JSON"),
                Arguments.of("score a word", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"m\",\"high\"]]}\n", 2, "must be a number or \"inf\" or \"-inf\", not the string \"high\""),
                Arguments.of("score a boolean", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"m\",true]]}\n", 2, "not a boolean"),
                Arguments.of("zset pair of 3", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"z\",\"type\":\"zset\",\"value\":[[\"m\",1,2]]}\n", 2, "must be a pair [member, score]"),
                Arguments.of("empty collection", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"s\",\"type\":\"set\",\"value\":[]}\n", 2, "the set is empty"),
                Arguments.of("element too large", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"l\",\"type\":\"list\",\"value\":[\"ok\",\"" + "x".repeat(17) + "\"]}\n", 2, "element 1 of the list of 17 bytes exceeds the limit of 16 bytes"),
                Arguments.of("hash field too large", HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"h\",\"type\":\"hash\",\"value\":[[\"" + "f".repeat(17) + "\",\"v\"]]}\n", 2, "element 0 of the hash (its field) of 17 bytes exceeds"),
                Arguments.of("empty input", "", 0, "the input is empty"),
                Arguments.of("no header", ok + "\n", 1, "not a Cairn export"),
                Arguments.of("header not first", "\n\n[]\n", 3, "expected the header, a JSON object, found an array"),
                Arguments.of("other version", HEADER_FRESH.replace("\"version\":1", "\"version\":2") + "\n", 1, "version 2 is not supported"),
                Arguments.of("header without keyspaces", "{\"cairn\":\"export\",\"version\":1}\n", 1, "the header has no \"keyspaces\""),
                Arguments.of("bad kind", HEADER_FRESH.replace("ORDERED", "BTREE") + "\n", 1, "not HASH or ORDERED"),
                Arguments.of("keyspace twice", HEADER_FRESH.replace("}]}", "},{\"name\":\"fresh\",\"kind\":\"HASH\"}]}") + "\n", 1, "listed twice"),
                Arguments.of("empty keyspace name", HEADER_FRESH.replace("\"fresh\"", "\"\"") + "\n", 1, "1 to 255 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_input_names_its_line_and_leaves_a_new_keyspace_absent(String name, String input, int line, String message) {
        try (Cairn db = Cairn.open(tmp.resolve("db"), small().maxKeySize(8).maxValueSize(16).build())) {
            assertThatThrownBy(() -> importText(db, input, ImportOptions.defaults()))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining(message)
                    .hasMessageStartingWith(line > 0 ? "line " + line + ": " : "")
                    .satisfies(e -> assertThat(((ImportException) e).line()).isEqualTo(line));
            assertThat(keyspaceNames(db)).containsExactly("default");
            assertThat(db.size()).isZero();
        }
    }

    @Test
    void invalid_utf8_in_the_file_is_malformed() {
        byte[] head = (HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\"}\n{\"ks\":\"fresh\",\"key\":\"").getBytes(UTF_8);
        byte[] tail = "\",\"value\":\"b\"}\n".getBytes(UTF_8);
        byte[] data = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, data, 0, head.length);
        data[head.length] = (byte) 0xff;
        System.arraycopy(tail, 0, data, head.length + 1, tail.length);
        try (Cairn db = open(tmp.resolve("db"))) {
            assertThatThrownBy(() -> importBytes(db, data, ImportOptions.defaults()))
                    .isInstanceOf(ImportException.class).hasMessageStartingWith("line 3: malformed JSON");
            assertThat(keyspaceNames(db)).containsExactly("default");
        }
    }

    @Test
    void a_failure_after_batches_were_written_leaves_new_keyspaces_absent_and_existing_ones_written() {
        StringBuilder sb = new StringBuilder("{\"cairn\":\"export\",\"version\":1,\"created\":\"2026-01-01T00:00:00Z\","
                + "\"keyspaces\":[{\"name\":\"default\",\"kind\":\"HASH\"},{\"name\":\"fresh\",\"kind\":\"ORDERED\"}]}\n");
        int n = 2500; // more than two batches
        for (int i = 0; i < n; i++) {
            sb.append("{\"ks\":\"").append(i % 2 == 0 ? "default" : "fresh").append("\",\"key\":\"k").append(i)
                    .append("\",\"value\":\"v").append(i).append("\"}\n");
        }
        sb.append("{\"ks\":\"fresh\",\"key\":{\"b64\":\"A\"},\"value\":\"x\"}\n");
        try (Cairn db = open(tmp.resolve("db"))) {
            assertThatThrownBy(() -> importText(db, sb.toString(), ImportOptions.defaults()))
                    .isInstanceOf(ImportException.class).hasMessageStartingWith("line " + (n + 2) + ": bad base64 in key");
            assertThat(keyspaceNames(db)).containsExactly("default"); // the temporary keyspace was dropped
            // the default keyspace existed: the batches written before the bad line stay (documented)
            assertThat(db.size()).isGreaterThan(0).isLessThanOrEqualTo(n / 2);
        }
        try (Cairn db = open(tmp.resolve("db"))) { // and after a reopen, no temporary keyspace comes back
            assertThat(keyspaceNames(db)).containsExactly("default");
        }
    }

    @Test
    void large_values_go_through_in_batches_of_their_own() {
        byte[] big = new byte[6 << 20];
        new Random(7).nextBytes(big);
        try (Cairn src = open(tmp.resolve("src"))) {
            src.put("big1".getBytes(UTF_8), big);
            src.put("big2".getBytes(UTF_8), "x".repeat(5 << 20).getBytes(UTF_8));
            byte[] data = export(src);
            try (Cairn dst = open(tmp.resolve("dst"))) {
                assertThat(importBytes(dst, data, ImportOptions.defaults()).imported()).isEqualTo(2);
                assertThat(dst.get("big1")).isEqualTo(big);
                assertThat(dst.get("big2")).hasSize(5 << 20);
            }
        }
    }

    // ---------------------------------------------------------------- random round trips against a model

    @Test
    void seeded_random_round_trips_match_a_model() {
        for (int seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            Path srcDir = tmp.resolve("rsrc" + seed);
            Path dstDir = tmp.resolve("rdst" + seed);
            Map<String, IndexKind> kinds = new TreeMap<>();
            Map<String, Map<String, String>> model = new TreeMap<>(); // keyspace -> hex key -> hex value@expires
            byte[] data;
            try (Cairn src = open(srcDir)) {
                kinds.put("default", IndexKind.HASH);
                int extra = 1 + rnd.nextInt(3);
                for (int i = 0; i < extra; i++) {
                    String name = randomName(rnd, i);
                    IndexKind kind = rnd.nextBoolean() ? IndexKind.HASH : IndexKind.ORDERED;
                    src.createKeyspace(name, kind);
                    kinds.put(name, kind);
                }
                List<String> names = new ArrayList<>(kinds.keySet());
                for (String n : names) model.put(n, new TreeMap<>());
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 200; i++) {
                    String ks = names.get(rnd.nextInt(names.size()));
                    Map<String, String> m = model.get(ks);
                    byte[] key = i > 20 && rnd.nextInt(10) == 0 && !m.isEmpty()
                            ? HEX.parseHex(new ArrayList<>(m.keySet()).get(rnd.nextInt(m.size()))) // overwrite
                            : randomBytes(rnd, 12);
                    byte[] value = randomBytes(rnd, 40);
                    long expires = rnd.nextInt(4) == 0 ? FUTURE + rnd.nextInt(1_000_000) : 0;
                    Keyspace k = src.keyspace(ks);
                    if (expires != 0 || rnd.nextBoolean()) {
                        src.write(batch); // what was batched first
                        batch.clear();
                        if (expires != 0) k.put(key, value, Instant.ofEpochMilli(expires));
                        else k.put(key, value);
                    } else {
                        batch.put(k, key, value);
                        if (batch.size() > 10) {
                            src.write(batch);
                            batch.clear();
                        }
                    }
                    m.put(HEX.formatHex(key), HEX.formatHex(value) + "@" + expires);
                }
                src.write(batch);
                data = export(src);
                Map<String, Object> expected = new TreeMap<>();
                for (String n : names) {
                    expected.put(n, List.of(kinds.get(n), kinds.get(n) == IndexKind.ORDERED ? orderedByKey(model.get(n)) : model.get(n)));
                }
                assertThat(dump(src)).as("seed %d: the source", seed).isEqualTo(expected);
            }
            try (Cairn dst = open(dstDir)) {
                ImportResult r = importBytes(dst, data, ImportOptions.defaults());
                long total = model.values().stream().mapToLong(Map::size).sum();
                assertThat(r.imported()).as("seed %d", seed).isEqualTo(total);
                for (Map.Entry<String, Map<String, String>> e : model.entrySet()) {
                    Keyspace ks = dst.keyspace(e.getKey());
                    assertThat(ks.kind()).as("seed %d: kind of %s", seed, e.getKey()).isEqualTo(kinds.get(e.getKey()));
                    Map<String, String> got = entries(ks);
                    if (ks.kind() == IndexKind.ORDERED) {
                        assertThat(new ArrayList<>(got.keySet())).as("seed %d: order", seed)
                                .isEqualTo(new ArrayList<>(orderedByKey(e.getValue()).keySet()));
                    }
                    assertThat(new TreeMap<>(got)).as("seed %d: %s", seed, e.getKey()).isEqualTo(e.getValue());
                }
                assertThat(keyspaceNames(dst)).containsExactlyElementsOf(model.keySet());
            }
        }
    }

    /** Keys in unsigned byte order, as an ORDERED keyspace iterates them. */
    private static Map<String, String> orderedByKey(Map<String, String> byHex) {
        Map<String, String> m = new TreeMap<>(); // lower-case hex sorts as the unsigned bytes do
        m.putAll(byHex);
        return m;
    }

    private static String randomName(Random rnd, int i) {
        String[] pool = {"users", "Σ-keys", "bin", "ks with spaces", "日本", "a\"quote"};
        return pool[rnd.nextInt(pool.length)] + "-" + i;
    }

    private static byte[] randomBytes(Random rnd, int maxLen) {
        int len = rnd.nextInt(maxLen + 1);
        switch (rnd.nextInt(4)) {
            case 0: { // arbitrary bytes
                byte[] b = new byte[len];
                rnd.nextBytes(b);
                return b;
            }
            case 1: { // ASCII with the odd control character
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < len; i++) sb.append((char) (rnd.nextInt(10) == 0 ? rnd.nextInt(32) : 32 + rnd.nextInt(95)));
                return sb.toString().getBytes(UTF_8);
            }
            case 2: { // Unicode text, astral plane included
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < len / 2; i++) {
                    int cp;
                    do {
                        cp = rnd.nextInt(4) == 0 ? 0x10000 + rnd.nextInt(0x10000) : 0x20 + rnd.nextInt(0x3000);
                    } while (Character.getType(cp) == Character.SURROGATE);
                    sb.appendCodePoint(cp);
                }
                return sb.toString().getBytes(UTF_8);
            }
            default: { // text broken by a stray byte
                byte[] t = ("text-" + len).getBytes(UTF_8);
                byte[] b = new byte[t.length + 1];
                System.arraycopy(t, 0, b, 0, t.length);
                b[t.length] = (byte) (0x80 + rnd.nextInt(0x80));
                return b;
            }
        }
    }

    // ---------------------------------------------------------------- the command line

    private record Run(int code, String out, String err, byte[] outBytes) {
    }

    private static Run cli(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, UTF_8); PrintStream e = new PrintStream(err, true, UTF_8)) {
            code = stdin == null ? JsonLinesCommand.run(args, o, e)
                    : JsonLinesCommand.run(args, new ByteArrayInputStream(stdin), o, e);
        }
        return new Run(code, out.toString(UTF_8), err.toString(UTF_8), out.toByteArray());
    }

    @Test
    void command_line_export_and_import_with_files() throws Exception {
        Path src = tmp.resolve("src");
        Map<String, Object> before;
        try (Cairn db = open(src)) {
            fill(db);
            before = dump(db);
        }
        Path file = tmp.resolve("out/all.jsonl");
        Files.createDirectories(file.getParent());
        Run ex = cli(null, "export", src.toString(), "--out", file.toString());
        assertThat(ex.code()).as(ex.err()).isZero();
        assertThat(ex.out()).isEqualTo("exported 318 entries of 4 keyspaces to " + file + "\n");
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temporary file left beside it

        Path dst = tmp.resolve("dst");
        Run im = cli(null, "import", dst.toString(), "--in", file.toString());
        assertThat(im.code()).as(im.err()).isZero();
        assertThat(im.out()).startsWith("imported 318 entries from " + file + " into 'bin' (262, created), 'default' (6), ");
        try (Cairn db = open(dst)) {
            assertThat(dump(db)).isEqualTo(before);
        }

        // to stdout and from stdin, one keyspace, renamed and converted
        Run one = cli(null, "export", src.toString(), "--keyspace", "h2", "--keyspace", "h2");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.err()).isEqualTo("exported 50 entries of 1 keyspace\n");
        assertThat(lines(one.outBytes())).hasSize(51);
        Run in = cli(one.outBytes(), "import", dst.toString(), "--into", "h3", "--kind", "ordered");
        assertThat(in.code()).as(in.err()).isZero();
        assertThat(in.out()).isEqualTo("imported 50 entries from standard input into 'h3' (50, created)\n");

        // again without --replace: refused, exit 1; with it: done
        Run again = cli(one.outBytes(), "import", dst.toString(), "--into", "h3");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("cairn tool import: keyspace 'h3' has 50 entries already");
        Run replace = cli(one.outBytes(), "import", dst.toString(), "--into", "h3", "--replace");
        assertThat(replace.code()).as(replace.err()).isZero();
        try (Cairn db = open(dst)) {
            assertThat(db.keyspace("h3").kind()).isEqualTo(IndexKind.ORDERED);
            assertThat(db.keyspace("h3").size()).isEqualTo(50);
        }

        // --out over an existing file replaces it whole
        Run ex2 = cli(null, "export", dst.toString(), "--keyspace", "h3", "--out", file.toString());
        assertThat(ex2.code()).as(ex2.err()).isZero();
        assertThat(lines(Files.readAllBytes(file))).hasSize(51);
    }

    @Test
    void command_line_errors_and_exit_codes() throws Exception {
        Path src = tmp.resolve("src");
        try (Cairn db = open(src)) {
            db.put("a", "b");
        }
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, HEADER_FRESH + "\n{\"ks\":\"fresh\",\"key\":\"a\",\"value\":\"b\"}\n{\"ks\":\"fresh\",\"key\":1,\"value\":\"b\"}\n");
        Path dst = tmp.resolve("dst");

        Run r = cli(null, "import", dst.toString(), "--in", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("cairn tool import: " + bad + ": line 3: key must be a string or {\"b64\":\"<base64>\"}, not a number\n");
        try (Cairn db = open(dst)) {
            assertThat(keyspaceNames(db)).containsExactly("default");
        }

        r = cli("{\"x\":1}\n".getBytes(UTF_8), "import", dst.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("cairn tool import: line 1: not a Cairn export: the first line must be a header with \"cairn\":\"export\"\n");

        r = cli(null, "import", dst.toString(), "--in", tmp.resolve("missing.jsonl").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read").contains("no such file");

        r = cli(null, "export", src.toString(), "--keyspace", "nope");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("cairn tool export: no keyspace named 'nope' in " + src + "\n");
        assertThat(r.out()).isEmpty();

        r = cli(null, "export", tmp.resolve("no-such-dir").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no store in").contains("no such directory");
        assertThat(tmp.resolve("no-such-dir")).doesNotExist();

        assertThat(cli(null, "import", dst.toString(), "--kind", "btree").code()).isEqualTo(2);
        assertThat(cli(null, "import", dst.toString(), "--bogus").err()).contains("unknown option --bogus").contains("usage:");
        assertThat(cli(null, "export").err()).contains("missing DIR");
        assertThat(cli(null, "export", "a", "b").code()).isEqualTo(2);
        assertThat(cli(null, "export", src.toString(), "--out").err()).contains("--out needs a value");
        assertThat(cli(null, "frobnicate").code()).isEqualTo(2);
        assertThat(cli(null).code()).isEqualTo(2);
        Run help = cli(null, "import", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("cairn tool import DIR [--in FILE] [--into NAME] [--kind hash|ordered] [--replace]");
    }

    @Test
    void a_store_in_use_is_reported_as_such() {
        Path dir = tmp.resolve("busy");
        try (Cairn db = open(dir)) {
            db.put("a", "b");
            Run ex = cli(null, "export", dir.toString());
            assertThat(ex.code()).isEqualTo(2);
            assertThat(ex.err()).isEqualTo("cairn tool export: the store in " + dir + " is in use (is the server running?)\n");
            assertThat(ex.out()).isEmpty();
            Run im = cli((HEADER_FRESH + "\n").getBytes(UTF_8), "import", dir.toString());
            assertThat(im.code()).isEqualTo(2);
            assertThat(im.err()).isEqualTo("cairn tool import: the store in " + dir + " is in use (is the server running?)\n");
            assertThat(keyspaceNames(db)).containsExactly("default");
        }
    }

    @Test
    void text_detection() {
        var dec = StandardCharsets.UTF_8.newDecoder();
        assertThat(JsonLines.asText("plain\ttext\r\n".getBytes(UTF_8), dec)).isEqualTo("plain\ttext\r\n");
        assertThat(JsonLines.asText(new byte[0], dec)).isEmpty();
        assertThat(JsonLines.asText("🪨".getBytes(UTF_8), dec)).isEqualTo("🪨");
        assertThat(JsonLines.asText(b(0), dec)).isNull();
        assertThat(JsonLines.asText(b(0x1b), dec)).isNull();
        assertThat(JsonLines.asText(b(0x7f), dec)).isNull();
        assertThat(JsonLines.asText("\u0085".getBytes(UTF_8), dec)).isNull();
        assertThat(JsonLines.asText("\u00a0".getBytes(UTF_8), dec)).isEqualTo("\u00a0");
        assertThat(JsonLines.asText(b(0xc0, 0x80), dec)).isNull();        // overlong NUL
        assertThat(JsonLines.asText(b(0xed, 0xa0, 0x80), dec)).isNull();  // a surrogate, CESU-style
        assertThat(JsonLines.asText(b(0xf4, 0x90, 0x80, 0x80), dec)).isNull(); // past U+10FFFF
    }
}
