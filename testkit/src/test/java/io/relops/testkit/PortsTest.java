package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void handsOutFreePortsBelowTheEphemeralRangeNeverTheSameTwice() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.isReadable(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0])
                : 32_768;
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = Ports.free();
            assertThat(port).isBetween(20_000, ephemeralLow - 1);
            try (ServerSocket socket = new ServerSocket(port)) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
            ports.add(port);
        }
        assertThat(ports).hasSize(50);
    }

    @Test
    void skipsAPortSomeoneListensOn() throws IOException {
        int taken = Ports.free();
        try (ServerSocket listener = new ServerSocket(taken)) {
            for (int i = 0; i < 200; i++) {
                assertThat(Ports.free()).isNotEqualTo(listener.getLocalPort());
            }
        }
    }
}
