package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.ValueType;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...), as Redis keeps them: for each key of each keyspace, a FIFO of
 * the clients waiting on it.
 *
 * <p>How a waiter is served. After every command that may have added to a key ({@link #afterCommand}: a write command's
 * keys as the command table gives them, and every waited key after EXEC, MOVE, COPY, SWAPDB and the other writes whose
 * written keys the table does not name), the first waiter of that key is asked, on its own connection's event loop (at once if that is the
 * current thread, so it is served before the next command runs, as in Redis), to
 * run its command again as a non-blocking one, in an atomic block of its own (so a blocking pop logs its pop). If it
 * popped, it is done and the key's next waiter is asked in turn; if the key is empty again (another client took the
 * element first) it keeps waiting and nobody else is asked; if the key holds a type the waiter does not pop (a list
 * key became a sorted set) the waiter keeps waiting and the next one is asked. So waiters are served one at a time in
 * the order they blocked, whichever event loops they are on, and a waiter never pops outside its own event loop.
 *
 * <p>A served waiter's pop sends its keyspace events (lpop, zpopmin, del, ...) from the attempt, on the waiter's own
 * connection: they leave with its reply, after the events of the push that woke it when both connections share an
 * event loop (with several loops each connection publishes when its own reply goes, so they may cross).
 *
 * <p>A waiter ends exactly once, always on its event loop: served, timed out (Netty's scheduler), unblocked by CLIENT
 * UNBLOCK, or its connection closed (its registration is dropped; nothing was popped for it, so nothing is lost).
 * Its reply goes through {@link Client#replyWhen}: the connection is blocked meanwhile and holds its later requests.
 *
 * <p>Thread-safe: the queues are guarded by this object's lock, held only to look at or change them.
 */
public final class Blocking {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.server");
    /** Waiters in every server of this JVM: when 0, commands skip the registry entirely. */
    private static final AtomicInteger WAITING = new AtomicInteger();
    private static final Map<ServerContext, Blocking> REGISTRIES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Writes whose written keys are not (all) at the table's key positions: after them every waited key is checked. */
    private static final Set<String> WRITES_ELSEWHERE = Set.of("exec", "move", "copy", "swapdb", "keyspace|copy",
            "keyspace|rename", "restore", "sort");
    /** Commands without key positions in the table that only take from keys. */
    private static final Set<String> POPS_ONLY = Set.of("lmpop", "blmpop", "zmpop", "bzmpop");

    /** The reply CLIENT UNBLOCK ... ERROR gives the unblocked client. */
    static final String UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

    private record WaitKey(String keyspace, ByteBuffer key) {
    }

    /**
     * The non-blocking form of a blocking command: returns the writer of its reply if it could serve now (having done
     * its atomic block), or null if nothing could be popped. It may throw a {@link CommandException} (WRONGTYPE): that
     * is then the command's reply.
     */
    @FunctionalInterface
    interface Attempt {
        Runnable tryNow();
    }

    private static final class Waiter {
        final Client client;
        final Keyspace keyspace;
        final List<WaitKey> keys;
        final ValueType pops;
        final Attempt attempt;
        final Runnable timeoutReply;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        /** Guarded by the registry's lock. */
        boolean finished;
        /** Written before {@link #done} completes: the command's reply. */
        Runnable reply;

        Waiter(Client client, Keyspace keyspace, List<WaitKey> keys, ValueType pops, Attempt attempt, Runnable timeoutReply) {
            this.client = client;
            this.keyspace = keyspace;
            this.keys = keys;
            this.pops = pops;
            this.attempt = attempt;
            this.timeoutReply = timeoutReply;
        }

        EventLoop loop() {
            return client.channel().eventLoop();
        }
    }

    private final Map<WaitKey, ArrayDeque<Waiter>> byKey = new HashMap<>();
    private final Map<Client, Waiter> byClient = new HashMap<>();

    private Blocking() {
    }

    /** The registry of {@code server}'s blocked clients. */
    public static Blocking of(ServerContext server) {
        return REGISTRIES.computeIfAbsent(server, s -> new Blocking());
    }

    /** Clients of this server blocked on keys now (INFO's blocked_clients). */
    public synchronized int size() {
        return byClient.size();
    }

    private static WaitKey waitKey(Keyspace ks, byte[] key) {
        return new WaitKey(ks.name(), ByteBuffer.wrap(key));
    }

    // ------------------------------------------------------------------ blocking

    /**
     * Runs a blocking command: serves it at once if {@code attempt} can, replies {@code timeoutReply} at once if the
     * client may not block ({@link Client#denyBlocking}, inside MULTI), else blocks the client on {@code keys} until
     * one of them can serve it or {@code timeoutMillis} (0: forever) pass.
     */
    void serveOrBlock(Client c, List<byte[]> keys, ValueType pops, long timeoutMillis, Attempt attempt, Runnable timeoutReply) {
        Runnable now = attempt.tryNow();
        if (now != null) {
            now.run();
            return;
        }
        if (c.denyBlocking()) {
            timeoutReply.run();
            return;
        }
        Keyspace ks = c.keyspace();
        List<WaitKey> wk = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            WaitKey w = waitKey(ks, k);
            if (!wk.contains(w)) wk.add(w);
        }
        Waiter w = new Waiter(c, ks, wk, pops, attempt, timeoutReply);
        register(w);
        // a push between the first attempt and the registration signalled nobody: look once more (serving, so what
        // the attempt signals is served once it has ended, not asked of this waiter again)
        Runnable[] second = new Runnable[1];
        RuntimeException[] failed = new RuntimeException[1];
        serving(() -> {
            try {
                second[0] = attempt.tryNow();
            } catch (RuntimeException e) {
                failed[0] = e;
            }
            if (second[0] != null || failed[0] != null) end(w, null);
        });
        if (failed[0] != null) throw failed[0];
        if (second[0] != null) {
            second[0].run();
            return;
        }
        if (timeoutMillis > 0) {
            w.timer = w.loop().schedule(() -> end(w, w.timeoutReply), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        c.replyWhen(w.done, () -> w.reply.run());
    }

    private synchronized void register(Waiter w) {
        Waiter old = byClient.put(w.client, w);
        if (old != null) throw new IllegalStateException("client " + w.client.id() + " is already blocked");
        for (WaitKey k : w.keys) byKey.computeIfAbsent(k, x -> new ArrayDeque<>()).add(w);
        WAITING.incrementAndGet();
    }

    /**
     * Ends {@code w} with {@code reply} (null: no reply, the connection is gone or the caller replies itself) unless it
     * has ended already; returns whether this call ended it. On the waiter's event loop.
     */
    private boolean end(Waiter w, Runnable reply) {
        synchronized (this) {
            if (w.finished) return false;
            w.finished = true;
            byClient.remove(w.client, w);
            for (WaitKey k : w.keys) {
                ArrayDeque<Waiter> q = byKey.get(k);
                if (q == null) continue;
                q.remove(w);
                if (q.isEmpty()) byKey.remove(k);
            }
            WAITING.decrementAndGet();
        }
        if (w.timer != null) w.timer.cancel(false);
        w.reply = reply != null ? reply : () -> { };
        w.done.complete(null);
        return true;
    }

    // ------------------------------------------------------------------ waking

    /**
     * After a command ran: asks the waiters of the keys it may have added to. Costs one read of a counter when no
     * client is blocked anywhere. {@code cmd} is the entry that ran (the subcommand for a container).
     */
    public static void afterCommand(Client c, Command cmd, byte[][] args) {
        if (WAITING.get() == 0) return;
        Blocking b = of(c.server());
        String name = cmd.name();
        if (WRITES_ELSEWHERE.contains(name)) {
            b.signalAll();
            return;
        }
        if (!cmd.isWrite()) return;
        List<Integer> positions = cmd.keyPositions(args.length);
        if (positions.isEmpty()) {
            if (!POPS_ONLY.contains(name)) b.signalAll();
            return;
        }
        for (int p : positions) b.signal(c.keyspace(), args[p]);
    }

    /** {@code key} of {@code ks} may have been added to: its first waiter, if any, is asked. */
    public void signal(Keyspace ks, byte[] key) {
        if (WAITING.get() == 0) return;
        signal(waitKey(ks, key), null);
    }

    /** Every waited key may have been added to (a transaction ran, databases were swapped). */
    public void signalAll() {
        List<WaitKey> keys;
        synchronized (this) {
            keys = new ArrayList<>(byKey.keySet());
        }
        for (WaitKey k : keys) signal(k, null);
    }

    /** Asks the waiter of {@code key} that follows {@code after} (the first one if {@code after} is null or gone). */
    private void signal(WaitKey key, Waiter after) {
        Waiter next = null;
        synchronized (this) {
            ArrayDeque<Waiter> q = byKey.get(key);
            if (q == null) return;
            Iterator<Waiter> it = q.iterator();
            if (after != null && q.contains(after)) {
                while (it.hasNext() && it.next() != after) {
                    // skip to the one after
                }
            }
            if (it.hasNext()) next = it.next();
        }
        if (next == null) return;
        Waiter w = next;
        dispatch(w.loop(), () -> serve(w, key));
    }

    /** Serving tasks of this thread not yet run, while it runs one (null when it runs none). */
    private static final ThreadLocal<ArrayDeque<Runnable>> SERVING = new ThreadLocal<>();

    /**
     * Runs {@code task} on {@code loop}: at once when this thread is that loop, so a waiter there is served before the
     * next command runs, as in Redis (queued behind the one running, so a long chain of waiters does not recurse);
     * otherwise as a task of that loop.
     */
    private static void dispatch(EventLoop loop, Runnable task) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> serving(task));
            return;
        }
        ArrayDeque<Runnable> queue = SERVING.get();
        if (queue != null) {
            queue.add(task);
            return;
        }
        serving(task);
    }

    /**
     * Runs {@code task}, then the serving tasks it (and they) dispatched to this thread's loop meanwhile: so a waiter
     * is never asked again while it is being asked (BLMOVE of a list onto itself signals its own key).
     */
    private static void serving(Runnable task) {
        ArrayDeque<Runnable> queue = SERVING.get();
        if (queue != null) {
            task.run();
            return;
        }
        queue = new ArrayDeque<>();
        SERVING.set(queue);
        try {
            for (Runnable t = task; t != null; t = queue.poll()) {
                try {
                    t.run();
                } catch (RuntimeException e) { // a waiter's trouble must not fail the command that pushed
                    LOG.error("serving a blocked client failed", e);
                }
            }
        } finally {
            SERVING.remove();
        }
    }

    /** On {@code w}'s event loop: {@code key} may hold something for it. */
    private void serve(Waiter w, WaitKey key) {
        synchronized (this) {
            if (w.finished) {
                // it ended meanwhile (served, timed out, closed): the turn passes to whoever is first now
                if (!byKey.containsKey(key)) return;
            }
        }
        if (w.finished) {
            signal(key, null);
            return;
        }
        if (!w.client.channel().isActive()) {
            end(w, null);
            signal(key, null);
            return;
        }
        ValueType type;
        try {
            type = w.keyspace.type(key.key().array());
        } catch (RuntimeException e) { // the keyspace was dropped
            end(w, () -> {
                throw e;
            });
            return;
        }
        if (type == null) return; // empty again: nobody can pop, everyone keeps waiting
        if (type != w.pops) {
            signal(key, w); // not its kind of value: it keeps waiting, the next one may pop it
            return;
        }
        Runnable reply;
        try {
            reply = w.attempt.tryNow();
        } catch (RuntimeException e) {
            reply = () -> {
                throw e;
            };
        }
        if (reply == null) return; // taken by someone else first: keep waiting
        end(w, reply);
        signal(key, null); // there may be more for the next waiter
    }

    // ------------------------------------------------------------------ ending from outside

    /** The connection of {@code c} closed: drops its registration. On its event loop. */
    public static void closed(Client c) {
        if (WAITING.get() == 0) return;
        Blocking b = of(c.server());
        Waiter w;
        synchronized (b) {
            w = b.byClient.get(c);
        }
        // if it was asked to serve and has not run yet, that task finds it ended and asks the next waiter
        if (w != null) b.end(w, null);
    }

    /**
     * CLIENT UNBLOCK: ends the wait of client {@code id} as if it timed out, or with an UNBLOCKED error; returns
     * whether it was blocked on keys.
     */
    boolean unblock(long id, boolean error) {
        Waiter w = null;
        synchronized (this) {
            for (Waiter x : byClient.values()) {
                if (x.client.id() == id && !x.finished) w = x;
            }
        }
        if (w == null) return false;
        Waiter found = w;
        found.loop().execute(() -> { // never inline: the caller's reply comes first
            if (error) {
                end(found, () -> {
                    throw Errors.error(UNBLOCKED);
                });
            } else {
                end(found, found.timeoutReply);
            }
        });
        return true;
    }

    // ------------------------------------------------------------------ timeouts

    /**
     * A blocking command's timeout argument in milliseconds (0: forever), read as Redis reads it: seconds as a
     * double, rounded up to the millisecond.
     */
    static long timeoutMillis(byte[] arg) {
        Double d = Args.parseDouble(arg);
        if (d == null) throw Errors.error("ERR timeout is not a float or out of range");
        double ms = d * 1000.0;
        if (ms > Long.MAX_VALUE / 2.0) throw Errors.error("ERR timeout is out of range");
        if (ms < 0) throw Errors.error("ERR timeout is negative");
        return (long) Math.ceil(ms);
    }
}
