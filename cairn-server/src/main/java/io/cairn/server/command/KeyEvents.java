package io.cairn.server.command;

import io.cairn.server.pubsub.PubSub;

/**
 * The keyspace events ({@code notify-keyspace-events}) the command families send after a write, with Redis's names and
 * order: {@code new} (class n) first when the write created the key, then the command's own event.
 */
final class KeyEvents {
    private KeyEvents() {
    }

    /** {@code event} of class {@code type} for {@code key} in the client's database. */
    static void fire(Client c, int type, String event, byte[] key) {
        c.server().pubsub().notify(c, type, event, key);
    }

    /** {@code new} if {@code created}, then {@code event}, for {@code key} in database {@code db}. */
    static void written(Client c, int type, String event, byte[] key, boolean created, int db) {
        PubSub ps = c.server().pubsub();
        if (created) ps.notify(c, PubSub.NEW, "new", key, db);
        ps.notify(c, type, event, key, db);
    }

    static void written(Client c, int type, String event, byte[] key, boolean created) {
        written(c, type, event, key, created, c.db());
    }

    /** Whether a command should find out if its write creates the key: only while {@code new} events are on. */
    static boolean wantsNew(Client c) {
        return c.server().pubsub().wants(PubSub.NEW);
    }
}
