package io.cairn.server.command;

import io.cairn.server.pubsub.PubSub;
import io.cairn.server.pubsub.Subscriber;
import io.cairn.server.resp.Reply;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB CHANNELS, NUMSUB, NUMPAT,
 * with Redis 7's replies: each (un)subscription is confirmed by its own {@code [kind, name, count]} (an array under
 * RESP2, a push under RESP3), where count is the connection's channels plus patterns after it. The broker is
 * {@link PubSub}; the subscribed-mode restriction of RESP2 is checked by the dispatcher.
 */
final class PubSubCommands {
    private PubSubCommands() {
    }

    private static final byte[] SUBSCRIBE = ascii("subscribe");
    private static final byte[] UNSUBSCRIBE = ascii("unsubscribe");
    private static final byte[] PSUBSCRIBE = ascii("psubscribe");
    private static final byte[] PUNSUBSCRIBE = ascii("punsubscribe");

    static void register(CommandTable t) {
        String flags = "pubsub noscript loading stale";
        t.add(Command.of("subscribe", -2, flags).group("pubsub").doc("Listens for messages published to channels.", "2.0.0")
                .run((c, a) -> {
                    for (int i = 1; i < a.length; i++) {
                        c.server().pubsub().subscribe(c.subscriber(), a[i]);
                        confirm(c, SUBSCRIBE, a[i]);
                    }
                }));
        t.add(Command.of("unsubscribe", -1, flags).group("pubsub")
                .doc("Stops listening to messages posted to channels.", "2.0.0")
                .run((c, a) -> unsubscribe(c, a, false)));
        t.add(Command.of("psubscribe", -2, flags).group("pubsub")
                .doc("Listens for messages published to channels that match one or more patterns.", "2.0.0")
                .run((c, a) -> {
                    for (int i = 1; i < a.length; i++) {
                        c.server().pubsub().psubscribe(c.subscriber(), a[i]);
                        confirm(c, PSUBSCRIBE, a[i]);
                    }
                }));
        t.add(Command.of("punsubscribe", -1, flags).group("pubsub")
                .doc("Stops listening to messages published to channels that match one or more patterns.", "2.0.0")
                .run((c, a) -> unsubscribe(c, a, true)));
        t.add(Command.of("publish", 3, "pubsub loading stale fast may-replicate").group("pubsub")
                .doc("Posts a message to a channel.", "2.0.0")
                .run((c, a) -> c.reply().integer(c.server().pubsub().publish(a[1], a[2]))));
        t.add(Command.of("pubsub", -2, "").group("pubsub").doc("A container for Pub/Sub commands.", "2.8.0")
                .sub(Command.of("pubsub|channels", -2, "pubsub loading stale").group("pubsub")
                        .doc("Returns the active channels.", "2.8.0").run(PubSubCommands::channels))
                .sub(Command.of("pubsub|numsub", -2, "pubsub loading stale").group("pubsub")
                        .doc("Returns a count of subscribers to channels.", "2.8.0").run(PubSubCommands::numsub))
                .sub(Command.of("pubsub|numpat", 2, "pubsub loading stale").group("pubsub")
                        .doc("Returns a count of unique pattern subscriptions.", "2.8.0")
                        .run((c, a) -> c.reply().integer(c.server().pubsub().patternCount())))
                .sub(Command.of("pubsub|help", 2, "loading stale").group("pubsub")
                        .doc("Returns helpful text about the different subcommands.", "6.2.0")
                        .run((c, a) -> Help.reply(c, "pubsub",
                                "CHANNELS [<pattern>]",
                                "    Return the currently active channels matching a <pattern> (default: '*').",
                                "NUMPAT",
                                "    Return number of subscriptions to patterns.",
                                "NUMSUB [<channel> ...]",
                                "    Return the number of subscribers for the specified channels, excluding",
                                "    pattern subscriptions(default: no channels).")))
                .container());
    }

    /** One {@code [kind, name, count]} confirmation; a null name (nothing to unsubscribe from) is a null. */
    private static void confirm(Client c, byte[] kind, byte[] name) {
        Reply r = c.reply();
        r.push(3);
        r.bulk(kind);
        if (name == null) r.nullBulk();
        else r.bulk(name);
        r.integer(c.subscriber().subscriptions());
    }

    /** (P)UNSUBSCRIBE: the names given, or every one subscribed to; with none at all, one confirmation naming nil. */
    private static void unsubscribe(Client c, byte[][] a, boolean patterns) {
        PubSub ps = c.server().pubsub();
        Subscriber s = c.subscriber();
        byte[] kind = patterns ? PUNSUBSCRIBE : UNSUBSCRIBE;
        if (a.length > 1) {
            for (int i = 1; i < a.length; i++) {
                if (patterns) ps.punsubscribe(s, a[i]);
                else ps.unsubscribe(s, a[i]);
                confirm(c, kind, a[i]);
            }
            return;
        }
        List<byte[]> all = patterns ? ps.patternsOf(s) : ps.channelsOf(s);
        if (all.isEmpty()) {
            confirm(c, kind, null);
            return;
        }
        for (byte[] name : all) {
            if (patterns) ps.punsubscribe(s, name);
            else ps.unsubscribe(s, name);
            confirm(c, kind, name);
        }
    }

    private static void channels(Client c, byte[][] a) {
        // as Redis 7: arguments after the pattern are ignored
        List<byte[]> l = c.server().pubsub().activeChannels(a.length == 3 ? a[2] : null);
        c.reply().array(l.size());
        for (byte[] ch : l) c.reply().bulk(ch);
    }

    private static void numsub(Client c, byte[][] a) {
        PubSub ps = c.server().pubsub();
        c.reply().array(2 * (a.length - 2));
        for (int i = 2; i < a.length; i++) {
            c.reply().bulk(a[i]);
            c.reply().integer(ps.subscribers(a[i]));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
