package io.cairn.server.pubsub;

import io.cairn.server.command.Glob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's pub/sub broker: who is subscribed to which channels and patterns, and PUBLISH.
 *
 * <p>Thread safety: every method may be called from any event loop. Subscribing and unsubscribing change the calling
 * connection's own {@link Subscriber} and must run on that connection's event loop; the shared maps are concurrent,
 * and an empty channel or pattern leaves them in the same atomic step that removes its last subscriber. A publisher
 * never waits for a subscriber: see {@link Subscriber}. Messages from one publisher reach each subscriber in the order
 * they were published; for one message, channel subscribers are offered it before pattern subscribers, as in Redis.
 */
public final class PubSub {
    private final Map<Name, Set<Subscriber>> channels = new ConcurrentHashMap<>();
    private final Map<Name, Set<Subscriber>> patterns = new ConcurrentHashMap<>();
    private volatile long queueLimit;

    // ------------------------------------------------------------------ settings

    /**
     * The most bytes of messages a subscriber may have queued for its event loop before a publisher closes it instead
     * (the hard limit of {@code client-output-buffer-limit}'s pubsub class; 0: no limit). The connection checks its
     * full limit, socket buffer included, when it writes them.
     */
    public void queueLimit(long bytes) {
        queueLimit = bytes;
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
