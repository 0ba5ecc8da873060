package io.cairn.server.pubsub;

import io.cairn.server.command.Client;
import io.cairn.server.command.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's pub/sub broker: who is subscribed to which channels and patterns, PUBLISH, and Redis's keyspace
 * notifications ({@code notify-keyspace-events}).
 *
 * <p>Thread safety: every method may be called from any event loop. Subscribing and unsubscribing change the calling
 * connection's own {@link Subscriber} and must run on that connection's event loop; the shared maps are concurrent,
 * and an empty channel or pattern leaves them in the same atomic step that removes its last subscriber. A publisher
 * never waits for a subscriber: see {@link Subscriber}. Messages from one publisher reach each subscriber in the order
 * they were published; for one message, channel subscribers are offered it before pattern subscribers, as in Redis.
 */
public final class PubSub {
    // Redis's notification classes (server.h's NOTIFY_*), the same bits
    public static final int KEYSPACE = 1;        // K
    public static final int KEYEVENT = 1 << 1;   // E
    public static final int GENERIC = 1 << 2;    // g
    public static final int STRING = 1 << 3;     // $
    public static final int LIST = 1 << 4;       // l
    public static final int SET = 1 << 5;        // s
    public static final int HASH = 1 << 6;       // h
    public static final int ZSET = 1 << 7;       // z
    public static final int EXPIRED = 1 << 8;    // x
    public static final int EVICTED = 1 << 9;    // e
    public static final int STREAM = 1 << 10;    // t
    public static final int KEYMISS = 1 << 11;   // m, not part of A
    public static final int MODULE = 1 << 13;    // d
    public static final int NEW = 1 << 14;       // n, not part of A
    static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private static final byte[] KEYSPACE_PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT_PREFIX = "__keyevent@".getBytes(StandardCharsets.US_ASCII);

    private final Map<Name, Set<Subscriber>> channels = new ConcurrentHashMap<>();
    private final Map<Name, Set<Subscriber>> patterns = new ConcurrentHashMap<>();
    private volatile int notifyFlags;
    private volatile long queueLimit;

    // ------------------------------------------------------------------ settings

    /** Sets the classes of keyspace events to publish from {@code notify-keyspace-events} ("", "KEA", "Ex$", ...). */
    public void notifyKeyspaceEvents(String classes) {
        notifyFlags = parseFlags(classes);
    }

