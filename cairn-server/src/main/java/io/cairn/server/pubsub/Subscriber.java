package io.cairn.server.pubsub;

import io.cairn.server.resp.Reply;
import io.netty.util.concurrent.EventExecutor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's side of pub/sub: the channels and patterns it is subscribed to, and the messages published to it
 * that its event loop has not written yet.
 *
 * <p>Threads: the subscription sets are changed and read only on the connection's event loop; the counts are volatile
 * for CLIENT LIST and INFO on other threads. Messages are offered from any thread (the publisher's) and never block
 * it: they go to a lock-free queue, and one task at a time on the connection's event loop hands them to the connection,
 * which writes them in its own protocol. A publisher finding more than {@code queueLimit} bytes already queued (a
 * subscriber whose event loop is far behind) drops the message and has the connection closed instead.
 */
public final class Subscriber {
    static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);

    /** A message on its way: {@code pattern} is null for a channel subscription. */
    record Message(byte[] pattern, byte[] channel, byte[] payload) {
        long size() {
            // roughly its bytes on the wire: the payload and names plus the headers around them
            return payload.length + channel.length + (pattern == null ? 0 : pattern.length) + 48;
        }
    }

    private final EventExecutor loop;
    private final Runnable deliver;
    private final Runnable overflow;
    final Set<Name> channels = new LinkedHashSet<>();
    final Set<Name> patterns = new LinkedHashSet<>();
    private volatile int channelCount;
    private volatile int patternCount;
    private final ConcurrentLinkedQueue<Message> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /**
     * @param loop     the connection's event loop
     * @param deliver  run on {@code loop} when messages are waiting: it calls {@link #writeQueued}
     * @param overflow run (once, on any thread) when a publisher finds the queue past its limit: it closes the
     *                 connection
     */
    public Subscriber(EventExecutor loop, Runnable deliver, Runnable overflow) {
        this.loop = loop;
        this.deliver = deliver;
        this.overflow = overflow;
    }

    /** Channels plus patterns: the count SUBSCRIBE's replies carry; above 0 the connection is in subscribed mode. */
    public int subscriptions() {
        return channelCount + patternCount;
    }

    public int channelCount() {
        return channelCount;
    }

    public int patternCount() {
        return patternCount;
    }

    void counted() {
        channelCount = channels.size();
        patternCount = patterns.size();
    }

    List<Name> channelList() {
        return new ArrayList<>(channels);
    }

    List<Name> patternList() {
        return new ArrayList<>(patterns);
    }

    /** From the publisher's thread: queue {@code m} and make sure a delivery task is on its way. */
    void offer(Message m, long queueLimit) {
        long size = m.size();
        if (queueLimit > 0 && queuedBytes.get() + size > queueLimit) {
            if (overflowed.compareAndSet(false, true)) overflow.run();
            return;
        }
        queuedBytes.addAndGet(size);
        queue.add(m);
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::runDelivery);
            } catch (RejectedExecutionException e) {
                discardQueued(); // the server is shutting down: the connection will not be written to again
            }
        }
    }

    private void runDelivery() {
        scheduled.set(false); // before draining: a message offered from now on schedules another run
        deliver.run();
    }

    /**
     * On the event loop: writes every queued message into {@code reply} as Redis does, an array (RESP2) or a push
     * (RESP3) of {@code message, channel, payload} or {@code pmessage, pattern, channel, payload}. Returns how many.
     */
    public int writeQueued(Reply reply) {
        int n = 0;
        Message m;
        while ((m = queue.poll()) != null) {
            queuedBytes.addAndGet(-m.size());
            if (m.pattern() == null) {
                reply.push(3);
                reply.bulk(MESSAGE);
            } else {
                reply.push(4);
                reply.bulk(PMESSAGE);
                reply.bulk(m.pattern());
            }
            reply.bulk(m.channel());
            reply.bulk(m.payload());
            n++;
        }
        return n;
    }

    /** Drops what is queued: the connection is closing. */
    public void discardQueued() {
        queue.clear();
        queuedBytes.set(0);
    }
}
