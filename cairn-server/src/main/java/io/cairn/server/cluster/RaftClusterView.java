package io.cairn.server.cluster;

import io.cairn.cluster.ClusterNode;
import io.cairn.cluster.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The server's view of its group, from its Raft node (cairn-cluster). */
public final class RaftClusterView implements ClusterView {
    private final ClusterNode node;

    public RaftClusterView(ClusterNode node) {
        this.node = node;
    }

    private Node toNode(Member m, Optional<Member> leader) {
        return new Node(m.id(), m.name(), m.host(), m.port(), m.busPort(), m.equals(node.self()),
                leader.map(m::equals).orElse(false), node.reachable(m));
    }

    @Override
    public Node self() {
        return toNode(node.self(), node.leader());
    }

    @Override
    public List<Node> nodes() {
        Optional<Member> leader = node.leader();
        List<Node> out = new ArrayList<>();
        List<Member> members = node.members();
        for (Member m : members) out.add(toNode(m, leader));
        if (!members.contains(node.self())) out.add(toNode(node.self(), leader)); // joining: not a member yet
        return out;
    }

    @Override
    public Optional<Node> leader() {
        Optional<Member> leader = node.leader();
        return leader.map(m -> toNode(m, leader));
    }

    /** Leads and has applied everything committed before its term: only then may it decide writes. */
    @Override
    public boolean isLeader() {
        return node.isLeader();
    }

    @Override
    public long epoch() {
        return node.term();
    }

    @Override
    public CompletableFuture<Void> addNode(String host, int port, int busPort) {
        return node.addMember(new Member(host, port, busPort));
    }

    @Override
    public CompletableFuture<Void> removeNode(String id) {
        for (Member m : node.members()) {
            if (m.id().equals(id)) return node.removeMember(m.name());
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("Unknown node " + id));
    }

    @Override
    public long commitIndex() {
        return node.commitIndex();
    }

    @Override
    public long appliedIndex() {
        return node.appliedIndex();
    }

    @Override
    public String transport() {
        return node.transport();
    }

    /** On the leader, the commit index the member last reported (how far it holds the committed log). */
    @Override
    public long replicatedIndex(String id) {
        for (Member m : node.members()) {
            if (m.id().equals(id)) return node.replicatedIndex(m);
        }
        return -1;
    }
}
