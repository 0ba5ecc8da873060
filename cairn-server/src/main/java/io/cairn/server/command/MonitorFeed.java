package io.cairn.server.command;

import io.cairn.server.resp.Reply;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A MONITOR client's incoming lines: offered from whichever event loop ran a command, never blocking it, and written
 * by one task at a time on the monitor's own event loop, after the replies so far, as pub/sub messages are. A monitor
 * whose loop falls more than {@value #MAX_QUEUED} bytes behind is closed rather than let the queue grow.
 */
public final class MonitorFeed {
    static final long MAX_QUEUED = 64L << 20;

    private final EventExecutor loop;
    private final Runnable deliver;
    private final Runnable overflow;
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();

    /**
     * @param deliver  run on {@code loop} when lines wait: it calls {@link #writeQueued}
     * @param overflow run once, on any thread, when the queue passes its limit: it closes the connection
     */
    MonitorFeed(EventExecutor loop, Runnable deliver, Runnable overflow) {
        this.loop = loop;
        this.deliver = deliver;
        this.overflow = overflow;
    }

    void offer(byte[] line) {
        if (queuedBytes.get() + line.length > MAX_QUEUED) {
            if (overflowed.compareAndSet(false, true)) overflow.run();
            return;
        }
        queuedBytes.addAndGet(line.length);
        queue.add(line);
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(() -> {
                    scheduled.set(false);
                    deliver.run();
                });
            } catch (RejectedExecutionException e) {
                discardQueued();
            }
        }
    }

    /** On the monitor's event loop: writes the queued lines (status replies, ready-made); returns how many. */
    public int writeQueued(Reply reply) {
        int n = 0;
        byte[] line;
        while ((line = queue.poll()) != null) {
            queuedBytes.addAndGet(-line.length);
            reply.raw(line);
            n++;
        }
        return n;
    }

    public void discardQueued() {
        queue.clear();
        queuedBytes.set(0);
    }
}
