package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The seeds' telnet sessions, typed as inline commands over a raw socket. */
class SeedSessionsTest {
    @TempDir
    Path dir;

    @Test
    void seed000PutGetSurvivesRestart() throws Exception {
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            c.write("put key-1 value-1\r\n").expect("+OK\r\n");
            c.write("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            c.write("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
            c.write("delete key-1\r\n").expect(":1\r\n");
            c.write("get key-1\r\n").expect("$-1\r\n");
        }
    }

    @Test
    void seed000GetSurvivesRestartWithSet() throws Exception {
        // the same session as seed 000 with SET for PUT, so the restart path is covered until the alias lands
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            c.write("set key-1 value-1\r\n").expect("+OK\r\n");
            c.write("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            c.write("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
    }

    @Test
    void seed004SetGetDel() throws Exception {
        try (TestServer s = TestServer.start(dir); RawClient c = new RawClient(s.port())) {
            c.write("SET key1 hello\r\n").expect("+OK\r\n");
            c.write("GET key1\r\n").expect("$5\r\nhello\r\n");
            c.write("DEL key1\r\n").expect(":1\r\n");
            c.write("GET key1\r\n").expect("$-1\r\n");
            // a telnet client may send bare LF line endings
            c.write("SET key1 hello\nGET key1\n").expect("+OK\r\n$5\r\nhello\r\n");
        }
    }
}
