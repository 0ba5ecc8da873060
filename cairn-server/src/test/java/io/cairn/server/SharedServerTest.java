package io.cairn.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * For test classes whose tests share one server: started once per class with its data in {@code dir/shared}; tests
 * that need a server of their own start one in another directory under {@link #dir}.
 */
abstract class SharedServerTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void startSharedServer() throws IOException {
        server = TestServer.start(dir.resolve("shared"));
    }

    @AfterAll
    static void stopSharedServer() {
        if (server != null) server.close();
        server = null;
    }
}
