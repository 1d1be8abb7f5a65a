package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AddressBlock;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer every client arrives from the balancer's address: with
 * {@code limits.trusted-proxies}, the per-IP limits and the events see the client's own address
 * from {@code X-Forwarded-For}, and a client that is not a trusted proxy cannot forge one. The
 * test client itself plays the proxy (it connects from 127.0.0.1 and writes the header).
 */
class TrustedProxiesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new ArrayList<>();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start(String... trustedProxies) {
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .maxConnectionsPerIp(1)
                        .trustedProxies(List.of(trustedProxies).stream()
                                .map(AddressBlock::parse)
                                .toList())
                        .build())
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
    }

    private WsClient connect(String forwardedFor) {
        WsClient client = WsClient.to(gateway.ws("/chat"))
                .header("X-Forwarded-For", forwardedFor)
                .open();
        clients.add(client);
        return client;
    }

    private String lastRegisteredSourceIp() {
        List<JsonNode> calls = functions.received("/register");
        return calls.get(calls.size() - 1).at("/requestContext/sourceIp").asText();
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimitAndAddress() {
        start("127.0.0.0/8");

        connect("203.0.113.7");
        assertThat(lastRegisteredSourceIp()).isEqualTo("203.0.113.7");
        // the address written by the client (first) proves nothing; the proxy's entry (last) counts
        connect("10.9.9.9, 198.51.100.20");
        assertThat(lastRegisteredSourceIp()).isEqualTo("198.51.100.20");

        // max-connections-per-ip: 1 applies to each forwarded address, not to the proxy
        assertThatThrownBy(() -> connect("203.0.113.7"))
                .isInstanceOfSatisfying(
                        WsClient.RefusedException.class,
                        e -> assertThat(e.refused().status()).isEqualTo(429));
        clients.get(0).close(1000, "bye");
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> connect("203.0.113.7").isOpen());
    }

    @Test
    void aChainOfTrustedProxiesIsSkippedToTheClient() {
        start("127.0.0.1", "10.0.0.0/8");

        connect("198.51.100.1, 10.1.2.3");

        assertThat(lastRegisteredSourceIp()).isEqualTo("198.51.100.1");
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnoredAndCannotDodgeTheLimit() {
        start("10.0.0.0/8"); // the test client (127.0.0.1) is not one of them

        connect("203.0.113.7");
        assertThat(lastRegisteredSourceIp()).isEqualTo("127.0.0.1");

        assertThatThrownBy(() -> connect("203.0.113.8"))
                .isInstanceOfSatisfying(
                        WsClient.RefusedException.class,
                        e -> assertThat(e.refused().status()).isEqualTo(429));
    }

    @Test
    void aHopThatIsNoAddressMakesTheProxyTheClient() {
        start("127.0.0.1");

        connect("198.51.100.1, unknown");

        assertThat(lastRegisteredSourceIp()).isEqualTo("127.0.0.1");
    }
}
