package io.cairn.server.tool;

import java.util.List;
import java.util.Map;

/**
 * What {@link JsonLines#importInto} did.
 *
 * @param imported entry lines written (a key that appears on two lines counts twice; the later line wins)
 * @param skippedExpired entry lines skipped because their expiry had passed when they were read
 * @param perKeyspace entry lines written by target keyspace name, in the header's order
 * @param created the keyspaces the import created, in the header's order
 */
public record ImportResult(long imported, long skippedExpired, Map<String, Long> perKeyspace, List<String> created) {
    public ImportResult {
        perKeyspace = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perKeyspace));
        created = List.copyOf(created);
    }
}
