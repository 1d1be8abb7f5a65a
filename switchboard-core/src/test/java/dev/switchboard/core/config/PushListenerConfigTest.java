package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushListenerConfigTest {
    @Test
    void timeoutsOriginsAndHostsAreReadFromPush() {
        PushConfig push = ConfigLoader.parse("""
                        push:
                          request-timeout: 2s
                          idle-timeout: 30s
                          allowed-origins: [https://admin.example.com]
                          allowed-hosts: [Push.Internal, "127.0.0.1:8081", "[::1]:8081"]
                        routes:
                          - path: /echo
                        """, Map.of()).push();

        assertThat(push.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(push.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(push.allowedOrigins()).containsExactly("https://admin.example.com");
        assertThat(push.allowedHosts()).containsExactly("push.internal", "127.0.0.1:8081", "[::1]:8081");
    }

    @Test
    void defaultsAreDocumented() {
        PushConfig push = PushConfig.defaults();

        assertThat(push.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(push.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(push.allowedOrigins()).isEmpty();
        assertThat(push.allowedHosts()).isEqualTo(List.of());
    }

    @Test
    void aHostWithAPathOrAnOriginWithoutSchemeIsOneLineNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("push: {allowed-hosts: [http://x/y]}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("push.allowed-hosts: 'http://x/y' (expected: host or host:port");
        assertThatThrownBy(() -> ConfigLoader.parse("push: {allowed-origins: [admin.example.com]}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("push.allowed-origins: 'admin.example.com'");
        assertThatThrownBy(() -> ConfigLoader.parse("push: {request-timeout: 0s}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("push.request-timeout: 0s");
    }
}
