package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesHostAndPort() {
        assertThat(HostPort.parse("127.0.0.1:8081")).isEqualTo(new HostPort("127.0.0.1", 8081));
        assertThat(HostPort.parse(" example.com:80 ")).isEqualTo(new HostPort("example.com", 80));
    }

    @Test
    void bracketedIpv6() {
        HostPort hostPort = HostPort.parse("[::1]:8081");

        assertThat(hostPort).isEqualTo(new HostPort("::1", 8081));
        assertThat(hostPort).hasToString("[::1]:8081");
        assertThat(hostPort.isLoopback()).isTrue();
    }

    @Test
    void missingHostMeansAllInterfaces() {
        assertThat(HostPort.parse(":8080")).isEqualTo(new HostPort("0.0.0.0", 8080));
    }

    @Test
    void loopbackDetection() {
        assertThat(new HostPort("127.0.0.1", 1).isLoopback()).isTrue();
        assertThat(new HostPort("localhost", 1).isLoopback()).isTrue();
        assertThat(new HostPort("0.0.0.0", 1).isLoopback()).isFalse();
        assertThat(new HostPort("::", 1).isLoopback()).isFalse();
        assertThat(new HostPort("192.0.2.1", 1).isLoopback()).isFalse();
    }

    @Test
    void rejectsMalformedAddresses() {
        assertThatThrownBy(() -> HostPort.parse("8080")).hasMessage("'8080' (expected: host:port, e.g. 0.0.0.0:8080)");
        assertThatThrownBy(() -> HostPort.parse("host:"))
                .hasMessage("'host:' (expected: host:port with a numeric port)");
        assertThatThrownBy(() -> HostPort.parse("host:-1")).hasMessage("port -1 (expected: 0-65535)");
        assertThatThrownBy(() -> HostPort.parse("host:65536")).hasMessage("port 65536 (expected: 0-65535)");
    }
}
