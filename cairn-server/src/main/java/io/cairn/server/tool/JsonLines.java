package io.cairn.server.tool;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.cairn.Cairn;
import io.cairn.CairnException;
import io.cairn.CairnOptions;
import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.ValueType;
import io.cairn.collection.CollectionValue;
import io.cairn.collection.HashValue;
import io.cairn.collection.ListValue;
import io.cairn.collection.SetValue;
import io.cairn.collection.ZSetValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Export and import of keyspaces as JSON Lines: one JSON object per line, a header first, then one line per entry,
 * binary-safe (bytes that are not plain text travel as base64). The format is specified in docs/file-formats.md,
 * "JSON Lines export":
 *
 * <pre>
 * {"cairn":"export","version":1,"created":"2026-01-02T03:04:05.678Z","keyspaces":[{"name":"default","kind":"HASH"}]}
 * {"ks":"default","key":"user:1","value":"ann"}
 * {"ks":"default","key":{"b64":"AP8="},"value":"","expires":1767323045678}
 * {"ks":"default","key":"h:1","type":"hash","value":[["name","ann"],["age","42"]]}
 * {"ks":"default","key":"z:1","type":"zset","value":[["low","-inf"],["ann",1.5]],"expires":1767323045678}
 * </pre>
 *
 * A string's line has no {@code type} (version-1 files from before collections read unchanged); a hash, list, set or
 * sorted set has its Redis type name and an array of elements, or of [field, value] / [member, score] pairs.
 *
 * <p>Both directions stream: memory holds one entry (export) or one batch of entries (import), never the whole data
 * set; a collection is one entry, held whole.
 */
public final class JsonLines {
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    /** An import batch is written once it holds this many entries... */
    static final int BATCH_ENTRIES = 1000;
    /** ...or this many bytes of keys and values, whichever comes first. */
    static final long BATCH_BYTES = 4L << 20;
    /**
     * The prefix of the keyspaces an import fills before renaming them to their names: the store's prefix for
     * unfinished loads, so a keyspace left by a process that died mid-import is dropped when the store next opens.
     */
    static final String TEMP_PREFIX = ".loading-import-";

    /** Standard base64 (RFC 4648 section 4) with padding, on one line; reading accepts it with or without padding. */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withPaddingAllowed();

