package io.cairn.server;

import io.cairn.CairnException;
import io.cairn.server.cluster.ClusterRouting;
import io.cairn.server.command.Blocking;
import io.cairn.server.command.Client;
import io.cairn.server.command.Command;
import io.cairn.server.command.CommandException;
import io.cairn.server.command.Errors;
import io.cairn.server.command.Observability;
import io.cairn.server.pubsub.Subscriber;
import io.cairn.server.command.TransactionCommands;
import io.cairn.server.command.Watches;
import io.cairn.server.resp.Reply;
import io.cairn.server.resp.RespProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * Runs one connection's commands on its event loop and sends the replies in request order, each only once the writes
 * before it are durable under the fsync policy.
 *
 * <p>Replies are appended to one buffer while a read's requests are processed; at the end of the read the buffer is a
 * chunk, stamped with the log sequence of the connection's last write. A chunk whose writes are already durable (always,
 * under {@code everysec} and {@code no}) goes out at once; otherwise it waits in a queue and one callback from the log,
 * run back on this event loop, releases every chunk it covers. The event loop never waits for a disk, and a pipeline of
 * writes costs one callback, not one per command.
 *
 * <p>Back-pressure: when the socket cannot take more, reading stops until it can, and requests already decoded wait
 * unexecuted, so a client that pipelines without reading holds a bounded amount of memory: the replies of one read are
 * sent as they grow past {@link #FLUSH_AT} rather than all at its end. Replies count against
 * {@code client-output-buffer-limit} before they are handed to the socket, as Redis counts its reply list, so a single
 * reply past the hard limit closes the client without being sent.
 *
 * <p>A command whose work must not run on the event loop (SAVE) defers its reply ({@link Client#replyWhen}): the
 * connection is then blocked, as Redis blocks a client, and requests that arrive meanwhile are held unexecuted (reading
 * stops) until the work is done and its reply written; then they run. So a pipelined command after such a command runs,
 * and is answered, after it. A protocol error that arrives while requests are held is answered after them.
 *
 * <p>Pub/sub messages published to this connection (by any event loop) are written here, on this event loop, after the
 * replies so far and in the same chunk order; while the connection is subscribed to anything its limit is the
 * {@code pubsub} class of {@code client-output-buffer-limit}. Keyspace events a command publishes are held with its
 * reply and published when the reply is sent, that is once the write they describe is durable.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements Client.Buffers {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.server");

    /** Replies that wait for the writes up to {@code seq}; {@code messages}: keyspace events published once sent. */
    private record Chunk(ByteBuf bytes, long seq, List<byte[]> messages, java.util.concurrent.CompletableFuture<Void> gate) {
        Chunk(ByteBuf bytes, long seq, List<byte[]> messages) {
            this(bytes, seq, messages, null);
        }

        /** Whether a read barrier (cluster mode) still holds this chunk back. */
        boolean gated() {
            return gate != null && !gate.isDone();
        }
    }

    /** Cluster mode: a read ran on the leader since the last chunk ended; its reply waits for a read barrier. */
    private boolean readSinceChunk;
    /** The highest sequence the log has reported durable to this connection. */
    private long durableSeen;

    /** Replies buffered past this many bytes are sent (or queued for durability) before the next request runs. */
    static final int FLUSH_AT = 64 << 10;

    private final CairnServer server;
    private final Observability observability;
    private ChannelHandlerContext ctx;
    private Client client;
    private Reply reply;
    private final ArrayDeque<Chunk> waiting = new ArrayDeque<>();
    private long requestedSeq;
    private boolean durabilityRequested;
    private boolean closing;
    private long softLimitSince;
    /** Bytes of replies waiting for durability, counted against the output limit (volatile: CLIENT LIST reads it). */
    private volatile long waitingBytes;
    /** Requests decoded while the socket could take no more replies, or while blocked: run once it can / once unblocked. */
    private final ArrayDeque<byte[][]> paused = new ArrayDeque<>();
    /** A command's deferred reply is being waited for: later requests wait in {@link #paused}. */
    private boolean blocked;
    /** A protocol error that arrived behind held requests: answered once they have run. */
    private RespProtocolException heldProtocolError;

    ConnectionHandler(CairnServer server) {
        this.server = server;
        this.observability = Observability.of(server);
    }

    Client client() {
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        reply = new Reply(ctx.alloc().buffer(256));
        if (!server.ready()) {
            // the store is loading: no client yet (it needs the store); requests are answered by whileLoading
            if (refusedByProtectedMode(server.config().getBool("protected-mode"),
                    !server.config().get("requirepass").isEmpty(), ctx.channel().remoteAddress())) {
                server.stats().rejectedConnections.increment();
                reject(PROTECTED_MODE);
                return;
            }
            ctx.fireChannelActive();
            return;
        }
        if (register()) ctx.fireChannelActive();
    }

    /** Makes this connection's client once the store is open; false if it was refused (and is being closed). */
    private boolean register() {
        boolean needsAuth = !server.config().get("requirepass").isEmpty();
        Subscriber subscriber = new Subscriber(ctx.executor(), this::deliverMessages, this::subscriberOverflowed);
        client = new Client(server.nextClientId(), server, ctx.channel(), reply, !needsAuth, subscriber);
        client.runner(args -> execute(args, true));
        client.monitorCallbacks(this::deliverMonitorLines, this::monitorOverflowed);
        client.buffers(this);
        server.stats().connectionsReceived.increment();
        if (refusedByProtectedMode(server.config().getBool("protected-mode"), needsAuth, ctx.channel().remoteAddress())) {
            server.stats().rejectedConnections.increment();
            reject(PROTECTED_MODE);
            return false;
        }
        // count and register in one step: event loops accepting at once must not both take the last place
        if (!server.tryRegister(client, server.config().getInt("maxclients"))) {
            server.stats().rejectedConnections.increment();
            reject("ERR max number of clients reached");
            return false;
        }
        return true;
    }

    /**
     * A request while the store loads, answered as Redis answers it then: INFO reports the progress, anything else
     * gets {@code -LOADING} (Cairn cannot run even the commands Redis flags {@code loading} before its store is open).
     * With a password set, NOAUTH comes first, as in Redis.
     */
    private void whileLoading(byte[][] args) {
        String name = new String(args[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (!server.config().get("requirepass").isEmpty()) {
            reply.error(Errors.NOAUTH);
            server.stats().errorReplies.increment();
        } else if (name.equals("info")) {
            reply.bulk(LoadingInfo.render(server, args));
        } else {
            reply.error(LOADING);
            server.stats().errorReplies.increment();
        }
        ByteBuf b = reply.buffer();
        reply.buffer(ctx.alloc().buffer(256));
        server.stats().netOutputBytes.add(b.readableBytes());
        ctx.writeAndFlush(b, ctx.voidPromise());
    }

    static final String LOADING = "LOADING Redis is loading the dataset in memory";

    /** Answers {@code error} at once, ahead of anything queued, and closes the connection. */
    private void reject(String error) {
        reply.error(error);
        ByteBuf b = reply.buffer();
        reply.buffer(ctx.alloc().buffer(0));
        closing = true;
        ctx.writeAndFlush(b).addListener(f -> ctx.close());
    }

    /** Protected mode: with no password set, only loopback (and local, non-IP) clients are accepted. */
    static boolean refusedByProtectedMode(boolean protectedMode, boolean passwordSet, java.net.SocketAddress remote) {
        return protectedMode && !passwordSet && !isLoopback(remote);
    }

    static boolean isLoopback(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) return i.getAddress() != null && i.getAddress().isLoopbackAddress();
        return true; // unix sockets and in-process channels are local
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client == null) { // closed before the store was ready
            reply.buffer().release();
            ctx.fireChannelInactive();
            return;
        }
        server.unregister(client);
        client.stopMonitor();
        server.pubsub().unsubscribeAll(client.subscriber());
        client.subscriber().discardQueued();
        publishWhenDurable();
        client.resetTransaction();
        Blocking.closed(client);
        reply.buffer().release();
        for (Chunk c : waiting) c.bytes().release();
        waiting.clear();
        waitingBytes = 0;
        paused.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) return;
        byte[][] args = (byte[][]) msg;
        if (client == null) {
            if (!server.ready()) {
                whileLoading(args);
                return;
            }
            if (!register()) return; // connected while loading: the client is made with its first request after
        }
        if (blocked || !paused.isEmpty() || !ctx.channel().isWritable()) {
            // blocked, or the client is not reading its replies: hold the request, read no more until it can run
            paused.add(args);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        run(args);
    }

    private void run(byte[][] args) {
        execute(args, false);
        afterCommand();
    }

    /** After a command's reply is written: close if asked, stop if it ended the requests, flush a large buffer. */
    private void afterCommand() {
        if (blocked) return; // its reply comes later; flushChunk ran when it blocked
        if (client.requestsEnded() && !closing) {
            closing = true;
            paused.clear();
            flushChunk();
        }
        if (client.shouldClose()) {
            closing = true;
            flushChunk();
            whenFlushed(() -> ctx.close());
        } else if (reply.buffer().readableBytes() >= FLUSH_AT) {
            flushChunk();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        server.stats().readsProcessed.increment();
        if (client == null) { // still loading, or refused: every reply was written as it came
            ctx.fireChannelReadComplete();
            return;
        }
        client.interacted(); // once a read, not once a command: any request counts against idleness
        flushChunk();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // stop reading requests while the client is not reading replies
        if (ctx.channel().isWritable()) {
            runHeld();
        } else {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Runs the requests held while blocked or while the socket was full, as far as possible; reads again after. */
    private void runHeld() {
        while (!paused.isEmpty() && !closing && !blocked && ctx.channel().isWritable()) run(paused.poll());
        if (blocked || closing) return;
        flushChunk();
        if (!paused.isEmpty()) return; // the socket is full again: channelWritabilityChanged resumes
        if (heldProtocolError != null) {
            RespProtocolException p = heldProtocolError;
            heldProtocolError = null;
            protocolError(p);
            return;
        }
        if (!server.isClosed()) ctx.channel().config().setAutoRead(true);
    }

    // ------------------------------------------------------------------ dispatch

    /**
     * Runs one request; {@code inExec} for a command EXEC runs from its queue, which is neither queued again nor may
     * defer its reply (EXEC's reply is one array written now).
     */
    private void execute(byte[][] args, boolean inExec) {
        Command cmd = server.commands().lookup(args[0]);
        String display = null;
        boolean ran = false;
        int mark = reply.buffer().writerIndex(); // an error replaces whatever a failing handler had begun to write
        long t0 = 0;
        try {
            if (cmd == null) {
                throw Errors.error(unknownCommand(args));
            }
            if (cmd.handler() == null) { // a container: CONFIG, CLIENT, ...
                if (args.length < 2) throw Errors.arity(cmd.name());
                Command sub = cmd.subcommands().get(new String(args[1], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
                if (sub == null) {
                    throw Errors.unknownSubcommand(new String(args[1], StandardCharsets.UTF_8), cmd.name());
                }
                cmd = sub;
            }
            display = cmd.name();
            if (!cmd.arityOk(args.length)) throw Errors.arity(cmd.name());
            if (!client.authenticated() && !cmd.has("no-auth")) throw Errors.error(Errors.NOAUTH);
            if (!inExec && server.cluster() != null) ClusterRouting.check(server.cluster(), client, cmd, args);
            if (cmd.has("denyoom") && server.overMaxMemory(client)) throw Errors.error(Errors.OOM);
            if (client.subscribed() && client.protocol() == 2 && !allowedWhileSubscribed(cmd)) {
                throw Errors.error("ERR Can't execute '" + cmd.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                        + "/ RESET are allowed in this context");
            }
            if (!inExec && client.inMulti() && !TransactionCommands.runsInMulti(cmd)) {
                if (cmd.has("no-multi")) throw Errors.error("ERR Command not allowed inside a transaction");
                client.queue(args);
                reply.queued();
                return;
            }
            client.lastCommand(display);
            if (server.clusterNode() != null && !readSinceChunk && !cmd.isWrite() && cmd.has("readonly")
                    && server.clusterNode().isLeader()) { // (a standalone server pays one field read here)
                readSinceChunk = true; // linearizable: answered once the leadership is confirmed (flushChunk)
            }
            t0 = System.nanoTime();
            ran = true;
            if (cmd.isWrite()) {
                Watches watches = server.watches();
                long gate = watches.beforeWrite(client, cmd, args);
                try {
                    cmd.handler().execute(client, args);
                } finally {
                    watches.afterWrite(gate);
                }
            } else {
                cmd.handler().execute(client, args);
            }
            Client.Deferred later = client.takeDeferred();
            if (later != null) {
                if (inExec) throw Errors.error("ERR Command not allowed inside a transaction");
                block(cmd, args, System.nanoTime() - t0, later);
                return;
            }
            finished(cmd, args, System.nanoTime() - t0);
            Blocking.afterCommand(client, cmd, args);
        } catch (RuntimeException e) {
            if (!ran && !inExec) client.flagMulti(); // refused while queueing: EXEC will answer EXECABORT
            long took = ran ? System.nanoTime() - t0 : 0;
            failed(cmd, display, ran, mark, e);
            if (ran) finished(cmd, args, took);
            else if (cmd != null && cmd.handler() != null) cmd.stats().rejected();
        }
    }

    /**
     * A command ran for {@code nanos} of execution (its reply or error written): commandstats, the latency histogram,
     * the slow log, the latency monitor and MONITOR clients.
     */
    private void finished(Command cmd, byte[][] args, long nanos) {
        cmd.stats().record(nanos);
        server.stats().commandsProcessed.increment();
        observability.ran(client, cmd, args, nanos);
    }

    /** Writes the error reply for {@code e} in place of whatever the failing command had begun to write. */
    private void failed(Command cmd, String display, boolean ran, int mark, RuntimeException e) {
        client.takeDeferred(); // a handler that deferred and then failed: its error is the reply
        failed(cmd, ran, mark);
        String error;
        if (e instanceof CommandException) {
            error = e.getMessage();
        } else if (e instanceof CairnException c) {
            error = StoreErrors.text(c);
            if (c.code() == CairnException.Code.READ_ONLY || c.code() == CairnException.Code.IO_ERROR) {
                LOG.warn("{} failed: {}", display, c.getMessage());
            }
        } else {
            LOG.error("command {} failed", display, e);
            error = "ERR internal error running '" + display + "': " + e;
            server.stats().unexpectedErrorReplies.increment();
        }
        reply.error(error);
        observability.error(error);
    }

    /**
     * {@code cmd} deferred its reply after {@code ranNanos} of execution: send what came before it, hold later
     * requests until {@code later} is done. As in Redis, the wait itself is not the command's time: its statistics
     * count the execution before and the reply after.
     */
    private void block(Command cmd, byte[][] args, long ranNanos, Client.Deferred later) {
        blocked = true;
        client.blocked(true);
        flushChunk();
        later.work().whenComplete((v, e) -> ctx.executor().execute(() -> unblock(cmd, args, ranNanos, later.reply())));
    }

    /** The deferred work is done: write its reply, then run the requests held meanwhile. */
    private void unblock(Command cmd, byte[][] args, long ranNanos, Runnable replyWriter) {
        blocked = false;
        client.blocked(false);
        client.interacted(); // the wait does not count as idleness
        if (closing || !ctx.channel().isActive()) return;
        int mark = reply.buffer().writerIndex();
        long t0 = System.nanoTime();
        try {
            replyWriter.run();
        } catch (RuntimeException e) {
            failed(cmd, cmd.name(), true, mark, e);
        }
        finished(cmd, args, ranNanos + System.nanoTime() - t0);
        afterCommand();
        if (!closing) runHeld();
    }

    /** An error reply replaces what the command wrote; {@code ran}: it ran (Redis's failed_calls), else it was refused. */
    private void failed(Command cmd, boolean ran, int mark) {
        server.stats().errorReplies.increment();
        if (ran) cmd.stats().failed();
        reply.buffer().writerIndex(mark);
    }

    /** What a RESP2 connection in subscribed mode may run, as in Redis. */
    static boolean allowedWhileSubscribed(Command cmd) {
        return switch (cmd.name()) {
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset" -> true;
            default -> false;
        };
    }

    static String unknownCommand(byte[][] args) {
        StringBuilder sb = new StringBuilder("ERR unknown command '")
                .append(abbreviate(new String(args[0], StandardCharsets.UTF_8))).append("', with args beginning with: ");
        for (int i = 1; i < args.length && sb.length() < 256; i++) {
            sb.append('\'').append(abbreviate(new String(args[i], StandardCharsets.UTF_8))).append("' ");
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    // ------------------------------------------------------------------ replies in order, after durability

    /** Ends the current chunk of replies: sends it now if its writes are durable, else queues it. */
    private void flushChunk() {
        ByteBuf out = reply.buffer();
        List<byte[]> messages = client.takeHeldMessages();
        if (!out.isReadable()) {
            if (messages != null) { // events without a reply: none of today's commands, but keep their order anyway
                if (waiting.isEmpty()) publish(messages);
                else waiting.add(new Chunk(ctx.alloc().buffer(0), client.writer().lastSequence(), messages));
            }
            return;
        }
        reply.buffer(ctx.alloc().buffer(256));
        long seq = client.writer().lastSequence();
        java.util.concurrent.CompletableFuture<Void> gate = null;
        if (readSinceChunk) {
            // a read on the leader may have seen writes not yet committed, and this node may have been deposed without
            // knowing: the replies wait until the leadership is confirmed and everything they could have seen committed
            readSinceChunk = false;
            io.cairn.cluster.ClusterNode node = server.clusterNode();
            gate = node.readBarrier(node.store().replica().lastSequence());
            gate.whenComplete((v, err) -> ctx.executor().execute(() -> gateOpened(err)));
        }
        if (gate == null && waiting.isEmpty() && client.writer().isDurable(seq)) {
            publish(messages);
            send(out);
            return;
        }
        waiting.add(new Chunk(out, seq, messages, gate));
        waitingBytes += out.readableBytes();
        if (overOutputLimit(0)) return;
        if (seq > requestedSeq) {
            requestedSeq = seq;
            if (!durabilityRequested) {
                // ask the log once this event-loop turn has run every ready connection's requests, so that one fsync
                // covers all of them: asking at once started an fsync for the first connection's writes alone
                // (7 writes per fsync at pipeline 1 with 50 clients, 19 when deferred: docs/benchmarks.md)
                durabilityRequested = true;
                ctx.executor().execute(this::requestDurability);
            }
        }
    }

    private void requestDurability() {
        durabilityRequested = false;
        long seq = requestedSeq;
        client.writer().whenDurable(seq).whenComplete((v, err) -> ctx.executor().execute(() -> released(seq, err)));
    }

    /** A read barrier completed: send what it held, or refuse the reads it could not confirm. */
    private void gateOpened(Throwable err) {
        if (!ctx.channel().isActive()) return;
        if (err != null) {
            failWaiting(err, "TRYAGAIN ");
            return;
        }
        released(durableSeen, null);
    }

    /**
     * Drops every reply waiting and closes the connection with an error: the writes they acknowledge could not be made
     * durable, or (cluster mode, NOT_LEADER: TRYAGAIN) the leadership moved before they were committed or the reads
     * confirmed. {@code otherwise} prefixes the cause's message for any other failure.
     */
    private void failWaiting(Throwable err, String otherwise) {
        for (Chunk c : waiting) c.bytes().release();
        waiting.clear();
        waitingBytes = 0;
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        boolean notLeader = cause instanceof io.cairn.CairnException ce && ce.code() == io.cairn.CairnException.Code.NOT_LEADER;
        reject((notLeader ? "TRYAGAIN " : otherwise) + cause.getMessage());
    }

    private void released(long seq, Throwable err) {
        if (!ctx.channel().isActive()) return;
        if (seq > durableSeen) durableSeen = seq;
        if (err != null) {
            // the log could not make these writes durable (or the group commit them): they must not be acknowledged
            failWaiting(err, "IOERR write could not be made durable: ");
            return;
        }
        while (true) {
            Chunk c = waiting.peek();
            if (c == null || (c.seq() > seq && !client.writer().isDurable(c.seq())) || c.gated()) break;
            waiting.poll();
            waitingBytes -= c.bytes().readableBytes();
            publish(c.messages());
            if (!send(c.bytes())) break;
        }
    }

    /**
     * The connection closed with keyspace events still held (their replies waiting for durability, or not yet ended):
     * the writes happened all the same, so their events are published once durable, in order, without the replies.
     */
    private void publishWhenDurable() {
        List<byte[]> messages = new java.util.ArrayList<>();
        for (Chunk c : waiting) if (c.messages() != null) messages.addAll(c.messages());
        List<byte[]> held = client.takeHeldMessages();
        if (held != null) messages.addAll(held);
        if (messages.isEmpty()) return;
        client.writer().whenDurable(client.writer().lastSequence()).whenComplete((v, err) -> {
            if (err == null) publish(messages);
        });
    }

    /** Publishes the keyspace events a chunk of replies carried, now that their writes are durable. */
    private void publish(List<byte[]> messages) {
        if (messages == null) return;
        for (int i = 0; i < messages.size(); i += 2) server.pubsub().publish(messages.get(i), messages.get(i + 1));
    }

    // ------------------------------------------------------------------ pub/sub messages to this connection

    /** On the event loop: messages published to this connection are waiting; write them after the replies so far. */
    private void deliverMessages() {
        if (closing || client.killed() || !ctx.channel().isActive()) { // killed: a publisher found it over its limit
            client.subscriber().discardQueued();
            return;
        }
        if (client.subscriber().writeQueued(reply) > 0) flushChunk();
    }

    /** On the event loop: MONITOR lines are waiting; write them after the replies so far. */
    private void deliverMonitorLines() {
        if (closing || client.killed() || !ctx.channel().isActive() || !client.monitoring()) return;
        if (client.monitorFeed().writeQueued(reply) > 0) flushChunk();
    }

    /** A MONITOR client's lines fell too far behind: from any thread. */
    private void monitorOverflowed() {
        LOG.warn("client id={} addr={} closed for overcoming of output buffer limits (MONITOR lines queued)",
                client.id(), client.address());
        client.kill();
    }

    // ------------------------------------------------------------------ CLIENT LIST's view of the buffers (any thread)

    @Override
    public long queryBuffer() {
        return decoder() == null ? 0 : decoder().queryBufferBytes();
    }

    @Override
    public long queryBufferFree() {
        return decoder() == null ? 0 : decoder().queryBufferFree();
    }

    @Override
    public long argvMemory() {
        return decoder() == null ? 0 : decoder().argumentBytes();
    }

    @Override
    public long replyBuffer() {
        return reply.buffer().readableBytes();
    }

    @Override
    public long replyBufferSize() {
        return reply.buffer().capacity();
    }

    @Override
    public long replyListLength() {
        ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
        return waiting.size() + (ob == null ? 0 : ob.size());
    }

    @Override
    public long replyListBytes() {
        ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
        return waitingBytes + (ob == null ? 0 : ob.totalPendingWriteBytes());
    }

    private io.cairn.server.resp.RespDecoder decoder() {
        return ctx == null ? null : (io.cairn.server.resp.RespDecoder) ctx.pipeline().get("resp");
    }

    /** A publisher found this connection's queue of messages past the pubsub output limit: from any thread. */
    private void subscriberOverflowed() {
        LOG.warn("client id={} addr={} closed for overcoming of output buffer limits (pubsub messages queued)",
                client.id(), client.address());
        client.kill();
    }

    /** Hands {@code b} to the socket unless that takes the client past its output limit; false if it was closed. */
    private boolean send(ByteBuf b) {
        if (!ctx.channel().isActive()) {
            b.release();
            return false;
        }
        if (overOutputLimit(b.readableBytes())) {
            b.release();
            return false;
        }
        server.stats().netOutputBytes.add(b.readableBytes());
        server.stats().writesProcessed.increment();
        ctx.writeAndFlush(b, ctx.voidPromise());
        return true;
    }

    /** Runs {@code action} once every queued reply has been handed to the socket. */
    private void whenFlushed(Runnable action) {
        if (waiting.isEmpty()) {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(f -> action.run());
            return;
        }
        long seq = waiting.peekLast().seq();
        client.writer().whenDurable(seq).whenComplete((v, e) -> ctx.executor().execute(() -> {
            released(seq, e);
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(f -> action.run());
        }));
    }

    /**
     * Whether the replies this client holds, unsent ones plus {@code adding} more, are past its output limit; if so
     * the client is closed (Redis: "closed for overcoming of output buffer limits").
     */
    private boolean overOutputLimit(long adding) {
        ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
        long pending = (ob == null ? 0 : ob.totalPendingWriteBytes()) + waitingBytes + adding;
        OutputLimit limit = client.subscribed() ? server.pubsubOutputLimit() : server.outputLimit();
        boolean over = limit.hard() > 0 && pending > limit.hard();
        if (!over && limit.soft() > 0 && pending > limit.soft()) {
            long now = System.currentTimeMillis();
            if (softLimitSince == 0) softLimitSince = now;
            over = now - softLimitSince >= limit.softSeconds() * 1000L;
        } else if (!over) {
            softLimitSince = 0;
        }
        if (over) {
            LOG.warn("client id={} addr={} closed for overcoming of output buffer limits ({} bytes pending)",
                    client.id(), client.address(), pending);
            closing = true;
            paused.clear();
            ctx.close();
        }
        return over;
    }

    // ------------------------------------------------------------------ errors

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (client == null) {
            ctx.close();
            return;
        }
        if (c instanceof RespProtocolException p) {
            server.stats().protocolErrors.increment();
            LOG.info("Protocol error ({}) from client: id={} addr={}", p.getMessage(), client.id(), client.address());
            if (closing || heldProtocolError != null) return;
            if (blocked || !paused.isEmpty()) {
                heldProtocolError = p; // the requests before it are answered first (the decoder reads nothing more)
                return;
            }
            protocolError(p);
        } else if (c instanceof IOException || c instanceof DecoderException) {
            // a reset connection, or a TLS failure (plain text on the TLS port, a failed handshake): the client's doing
            LOG.debug("connection {} closed: {}", client.address(), c.toString());
            ctx.close();
        } else {
            LOG.error("unexpected error on connection {}", client.address(), c);
            ctx.close();
        }
    }

    /** Answers a protocol error after every reply before it, then closes, as Redis does. */
    private void protocolError(RespProtocolException p) {
        closing = true;
        flushChunk();
        reply.error("ERR Protocol error: " + p.getMessage());
        ByteBuf b = reply.buffer();
        reply.buffer(ctx.alloc().buffer(0));
        waiting.add(new Chunk(b, client.writer().lastSequence(), null));
        waitingBytes += b.readableBytes();
        whenFlushed(() -> ctx.close());
    }

    static final String PROTECTED_MODE = "DENIED Cairn is running in protected mode because protected mode is enabled and no password "
            + "is set for the default user. In this mode connections are only accepted from the loopback interface. If you "
            + "want to connect from external computers to Cairn you may adopt one of the following solutions: 1) Just disable "
            + "protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to "
            + "Cairn from the same host the server is running, however MAKE SURE Cairn is not publicly accessible from internet "
            + "if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the "
            + "protected mode by editing the Cairn configuration file, and setting the protected mode option to 'no', and then "
            + "restarting the server. 3) If you started the server manually just for testing, restart it with the "
            + "'--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to "
            + "do one of the above things in order for the server to start accepting connections from the outside.";
}
