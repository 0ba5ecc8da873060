package io.cairn.server;

import io.cairn.server.config.ServerConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Cairn server on loopback, on a port the OS picks, with its data in a test's directory. Settings are passed as
 * {@code --name value} pairs, as on the command line.
 */
final class TestServer implements AutoCloseable {
    final Path dir;
    final CairnServer server;

    private TestServer(Path dir, CairnServer server) {
        this.dir = dir;
        this.server = server;
    }

    /** Starts a server in {@code dir}; {@code settings} are "name", "value" pairs. */
    static TestServer start(Path dir, String... settings) throws IOException {
        return start(List.of(), dir, settings);
    }

    /**
     * Starts a server as {@code cairn server conf --dir dir ...}: {@code conf} is read first (and is the file CONFIG
     * REWRITE writes), then the test's settings, which win.
     */
    static TestServer startWithConfigFile(Path dir, Path conf, String... settings) throws IOException {
        return start(List.of(conf.toString()), dir, settings);
    }

    /**
     * Starts a server in {@code dir} as a member of the group {@code cluster} describes (cluster mode, with
     * {@code cluster-enabled yes} as Main would set it).
     */
    static TestServer startClustered(Path dir, io.cairn.server.cluster.ClusterView cluster, String... settings) throws IOException {
        return start(List.of("--cluster-enabled", "yes"), dir, cluster, settings);
    }

    private static TestServer start(List<String> first, Path dir, String... settings) throws IOException {
        return start(first, dir, null, settings);
    }

    private static TestServer start(List<String> first, Path dir, io.cairn.server.cluster.ClusterView cluster, String... settings)
            throws IOException {
        List<String> args = new ArrayList<>(first);
        args.addAll(List.of("--dir", dir.toString(), "--port", "0", "--io-threads", "2"));
        for (int i = 0; i < settings.length; i += 2) {
            args.add("--" + settings[i]);
            args.add(settings[i + 1]);
        }
        ServerConfig config = ServerConfig.fromArgs(args, Map.of());
        CairnServer s = new CairnServer(config).useEphemeralPorts().cluster(cluster);
        s.start();
        return new TestServer(dir, s);
    }

    /** A raw RESP connection, for asserting replies byte for byte; the caller closes it. */
    RawClient raw() throws IOException {
        return new RawClient("127.0.0.1", port());
    }

    int port() {
        return server.port();
    }

    /** The TLS port (ephemeral too), when started with a tls-port setting above 0. */
    int tlsPort() {
        return server.tlsPort();
    }

    /** A new Jedis connection (RESP2) to this server; the caller closes it. */
    Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 10_000);
    }

    @Override
    public void close() {
        server.close();
    }
}