    private static final JsonFactory WRITER = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8) // emoji as UTF-8, not as \ud83e\udea8
            .build();

    private JsonLines() {
    }

    // ================================================================ export

    /**
     * Writes the named keyspaces, or all of them if {@code keyspaces} is empty, to {@code out}: the header, then each
     * keyspace's live entries in its iteration order (key order for ORDERED keyspaces), keyspaces in the order given
     * (by name for all). Entries already expired are not written. {@code out} is flushed, not closed.
     *
     * <p>Each keyspace is read with its iterator, which is weakly consistent: for an exact copy of a store that is in
     * use, export while nothing writes. Each collection is read whole in one atomic block, so it is written as it was
     * at one instant; a {@link Cairn#openSnapshot snapshot view} exports whole, collections included.
     *
     * @return the number of entry lines written
     * @throws CairnException {@link CairnException.Code#NO_SUCH_KEYSPACE} if a named keyspace does not exist (before
     *                        anything is written)
     * @throws UncheckedIOException if writing to {@code out} fails
     */
    public static long export(Cairn db, Collection<String> keyspaces, OutputStream out) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(keyspaces, "keyspaces");
        Objects.requireNonNull(out, "out");
        Map<String, Keyspace> chosen = new LinkedHashMap<>();
        if (keyspaces.isEmpty()) {
            for (Keyspace ks : db.keyspaces()) chosen.put(ks.name(), ks);
        } else {
            for (String name : new LinkedHashSet<>(keyspaces)) chosen.put(name, db.keyspace(name));
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        long written = 0;
        try (JsonGenerator g = WRITER.createGenerator(out)) {
            g.setRootValueSeparator(null); // each line ends with the '\n' written below, and nothing else
            g.writeStartObject();
            g.writeStringField("cairn", "export");
            g.writeNumberField("version", VERSION);
            g.writeStringField("created", db.options().clock().instant().truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeArrayFieldStart("keyspaces");
            for (Map.Entry<String, Keyspace> ks : chosen.entrySet()) {
                g.writeStartObject();
                g.writeStringField("name", ks.getKey());
                g.writeStringField("kind", ks.getValue().kind().name());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
            for (Map.Entry<String, Keyspace> ks : chosen.entrySet()) {
                try (CloseableIterator<Entry> it = ks.getValue().iterator()) {
                    while (it.hasNext()) {
                        Entry e = it.next();
                        Read r = e.type() == ValueType.STRING ? new Read(e.value(), e.expiresAtMillis())
                                : read(db, ks.getValue(), e.key());
                        if (r == null) continue; // deleted or expired since the iterator passed it
                        g.writeStartObject();
                        g.writeStringField("ks", ks.getKey());
                        writeBytes(g, "key", e.key(), utf8);
                        if (r.string() != null) {
                            writeBytes(g, "value", r.string(), utf8);
                        } else {
                            writeCollection(g, r.collection(), utf8);
                        }
                        if (r.expires() != 0) g.writeNumberField("expires", r.expires());
                        g.writeEndObject();
                        g.writeRaw('\n');
                        written++;
                    }
                }
            }
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("export failed after " + written + " entries: " + e.getMessage(), e);
        }
        return written;
    }

    /** What one key holds, read at one instant: a string's bytes or a copy of a collection, and the expiry. */
    private record Read(byte[] string, CollectionValue collection, long expires) {
        Read(byte[] string, long expires) {
            this(string, null, expires);
        }
    }

    /**
     * Reads {@code key} in one atomic block through the block's views, so a collection is exported as it was at one
     * instant (the iterator only said what the key held when it passed); null if the key is gone. The collection is
     * copied inside the block and written out after it, so a slow output never holds the store's write lock.
     */
    private static Read read(Cairn db, Keyspace ks, byte[] key) {
        return db.atomically(tx -> {
            ValueType type = tx.type(ks, key);
            if (type == null) return null;
            long expires = tx.expiresAt(ks, key);
            return switch (type) { // the key may hold another type than the iterator saw: read what it holds now
                case STRING -> new Read(tx.get(ks, key), expires);
                case HASH -> copied(tx.hash(ks, key).value(), expires);
                case LIST -> copied(tx.list(ks, key).value(), expires);
                case SET -> copied(tx.set(ks, key).value(), expires);
                case SORTED_SET -> copied(tx.sortedSet(ks, key).value(), expires);
            };
        });
    }

    /** A copy: a large collection's value is the live structure, which writers change once the block is over. */
    private static Read copied(CollectionValue v, long expires) {
        return v == null ? null : new Read(null, v.copy(), expires);
    }

    /** {@code "type"} and {@code "value"} of a collection: an array of elements, or of pairs for hashes and sorted sets. */
    private static void writeCollection(JsonGenerator g, CollectionValue v, CharsetDecoder utf8) throws IOException {
        g.writeStringField("type", ValueType.values()[v.type()].redisName());
        g.writeArrayFieldStart("value");
        try {
            if (v instanceof HashValue h) {
                h.forEach((f, x) -> io(() -> {
                    g.writeStartArray();
                    writeBytes(g, f, utf8);
                    writeBytes(g, x, utf8);
                    g.writeEndArray();
                }));
            } else if (v instanceof ListValue l) {
                l.items().forEach(0, false, e -> io(() -> writeBytes(g, e, utf8)));
            } else if (v instanceof SetValue s) {
                s.forEach(m -> io(() -> writeBytes(g, m, utf8)));
            } else {
                ((ZSetValue) v).index().forEach((m, score) -> io(() -> {
                    g.writeStartArray();
                    writeBytes(g, m, utf8);
                    writeScore(g, score);
                    g.writeEndArray();
                }));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        g.writeEndArray();
    }

    /** A score as a JSON number, or "inf" / "-inf", which JSON has no number for. */
    static void writeScore(JsonGenerator g, double score) throws IOException {
        if (score == Double.POSITIVE_INFINITY) {
            g.writeString("inf");
        } else if (score == Double.NEGATIVE_INFINITY) {
            g.writeString("-inf");
        } else if (score == Math.rint(score) && Math.abs(score) < 1e15 && !(score == 0 && 1 / score < 0)) {
            g.writeNumber((long) score); // 3, not 3.0
        } else {
            g.writeNumber(score); // Double.toString: the shortest text that reads back as the same double
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Runs a write inside a visitor, which cannot throw IOException; returns true to go on visiting. */
    private static boolean io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    private static void writeBytes(JsonGenerator g, String field, byte[] bytes, CharsetDecoder utf8) throws IOException {
        g.writeFieldName(field);
        writeBytes(g, bytes, utf8);
    }

    /** Bytes as a JSON string if they are plain text, else as {"b64": ...}. */
    private static void writeBytes(JsonGenerator g, byte[] bytes, CharsetDecoder utf8) throws IOException {
        String text = asText(bytes, utf8);
        if (text != null) {
            g.writeString(text);
        } else {
            g.writeStartObject();
            g.writeFieldName("b64");
            g.writeBinary(BASE64, bytes, 0, bytes.length);
            g.writeEndObject();
        }
    }

    /**
     * {@code bytes} as a string if they are valid UTF-8 with no control character but tab, line feed and carriage
     * return (C0, DEL and C1 are control characters), else {@code null}: such bytes are written as base64.
     */
    static String asText(byte[] bytes, CharsetDecoder utf8) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return null;
        }
        String s;
        try {
            s = utf8.decode(ByteBuffer.wrap(bytes)).toString(); // reports malformed input: the default action
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 && c <= 0x9f) return null;
        }
        return s;
    }

    // ================================================================ import

    /**
     * Reads an export from {@code in} (not closed) into {@code db}.
     *
     * <p>Each keyspace of the header is imported under its own name, or {@link ImportOptions#into()}'s when the export
     * has one keyspace. A keyspace that does not exist is created, with {@link ImportOptions#kind()} or else the kind
     * of the header; one that exists keeps its kind, and must be empty unless {@link ImportOptions#replace()} (then keys
     * of the export overwrite keys of the same name, and other keys stay). These checks come before anything is
     * written. Entry lines whose expiry has passed (by the store's clock) are skipped.
     *
     * <p>Entries are written in atomic, durable batches of about {@value #BATCH_ENTRIES} entries or 4 MiB, each entry
     * with its absolute expiry. <b>The import as a whole is atomic only for keyspaces it creates</b>: those are filled
     * under a temporary name (starting {@value #TEMP_PREFIX}) and renamed to their names once the whole input has been
     * read, and a failed import drops them, so it leaves no trace of them. Batches written into keyspaces that existed
     * already stay written when the import fails later. (A temporary keyspace left by a process that died during an
     * import is dropped the next time the store opens.)
     *
     * <p>A collection is built in memory from its array, element by element, and written whole
     * ({@link io.cairn.Txn#putValue}) in the batch it belongs to; its bytes count towards the batch's 4 MiB, and the
     * batch before it is written first when it would go over, so memory holds about one batch and one collection.
     *
     * @throws ImportException when the input is malformed (bad JSON, not one object per line, a missing or unknown
     *                         field, bad base64, a keyspace the header does not list, a key, value or element over the
     *                         store's limits, an unknown type, a collection value that is not an array of elements or
     *                         of pairs, a score that is not a number, "inf" or "-inf"), naming the line, or when the
     *                         options or the store's contents forbid the import
     * @throws CairnException when the store fails (closed, full disk, ...)
     * @throws UncheckedIOException when reading {@code in} fails
     */
    public static ImportResult importInto(Cairn db, InputStream in, ImportOptions opts) {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(opts, "opts");
        try (JsonParser p = readerFor(db.options()).createParser(in)) {
            return new Importer(db, p, opts).run();
        } catch (IOException e) { // creating or closing the parser; parse errors are turned into ImportException
            throw new UncheckedIOException(e);
        }
    }

    private static JsonFactory readerFor(CairnOptions options) {
        long longest = Math.max(options.maxKeySize(), options.maxValueSize());
        long base64 = (longest + 2) / 3 * 4 + 16; // the longest string a key or value can take: base64, or text
        return JsonFactory.builder()
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE - 64, base64))
                        .build())
                .build();
    }

    /** One keyspace of the header and where its entries go. */
    private static final class Target {
        final String source;
        final IndexKind headerKind;
        String name;
        Keyspace handle;
        String temp; // the temporary name it is filled under, for keyspaces the import creates
        boolean renamed; // to its name, at the end
        long imported;

        Target(String source, IndexKind headerKind) {
            this.source = source;
            this.headerKind = headerKind;
        }
    }

    /** An entry read and not yet written: a string's {@code value}, or a {@code collection}. */
    private record Pending(Target target, byte[] key, byte[] value, CollectionValue collection, long expires) {
    }

    private static final class Importer {
        private final Cairn db;
        private final JsonParser p;
        private final ImportOptions opts;
        private final Clock clock;
        private final int maxKey;
        private final int maxValue;
        private final Map<String, Target> bySource = new LinkedHashMap<>();
        private final List<Pending> batch = new ArrayList<>();
        private long batchBytes;
        private long lastLine;
        private long imported;
        private long skippedExpired;

        Importer(Cairn db, JsonParser p, ImportOptions opts) {
            this.db = db;
            this.p = p;
            this.opts = opts;
            this.clock = db.options().clock();
            this.maxKey = db.options().maxKeySize();
            this.maxValue = db.options().maxValueSize();
        }

        ImportResult run() {
            readHeader();
            plan();
            try {
                createTemporaries();
                readEntries();
                flush();
                renameTemporaries();
            } catch (RuntimeException | Error e) {
                dropTemporaries(e);
                throw e;
            }
            Map<String, Long> per = new LinkedHashMap<>();
            List<String> created = new ArrayList<>();
            for (Target t : bySource.values()) {
                per.put(t.name, t.imported);
                if (t.temp != null) created.add(t.name);
            }
            return new ImportResult(imported, skippedExpired, per, created);
        }

        // ------------------------------------------------------------ the header

        private void readHeader() {
            JsonToken t = next();
            if (t == null) throw new ImportException(0, "the input is empty: an export starts with its header line");
            long line = startObject(t, "the header");
            String cairn = null;
            Integer version = null;
            boolean sawKeyspaces = false;
            while ((t = next()) == JsonToken.FIELD_NAME) {
                String field = name();
                t = next();
                switch (field) {
                    case "cairn" -> cairn = t == JsonToken.VALUE_STRING ? text() : "";
                    case "version" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || numberType() != JsonParser.NumberType.INT) {
                            throw new ImportException(line, "the header's \"version\" must be an integer");
                        }
                        version = intValue();
                    }
                    case "created" -> {
                        if (t != JsonToken.VALUE_STRING) throw new ImportException(line, "the header's \"created\" must be a string");
                    }
                    case "keyspaces" -> {
                        readKeyspaces(t, line);
                        sawKeyspaces = true;
                    }
                    default -> skipValue(); // later versions may add fields to the header
                }
            }
            endObject(line);
            if (!"export".equals(cairn)) {
                throw new ImportException(line, "not a Cairn export: the first line must be a header with \"cairn\":\"export\"");
            }
            if (version == null) throw new ImportException(line, "the header has no \"version\"");
            if (version != VERSION) {
                throw new ImportException(line, "export format version " + version + " is not supported (this Cairn reads version " + VERSION + ")");
            }
            if (!sawKeyspaces) throw new ImportException(line, "the header has no \"keyspaces\"");
        }

        private void readKeyspaces(JsonToken t, long line) {
            if (t != JsonToken.START_ARRAY) throw new ImportException(line, "the header's \"keyspaces\" must be an array");
            while ((t = next()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new ImportException(line, "each of the header's \"keyspaces\" must be an object {\"name\":...,\"kind\":...}");
                }
                String name = null;
                String kind = null;
                while ((t = next()) == JsonToken.FIELD_NAME) {
                    String field = name();
                    t = next();
                    switch (field) {
                        case "name" -> name = requireString(t, line, "a keyspace's \"name\"");
                        case "kind" -> kind = requireString(t, line, "a keyspace's \"kind\"");
                        default -> skipValue();
                    }
                }
                if (name == null) throw new ImportException(line, "a keyspace of the header has no \"name\"");
                if (kind == null) throw new ImportException(line, "keyspace '" + name + "' of the header has no \"kind\"");
                checkKeyspaceName(name, line);
                IndexKind k;
                try {
                    k = IndexKind.valueOf(kind.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ImportException(line, "keyspace '" + name + "' has kind \"" + kind + "\": not HASH or ORDERED");
                }
                if (bySource.putIfAbsent(name, new Target(name, k)) != null) {
                    throw new ImportException(line, "keyspace '" + name + "' is listed twice in the header");
                }
            }
        }

        // ------------------------------------------------------------ checks before writing

        private void plan() {
            String into = opts.into();
            if (into != null) {
                if (bySource.size() != 1) {
                    throw new ImportException(0, "a target name (--into) needs an export of exactly one keyspace; this one has "
                            + bySource.size());
                }
                checkKeyspaceName(into, 0);
            }
            for (Target t : bySource.values()) {
                t.name = into != null ? into : t.source;
                Optional<Keyspace> existing = db.findKeyspace(t.name);
                if (existing.isPresent()) {
                    long n = existing.get().size();
                    if (n > 0 && !opts.replace()) {
                        throw new ImportException(0, "keyspace '" + t.name + "' has " + n + " entries already; import with"
                                + " --replace to overwrite keys of the same name, or into another keyspace; nothing was written");
                    }
                    t.handle = existing.get();
                }
            }
        }

        private void createTemporaries() {
            String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            int i = 0;
            for (Target t : bySource.values()) {
                if (t.handle != null) continue;
                String temp = TEMP_PREFIX + tag + "-" + i++;
                IndexKind kind = opts.kind() != null ? opts.kind() : t.headerKind;
                t.handle = db.createKeyspace(temp, kind);
                t.temp = temp;
            }
        }

        private void renameTemporaries() {
            for (Target t : bySource.values()) {
                if (t.temp == null) continue;
                try {
                    db.renameKeyspace(t.temp, t.name);
                } catch (CairnException e) {
                    if (e.code() != CairnException.Code.KEYSPACE_EXISTS) throw e;
                    throw new ImportException(0, "keyspace '" + t.name + "' was created by someone else during the import", e);
                }
                t.renamed = true;
            }
        }

        private void dropTemporaries(Throwable cause) {
            for (Target t : bySource.values()) {
                if (t.temp == null || t.renamed) continue; // not created, or complete and renamed
                try {
                    db.dropKeyspace(t.temp);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }

        // ------------------------------------------------------------ entries

        private void readEntries() {
            JsonToken t;
            while ((t = next()) != null) {
                long line = startObject(t, "an entry");
                String ks = null;
                byte[] key = null;
                ValueType type = null;
                byte[] value = null;
                Collected collection = null;
                long expires = 0;
                while ((t = next()) == JsonToken.FIELD_NAME) {
                    String field = name();
                    t = next();
                    switch (field) {
                        case "ks" -> ks = requireString(t, line, "\"ks\"");
                        case "key" -> key = bytes(t, line, "key");
                        case "type" -> {
                            if (value != null || collection != null) {
                                throw new ImportException(line, "\"type\" must come before \"value\", so the value can be read as it arrives");
                            }
                            type = type(t, line);
                        }
                        case "value" -> {
                            if (type == null || type == ValueType.STRING) {
                                if (t == JsonToken.START_ARRAY) {
                                    throw new ImportException(line, "value is an array but the entry "
                                            + (type == null ? "has no \"type\" before it" : "is a string")
                                            + " (hash, list, set or zset hold arrays); a string's value is a string or {\"b64\":...}");
                                }
                                value = bytes(t, line, "value");
                            } else {
                                collection = collection(t, line, type);
                            }
                        }
                        case "expires" -> expires = expires(t, line);
                        default -> throw new ImportException(line, "unknown field \"" + field
                                + "\" (an entry has ks, key, type, value and expires)");
                    }
                }
                endObject(line);
                if (ks == null) throw new ImportException(line, "the entry has no \"ks\"");
                if (key == null) throw new ImportException(line, "the entry has no \"key\"");
                if (value == null && collection == null) throw new ImportException(line, "the entry has no \"value\"");
                Target target = bySource.get(ks);
                if (target == null) throw new ImportException(line, "keyspace '" + ks + "' is not listed in the header");
                if (key.length > maxKey) {
                    throw new ImportException(line, "key of " + key.length + " bytes exceeds the limit of " + maxKey
                            + " bytes (CairnOptions.maxKeySize)");
                }
                if (value != null && value.length > maxValue) {
                    throw new ImportException(line, "value of " + value.length + " bytes exceeds the limit of " + maxValue
                            + " bytes (CairnOptions.maxValueSize)");
                }
                if (expires != 0 && expires <= clock.millis()) {
                    skippedExpired++;
                    continue;
                }
                long size = key.length + 16L + (value != null ? value.length : collection.bytes());
                // a large collection is one entry of many bytes: write what is pending first, so memory holds about
                // one batch and one collection
                if (!batch.isEmpty() && batchBytes + size > BATCH_BYTES) flush();
                batch.add(new Pending(target, key, value, collection == null ? null : collection.value(), expires));
                batchBytes += size;
                if (batch.size() >= BATCH_ENTRIES || batchBytes >= BATCH_BYTES) flush();
            }
        }

        /** A collection read from its array, and the bytes of its elements (with 8 per element for overhead). */
        private record Collected(CollectionValue value, long bytes) {
        }

        /** {@code "type"}: absent or "string" for a string, else a collection type by Redis's TYPE name. */
        private ValueType type(JsonToken t, long line) {
            String name = requireString(t, line, "\"type\"");
            for (ValueType v : ValueType.values()) {
                if (v.redisName().equals(name)) return v;
            }
            throw new ImportException(line, "unknown type \"" + name + "\" (string, hash, list, set or zset)");
        }

        /**
         * A collection's {@code "value"}: an array of elements (list, set) or of [field, value] / [member, score] pairs
         * (hash, sorted set), read element by element into the collection. A field or member given twice keeps its
         * last value or score, as HSET and ZADD do.
         */
        private Collected collection(JsonToken t, long line, ValueType type) {
            String name = type.redisName();
            if (t != JsonToken.START_ARRAY) {
                throw new ImportException(line, "the value of a " + name + " must be an array, not " + describe(t));
            }
            CollectionValue v;
            long bytes = 0;
            long i = 0;
            switch (type) {
                case HASH -> {
                    HashValue h = new HashValue();
                    while ((t = next()) != JsonToken.END_ARRAY) {
                        String what = "element " + i + " of the hash";
                        byte[] f = element(pairFirst(t, line, what, "[field, value]"), line, what + " (its field)");
                        byte[] x = element(pairNext(line, what, "[field, value]"), line, what + " (its value)");
                        pairEnd(line, what, "[field, value]");
                        h.put(f, x);
                        bytes += f.length + x.length + 8L;
                        i++;
                    }
                    v = h;
                }
                case LIST -> {
                    ListValue l = new ListValue();
                    while ((t = next()) != JsonToken.END_ARRAY) {
                        byte[] e = element(t, line, "element " + i + " of the list");
                        l.addLast(e);
                        bytes += e.length + 8L;
                        i++;
                    }
                    v = l;
                }
                case SET -> {
                    SetValue set = new SetValue();
                    while ((t = next()) != JsonToken.END_ARRAY) {
                        byte[] m = element(t, line, "element " + i + " of the set");
                        set.add(m);
                        bytes += m.length + 8L;
                        i++;
                    }
                    v = set;
                }
                default -> {
                    ZSetValue z = new ZSetValue();
                    while ((t = next()) != JsonToken.END_ARRAY) {
                        String what = "element " + i + " of the zset";
                        byte[] m = element(pairFirst(t, line, what, "[member, score]"), line, what + " (its member)");
                        double score = score(pairNext(line, what, "[member, score]"), line, what);
                        pairEnd(line, what, "[member, score]");
                        z.add(m, score);
                        bytes += m.length + 16L;
                        i++;
                    }
                    v = z;
                }
            }
            if (i == 0) {
                throw new ImportException(line, "the " + name + " is empty: a collection has at least one element"
                        + " (Redis deletes a key whose last element goes)");
            }
            return new Collected(v, bytes);
        }

        /** Checks that {@code t} opens a pair and returns its first element's token. */
        private JsonToken pairFirst(JsonToken t, long line, String what, String shape) {
            if (t != JsonToken.START_ARRAY) {
                throw new ImportException(line, what + " must be a pair " + shape + ", not " + describe(t));
            }
            JsonToken first = next();
            if (first == JsonToken.END_ARRAY) throw new ImportException(line, what + " is an empty array: it must be a pair " + shape);
            return first;
        }

        private JsonToken pairNext(long line, String what, String shape) {
            JsonToken t = next();
            if (t == JsonToken.END_ARRAY) {
                throw new ImportException(line, what + " has 1 element: it must be a pair " + shape);
            }
            return t;
        }

        private void pairEnd(long line, String what, String shape) {
            if (next() != JsonToken.END_ARRAY) {
                throw new ImportException(line, what + " has more than 2 elements: it must be a pair " + shape);
            }
        }

        /** One element of a collection: bytes as a key or value are, within the store's value limit. */
        private byte[] element(JsonToken t, long line, String what) {
            byte[] b = bytes(t, line, what);
            if (b.length > maxValue) {
                throw new ImportException(line, what + " of " + b.length + " bytes exceeds the limit of " + maxValue
                        + " bytes (CairnOptions.maxValueSize)");
            }
            return b;
        }

        /** A score: a JSON number, or "inf", "+inf", "-inf" (any case); never NaN. */
        private double score(JsonToken t, long line, String what) {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                try {
                    return p.getDoubleValue(); // a number too large for a double is an infinity, as Redis reads it
                } catch (JsonProcessingException e) {
                    throw malformed(e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (t == JsonToken.VALUE_STRING) {
                String s = text();
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "inf", "+inf", "infinity", "+infinity" -> {
                        return Double.POSITIVE_INFINITY;
                    }
                    case "-inf", "-infinity" -> {
                        return Double.NEGATIVE_INFINITY;
                    }
                    case "nan" -> throw new ImportException(line, "the score of " + what + " is NaN, which a sorted set"
                            + " cannot hold");
                    default -> throw new ImportException(line, "the score of " + what + " must be a number or \"inf\""
                            + " or \"-inf\", not the string \"" + s + "\"");
                }
            }
            throw new ImportException(line, "the score of " + what + " must be a number or \"inf\" or \"-inf\", not "
                    + describe(t));
        }

        /** Writes the batch as one atomic, durable record, each entry with its absolute expiry. */
        private void flush() {
            if (batch.isEmpty()) return;
            Map<Target, Long> counts = db.atomically(txn -> {
                Map<Target, Long> c = new HashMap<>();
                for (Pending e : batch) {
                    // an entry that expired since it was read would be a delete: skip it like the ones before
                    if (e.expires() != 0 && e.expires() <= txn.now()) continue;
                    if (e.collection() != null) {
                        txn.putValue(e.target().handle, e.key(), e.collection(), e.expires());
                    } else {
                        txn.put(e.target().handle, e.key(), e.value(), e.expires());
                    }
                    c.merge(e.target(), 1L, Long::sum);
                }
                return c;
            });
            long written = 0;
            for (Map.Entry<Target, Long> c : counts.entrySet()) {
                c.getKey().imported += c.getValue();
                written += c.getValue();
            }
            imported += written;
            skippedExpired += batch.size() - written;
            batch.clear();
            batchBytes = 0;
        }

        /** A key or value: a JSON string (its UTF-8 bytes) or {"b64": "<standard base64>"}. */
        private byte[] bytes(JsonToken t, long line, String field) {
            if (t == JsonToken.VALUE_STRING) {
                String s = text();
                checkUnicode(s, line, field);
                return s.getBytes(StandardCharsets.UTF_8);
            }
            if (t != JsonToken.START_OBJECT) {
                throw new ImportException(line, field + " must be a string or {\"b64\":\"<base64>\"}, not " + describe(t));
            }
            if (next() != JsonToken.FIELD_NAME || !"b64".equals(name())) {
                throw new ImportException(line, field + " is an object but not {\"b64\":\"<base64>\"}");
            }
            if (next() != JsonToken.VALUE_STRING) throw new ImportException(line, field + "'s \"b64\" must be a string");
            byte[] b;
            try {
                b = p.getBinaryValue(BASE64);
            } catch (JsonProcessingException e) {
                throw new ImportException(line(e), "bad base64 in " + field + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (next() != JsonToken.END_OBJECT) {
                throw new ImportException(line, field + "'s object must have \"b64\" as its only field");
            }
            return b;
        }

        private long expires(JsonToken t, long line) {
            if (t == JsonToken.VALUE_NULL) return 0;
            if (t != JsonToken.VALUE_NUMBER_INT || numberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new ImportException(line, "\"expires\" must be an integer, epoch milliseconds");
            }
            long at;
            try {
                at = p.getLongValue();
            } catch (IOException e) {
                throw new ImportException(line, "\"expires\" must be an integer, epoch milliseconds", e);
            }
            if (at <= 0) throw new ImportException(line, "\"expires\" must be a positive time in epoch milliseconds, was " + at);
            return at;
        }

        // ------------------------------------------------------------ one object per line

        /** Checks that {@code t} opens an object on a line of its own; returns that line. */
        private long startObject(JsonToken t, String what) {
            long line = tokenLine();
            if (line <= lastLine) throw new ImportException(line, "a second JSON value on the line: one object per line");
            if (t != JsonToken.START_OBJECT) {
                throw new ImportException(line, "expected " + what + ", a JSON object, found " + describe(t));
            }
            return line;
        }

        /** Called at the token after the fields: it must close the object, on the line it opened on. */
        private void endObject(long line) {
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new ImportException(line, "unexpected " + describe(p.currentToken()));
            }
            long end = tokenLine();
            if (end != line) {
                throw new ImportException(line, "the object goes on to line " + end + ": each object must be on one line");
            }
            lastLine = line;
        }

        // ------------------------------------------------------------ parser access, errors with their line

        private JsonToken next() {
            try {
                return p.nextToken();
            } catch (JsonProcessingException e) {
                throw malformed(e);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the import failed near line " + tokenLine() + ": " + e.getMessage(), e);
            }
        }

        private String text() {
            try {
                return p.getText();
            } catch (JsonProcessingException e) {
                throw malformed(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String name() {
            try {
                return p.currentName();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private JsonParser.NumberType numberType() {
            try {
                return p.getNumberType();
            } catch (JsonProcessingException e) {
                throw malformed(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private int intValue() {
            try {
                return p.getIntValue();
            } catch (JsonProcessingException e) {
                throw malformed(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void skipValue() {
            try {
                p.skipChildren();
            } catch (JsonProcessingException e) {
                throw malformed(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String requireString(JsonToken t, long line, String what) {
            if (t != JsonToken.VALUE_STRING) throw new ImportException(line, what + " must be a string, not " + describe(t));
            return text();
        }

        private ImportException malformed(JsonProcessingException e) {
            return new ImportException(line(e), "malformed JSON: " + e.getOriginalMessage(), e);
        }

        private long line(JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            return loc != null && loc.getLineNr() > 0 ? loc.getLineNr() : tokenLine();
        }

        private long tokenLine() {
            return p.currentTokenLocation().getLineNr();
        }
    }

    private static void checkKeyspaceName(String name, long line) {
        checkUnicode(name, line, "keyspace name '" + name + "'");
        int n = name.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0 || n > 255) {
            throw new ImportException(line, "keyspace name '" + name + "' is " + n + " bytes: a name must be 1 to 255 bytes of UTF-8");
        }
    }

    /** A JSON string may escape a lone surrogate ({@code "\ud800"}), which has no UTF-8 form: refuse it. */
    private static void checkUnicode(String s, long line, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ImportException(line, what + " has an unpaired surrogate (\\u" + Integer.toHexString(c)
                        + "), which is not Unicode text; write such bytes as {\"b64\":...}");
            }
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) return "the end of the input";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}