    /** Redis's {@code keyspaceEventsStringToFlags}; the config already refused any other letter. */
    static int parseFlags(String classes) {
        int f = 0;
        for (char ch : classes.toCharArray()) {
            f |= switch (ch) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEYMISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> throw new IllegalArgumentException("not a keyspace event class: " + ch);
            };
        }
        return f;
    }

    /**
     * The most bytes of messages a subscriber may have queued for its event loop before a publisher closes it instead
     * (the hard limit of {@code client-output-buffer-limit}'s pubsub class; 0: no limit). The connection checks its
     * full limit, socket buffer included, when it writes them.
     */
    public void queueLimit(long bytes) {
        queueLimit = bytes;
    }

    // ------------------------------------------------------------------ keyspace notifications

    /** Whether events of class {@code type} are published at all: a command may skip work done only for them. */
    public boolean wants(int type) {
        int f = notifyFlags;
        return (f & type) != 0 && (f & (KEYSPACE | KEYEVENT)) != 0;
    }

    /** {@link #notify(Client, int, String, byte[], int)} in the client's selected database. */
    public void notify(Client c, int type, String event, byte[] key) {
        notify(c, type, event, key, c.db());
    }

    /**
     * Publishes keyspace event {@code event} (Redis's name: "set", "del", "expire", ...) of class {@code type} (one of
     * the constants) for {@code key} in database {@code db}, as Redis does: {@code event} on
     * {@code __keyspace@<db>__:<key>} (class K) and {@code key} on {@code __keyevent@<db>__:<event>} (class E). A
     * command calls it after its write. Costs a volatile read when the class is off. Nothing is published for a named
     * keyspace ({@code db} -1). The messages leave with the command's reply, once its write is durable (see
     * {@link Client#holdMessage}), so no subscriber hears of a write the server has not acknowledged.
     */
    public void notify(Client c, int type, String event, byte[] key, int db) {
        if ((notifyFlags & type) == 0 || db < 0) return; // before the method reference: every write calls this
        emit(event, key, db, c::holdMessage);
    }

    /**
     * A keyspace event no command caused ({@code expired}, from the store's expiry cycle): published at once, on the
     * calling thread, as {@link #notify(Client, int, String, byte[], int)} would with a reply.
     */
    public void notifyNow(int type, String event, byte[] key, int db) {
        if ((notifyFlags & type) == 0 || db < 0) return;
        emit(event, key, db, this::publish);
    }

    /** The keyspace and keyevent messages of one event, each handed to {@code sink} (channel, message). */
    private void emit(String event, byte[] key, int db, java.util.function.BiConsumer<byte[], byte[]> sink) {
        int f = notifyFlags;
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        byte[] dbBytes = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
        if ((f & KEYSPACE) != 0) sink.accept(channel(KEYSPACE_PREFIX, dbBytes, key), ev);
        if ((f & KEYEVENT) != 0) sink.accept(channel(KEYEVENT_PREFIX, dbBytes, ev), key);
    }

    private static byte[] channel(byte[] prefix, byte[] db, byte[] suffix) {
        byte[] ch = new byte[prefix.length + db.length + 3 + suffix.length];
        System.arraycopy(prefix, 0, ch, 0, prefix.length);
        System.arraycopy(db, 0, ch, prefix.length, db.length);
        int at = prefix.length + db.length;
        ch[at] = '_';
        ch[at + 1] = '_';
        ch[at + 2] = ':';
        System.arraycopy(suffix, 0, ch, at + 3, suffix.length);
        return ch;
    }

    // ------------------------------------------------------------------ subscriptions (on the subscriber's event loop)

    /** Subscribes {@code s} to {@code channel}; false if it already was. */
    public boolean subscribe(Subscriber s, byte[] channel) {
        return add(channels, s.channels, s, channel);
    }

    public boolean unsubscribe(Subscriber s, byte[] channel) {
        return remove(channels, s.channels, s, new Name(channel));
    }

    public boolean psubscribe(Subscriber s, byte[] pattern) {
        return add(patterns, s.patterns, s, pattern);
    }

    public boolean punsubscribe(Subscriber s, byte[] pattern) {
        return remove(patterns, s.patterns, s, new Name(pattern));
    }

    /** The channels {@code s} is subscribed to, in the order it subscribed. */
    public List<byte[]> channelsOf(Subscriber s) {
        return s.channelList().stream().map(n -> n.bytes).toList();
    }

    public List<byte[]> patternsOf(Subscriber s) {
        return s.patternList().stream().map(n -> n.bytes).toList();
    }

    /** Leaves every channel and pattern without a reply (RESET, a closed connection). */
    public void unsubscribeAll(Subscriber s) {
        for (Name n : s.channelList()) remove(channels, s.channels, s, n);
        for (Name n : s.patternList()) remove(patterns, s.patterns, s, n);
    }

    private static boolean add(Map<Name, Set<Subscriber>> map, Set<Name> own, Subscriber s, byte[] name) {
        Name n = new Name(name);
        if (!own.add(n)) return false;
        map.compute(n, (k, set) -> {
            Set<Subscriber> subs = set == null ? ConcurrentHashMap.newKeySet() : set;
            subs.add(s);
            return subs;
        });
        s.counted();
        return true;
    }

    private static boolean remove(Map<Name, Set<Subscriber>> map, Set<Name> own, Subscriber s, Name n) {
        if (!own.remove(n)) return false;
        map.computeIfPresent(n, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
        s.counted();
        return true;
    }

    // ------------------------------------------------------------------ publishing and introspection (any thread)

    /** PUBLISH: offers {@code message} to every subscriber of {@code channel} and every matching pattern; how many. */
    public int publish(byte[] channel, byte[] message) {
        int n = 0;
        long limit = queueLimit;
        Set<Subscriber> subs = channels.get(new Name(channel));
        if (subs != null) {
            Subscriber.Message m = new Subscriber.Message(null, channel, message);
            for (Subscriber s : subs) {
                s.offer(m, limit);
                n++;
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<Name, Set<Subscriber>> e : patterns.entrySet()) {
                byte[] pattern = e.getKey().bytes;
                if (!Glob.match(pattern, channel)) continue;
                Subscriber.Message m = new Subscriber.Message(pattern, channel, message);
                for (Subscriber s : e.getValue()) {
                    s.offer(m, limit);
                    n++;
                }
            }
        }
        return n;
    }

    /** PUBSUB CHANNELS: the channels with at least one subscriber, those matching {@code pattern} if not null. */
    public List<byte[]> activeChannels(byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (Name n : channels.keySet()) if (pattern == null || Glob.match(pattern, n.bytes)) out.add(n.bytes);
        return out;
    }

    /** PUBSUB NUMSUB: subscribers of {@code channel} (patterns not counted). */
    public int subscribers(byte[] channel) {
        Set<Subscriber> s = channels.get(new Name(channel));
        return s == null ? 0 : s.size();
    }

    /** Channels with at least one subscriber (INFO's pubsub_channels). */
    public int channelCount() {
        return channels.size();
    }

    /** PUBSUB NUMPAT: distinct patterns subscribed to. */
    public int patternCount() {
        return patterns.size();
    }
}
