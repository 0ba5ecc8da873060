package io.cairn.server.command;

import io.cairn.server.pubsub.PubSub;

/**
 * The keyspace events ({@code notify-keyspace-events}) the command families send after a write, with Redis's names and
 * order: {@code new} (class n) first when the write created the key, then the command's own event, then {@code del}
 * (class g) when the write emptied a collection and so deleted it.
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

    /** {@code event}, then {@code del} if the write took a collection's last element and so deleted the key. */
    static void removed(Client c, int type, String event, byte[] key, boolean deleted) {
        PubSub ps = c.server().pubsub();
        ps.notify(c, type, event, key);
        if (deleted) ps.notify(c, PubSub.GENERIC, "del", key);
    }

    /**
     * A STORE command's result written to {@code key} ({@code new} if it {@code existed} not, then {@code event}), or,
     * for an empty result, the key deleted: {@code del} if it existed, else nothing.
     */
    static void stored(Client c, int type, String event, byte[] key, boolean existed, boolean empty) {
        if (!empty) written(c, type, event, key, !existed);
        else if (existed) fire(c, PubSub.GENERIC, "del", key);
    }

    /** Whether a command should find out if its write creates the key: only while {@code new} events are on. */
    static boolean wantsNew(Client c) {
        return c.server().pubsub().wants(PubSub.NEW);
    }
}
