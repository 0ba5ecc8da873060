package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.Writer;
import io.cairn.server.pubsub.Subscriber;
import io.cairn.server.resp.Reply;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One connection's session: selected database, authentication, protocol version, name, and the {@link Writer} whose
 * last sequence tells when this connection's replies may be sent. Used only on the connection's event loop, except
 * for the fields CLIENT LIST reads from other threads (volatile).
 */
public final class Client {
    private final long id;
    private final ServerContext server;
    private final Channel channel;
    private final Reply reply;
    private final Writer writer;
    private final long createdAt = System.currentTimeMillis();

    private volatile int db;
    private volatile Keyspace keyspace;
    private volatile boolean authenticated;
    private volatile String name = "";
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile String lastCommand = "NULL";
    private volatile long lastInteraction = createdAt;
    private volatile boolean noEvict;
    /** READONLY was sent: in cluster mode, commands that do not write run on a replica (a follower) too. */
    private volatile boolean readonly;
    private volatile boolean killed;
    private volatile boolean blocked;
    private boolean closeAfterReply;
    private boolean requestsEnded;
    private boolean denyBlocking;
    private Deferred deferred;
    private final Subscriber subscriber;
    /** Channel, message pairs this connection's commands published (keyspace events): they leave with its replies. */
    private List<byte[]> held;
    /** The commands queued since MULTI, null outside a transaction. */
    private java.util.List<byte[][]> queued;
    /** A command was refused while queueing: EXEC will answer EXECABORT. */
    private boolean multiFlagged;
    /** What the transaction holds, for CLIENT LIST on other threads: commands (-1 outside MULTI) and their bytes. */
    private volatile int queuedCount = -1;
    private volatile long queuedMemory;
    /** The keys WATCHed, each with whether it existed then (an expiry after that counts as a change). */
    private final java.util.Map<Watches.Key, Boolean> watched = new java.util.LinkedHashMap<>();
    /** A watched key was written by someone (set from any event loop). */
    private volatile boolean watchTouched;
    private Runner runner;
    private volatile MonitorFeed monitorFeed;
    private Runnable monitorDeliver;
    private Runnable monitorOverflow;
    private volatile Buffers buffers = Buffers.NONE;

    /**
     * The connection's buffers as CLIENT LIST reports them, read from any thread (values of a moment, not a
     * consistent snapshot across fields).
     */
    public interface Buffers {
        Buffers NONE = new Buffers() {
        };

        /** Bytes read and not yet decoded into a request (qbuf). */
        default long queryBuffer() {
            return 0;
        }

        /** Room left in the query buffer before it must grow (qbuf-free). */
        default long queryBufferFree() {
            return 0;
        }

        /** Bytes of the arguments of a request not yet complete (argv-mem). */
        default long argvMemory() {
            return 0;
        }

        /** Bytes of the reply being assembled (obl). */
        default long replyBuffer() {
            return 0;
        }

        /** Capacity of the buffer replies are assembled in (rbs). */
        default long replyBufferSize() {
            return 0;
        }

        /** Replies handed over but not yet sent: chunks waiting for durability plus the socket's queue (oll). */
        default long replyListLength() {
            return 0;
        }

        /** Bytes of those replies (omem). */
        default long replyListBytes() {
            return 0;
        }
    }

    /** Runs one queued command as the connection would, its reply or error going to the reply buffer: for EXEC. */
    @FunctionalInterface
    public interface Runner {
        void run(byte[][] args);
    }

    /** A reply that waits for work done off the event loop: see {@link #replyWhen}. */
    public record Deferred(CompletableFuture<?> work, Runnable reply) {
    }

    public Client(long id, ServerContext server, Channel channel, Reply reply, boolean authenticated, Subscriber subscriber) {
        this.id = id;
        this.subscriber = subscriber;
        this.server = server;
        this.channel = channel;
        this.reply = reply;
        this.writer = server.store().writer();
        this.authenticated = authenticated;
        this.keyspace = server.db(0);
    }

    public long id() {
        return id;
    }

    public ServerContext server() {
        return server;
    }

    public Channel channel() {
        return channel;
    }

    public Reply reply() {
        return reply;
    }

