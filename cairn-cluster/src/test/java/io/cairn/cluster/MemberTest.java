package io.cairn.cluster;

import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberTest {
    @Test
    void parsesWithAndWithoutBusPort() {
        assertThat(Member.parse("10.0.0.1:7000")).isEqualTo(new Member("10.0.0.1", 7000, 17000));
        assertThat(Member.parse(" 10.0.0.1:7000@7100 ")).isEqualTo(new Member("10.0.0.1", 7000, 7100));
        // above 55535 the default bus port would not be a port, but a given one is used as it is
        assertThat(Member.parse("127.0.0.1:60699@43611")).isEqualTo(new Member("127.0.0.1", 60699, 43611));
        assertThatThrownBy(() -> Member.parse("127.0.0.1:60699")).hasMessageContaining("bus port 70699");
        assertThatThrownBy(() -> Member.parse("nohost")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> Member.parse("h:x@1")).hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> Member.parse("h:1@x")).hasMessageContaining("is not host:port");
    }

    @Test
    void roundTripsThroughItsRaftPeer() {
        for (Member m : new Member[]{new Member("127.0.0.1", 60699, 43611), new Member("db-1.local", 6379, 16379),
                new Member("127.0.0.1", 1, 65535)}) {
            assertThat(Member.of(m.peer())).isEqualTo(m);
        }
        // a peer known by id only (no address): the default bus port
        assertThat(Member.of(RaftPeer.newBuilder().setId(RaftPeerId.valueOf("127.0.0.1_7000")).build()))
                .isEqualTo(new Member("127.0.0.1", 7000, 17000));
    }
}
