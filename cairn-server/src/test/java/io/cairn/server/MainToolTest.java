package io.cairn.server;

import io.cairn.Cairn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn tool ...} reaches the offline tool through the launcher's entry point and returns its exit code. */
class MainToolTest {
    @TempDir
    Path dir;

    @Test
    void toolSubcommandsReachTheOfflineToolWithItsExitCodes() {
        assertThat(Main.tool(new String[] {"--help"})).isZero();
        assertThat(Main.tool(new String[0])).isEqualTo(2);
        assertThat(Main.tool(new String[] {"verify", dir.resolve("absent").toString()})).isEqualTo(2);
        Path store = dir.resolve("store");
        try (Cairn db = Cairn.open(store)) {
            db.put("a", "b");
            assertThat(Main.tool(new String[] {"verify", store.toString()})).as("the store is open").isEqualTo(2);
        }
        assertThat(Main.tool(new String[] {"verify", store.toString()})).isZero();
        assertThat(Main.tool(new String[] {"dump", store.toString(), "--limit", "1"})).isZero();
    }
}
