package io.cairn.server;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.EvictionPolicy;
import io.cairn.FsyncPolicy;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.LoadProgress;
import io.cairn.server.command.Client;
import io.cairn.server.command.Observability;
import io.cairn.server.command.CommandTable;
import io.cairn.server.command.Saves;
import io.cairn.server.command.ServerContext;
import io.cairn.server.command.ServerStats;
import io.cairn.server.config.ServerConfig;
import io.cairn.server.pubsub.PubSub;
import io.cairn.server.resp.RespDecoder;
import io.cairn.server.resp.RespLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Cairn server: the store, opened from {@code dir}, served over the Redis protocol on Netty. Commands run on the
 * event-loop threads (no hand-off); a write's reply waits, without blocking its thread, until the write is durable.
 *
 * <p>{@link #start} binds every address and port or fails with {@link IOException} saying which could not be bound;
 * {@link #close} is the graceful shutdown SIGTERM and SHUTDOWN use.
 */
public final class CairnServer implements ServerContext, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.server");

    private final ServerConfig config;
    private final CommandTable commands = CommandTable.standard();
    private final ServerStats stats = new ServerStats();
    private final io.cairn.server.command.Watches watches = new io.cairn.server.command.Watches();
    private final ConcurrentHashMap<Long, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong clientIds = new AtomicLong();
    private final String runId;
    private final long startedAt = System.currentTimeMillis();
    private volatile Saves saves;
    private volatile OutputLimit outputLimit;
    private volatile OutputLimit pubsubOutputLimit;
    private final PubSub pubsub = new PubSub();
    private volatile RespLimits limits;
    private Cairn store;
    private Keyspace[] dbs;
    /** Cluster mode (cluster-nodes set): this server's node of the replicated group; null otherwise. */
    private volatile io.cairn.cluster.ClusterNode clusterNode;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private final List<Channel> listeners = new ArrayList<>();
    private ScheduledFuture<?> cron;
    private int port;
    private int tlsPort;
    private Metrics metrics;
    /** How far the store's open has got; INFO reads it while loading. */
    private final LoadProgress loading = new LoadProgress(p -> loadStep().accept(p));
    private volatile java.util.function.Consumer<LoadProgress> loadStep = p -> { };
    private volatile boolean closed;
    private volatile boolean ready;
    private final Object closeLock = new Object();
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);
    private Runnable onShutdown = () -> { };
    private boolean ephemeralPorts;
    private volatile io.cairn.server.cluster.ClusterView cluster;

    public CairnServer(ServerConfig config) {
        this.config = config;
        byte[] r = new byte[20];
        new SecureRandom().nextBytes(r);
        this.runId = HexFormat.of().formatHex(r);
    }

    /**
     * Makes this server a member of a replicated group, shown to clients as a one-shard Redis Cluster (CLUSTER
     * commands, MOVED redirections to the leader): call before {@link #start}.
     */
    public CairnServer cluster(io.cairn.server.cluster.ClusterView view) {
        cluster = view;
        return this;
    }

    @Override
    public io.cairn.server.cluster.ClusterView cluster() {
        return cluster;
    }

    /** For tests: listen on ports the OS picks (see {@link #port()} and {@link #tlsPort()}) instead of the configured ones. */
    CairnServer useEphemeralPorts() {
        ephemeralPorts = true;
        return this;
    }

    /** For tests: runs {@code step} on the loading thread at each step of the store's open (a hook to hold it). */
    CairnServer onLoadStep(java.util.function.Consumer<LoadProgress> step) {
        loadStep = step;
        return this;
    }

    private java.util.function.Consumer<LoadProgress> loadStep() {
        return loadStep;
    }

    /**
     * Listens, then opens the store: a port already taken fails before any data is touched. While the store loads,
     * clients are accepted and answered as Redis answers them then: {@code -LOADING} for every command but INFO, which
     * reports the progress.
     */
    public CairnServer start() throws IOException {
        applyLimits();
        config.onChange("client-output-buffer-limit", v -> applyLimits());
        config.onChange("proto-max-bulk-len", v -> applyLimits());
        config.onChange("client-query-buffer-limit", v -> applyLimits());
        config.onChange("cairn-max-inline-len", v -> applyLimits());
        config.onChange("cairn-max-multibulk-len", v -> applyLimits());
        pubsub.notifyKeyspaceEvents(config.get("notify-keyspace-events"));
        config.onChange("notify-keyspace-events", pubsub::notifyKeyspaceEvents);
        try {
            bind();
            startMetrics();
            Path dir = Path.of(config.get("dir"));
            CairnOptions options = CairnOptions.builder()
                    .fsyncPolicy(fsyncPolicy(config.get("appendfsync")))
                    // one write() per fsync instead of one per record (appendfsync always; see CairnOptions)
                    .gatherWrites(true)
                    .segmentSize(config.getLong("cairn-segment-size"))
                    .defaultIndexKind(IndexKind.valueOf(config.get("cairn-default-index").toUpperCase(java.util.Locale.ROOT)))
                    .checkpointInterval(Duration.ofSeconds(config.getLong("checkpoint-interval")))
                    .checkpointLogBytes(config.getLong("checkpoint-log-size"))
                    .snapshotsToKeep(config.getInt("snapshots-to-keep"))
                    .logRetention(Duration.ofSeconds(config.getLong("log-retention")))
                    .maxMemory(config.getLong("maxmemory"))
                    .maxKeys(config.getLong("maxkeys"))
                    .evictionPolicy(EvictionPolicy.ofConfigName(config.get("maxmemory-policy")))
                    .evictionSamples(config.getInt("maxmemory-samples"))
                    .lfuLogFactor(config.getInt("lfu-log-factor"))
                    .lfuDecayTime(Duration.ofMinutes(config.getLong("lfu-decay-time")))
                    .loadProgress(loading)
                    .build();
            for (Channel l : listeners) l.config().setAutoRead(true); // accept: early clients get -LOADING, not a wait
            long t0 = System.nanoTime();
            if (cluster == null && clustered()) { // (a test may have set a view of its own)
                clusterNode = io.cairn.cluster.ClusterNode.start(clusterOptions(dir, options));
                store = clusterNode.store();
                cluster = new io.cairn.server.cluster.RaftClusterView(clusterNode);
                config.set("cluster-enabled", "yes", true);
            } else {
                store = Cairn.open(dir, options);
            }
            store.onEviction(this::evicted);
            // CONFIG SET of a limit applies from the next write
            config.onChange("maxmemory", v -> store.limits().setMaxMemory(Long.parseLong(v)));
            config.onChange("maxkeys", v -> store.limits().setMaxKeys(Long.parseLong(v)));
            config.onChange("maxmemory-policy", v -> store.limits().setPolicy(EvictionPolicy.ofConfigName(v)));
            config.onChange("maxmemory-samples", v -> store.limits().setSamples(Integer.parseInt(v)));
            config.onChange("lfu-log-factor", v -> store.limits().setLfuLogFactor(Integer.parseInt(v)));
            config.onChange("lfu-decay-time", v -> store.limits().setLfuDecayTime(Duration.ofMinutes(Long.parseLong(v))));
            saves = clusterNode == null ? new Saves(store, startedAt)
                    : new Saves(store, startedAt, clusterNode::checkpoint, clusterNode::checkpointAsync);
            int n = config.getInt("databases");
            Keyspace[] d = new Keyspace[n];
            d[0] = store.defaultKeyspace();
            for (int i = 1; i < n; i++) d[i] = store.keyspace(dbName(i), store.options().defaultIndexKind());
            dbs = d;
            store.onExpiry(this::expired); // after dbs: the expiry thread reads them (the volatile write publishes)
            // "Recovery: snapshot S (N entries in T ms), then R records replayed from ...": what the start cost
            LOG.info("store opened in {} ({} keys, in {} ms). {}", dir.toAbsolutePath(), store.stats().keys(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), store.recoveryInfo());
            ready = true;
            int loops = config.getInt("io-threads");
            LOG.info("Cairn {} ready to accept connections on {} port {}{} ({}, {} event loop{}, appendfsync {})",
                    Version.VERSION, config.get("bind"), port, tlsPort > 0 ? ", tls-port " + tlsPort : "",
                    Epoll.isAvailable() ? "epoll" : "nio", loops, loops == 1 ? "" : "s", config.get("appendfsync"));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** /metrics, when metrics-port is set: up before the store opens, so a long load can be watched. */
    private void startMetrics() throws IOException {
        int p = config.getInt("metrics-port");
        if (p == 0) return;
        metrics = new Metrics(this).start(config.get("metrics-bind"), ephemeralPorts ? 0 : p);
        LOG.info("Prometheus metrics on http://{}:{}/metrics", config.get("metrics-bind"), metrics.port());
    }

    /** The port /metrics listens on (the actual one with ephemeral ports), 0 if off. */
    int metricsPort() {
        return metrics == null ? 0 : metrics.port();
    }

    /** The store's load, for INFO while it runs. */
    LoadProgress loading() {
        return loading;
    }

    /** Whether the store is open and commands can run. */
    boolean ready() {
        return ready;
    }

    /** The keyspace name of numbered database {@code i} (i >= 1). */
    public static String dbName(int i) {
        return "db" + i;
    }

    static FsyncPolicy fsyncPolicy(String appendfsync) {
        return switch (appendfsync) {
            case "always" -> FsyncPolicy.ALWAYS;
            case "everysec" -> FsyncPolicy.interval(java.time.Duration.ofSeconds(1));
            default -> FsyncPolicy.NEVER;
        };
    }

    private void applyLimits() {
        outputLimit = OutputLimit.parse(config.get("client-output-buffer-limit"));
        pubsubOutputLimit = OutputLimit.parse(config.get("client-output-buffer-limit"), "pubsub");
        pubsub.queueLimit(pubsubOutputLimit.hard());
        limits = new RespLimits(config.getLong("proto-max-bulk-len"), config.getLong("cairn-max-multibulk-len"),
                (int) Math.min(Integer.MAX_VALUE, config.getLong("cairn-max-inline-len")), config.getLong("client-query-buffer-limit"));
    }

    private void bind() throws IOException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(config.getInt("io-threads"), io);
        SslContext ssl = config.getInt("tls-port") > 0 ? Tls.serverContext(config) : null;
        List<String> addresses = List.of(config.get("bind").split(" "));
        int plain = config.getInt("port");
        int tls = config.getInt("tls-port");
        if (plain == 0 && tls == 0 && !ephemeralPorts) throw new IOException("both port and tls-port are 0: nothing to listen on");
        boolean listenPlain = plain > 0 || ephemeralPorts;
        if (ephemeralPorts) {
            plain = 0;
            if (tls > 0) tls = 0;
        }
        boolean listenTls = config.getInt("tls-port") > 0;
        for (String a : addresses) {
            String host = a.startsWith("-") ? a.substring(1) : a; // redis.conf's "-::1" means optional
            if (host.equals("*")) host = "0.0.0.0";
            if (listenPlain) {
                Channel ch = listen(channelClass, host, plain, null, a.startsWith("-"));
                if (ch != null) port = ((InetSocketAddress) ch.localAddress()).getPort();
            }
            if (listenTls) {
                Channel ch = listen(channelClass, host, tls, ssl, a.startsWith("-"));
                if (ch != null) tlsPort = ((InetSocketAddress) ch.localAddress()).getPort();
            }
        }
        cron = workers.next().scheduleAtFixedRate(this::cron, 1, 1, TimeUnit.SECONDS);
        Observability.of(this).start();
    }

    private Channel listen(Class<? extends ServerChannel> channelClass, String host, int port, SslContext ssl, boolean optional)
            throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, config.getInt("tcp-backlog"))
                .option(ChannelOption.SO_REUSEADDR, true)
                // accept nothing until the store's options are known: start() turns accepting on as the load begins
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, config.getLong("tcp-keepalive") > 0)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (closed) {
                            ch.close();
                            return;
                        }
                        if (ssl != null) ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        ConnectionHandler handler = new ConnectionHandler(CairnServer.this);
                        ch.pipeline().addLast("resp", new RespDecoder(limits, () -> handler.client() == null || handler.client().authenticated(),
                                stats.netInputBytes::add));
                        ch.pipeline().addLast("commands", handler);
                    }
                });
        try {
            Channel ch = b.bind(host, port).sync().channel();
            listeners.add(ch);
            return ch;
        } catch (Exception e) {
            if (optional) {
                LOG.warn("could not bind optional address {}:{}: {}", host, port, e.getMessage());
                return null;
            }
            String why = e instanceof BindException || String.valueOf(e.getMessage()).contains("in use")
                    ? "address already in use" : String.valueOf(e.getMessage());
            throw new IOException("could not listen on " + host + ":" + port + ": " + why, e);
        }
    }

    /** Once a second: idle timeouts. */
    private void cron() {
        long timeout = config.getLong("timeout");
        if (timeout > 0) {
            long now = System.currentTimeMillis();
            for (Client c : clients.values()) {
                // a client waiting for its SAVE is not idle (Redis spares blocked clients too)
                if (!c.blocked() && now - c.lastInteraction() > timeout * 1000) {
                    LOG.info("closing idle client id={} addr={}", c.id(), c.address());
                    c.kill();
                }
            }
        }
    }

    // ------------------------------------------------------------------ ServerContext

    @Override
    public Cairn store() {
        return store;
    }

    /** Cluster mode: this server's node of its replicated group; null when not clustered. */
    public io.cairn.cluster.ClusterNode clusterNode() {
        return clusterNode;
    }

    private boolean clustered() {
        return !config.get("cluster-nodes").isEmpty() || config.getBool("cluster-enabled");
    }

    /**
     * The node's options from the configuration: the members, this node's address (cluster-announce-ip, or the first
     * bind address) and ports, and every database's keyspace as the group's starting state.
     */
    private io.cairn.cluster.ClusterOptions clusterOptions(Path dir, CairnOptions storeOptions) {
        List<io.cairn.cluster.Member> members = new ArrayList<>();
        if (!config.get("cluster-nodes").isEmpty()) {
            for (String m : config.get("cluster-nodes").split(",")) members.add(io.cairn.cluster.Member.parse(m));
        }
        String host = config.get("cluster-announce-ip");
        if (host.isEmpty()) {
            host = config.get("bind").split(" ")[0];
            if (host.equals("*") || host.equals("0.0.0.0") || host.equals("::") || host.startsWith("-")) host = "127.0.0.1";
        }
        int bus = config.getInt("cluster-announce-bus-port");
        io.cairn.cluster.Member self = null;
        for (io.cairn.cluster.Member m : members) {
            if (m.name().equals(host + ":" + port)) self = bus == 0 ? m : new io.cairn.cluster.Member(host, port, bus);
        }
        if (self == null) {
            if (bus == 0 && port + 10000 > 65535) {
                throw new IllegalArgumentException("port " + port + " + 10000 is not a TCP port: set cluster-announce-bus-port");
            }
            self = new io.cairn.cluster.Member(host, port, bus == 0 ? port + 10000 : bus);
        }
        if (members.isEmpty()) members.add(self); // cluster-enabled alone: a group of one that CLUSTER MEET grows
        List<String> keyspaces = new ArrayList<>();
        keyspaces.add(Cairn.DEFAULT_KEYSPACE);
        for (int i = 1; i < config.getInt("databases"); i++) keyspaces.add(dbName(i));
        return io.cairn.cluster.ClusterOptions.of(self, members, dir)
                .withElectionTimeout(Duration.ofMillis(config.getLong("cluster-node-timeout")))
                .withSnapshotEntries(config.getLong("cluster-snapshot-entries"))
                .withLeaseReads(config.get("cluster-read-lease").equals("yes"))
                .withTransport(io.cairn.cluster.ClusterOptions.Transport.valueOf(
                        config.get("cluster-transport").toUpperCase(java.util.Locale.ROOT)))
                .withBootstrap(keyspaces)
                .withStore(storeOptions);
    }

    @Override
    public Keyspace db(int index) {
        return dbs[index];
    }

    @Override
    public int databases() {
        return dbs.length;
    }

    @Override
    public int dbIndexOf(Keyspace ks) {
        for (int i = 0; i < dbs.length; i++) if (dbs[i] == ks) return i;
        return -1;
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public CommandTable commands() {
        return commands;
    }

    @Override
    public Collection<Client> clients() {
        // a killed client leaves the registry when its channel closes, on its own event loop, a moment later
        return clients.values().stream().filter(c -> !c.killed()).toList();
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public long startedAt() {
        return startedAt;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    @Override
    public Saves saves() {
        return saves;
    }

    @Override
    public io.cairn.server.command.Watches watches() {
        return watches;
    }

    @Override
    public boolean checkpointOnShutdown() {
        Cairn s = store;
        return s != null && !s.options().checkpointInterval().isZero();
    }

    @Override
    public void shutdownAsync(String reason, boolean checkpoint) {
        Thread t = new Thread(() -> {
            LOG.info("{}: shutting down", reason);
            close(checkpoint);
            onShutdown.run();
        }, "cairn-shutdown");
        t.start();
    }

    /** What to run after a SHUTDOWN command has closed the server (the launcher exits the JVM). */
    public void onShutdown(Runnable r) {
        onShutdown = r;
    }

    long nextClientId() {
        return clientIds.incrementAndGet();
    }

    int clientCount() {
        return clients.size();
    }

    /** Registers {@code c} unless {@code max} clients are connected already. */
    synchronized boolean tryRegister(Client c, int max) {
        if (clients.size() >= max) return false;
        clients.put(c.id(), c);
        return true;
    }

    void unregister(Client c) {
        if (c != null) clients.remove(c.id());
    }

    OutputLimit outputLimit() {
        return outputLimit;
    }

    /** The limit of a client subscribed to a channel or pattern: {@code client-output-buffer-limit}'s pubsub class. */
    OutputLimit pubsubOutputLimit() {
        return pubsubOutputLimit;
    }

    @Override
    public PubSub pubsub() {
        return pubsub;
    }

    /**
     * Whether the store is past maxmemory or maxkeys after evicting what maxmemory-policy allows: checked before every
     * command that may grow the data (denyoom), as Redis's performEvictions. Two volatile reads when no limit is set.
     * The keys evicted for {@code client}'s command are announced ({@code evicted}, class e) with its reply.
     */
    boolean overMaxMemory(Client client) {
        if (store.withinLimits()) return false; // no limit, or within it: lock-free
        EVICTING.set(client);
        try {
            return !store.makeRoom();
        } finally {
            EVICTING.remove();
        }
    }

    /** The client whose command is making room, for the eviction listener (which runs on the same thread). */
    private static final ThreadLocal<Client> EVICTING = new ThreadLocal<>();

    /** A key the store's expiry cycle removed: {@code expired} (class x), published at once, as Redis's active expiry. */
    private void expired(String keyspace, byte[] key) {
        pubsub.notifyNow(PubSub.EXPIRED, "expired", key, dbNumbered(keyspace));
    }

    private void evicted(String keyspace, byte[] key) {
        Client c = EVICTING.get();
        if (c == null) return; // an eviction inside a write (another client raced past the check): not announced
        pubsub.notify(c, PubSub.EVICTED, "evicted", key, dbNumbered(keyspace));
    }

    /** The numbered database that is the keyspace named {@code keyspace}, or -1 (a named keyspace: no events). */
    private int dbNumbered(String keyspace) {
        Keyspace[] d = dbs;
        for (int i = 0; i < d.length; i++) if (d[i].name().equals(keyspace)) return i;
        return -1;
    }


    // ------------------------------------------------------------------ shutdown

    /**
     * Graceful shutdown: stop accepting, let the commands already read finish and their replies go out once durable,
     * fsync, take a checkpoint if timed checkpoints are on (as Redis saves on shutdown when save points are set), close
     * the store. Idempotent.
     */
    @Override
    public void close() {
        close(checkpointOnShutdown());
    }

    /**
     * {@link #close()}, with a checkpoint before the store closes if {@code checkpoint}, so the next start loads it
     * instead of replaying the log. A checkpoint that fails is logged and the shutdown goes on: every write is in the
     * log, so nothing is lost, the next start only replays more.
     */
    public void close(boolean checkpoint) {
        synchronized (closeLock) {
            if (closed) {
                // another thread is closing (SHUTDOWN, a signal): return once it has finished, store closed
                if (!isEventLoopThread()) awaitClosed();
                return;
            }
            closed = true;
        }
        try {
            closeNow(checkpoint);
        } finally {
            closedLatch.countDown();
        }
    }

    private void awaitClosed() {
        try {
            if (!closedLatch.await(30, TimeUnit.SECONDS)) LOG.warn("gave up waiting for the shutdown in progress");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isEventLoopThread() {
        for (EventLoopGroup g : new EventLoopGroup[] {workers, boss}) {
            if (g == null) continue;
            for (io.netty.util.concurrent.EventExecutor e : g) if (e.inEventLoop()) return true;
        }
        return false;
    }

    private void closeNow(boolean checkpoint) {
        for (Channel l : listeners) l.close().awaitUninterruptibly();
        // stop reading new requests; what was read is being processed on the event loops
        for (Client c : clients.values()) c.channel().config().setAutoRead(false);
        if (cron != null) cron.cancel(false);
        Observability.of(this).stop();
        if (metrics != null) metrics.close();
        if (store != null && !store.isClosed()) {
            try {
                store.sync(); // every pending reply's write is now durable, and its callback releases it
            } catch (RuntimeException e) {
                LOG.warn("final fsync failed: {}", e.getMessage());
            }
        }
        // let the event loops send what they hold, then close the connections
        for (Client c : clients.values()) {
            Channel ch = c.channel();
            ch.eventLoop().execute(() -> ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE));
        }
        if (workers != null) workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        if (boss != null) boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        if (checkpoint && ready && clusterNode == null && store != null && !store.isClosed()) {
            // after the event loops: every command read has run, so the snapshot holds all of it
            long t0 = System.nanoTime();
            try {
                io.cairn.SnapshotInfo s = store.checkpoint();
                LOG.info("checkpoint on shutdown: snapshot {} ({} entries) in {} ms", s.sequence(), s.entries(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (RuntimeException e) {
                LOG.warn("checkpoint on shutdown failed (the log holds every write; the next start replays it): {}",
                        e.getMessage());
            }
        }
        if (clusterNode != null) {
            try {
                clusterNode.close(); // the Raft server, then the store; the group's log holds every committed write
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the cluster node failed: {}", e.getMessage());
            }
        }
        if (store != null && !store.isClosed()) store.close();
        if (ready) LOG.info("Cairn is now ready to exit, bye bye...");
    }

    public boolean isClosed() {
        return closed;
    }
}
