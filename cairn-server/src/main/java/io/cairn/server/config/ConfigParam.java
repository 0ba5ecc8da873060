package io.cairn.server.config;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One configuration parameter: its Redis name (and aliases), default, whether CONFIG SET may change it while the
 * server runs, and how a value is checked and normalised ({@code "1gb"} becomes {@code "1073741824"}, {@code "YES"}
 * becomes {@code "yes"}). The normaliser throws {@link IllegalArgumentException} with a sentence for a bad value.
 *
 * @param meaning what Cairn does with it, for docs and CONFIG HELP; "accepted, no effect: ..." where Cairn has no such
 *                behaviour
 */
public record ConfigParam(String name, List<String> aliases, String defaultValue, boolean mutable,
                          UnaryOperator<String> normaliser, String meaning) {

    public String normalise(String value) {
        return normaliser.apply(value);
    }
}
