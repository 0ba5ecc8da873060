package io.cairn.server;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.cairn.server.RawClient.bulk;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectionCommandsTest extends SharedServerTest {


    @Test
    void ping_echo_quit() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("PING", "hi")).isEqualTo("$2\r\nhi\r\n");
            assertThat(r.call("PING", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
            assertThat(r.call("ECHO", "x y")).isEqualTo("$3\r\nx y\r\n");
            assertThat(r.call("QUIT")).isEqualTo("+OK\r\n");
            assertThat(r.closedByServer()).isTrue();
        }
    }

    @Test
    void auth_without_a_password_configured() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("AUTH", "secret")).isEqualTo("-ERR AUTH <password> called without any password configured for "
                    + "the default user. Are you sure your configuration is correct?\r\n");
            assertThat(r.call("AUTH", "default", "anything")).isEqualTo("+OK\r\n");
            assertThat(r.call("AUTH", "alice", "anything")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(r.call("AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void requirepass_auth_hello_reset() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("auth"), "requirepass", "s3cret"); RawClient r = s.raw()) {
            assertThat(r.call("GET", "k")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(r.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            assertThat(r.call("HELLO", "2")).startsWith("-NOAUTH HELLO must be called with the client already authenticated");
            assertThat(r.call("AUTH", "wrong")).isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
            assertThat(r.call("AUTH", "default", "wrong")).startsWith("-WRONGPASS");
            assertThat(r.call("AUTH", "s3cret")).isEqualTo("+OK\r\n");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(r.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
            // HELLO authenticates and switches protocol in one step
            assertThat(r.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "app")).startsWith("%7\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$3\r\napp\r\n");
            assertThat(r.call("HELLO", "3", "AUTH", "default", "nope")).startsWith("-WRONGPASS");

            // CONFIG SET requirepass applies to connections made afterwards, as in Redis
            assertThat(r.call("CONFIG", "SET", "requirepass", "")).isEqualTo("+OK\r\n");
            try (RawClient r2 = s.raw()) {
                assertThat(r2.call("PING")).isEqualTo("+PONG\r\n");
            }
            assertThat(r.call("CONFIG", "SET", "requirepass", "other")).isEqualTo("+OK\r\n");
            try (RawClient r3 = s.raw()) {
                assertThat(r3.call("PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
                assertThat(r3.call("AUTH", "other")).isEqualTo("+OK\r\n");
            }
        }
    }

    @Test
    void hello_replies_and_errors() throws Exception {
        try (RawClient r = server.raw()) {
            String id = r.call("CLIENT", "ID").trim().substring(1);
            String expected2 = "*14\r\n" + bulk("server") + bulk("redis") + bulk("version") + bulk(Version.REDIS_COMPAT)
                    + bulk("proto") + ":2\r\n" + bulk("id") + ":" + id + "\r\n" + bulk("mode") + bulk("standalone")
                    + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
            assertThat(r.call("HELLO")).isEqualTo(expected2);
            assertThat(r.call("HELLO", "4")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(r.call("HELLO", "1")).isEqualTo("-NOPROTO unsupported protocol version\r\n");
            assertThat(r.call("HELLO", "x")).isEqualTo("-ERR Protocol version is not an integer or out of range\r\n");
            assertThat(r.call("HELLO", "3", "SETNAME", "a b"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(r.call("HELLO", "3", "FOO")).isEqualTo("-ERR Syntax error in HELLO option 'FOO'\r\n");
            assertThat(r.call("HELLO", "3", "AUTH", "default")).isEqualTo("-ERR Syntax error in HELLO option 'AUTH'\r\n");
            // none of the failures above switched the protocol
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(r.call("HELLO", "3")).startsWith("%7\r\n").contains(bulk("proto") + ":3\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("_\r\n");
            assertThat(r.call("HELLO", "2")).startsWith("*14\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void select_numbers_and_keyspace_names() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("SELECT", "16")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(r.call("SELECT", "-1")).isEqualTo("-ERR DB index is out of range\r\n");
            assertThat(r.call("SELECT", "nosuch")).isEqualTo("-ERR no such keyspace 'nosuch'\r\n");
            assertThat(r.call("SELECT", "3")).isEqualTo("+OK\r\n");
            assertThat(r.call("SET", "where", "three")).isEqualTo("+OK\r\n");
            assertThat(r.call("SELECT", "0")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "where")).isEqualTo("$-1\r\n");
            // the numbered databases by their keyspace names
            assertThat(r.call("SELECT", "db3")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "where")).isEqualTo("$5\r\nthree\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" db=3 ");
            assertThat(r.call("SELECT", "default")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" db=0 ");
            // a named keyspace
            assertThat(r.call("KEYSPACE", "CREATE", "sessions")).isEqualTo("+OK\r\n");
            assertThat(r.call("SELECT", "sessions")).isEqualTo("+OK\r\n");
            assertThat(r.call("SET", "s1", "x")).isEqualTo("+OK\r\n");
            assertThat(r.call("DBSIZE")).isEqualTo(":1\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" db=-1 ");
            assertThat(r.call("SELECT", "0")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "s1")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void reset_restores_the_connection_defaults() throws Exception {
        try (RawClient r = server.raw()) {
            r.call("SELECT", "2");
            r.call("CLIENT", "SETNAME", "worker");
            r.call("CLIENT", "NO-EVICT", "on");
            assertThat(r.call("HELLO", "3")).startsWith("%7");
            assertThat(r.call("RESET")).isEqualTo("+RESET\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n"); // RESP2 again
            String info = r.call("CLIENT", "INFO");
            assertThat(info).contains(" db=0 ", " resp=2 ", " flags=N ", " name= ");
        }
    }

    @Test
    void client_setname_getname_id_setinfo() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(r.call("CLIENT", "SETNAME", "has space"))
                    .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
            assertThat(r.call("CLIENT", "SETNAME", "ok-name")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$7\r\nok-name\r\n");
            assertThat(r.call("CLIENT", "SETNAME", "")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("$-1\r\n");
            assertThat(r.call("CLIENT", "ID")).matches(":\\d+\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "LIB-NAME", "mylib")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "lib-ver", "1.2.3")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "lib-ver", "1 2"))
                    .isEqualTo("-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n");
            assertThat(r.call("CLIENT", "SETINFO", "color", "red")).isEqualTo("-ERR Unrecognized option 'color'\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" lib-name=mylib lib-ver=1.2.3\n");
            assertThat(r.call("CLIENT", "NO-EVICT", "maybe")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("CLIENT", "NO-EVICT", "ON")).isEqualTo("+OK\r\n");
            assertThat(r.call("CLIENT", "INFO")).contains(" flags=e ");
            assertThat(r.call("CLIENT")).isEqualTo("-ERR wrong number of arguments for 'client' command\r\n");
            assertThat(r.call("CLIENT", "NOPE")).isEqualTo("-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
            assertThat(r.call("CLIENT", "HELP")).startsWith("*").contains("+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
        }
    }

    private static final Pattern LINE = Pattern.compile("id=(\\d+) addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=-?\\d+ "
            + "name=(\\S*) age=\\d+ idle=\\d+ flags=[Ne] db=-?\\d+ sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ "
            + "multi-mem=0 rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ events=rw? cmd=(\\S+) user=default redir=-1 resp=[23] "
            + "lib-name=\\S* lib-ver=\\S*");

    @Test
    void client_list_has_redis_line_format_and_filters() throws Exception {
        try (RawClient a = server.raw(); RawClient b = server.raw()) {
            a.call("CLIENT", "SETNAME", "first");
            String idB = b.call("CLIENT", "ID").trim().substring(1);
            String list = a.call("CLIENT", "LIST");
            String body = list.substring(list.indexOf("\r\n") + 2, list.length() - 2);
            assertThat(body).endsWith("\n");
            String[] lines = body.split("\n");
            assertThat(lines.length).isGreaterThanOrEqualTo(2);
            for (String l : lines) assertThat(l).matches(LINE);
            assertThat(body).contains("name=first ").contains(" cmd=client|list ");

            String one = a.call("CLIENT", "LIST", "ID", idB);
            Matcher m = LINE.matcher(one);
            assertThat(m.find()).isTrue();
            assertThat(m.group(1)).isEqualTo(idB);
            assertThat(m.group(3)).isEqualTo("client|id");
            assertThat(a.call("CLIENT", "LIST", "ID", "999999")).isEqualTo("$0\r\n\r\n");
            assertThat(a.call("CLIENT", "LIST", "ID", "x")).isEqualTo("-ERR Invalid client ID\r\n");
            assertThat(a.call("CLIENT", "LIST", "TYPE", "normal")).contains("name=first");
            assertThat(a.call("CLIENT", "LIST", "TYPE", "pubsub")).isEqualTo("$0\r\n\r\n");
            assertThat(a.call("CLIENT", "LIST", "TYPE", "weird")).isEqualTo("-ERR Unknown client type 'weird'\r\n");
            assertThat(a.call("CLIENT", "LIST", "FOO")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void client_kill_new_and_old_forms() throws Exception {
        try (RawClient a = server.raw(); RawClient b = server.raw(); RawClient c = server.raw()) {
            String idB = b.call("CLIENT", "ID").trim().substring(1);
            assertThat(a.call("CLIENT", "KILL", "ID", "0")).isEqualTo("-ERR client-id should be greater than 0\r\n");
            assertThat(a.call("CLIENT", "KILL", "ID", idB)).isEqualTo(":1\r\n");
            assertThat(b.closedByServer()).isTrue();
            assertThat(a.call("CLIENT", "KILL", "ID", idB)).isEqualTo(":0\r\n");
            assertThat(a.call("CLIENT", "KILL", "1.2.3.4:5")).isEqualTo("-ERR No such client\r\n");
            assertThat(a.call("CLIENT", "KILL", "USER", "bob")).isEqualTo("-ERR No such user 'bob'\r\n");
            assertThat(a.call("CLIENT", "KILL", "SKIPME", "perhaps")).isEqualTo("-ERR syntax error\r\n");
            assertThat(a.call("CLIENT", "KILL", "ID", "1", "LADDR")).isEqualTo("-ERR syntax error\r\n");
            // old form by address
            String info = c.call("CLIENT", "INFO");
            String addr = info.substring(info.indexOf(" addr=") + 6, info.indexOf(" laddr="));
            assertThat(a.call("CLIENT", "KILL", addr)).isEqualTo("+OK\r\n");
            assertThat(c.closedByServer()).isTrue();
            // SKIPME yes (the default) spares the caller; SKIPME no does not, and the reply still arrives
            String myId = a.call("CLIENT", "ID").trim().substring(1);
            assertThat(a.call("CLIENT", "KILL", "ID", myId)).isEqualTo(":0\r\n");
            assertThat(a.call("CLIENT", "KILL", "ID", myId, "SKIPME", "no")).isEqualTo(":1\r\n");
            assertThat(a.closedByServer()).isTrue();
        }
    }

    @Test
    void jedis_handshake_and_client_commands() throws Exception {
        try (Jedis j = server.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            j.clientSetname("jedis-test");
            assertThat(j.clientGetname()).isEqualTo("jedis-test");
            assertThat(j.clientList()).contains("name=jedis-test");
            assertThat(j.clientId()).isPositive();
            assertThat(j.select(5)).isEqualTo("OK");
        }
    }
}