    public Writer writer() {
        return writer;
    }

    /** The selected database number, -1 if a named keyspace is selected. */
    public int db() {
        return db;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public void select(int db, Keyspace ks) {
        this.db = db;
        this.keyspace = ks;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean v) {
        authenticated = v;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void libName(String v) {
        libName = v;
    }

    public String libVersion() {
        return libVersion;
    }

    public void libVersion(String v) {
        libVersion = v;
    }

    public int protocol() {
        return reply.protocol();
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    public String lastCommand() {
        return lastCommand;
    }

    /** Any request arrived (even one refused): the client is not idle. */
    public void interacted() {
        lastInteraction = System.currentTimeMillis();
    }

    /** The command being run, for CLIENT LIST's cmd field. */
    public void lastCommand(String command) {
        lastCommand = command;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void noEvict(boolean v) {
        noEvict = v;
    }

    /** Ask that the connection close once this command's reply is sent (QUIT, CLIENT KILL of oneself). */
    /** Whether the connection sent READONLY (and no READWRITE or RESET since): CLIENT LIST's flag r. */
    public boolean readonly() {
        return readonly;
    }

    public void readonly(boolean v) {
        readonly = v;
    }

    public void closeAfterReply() {
        closeAfterReply = true;
    }

    public boolean shouldClose() {
        return closeAfterReply;
    }

    /**
     * Makes this command's reply wait for {@code work}, which runs off the event loop (SAVE). Until it completes the
     * connection runs none of its later requests, so replies keep request order and the event loop stays free for
     * other connections. Once it completes, {@code reply} runs on the event loop and writes the command's reply (or
     * throws {@link CommandException} for an error reply), then the requests held meanwhile run. A handler calls this
     * at most once, instead of writing a reply.
     */
    public void replyWhen(CompletableFuture<?> work, Runnable reply) {
        if (deferred != null) throw new IllegalStateException("one deferred reply per command");
        deferred = new Deferred(Objects.requireNonNull(work, "work"), Objects.requireNonNull(reply, "reply"));
    }

    /** The reply the command just run deferred, if it did; clears it. For the connection's handler. */
    public Deferred takeDeferred() {
        Deferred d = deferred;
        deferred = null;
        return d;
    }

    /** This connection's subscriptions and the messages on their way to it. */
    public Subscriber subscriber() {
        return subscriber;
    }

    /** Whether the connection is subscribed to anything: under RESP2 it then runs only pub/sub commands, PING, QUIT, RESET. */
    public boolean subscribed() {
        return subscriber.subscriptions() > 0;
    }

    /**
     * Publishes {@code message} on {@code channel} once this command's reply is sent, that is once its writes are
     * durable: keyspace events ({@link io.cairn.server.pubsub.PubSub#notify}) go through here. If the writes cannot be
     * made durable the messages are dropped with the replies.
     */
    public void holdMessage(byte[] channel, byte[] message) {
        if (held == null) held = new ArrayList<>(4);
        held.add(channel);
        held.add(message);
    }

    /** The channel, message pairs held since the last call, or null; clears them. For the connection's handler. */
    public List<byte[]> takeHeldMessages() {
        List<byte[]> h = held;
        held = null;
        return h;
    }

    // ------------------------------------------------------------------ MULTI and WATCH

    /** Whether MULTI was called and neither EXEC nor DISCARD since. */
    public boolean inMulti() {
        return queued != null;
    }

    void beginMulti() {
        queued = new java.util.ArrayList<>();
        multiFlagged = false;
        queuedCount = 0;
        queuedMemory = 0;
    }

    /** Queues a command of the open transaction. */
    public void queue(byte[][] args) {
        queued.add(args);
        long n = 16 + 8L * args.length; // the vector and its slots, as Redis charges argv
        for (byte[] a : args) n += a.length;
        queuedMemory += n;
        queuedCount = queued.size();
    }

    /** The commands queued since MULTI, in order (empty outside a transaction): for the cluster routing at EXEC. */
    public java.util.List<byte[][]> queuedCommands() {
        return queued == null ? java.util.List.of() : java.util.Collections.unmodifiableList(queued);
    }

    /** A command was refused while queueing: the transaction will be discarded at EXEC (Redis's flagTransaction). */
    public void flagMulti() {
        if (queued != null) multiFlagged = true;
    }

    boolean multiFlagged() {
        return multiFlagged;
    }

    /** Ends the transaction; returns what it queued. */
    java.util.List<byte[][]> endMulti() {
        java.util.List<byte[][]> q = queued;
        queued = null;
        multiFlagged = false;
        queuedCount = -1;
        queuedMemory = 0;
        return q;
    }

    /** Ends any transaction and forgets every watched key: DISCARD, RESET, disconnect. */
    public void resetTransaction() {
        endMulti();
        server.watches().unwatch(this);
    }

    java.util.Collection<Watches.Key> watchedKeys() {
        return watched.keySet();
    }

    java.util.Map<Watches.Key, Boolean> watched() {
        return watched;
    }

    void clearWatch() {
        watched.clear();
        watchTouched = false;
    }

    void watchTouched() {
        watchTouched = true;
    }

    boolean isWatchTouched() {
        return watchTouched;
    }

    /** Set by the connection's handler: how EXEC runs each queued command. */
    public void runner(Runner r) {
        runner = r;
    }

    Runner runner() {
        return runner;
    }

    // ------------------------------------------------------------------ MONITOR and buffers

    /** Set by the connection's handler: how MONITOR lines reach it, and what closes it if it falls behind. */
    public void monitorCallbacks(Runnable deliver, Runnable overflow) {
        monitorDeliver = deliver;
        monitorOverflow = overflow;
    }

    /** MONITOR: from now on this connection receives every command other clients run. */
    void startMonitor() {
        if (monitorFeed == null) monitorFeed = new MonitorFeed(channel.eventLoop(), monitorDeliver, monitorOverflow);
        Observability.of(server).addMonitor(this);
    }

    /** Leaves monitor mode (RESET, or the connection closed). */
    public void stopMonitor() {
        Observability.of(server).removeMonitor(this);
        MonitorFeed f = monitorFeed;
        if (f != null) f.discardQueued();
        monitorFeed = null;
    }

    public boolean monitoring() {
        return monitorFeed != null;
    }

    /** The lines on their way to this monitor; null unless {@link #monitoring()}. */
    public MonitorFeed monitorFeed() {
        return monitorFeed;
    }

    public void buffers(Buffers b) {
        buffers = b;
    }

    public Buffers buffers() {
        return buffers;
    }

    /** Bytes of the commands queued since MULTI (CLIENT LIST's multi-mem). */
    long multiMemory() {
        return queuedMemory;
    }

    /** Commands queued since MULTI (CLIENT LIST's multi), -1 outside a transaction. */
    int multiCount() {
        return queuedCount;
    }

    /** Whether a deferred reply is being waited for (CLIENT LIST's flag b; the idle timeout spares such a client). */
    public boolean blocked() {
        return blocked;
    }

    public void blocked(boolean v) {
        blocked = v;
    }

    /**
     * Whether blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...) must not block: they then answer at once as if their
     * timeout had passed, as Redis's do inside MULTI/EXEC. Set by EXEC while it runs the queued commands.
     */
    public boolean denyBlocking() {
        return denyBlocking;
    }

    public void denyBlocking(boolean v) {
        denyBlocking = v;
    }

    /**
     * Runs no request after this one; the connection stays open, its replies so far go out, and it closes when the
     * server does (SHUTDOWN).
     */
    public void endRequests() {
        requestsEnded = true;
    }

    public boolean requestsEnded() {
        return requestsEnded;
    }

    public boolean killed() {
        return killed;
    }

    /** Closes the connection from any thread (CLIENT KILL, maxclients, idle timeout). */
    public void kill() {
        killed = true;
        channel.eventLoop().execute(() -> channel.close());
    }

    public String address() {
        return format(channel.remoteAddress());
    }

    public String localAddress() {
        return format(channel.localAddress());
    }

    static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() == null ? i.getHostString() : i.getAddress().getHostAddress();
            // as Redis formats addresses: an IPv6 host in brackets, so the port stays unambiguous
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
