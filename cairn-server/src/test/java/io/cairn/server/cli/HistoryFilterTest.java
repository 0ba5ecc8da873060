package io.cairn.server.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines the shell keeps out of its history file: those that carry a password. */
class HistoryFilterTest {
    private static boolean secret(String line) {
        return Cli.SECRET.matcher(line).matches();
    }

    @Test
    void passwords_stayOut() {
        assertThat(secret("auth s3cret")).isTrue();
        assertThat(secret("  AUTH default s3cret")).isTrue();
        assertThat(secret("3 auth x")).isTrue();
        assertThat(secret("hello 3 AUTH default s3cret")).isTrue();
        assertThat(secret("acl setuser ann on >pw")).isTrue();
        assertThat(secret("config set requirepass pw")).isTrue();
        assertThat(secret("CONFIG SET masterauth pw")).isTrue();
        assertThat(secret("migrate h 6379 k 0 1000 AUTH pw")).isTrue();
    }

    @Test
    void everythingElse_isKept() {
        assertThat(secret("hello 3")).isFalse();
        assertThat(secret("set author x")).isFalse();
        assertThat(secret("authors")).isFalse();
        assertThat(secret("get auth")).isFalse();
        assertThat(secret("config set maxmemory 1mb")).isFalse();
    }
}
