package io.cairn.server.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A group the test describes and changes at will: its members, which is this server, which leads (or none), which
 * cannot be reached, the term and the log indexes. MEET and FORGET are recorded and answered with {@link #nextChange}.
 * Read by the server's event loops while the test changes it: every method is synchronized.
 */
public final class FakeClusterView implements ClusterView {
    private record Member(String host, int port, int busPort) {
        Member withPort(int p) {
            return new Member(host, p, p + 10000);
        }

        String name() {
            return host + ":" + port;
        }
    }

    private final List<Member> members = new ArrayList<>();
    private final Set<Integer> unreachable = new HashSet<>();
    private int self;
    private int leader = -1;
    private long epoch = 1;
    private long commitIndex;
    private long appliedIndex;
    private CompletableFuture<Void> nextChange = CompletableFuture.completedFuture(null);
    /** MEET's calls, as {@code host:port@busPort}. */
    public final List<String> added = new CopyOnWriteArrayList<>();
    /** FORGET's calls: the ids. */
    public final List<String> removed = new CopyOnWriteArrayList<>();

    /** Adds a member on loopback with this Redis port and bus port + 10000; returns this. */
    public synchronized FakeClusterView member(int port) {
        members.add(new Member("127.0.0.1", port, port + 10000));
        return this;
    }

    /** Member {@code index}'s port, once its server has bound one. */
    public synchronized FakeClusterView port(int index, int port) {
        members.set(index, members.get(index).withPort(port));
        return this;
    }

    public synchronized FakeClusterView self(int index) {
        self = index;
        return this;
    }

    /** Member {@code index} leads; -1: no known leader. */
    public synchronized FakeClusterView leader(int index) {
        leader = index;
        return this;
    }

    public synchronized FakeClusterView unreachable(int index, boolean v) {
        if (v) unreachable.add(index);
        else unreachable.remove(index);
        return this;
    }

    public synchronized FakeClusterView epoch(long v) {
        epoch = v;
        return this;
    }

    public synchronized FakeClusterView indexes(long commit, long applied) {
        commitIndex = commit;
        appliedIndex = applied;
        return this;
    }

    /** What the next addNode or removeNode returns. */
    public synchronized FakeClusterView nextChange(CompletableFuture<Void> f) {
        nextChange = f;
        return this;
    }

    /** The node id of member {@code index}. */
    public synchronized String id(int index) {
        return ClusterView.idOf(members.get(index).name());
    }

    private Node node(int i) {
        Member m = members.get(i);
        return new Node(ClusterView.idOf(m.name()), m.name(), m.host(), m.port(), m.busPort(), i == self, i == leader,
                !unreachable.contains(i));
    }

    @Override
    public synchronized Node self() {
        return node(self);
    }

    @Override
    public synchronized List<Node> nodes() {
        List<Node> l = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) l.add(node(i));
        return l;
    }

    @Override
    public synchronized Optional<Node> leader() {
        return leader < 0 ? Optional.empty() : Optional.of(node(leader));
    }

    @Override
    public synchronized long epoch() {
        return epoch;
    }

    @Override
    public synchronized CompletableFuture<Void> addNode(String host, int port, int busPort) {
        added.add(host + ":" + port + "@" + busPort);
        return nextChange;
    }

    @Override
    public synchronized CompletableFuture<Void> removeNode(String id) {
        removed.add(id);
        return nextChange;
    }

    @Override
    public synchronized long commitIndex() {
        return commitIndex;
    }

    @Override
    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public synchronized long replicatedIndex(String id) {
        return leader == self && !id.equals(id(self)) ? appliedIndex - 1 : -1;
    }
}
