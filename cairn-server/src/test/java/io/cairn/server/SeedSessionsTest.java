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
        try (TestServer s = TestServer.start(dir); SocketClient c = new SocketClient(s.port())) {
            c.send("put key-1 value-1\r\n").expect("+OK\r\n");
            c.send("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
        try (TestServer s = TestServer.start(dir); SocketClient c = new SocketClient(s.port())) {
            c.send("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
            c.send("delete key-1\r\n").expect(":1\r\n");
            c.send("get key-1\r\n").expect("$-1\r\n");
        }
    }

    @Test
    void seed000GetSurvivesRestartWithSet() throws Exception {
        // the same session as seed 000 with SET for PUT, so the restart path is covered until the alias lands
        try (TestServer s = TestServer.start(dir); SocketClient c = new SocketClient(s.port())) {
            c.send("set key-1 value-1\r\n").expect("+OK\r\n");
            c.send("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
        try (TestServer s = TestServer.start(dir); SocketClient c = new SocketClient(s.port())) {
            c.send("get key-1\r\n").expect("$7\r\nvalue-1\r\n");
        }
    }

    @Test
    void seed004SetGetDel() throws Exception {
        try (TestServer s = TestServer.start(dir); SocketClient c = new SocketClient(s.port())) {
            c.send("SET key1 hello\r\n").expect("+OK\r\n");
            c.send("GET key1\r\n").expect("$5\r\nhello\r\n");
            c.send("DEL key1\r\n").expect(":1\r\n");
            c.send("GET key1\r\n").expect("$-1\r\n");
            // a telnet client may send bare LF line endings
            c.send("SET key1 hello\nGET key1\n").expect("+OK\r\n$5\r\nhello\r\n");
        }
    }
}
