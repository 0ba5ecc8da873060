package io.cairn.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class KeyspaceCommandsTest extends SharedServerTest {
    @BeforeAll
    static void fillFruit() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("KEYSPACE", "CREATE", "fruit", "ORDERED")).isEqualTo("+OK\r\n");
            r.call("SELECT", "fruit");
            for (String k : new String[]{"apple", "apricot", "banana", "blueberry", "cherry", "date"}) {
                assertThat(r.call("SET", k, k.toUpperCase())).isEqualTo("+OK\r\n");
            }
        }
    }

    private static String keys(String... ks) {
        StringBuilder sb = new StringBuilder("*" + ks.length + "\r\n");
        for (String k : ks) sb.append('$').append(k.length()).append("\r\n").append(k).append("\r\n");
        return sb.toString();
    }

    private static RawClient fruit() throws Exception {
        RawClient r = server.raw();
        assertThat(r.call("SELECT", "fruit")).isEqualTo("+OK\r\n");
        return r;
    }

    @Test
    void krange_bounds() throws Exception {
        try (RawClient r = fruit()) {
            assertThat(r.call("KRANGE", "-", "+")).isEqualTo(keys("apple", "apricot", "banana", "blueberry", "cherry", "date"));
            assertThat(r.call("KRANGE", "[apricot", "[cherry")).isEqualTo(keys("apricot", "banana", "blueberry", "cherry"));
            assertThat(r.call("KRANGE", "(apricot", "(cherry")).isEqualTo(keys("banana", "blueberry"));
            assertThat(r.call("KRANGE", "[b", "(c")).isEqualTo(keys("banana", "blueberry"));
            assertThat(r.call("KRANGE", "-", "(b")).isEqualTo(keys("apple", "apricot"));
            assertThat(r.call("KRANGE", "(cherry", "+")).isEqualTo(keys("date"));
            assertThat(r.call("KRANGE", "[d", "[a")).isEqualTo("*0\r\n");
            assertThat(r.call("KRANGE", "(date", "[date")).isEqualTo("*0\r\n");
            assertThat(r.call("KRANGE", "[date", "[date")).isEqualTo(keys("date"));
            assertThat(r.call("KRANGE", "+", "-")).isEqualTo("*0\r\n");
            assertThat(r.call("KRANGE", "a", "+")).isEqualTo("-ERR min or max not valid string range item\r\n");
            assertThat(r.call("KRANGE", "-", "")).isEqualTo("-ERR min or max not valid string range item\r\n");
        }
    }

    @Test
    void krange_rev_limit_withvalues() throws Exception {
        try (RawClient r = fruit()) {
            // REV keeps min first and reverses the reply
            assertThat(r.call("KRANGE", "[b", "+", "REV")).isEqualTo(keys("date", "cherry", "blueberry", "banana"));
            assertThat(r.call("KRANGE", "-", "+", "REV", "LIMIT", "2")).isEqualTo(keys("date", "cherry"));
            assertThat(r.call("KRANGE", "-", "+", "LIMIT", "2")).isEqualTo(keys("apple", "apricot"));
            assertThat(r.call("KRANGE", "-", "+", "LIMIT", "0")).isEqualTo("*0\r\n");
            assertThat(r.call("KRANGE", "-", "+", "LIMIT", "-1")).startsWith("*6\r\n");
            assertThat(r.call("KRANGE", "[c", "+", "WITHVALUES"))
                    .isEqualTo(keys("cherry", "CHERRY", "date", "DATE"));
            assertThat(r.call("KRANGE", "-", "+", "WITHVALUES", "LIMIT", "1", "REV")).isEqualTo(keys("date", "DATE"));
            assertThat(r.call("KRANGE", "-", "+", "LIMIT")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("KRANGE", "-", "+", "LIMIT", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(r.call("KRANGE", "-", "+", "SIDEWAYS")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void kprefix() throws Exception {
        try (RawClient r = fruit()) {
            assertThat(r.call("KPREFIX", "ap")).isEqualTo(keys("apple", "apricot"));
            assertThat(r.call("KPREFIX", "b", "WITHVALUES")).isEqualTo(keys("banana", "BANANA", "blueberry", "BLUEBERRY"));
            assertThat(r.call("KPREFIX", "b", "LIMIT", "1")).isEqualTo(keys("banana"));
            assertThat(r.call("KPREFIX", "zz")).isEqualTo("*0\r\n");
            assertThat(r.call("KPREFIX", "")).startsWith("*6\r\n");
            assertThat(r.call("KPREFIX", "a", "REV")).isEqualTo("-ERR syntax error\r\n");
        }
    }

    @Test
    void a_hash_keyspace_says_how_to_convert() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("KRANGE", "-", "+")).isEqualTo("-WRONGKIND keyspace 'default' has a HASH index; KRANGE needs an "
                    + "ORDERED one (KEYSPACE CONVERT default ORDERED)\r\n");
            assertThat(r.call("KPREFIX", "a")).isEqualTo("-WRONGKIND keyspace 'default' has a HASH index; KPREFIX needs an "
                    + "ORDERED one (KEYSPACE CONVERT default ORDERED)\r\n");
            // a numbered database may be converted, and then scanned
            r.call("SELECT", "9");
            r.call("SET", "k2", "2");
            r.call("SET", "k1", "1");
            assertThat(r.call("KEYSPACE", "CONVERT", "db9", "ORDERED")).isEqualTo("+OK\r\n");
            assertThat(r.call("KRANGE", "-", "+")).isEqualTo(keys("k1", "k2"));
            assertThat(r.call("KEYSPACE", "CONVERT", "db9", "HASH")).isEqualTo("+OK\r\n");
            assertThat(r.call("KRANGE", "-", "+")).startsWith("-WRONGKIND keyspace 'db9'");
            assertThat(r.call("GET", "k1")).isEqualTo("$1\r\n1\r\n");
        }
    }

    @Test
    void create_list_info_rename_copy_drop() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("KEYSPACE", "CREATE", "users")).isEqualTo("+OK\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "users", "ORDERED")).isEqualTo("-ERR keyspace 'users' already exists\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "x", "BTREE")).isEqualTo("-ERR unknown index kind 'BTREE'; use HASH or ORDERED\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "x", "HASH", "more")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("SELECT", "users")).isEqualTo("+OK\r\n");
            r.call("SET", "u1", "ann");
            r.call("SET", "u2", "bob");
            assertThat(r.call("KEYSPACE", "INFO", "users")).isEqualTo("*10\r\n$4\r\nname\r\n$5\r\nusers\r\n$4\r\nkind\r\n$4\r\nhash\r\n"
                    + "$4\r\nkeys\r\n:2\r\n$7\r\nexpires\r\n:0\r\n$2\r\ndb\r\n:-1\r\n");
            assertThat(r.call("KEYSPACE", "INFO", "db4")).contains("$2\r\ndb\r\n:4\r\n");
            assertThat(r.call("KEYSPACE", "INFO", "nosuch")).isEqualTo("-ERR no such keyspace 'nosuch'\r\n");
            assertThat(r.call("KEYSPACE", "LIST")).contains("*3\r\n$5\r\nusers\r\n$4\r\nhash\r\n:2\r\n",
                    "*3\r\n$5\r\nfruit\r\n$7\r\nordered\r\n:6\r\n", "*3\r\n$7\r\ndefault\r\n$4\r\nhash\r\n");

            assertThat(r.call("KEYSPACE", "COPY", "users", "users2", "ORDERED")).isEqualTo("+OK\r\n");
            assertThat(r.call("KEYSPACE", "COPY", "users", "users2")).isEqualTo("-ERR keyspace 'users2' already exists\r\n");
            assertThat(r.call("KEYSPACE", "COPY", "nosuch", "users3")).isEqualTo("-ERR no such keyspace 'nosuch'\r\n");
            assertThat(r.call("KEYSPACE", "INFO", "users2")).contains("$7\r\nordered\r\n", "$4\r\nkeys\r\n:2\r\n");

            // rename keeps the selection: the handle follows the keyspace
            assertThat(r.call("KEYSPACE", "RENAME", "users", "people")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "u1")).isEqualTo("$3\r\nann\r\n");
            assertThat(r.call("KEYSPACE", "RENAME", "users", "x")).isEqualTo("-ERR no such keyspace 'users'\r\n");
            assertThat(r.call("KEYSPACE", "RENAME", "people", "users2")).isEqualTo("-ERR keyspace 'users2' already exists\r\n");
            assertThat(r.call("KEYSPACE", "INFO", "people")).contains("$4\r\nkeys\r\n:2\r\n");

            // drop: a client with it selected is told, until it selects another
            assertThat(r.call("KEYSPACE", "DROP", "people")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "u1")).startsWith("-ERR").contains("people");
            assertThat(r.call("KEYSPACE", "DROP", "people")).isEqualTo("-ERR no such keyspace 'people'\r\n");
            assertThat(r.call("SELECT", "users2")).isEqualTo("+OK\r\n");
            assertThat(r.call("KRANGE", "-", "+")).isEqualTo(keys("u1", "u2"));
            assertThat(r.call("KEYSPACE", "DROP", "users2")).isEqualTo("+OK\r\n");
            assertThat(r.call("KEYSPACE", "HELP")).contains("+KEYSPACE <subcommand>");
        }
    }

    @Test
    void numbered_databases_are_protected_and_their_names_reserved() throws Exception {
        try (RawClient r = server.raw()) {
            assertThat(r.call("KEYSPACE", "DROP", "default"))
                    .isEqualTo("-ERR keyspace 'default' is database 0 and cannot be dropped (FLUSHDB empties it)\r\n");
            assertThat(r.call("KEYSPACE", "DROP", "db15"))
                    .isEqualTo("-ERR keyspace 'db15' is database 15 and cannot be dropped (FLUSHDB empties it)\r\n");
            assertThat(r.call("KEYSPACE", "RENAME", "db1", "one")).isEqualTo("-ERR keyspace 'db1' is database 1 and cannot be renamed\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "7"))
                    .isEqualTo("-ERR keyspace name '7' is a number; SELECT would read it as a database number\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "db99"))
                    .isEqualTo("-ERR keyspace names of the form db<N> are reserved for the numbered databases\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "default")).isEqualTo("-ERR keyspace 'default' already exists\r\n");
            assertThat(r.call("KEYSPACE", "CREATE", "tmp")).isEqualTo("+OK\r\n");
            assertThat(r.call("KEYSPACE", "RENAME", "tmp", "db3"))
                    .isEqualTo("-ERR keyspace names of the form db<N> are reserved for the numbered databases\r\n");
            assertThat(r.call("KEYSPACE", "COPY", "tmp", "5")).startsWith("-ERR keyspace name '5' is a number");
            assertThat(r.call("KEYSPACE", "DROP", "tmp")).isEqualTo("+OK\r\n");
            assertThat(r.call("KEYSPACE")).isEqualTo("-ERR wrong number of arguments for 'keyspace' command\r\n");
            assertThat(r.call("KEYSPACE", "DROP")).isEqualTo("-ERR wrong number of arguments for 'keyspace|drop' command\r\n");
        }
    }

    @Test
    void keyspaces_survive_a_restart(@TempDir Path own) throws Exception {
        try (TestServer s = TestServer.start(own); RawClient r = s.raw()) {
            r.call("KEYSPACE", "CREATE", "events", "ORDERED");
            r.call("SELECT", "events");
            r.call("SET", "2024-01-02", "b");
            r.call("SET", "2024-01-01", "a");
        }
        try (TestServer s = TestServer.start(own); RawClient r = s.raw()) {
            assertThat(r.call("SELECT", "events")).isEqualTo("+OK\r\n");
            assertThat(r.call("KRANGE", "[2024-01-01", "[2024-01-31", "WITHVALUES"))
                    .isEqualTo(keys("2024-01-01", "a", "2024-01-02", "b"));
            assertThat(r.call("INFO", "cairn")).contains("ks_events:kind=ordered,keys=2,expires=0,db=-1\r\n");
        }
    }
}
