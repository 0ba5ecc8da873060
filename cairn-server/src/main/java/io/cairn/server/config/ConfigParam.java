package io.cairn.server.config;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * One configuration parameter: its Redis name (and aliases), default, whether CONFIG SET may change it while the
 * server runs, and how a value is checked and normalised ({@code "1gb"} becomes {@code "1073741824"}, {@code "YES"}
 * becomes {@code "yes"}). The normaliser throws {@link IllegalArgumentException} with a sentence for a bad value.
 *
 * @param meaning what Cairn does with it, for docs and CONFIG HELP; "accepted, no effect: ..." where Cairn has no such
 *                behaviour
 * @param merger  null, or for a parameter whose value is set in parts (Redis's {@code client-output-buffer-limit}
 *                takes one class per line or per CONFIG SET): the new whole value from the current one and the given
 *                part, already normalised; throws {@link IllegalArgumentException} like the normaliser
 */
public record ConfigParam(String name, List<String> aliases, String defaultValue, boolean mutable,
                          UnaryOperator<String> normaliser, String meaning, BinaryOperator<String> merger) {

    public ConfigParam(String name, List<String> aliases, String defaultValue, boolean mutable,
                       UnaryOperator<String> normaliser, String meaning) {
        this(name, aliases, defaultValue, mutable, normaliser, meaning, null);
    }

    public String normalise(String value) {
        return normaliser.apply(value);
    }

    /** The value setting {@code value} leaves when the parameter is {@code current} now. */
    public String normalise(String current, String value) {
        return merger == null || current == null ? normalise(value) : merger.apply(current, value);
    }
}
