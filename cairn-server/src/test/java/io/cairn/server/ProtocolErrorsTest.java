package io.cairn.server;

import org.junit.jupiter.api.Test;


/** Malformed requests over a real socket: Redis's error text, then the connection is closed. */
class ProtocolErrorsTest extends SharedServerTest {
    private static void assertProtocolError(String request, String error) throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.write(request).expect("-ERR Protocol error: " + error + "\r\n").expectClosed();
        }
    }

    @Test
    void malformedMultibulkIsAnsweredAndClosed() throws Exception {
        assertProtocolError("*abc\r\n", "invalid multibulk length");
        assertProtocolError("*1\r\nx", "expected '$', got 'x'");
        assertProtocolError("*1\r\n$-1\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$x\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$" + ((512L << 20) + 1) + "\r\n", "invalid bulk length");
        assertProtocolError("*1\r\n$\r\r\n", "invalid bulk length");
        assertProtocolError("*" + "1".repeat(70_000), "too big mbulk count string");
        assertProtocolError("*1\r\n$" + "1".repeat(70_000), "too big bulk count string");
    }

    @Test
    void malformedInlineIsAnsweredAndClosed() throws Exception {
        assertProtocolError("SET k \"abc\r\n", "unbalanced quotes in request");
        assertProtocolError("SET k 'a'b\r\n", "unbalanced quotes in request");
        assertProtocolError("GET " + "x".repeat(70_000), "too big inline request");
    }

    @Test
    void anErrorArrivingByteByByteIsTheSame() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            // up to the bad byte only: anything sent after the server closed would break the pipe
            // each byte its own write (TCP_NODELAY); the decoder's handling of every split point is RespDecoderTest's
            for (char ch : "*2\r\n$3\r\nGET\r\n:".toCharArray()) c.write(String.valueOf(ch));
            c.expect("-ERR Protocol error: expected '$', got ':'\r\n").expectClosed();
        }
    }

    @Test
    void unknownCommandAndWrongArityKeepTheConnection() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.write("*3\r\n$3\r\nfoo\r\n$1\r\na\r\n$1\r\nb\r\n")
                    .expect("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
            c.write("foo\r\n").expect("-ERR unknown command 'foo', with args beginning with: \r\n");
            c.write("*1\r\n$3\r\nGET\r\n").expect("-ERR wrong number of arguments for 'get' command\r\n");
            c.write("get a b\r\n").expect("-ERR wrong number of arguments for 'get' command\r\n");
            c.write("PING\r\n").expect("+PONG\r\n");
        }
    }

    @Test
    void aValidCommandBeforeTheBadBytesIsAnsweredFirst() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.write("*3\r\n$3\r\nSET\r\n$5\r\nfirst\r\n$1\r\n1\r\nPING\r\n*1\r\nx*1\r\n$4\r\nPING\r\n")
                    .expect("+OK\r\n+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n")
                    .expectClosed();
        }
        try (RawClient c = new RawClient(server.port())) {
            c.write("GET first\r\n").expect("$1\r\n1\r\n");
        }
    }

    @Test
    void emptyRequestsAreSkipped() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.write("*0\r\n*-1\r\n\r\n\n   \r\nPING\r\n").expect("+PONG\r\n");
        }
    }
}
