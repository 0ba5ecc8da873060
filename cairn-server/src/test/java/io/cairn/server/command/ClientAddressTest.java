package io.cairn.server.command;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** CLIENT LIST and CLIENT KILL ADDR show addresses as Redis does: IPv6 hosts in brackets. */
class ClientAddressTest {
    @Test
    void ipv4_and_ipv6() throws Exception {
        assertThat(Client.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6379))).isEqualTo("127.0.0.1:6379");
        assertThat(Client.format(new InetSocketAddress(InetAddress.getByName("::1"), 6379))).isEqualTo("[0:0:0:0:0:0:0:1]:6379");
    }
}
