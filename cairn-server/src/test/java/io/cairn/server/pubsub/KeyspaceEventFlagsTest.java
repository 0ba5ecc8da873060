package io.cairn.server.pubsub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** notify-keyspace-events letters to Redis's NOTIFY_* bits, and when events are wanted at all. */
class KeyspaceEventFlagsTest {
    @Test
    void parseFlags_lettersAsRedis() {
        assertThat(PubSub.parseFlags("")).isZero();
        assertThat(PubSub.parseFlags("KEA")).isEqualTo(PubSub.KEYSPACE | PubSub.KEYEVENT | PubSub.ALL);
        assertThat(PubSub.parseFlags("Ex$")).isEqualTo(PubSub.KEYEVENT | PubSub.EXPIRED | PubSub.STRING);
        // A leaves out m and n, as in Redis
        assertThat(PubSub.parseFlags("A") & (PubSub.KEYMISS | PubSub.NEW)).isZero();
        assertThat(PubSub.parseFlags("mn")).isEqualTo(PubSub.KEYMISS | PubSub.NEW);
        assertThat(PubSub.parseFlags("glshzted")).isEqualTo(PubSub.ALL & ~PubSub.EXPIRED & ~PubSub.STRING);
    }

    @Test
    void wants_needsTheClassAndAChannel() {
        PubSub ps = new PubSub();
        assertThat(ps.wants(PubSub.STRING)).isFalse();
        ps.notifyKeyspaceEvents("$");
        assertThat(ps.wants(PubSub.STRING)).as("no K or E: nothing is sent").isFalse();
        ps.notifyKeyspaceEvents("K$");
        assertThat(ps.wants(PubSub.STRING)).isTrue();
        assertThat(ps.wants(PubSub.GENERIC)).isFalse();
        ps.notifyKeyspaceEvents("AE");
        assertThat(ps.wants(PubSub.GENERIC)).isTrue();
        assertThat(ps.wants(PubSub.NEW)).isFalse();
    }
}
