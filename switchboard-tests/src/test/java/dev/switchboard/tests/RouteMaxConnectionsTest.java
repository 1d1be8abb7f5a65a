package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A route's own {@code max-connections}: refused at the handshake with HTTP 503, errNo 5032, before
 * the registration function is called; every slot comes back when its socket closes, whether the
 * connection was accepted, refused by the function, or dropped.
 */
class RouteMaxConnectionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new CopyOnWriteArrayList<>();
    private final CountDownLatch releaseRegistrations = new CountDownLatch(1);
    private TestGateway gateway;

    @AfterEach
    void stop() {
        releaseRegistrations.countDown();
        clients.forEach(WsClient::abort);
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    /** A node with {@code /chat} limited to {@code max} connections and an unlimited {@code /other}. */
    private void start(int max) {
        gateway = TestGateway.start(GatewayConfig.builder()
                // the tests open many connections from one address quickly: only the route limits
                .limits(LimitsConfig.builder()
                        .connectRatePerIp(100_000)
                        .maxConnectionsPerIp(100_000)
                        .build())
                .route(RouteConfig.builder("/chat")
                        .maxConnections(max)
                        .register(functions.target("/register"))
                        .cleanup(functions.target("/cleanup"))
                        .build())
                .route(RouteConfig.builder("/other")
                        .register(functions.target("/register-other"))
                        .build()));
    }

    private WsClient open(String path) {
        WsClient client = WsClient.open(gateway.ws(path));
        clients.add(client);
        return client;
    }

    /** Opens a connection to {@code /chat}, waiting for a slot that a closing socket gives back. */
    private WsClient openWhenASlotIsFree() {
        return await().atMost(WAIT).ignoreExceptions().until(() -> open("/chat"), client -> true);
    }

    private static void assertRouteFull(WsClient.Refused refused, int max) throws Exception {
        assertThat(refused.status()).isEqualTo(503);
        JsonNode body = Json.mapper().readTree(refused.body());
        assertThat(body.get("errNo").asInt()).isEqualTo(5032);
        assertThat(body.get("errMsg").asText()).isEqualTo("the route /chat holds its max-connections (" + max + ")");
    }

    @Test
    void aFullRouteRefusesWith503BeforeRegistrationAndTakesNewOnesAsOthersClose() throws Exception {
        start(3);
        WsClient first = open("/chat");
        WsClient second = open("/chat");
        open("/chat");

        assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), 3);
        assertThat(functions.received("/register"))
                .as("the refused handshake reached no function")
                .hasSize(3);
        // the node and its other routes still take connections
        assertThat(open("/other").isOpen()).isTrue();

        first.close(1000, "bye");
        second.abort(); // a TCP reset gives its slot back too
        openWhenASlotIsFree();
        openWhenASlotIsFree();

        assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), 3);
        assertThat(functions.received("/register")).hasSize(5);
        // refused handshakes get no cleanup; the two closed connections each got theirs
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 2);
        assertThat(gateway.gateway().scrapeMetrics())
                .containsPattern(
                        "switchboard_connects_total\\{[^}]*reason=\"route-full\"[^}]*route=\"/chat\"[^}]*} 2(\\.0)?\\s");
    }

    @Test
    void aRegistrationRefusedByTheFunctionGivesItsSlotBack() throws Exception {
        AtomicInteger registrations = new AtomicInteger();
        functions.on(
                "/register",
                event -> registrations.incrementAndGet() <= 5
                        ? StubResponse.refuse(7, "not now")
                        : StubResponse.accept(null));
        start(2);

        for (int i = 0; i < 5; i++) {
            WsClient.Refused refused = await().atMost(WAIT)
                    .until(() -> WsClient.to(gateway.ws("/chat")).refused(), r -> r.status() != 503);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt())
                    .isEqualTo(7);
        }
        // five refusals later both slots are free again
        openWhenASlotIsFree();
        openWhenASlotIsFree();

        assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), 2);
        assertThat(registrations.get()).isEqualTo(7);
    }

    @Test
    void connectionsStillInRegistrationHoldTheirSlots() throws Exception {
        functions.on("/register", event -> {
            try {
                releaseRegistrations.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubResponse.accept(null);
        });
        start(2);
        ExecutorService opener = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<WsClient>> pending = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                pending.add(CompletableFuture.supplyAsync(() -> open("/chat"), opener));
            }
            await().atMost(WAIT).until(() -> functions.received("/register").size() == 2);

            // both slots are taken by handshakes the function has not answered yet
            assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), 2);
            assertThat(functions.received("/register")).hasSize(2);

            releaseRegistrations.countDown();
            for (CompletableFuture<WsClient> client : pending) {
                assertThat(client.get(WAIT.toSeconds(), TimeUnit.SECONDS).isOpen())
                        .isTrue();
            }
            assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), 2);
        } finally {
            opener.shutdownNow();
        }
    }

    @Test
    void concurrentHandshakesGetExactlyTheLimitAndEverySlotComesBack() throws Exception {
        int max = 10;
        int attempts = 60;
        // registrations overlap: every handshake is in flight while the others are counted
        functions.on("/register", event -> StubResponse.accept(null).after(Duration.ofMillis(200)));
        start(max);
        ExecutorService opener = Executors.newFixedThreadPool(attempts);
        List<WsClient> opened = new CopyOnWriteArrayList<>();
        List<WsClient.Refused> refusals = new CopyOnWriteArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                all.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                go.await();
                                opened.add(open("/chat"));
                            } catch (WsClient.RefusedException e) {
                                refusals.add(e.refused());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        opener));
            }
            go.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            opener.shutdownNow();
        }

        assertThat(opened).hasSize(max);
        assertThat(refusals).hasSize(attempts - max);
        for (WsClient.Refused refused : refusals) {
            assertRouteFull(refused, max);
        }
        assertThat(functions.received("/register")).hasSize(max);
        assertThat(gateway.gateway().openConnections()).isEqualTo(max);

        // all of them leave at once: the route takes exactly max again, no more, no fewer
        opened.forEach(WsClient::abort);
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == max);
        for (int i = 0; i < max; i++) {
            openWhenASlotIsFree();
        }
        assertRouteFull(WsClient.to(gateway.ws("/chat")).refused(), max);
    }
}
