package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.CircuitBreakerConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registration function that goes down and comes back, behind its circuit breaker: after the
 * configured failures handshakes are refused at once instead of waiting for the function, and
 * once it answers a probe they are accepted again.
 */
class CircuitBreakerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(1);
    private static final String OPEN_GAUGE = "switchboard_function_circuit_open{function=\"register\",route=\"/chat\"}";

    private StubFunctionServer functions;
    private TestGateway gateway;

    @BeforeEach
    void startFunctions() {
        functions = StubFunctionServer.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void startGateway(StubFunctionServer register, CircuitBreakerConfig breaker) {
        gateway = TestGateway.start(route(register, breaker));
    }

    private static RouteConfig route(StubFunctionServer register, CircuitBreakerConfig breaker) {
        return RouteConfig.builder("/chat")
                .register(register.target("/register"))
                .registerTimeout(REGISTER_TIMEOUT)
                .circuitBreaker(breaker)
                .build();
    }

    private String metric(String series) {
        return gateway.gateway()
                .scrapeMetrics()
                .lines()
                .filter(line -> line.startsWith(series + " "))
                .map(line -> line.substring(series.length() + 1))
                .findFirst()
                .orElse("absent");
    }

    /** Opens a connection expecting a refusal; returns how long it took. */
    private Duration refusedWith4031() throws Exception {
        long started = System.nanoTime();
        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refused.status()).isEqualTo(403);
        JsonNode body = Json.mapper().readTree(refused.body());
        assertThat(body.get("errNo").asInt()).isEqualTo(4031);
        return took;
    }

    @Test
    void aHangingFunctionOpensTheCircuitThenHandshakesAreRefusedAtOnceUntilAProbeSucceeds() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        functions.on(
                "/register",
                event -> down.get() ? StubResponse.ok().after(Duration.ofSeconds(5)) : StubResponse.accept(null));
        startGateway(functions, new CircuitBreakerConfig(3, Duration.ofSeconds(1)));

        for (int i = 0; i < 3; i++) {
            assertThat(refusedWith4031()).isGreaterThanOrEqualTo(REGISTER_TIMEOUT);
        }
        assertThat(metric(OPEN_GAUGE)).isEqualTo("1.0");
        int callsWhenOpened = functions.calls("/register").size();

        assertThat(refusedWith4031()).isLessThan(REGISTER_TIMEOUT.dividedBy(4));
        assertThat(functions.calls("/register")).hasSize(callsWhenOpened);
        assertThat(metric("switchboard_function_circuit_rejected_total{function=\"register\",route=\"/chat\"}"))
                .isEqualTo("1.0");

        down.set(false);
        await().atMost(WAIT).untilAsserted(() -> {
            try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
                assertThat(client.isOpen()).isTrue();
            } catch (WsClient.RefusedException stillOpen) {
                throw new AssertionError("still refused: " + stillOpen.getMessage());
            }
        });
        assertThat(metric(OPEN_GAUGE)).isEqualTo("0.0");
        try (WsClient again = WsClient.open(gateway.ws("/chat"))) {
            assertThat(again.isOpen()).isTrue();
        }
        assertThat(metric("switchboard_function_circuit_opened_total{function=\"register\",route=\"/chat\"}"))
                .isEqualTo("1.0");
    }

    /** On a manual ticker: the time the circuit stays open passes only when the test says so. */
    @Test
    void aFailedProbeKeepsTheCircuitOpen() throws Exception {
        functions.on("/register", event -> StubResponse.json(503, "{\"errMsg\":\"down\"}"));
        gateway = TestGateway.start(
                GatewayConfig.builder().route(route(functions, new CircuitBreakerConfig(2, Duration.ofMinutes(1)))),
                Ticker.newMockTicker());
        refusedWith4031();
        refusedWith4031();
        assertThat(metric(OPEN_GAUGE)).isEqualTo("1.0");
        refusedWith4031();
        assertThat(functions.calls("/register"))
                .as("calls while the circuit is open")
                .hasSize(2);

        // after open-for, one call reaches the function again; it fails and the circuit stays open
        gateway.advance(Duration.ofMinutes(1));
        refusedWith4031();
        assertThat(functions.calls("/register")).as("the probe").hasSize(3);
        assertThat(metric(OPEN_GAUGE)).isEqualTo("1.0");
        refusedWith4031();
        assertThat(functions.calls("/register"))
                .as("calls after the failed probe")
                .hasSize(3);
    }

    @Test
    void aFunctionThatIsDownCountsOnceACallNotOnceAConnectAttempt() throws Exception {
        StubFunctionServer gone = StubFunctionServer.start();
        gone.close(); // connections to it are refused; the invoker tries three times per call
        startGateway(gone, new CircuitBreakerConfig(2, Duration.ofMinutes(1)));

        refusedWith4031();
        assertThat(metric(OPEN_GAUGE)).isEqualTo("0.0");
        refusedWith4031();
        assertThat(metric(OPEN_GAUGE)).isEqualTo("1.0");
    }

    @Test
    void refusalsByALiveFunctionNeverOpenTheCircuit() throws Exception {
        functions.on("/register", event -> StubResponse.refuse(7, "no entry"));
        startGateway(functions, new CircuitBreakerConfig(2, Duration.ofMinutes(1)));

        for (int i = 0; i < 5; i++) {
            WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();
            assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt())
                    .isEqualTo(7);
        }
        assertThat(functions.calls("/register")).hasSize(5);
        assertThat(metric(OPEN_GAUGE)).isEqualTo("0.0");
    }
}
