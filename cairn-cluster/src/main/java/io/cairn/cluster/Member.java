package io.cairn.cluster;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A member of the group: where clients reach it ({@code host:port}, also its name) and its Raft
 * port ({@code busPort}, Redis Cluster's "cluster bus" port; port + 10000 unless given).
 */
public record Member(String host, int port, int busPort) {
    public Member {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("a member needs a host");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not a TCP port");
        if (busPort < 1 || busPort > 65535) throw new IllegalArgumentException("bus port " + busPort + " is not a TCP port");
    }

    /** {@code host:port} with the Raft port port + 10000, as Redis Cluster's bus port defaults. */
    public static Member of(String host, int port) {
        return new Member(host, port, port + 10000);
    }

    /** Parses {@code host:port} or {@code host:port@busport} (CLUSTER NODES's form). */
    public static Member parse(String s) {
        String text = s.trim();
        int at = text.indexOf('@');
        if (at < 0) return hostPort(text, ':', s, port -> port + 10000);
        int bus = portOf(text.substring(at + 1), s);
        return hostPort(text.substring(0, at), ':', s, port -> bus);
    }

    /**
     * {@code host<sep>port} with the bus port {@code bus} gives for the port (the default is computed only where it
     * is used, so a port above 55535 with its bus port given is not refused for a default it does not need).
     */
    private static Member hostPort(String addr, char sep, String whole, java.util.function.IntUnaryOperator bus) {
        int colon = addr.lastIndexOf(sep);
        if (colon <= 0 || colon == addr.length() - 1) {
            throw new IllegalArgumentException("'" + whole + "' is not host:port or host:port@busport");
        }
        int port = portOf(addr.substring(colon + 1), whole);
        return new Member(addr.substring(0, colon), port, bus.applyAsInt(port));
    }

    private static int portOf(String digits, String whole) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' is not host:port or host:port@busport: " + e.getMessage());
        }
    }

    /** {@code host:port}: the member's name and Raft peer id. */
    public String name() {
        return host + ":" + port;
    }

    /** Redis Cluster's node id: the SHA-1 of the name in lower-case hex, the same on every node. */
    public String id() {
        return idOf(name());
    }

    public static String idOf(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Raft peer id: the name with '_' for ':' (Ratis puts it in JMX names, where ':' is not allowed). */
    RaftPeerId peerId() {
        return RaftPeerId.valueOf(host + "_" + port);
    }

    RaftPeer peer() {
        return RaftPeer.newBuilder().setId(peerId()).setAddress(host + ":" + busPort).build();
    }

    /** The member a Raft peer stands for: its name from the peer id, its bus port from the peer's address. */
    static Member of(RaftPeer peer) {
        String id = peer.getId().toString();
        String address = peer.getAddress();
        int given = -1;
        if (address != null) {
            try {
                given = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            } catch (NumberFormatException e) {
                // no usable address: the default bus port
            }
        }
        int bus = given;
        return hostPort(id, '_', id, port -> bus > 0 ? bus : port + 10000);
    }

    @Override
    public String toString() {
        return name() + "@" + busPort;
    }
}
