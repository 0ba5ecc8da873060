package io.cairn.server.tool;

import io.cairn.IndexKind;

/**
 * How {@link JsonLines#importInto} imports: immutable, built from {@link #defaults()} with the {@code with} methods.
 *
 * @param into the name to import the export's one keyspace under ({@code --into}), or {@code null} to keep the names
 *             of the header; an export of several keyspaces cannot be renamed
 * @param kind the index kind of the keyspaces the import creates ({@code --kind}), or {@code null} for the kind the
 *             header names; a keyspace that exists already keeps its kind
 * @param replace whether keys may be written into a keyspace that has entries already, overwriting those of the same
 *                key ({@code --replace}); without it such an import fails before writing anything
 */
public record ImportOptions(String into, IndexKind kind, boolean replace) {
    private static final ImportOptions DEFAULTS = new ImportOptions(null, null, false);

    /** Names from the header, kinds from the header, no replacing. */
    public static ImportOptions defaults() {
        return DEFAULTS;
    }

    public ImportOptions withInto(String name) {
        return new ImportOptions(name, kind, replace);
    }

    public ImportOptions withKind(IndexKind newKind) {
        return new ImportOptions(into, newKind, replace);
    }

    public ImportOptions withReplace(boolean value) {
        return new ImportOptions(into, kind, value);
    }
}
