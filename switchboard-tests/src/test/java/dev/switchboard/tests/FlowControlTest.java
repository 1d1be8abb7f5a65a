package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.server.Gateway;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control never turns into a liveness failure: a client slowed by TCP backpressure keeps
 * its connection, a socket that drops in the middle of a fragmented message parks its reliable
 * session like any other drop, and a stop ends within {@code shutdown-timeout} even when every
 * event loop is stuck.
 */
class FlowControlTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new ArrayList<>();
    private final CountDownLatch unblock = new CountDownLatch(1);
    private TestGateway gateway;
    private Gateway stuck;

    @AfterEach
    void stop() {
        unblock.countDown();
        clients.forEach(WsClient::close);
        if (gateway != null) {
            gateway.close();
        }
        if (stuck != null) {
            stuck.close();
        }
        functions.close();
    }

    @Test
    void aClientSlowedByBackpressureThatAnswersEveryPingIsNotClosed() {
        functions.on("/transfer", event -> StubResponse.ok().after(Duration.ofMillis(300)));
        gateway = TestGateway.start(GatewayConfig.builder()
                .limits(LimitsConfig.builder()
                        .pingInterval(Duration.ofSeconds(1))
                        .inboundQueueMessages(20)
                        .build())
                .route(RouteConfig.builder("/chat")
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .build()));
        WsClient client = WsClient.open(gateway.ws("/chat"));
        clients.add(client);

        // 40 messages at 300 ms each: reading pauses for several ping intervals
        int messages = 40;
        for (int i = 0; i < messages; i++) {
            client.sendText("m-" + i);
        }

        await().atMost(WAIT).until(() -> functions.received("/transfer").size() == messages);
        assertThat(client.isOpen()).as("open after 12 s of backpressure").isTrue();
        assertThat(functions.received("/cleanup")).isEmpty();
        client.sendText("after");
        await().atMost(WAIT).until(() -> functions.received("/transfer").size() == messages + 1);
    }

    @Test
    void aDropInTheMiddleOfAFragmentedMessageParksTheReliableSession() throws Exception {
        gateway = TestGateway.start(GatewayConfig.builder()
                .route(RouteConfig.builder("/chat")
                        .register(functions.target("/register"))
                        .transfer(functions.target("/transfer"))
                        .cleanup(functions.target("/cleanup"))
                        .reliable(ReliableConfig.withWindow(Duration.ofSeconds(2)))
                        .build()));
        URI chat = gateway.ws("/chat");
        ReliableTestClient client = ReliableTestClient.open(chat);
        String id = client.session();
        client.send("whole");
        await().atMost(WAIT).until(() -> ReliableStreams.transferred(functions).equals(List.of("whole")));

        // the first fragment of message 2, then the socket ends without a close frame
        client.socket().send(new TextWebSocketFrame(false, 0, "2:half of"));
        client.socket().abort();

        JsonNode resumed = client.resume();
        assertThat(resumed.path("type").asText()).isEqualTo("resumed");
        client.send("after resume");
        await().atMost(WAIT)
                .until(() -> ReliableStreams.transferred(functions).equals(List.of("whole", "after resume")));

        // a drop that is never resumed: the one cleanup names the client's 1006
        client.socket().abort();
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);
        JsonNode cleanup = functions.received("/cleanup").get(0);
        assertThat(cleanup.at("/websocket/secConnectionID").asText()).isEqualTo(id);
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("client");
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1006);
    }

    @Test
    void aStopEndsWithinShutdownTimeoutWhenEveryEventLoopIsBlocked() throws Exception {
        Set<Thread> blocked = ConcurrentHashMap.newKeySet();
        FunctionTarget blocking = new FunctionTarget.Java("test.BlocksItsCaller", "transfer");
        Duration shutdownTimeout = Duration.ofSeconds(2);
        HostPort loopback = new HostPort("127.0.0.1", 0);
        GatewayConfig config = GatewayConfig.builder()
                .nodeId("test")
                .shutdownTimeout(shutdownTimeout)
                .listen(loopback)
                .route(RouteConfig.builder("/chat").transfer(blocking).build())
                .build();
        stuck = Gateway.builder(config.toBuilder()
                        .push(config.push().withListen(loopback))
                        .build())
                .eventLoopThreads(2)
                .functions(blockingFunctions(blocking, blocked))
                .start();
        URI chat = URI.create("ws://127.0.0.1:" + stuck.clientAddress().getPort() + "/chat");
        for (int i = 0; i < 4; i++) {
            clients.add(WsClient.open(chat));
        }
        // each message blocks the event loop that reads it, inside the function call
        for (WsClient client : clients) {
            client.sendText("block");
        }
        await().atMost(WAIT).until(() -> blocked.size() == 2);

        long started = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(stuck::close);
        closing.get(shutdownTimeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        stuck = null;

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(shutdownTimeout.plusSeconds(1));
    }

    /**
     * A function that blocks the thread calling it, the event loop, until the test ends: the
     * stand-in for a loop stuck in a long GC or a runaway handler, which no real function of the
     * gateway can cause on purpose.
     */
    private FunctionInvokerFactory blockingFunctions(FunctionTarget target, Set<Thread> blocked) {
        return requested -> !requested.equals(target)
                ? Optional.empty()
                : Optional.of(new FunctionInvoker() {
                    @Override
                    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
                        blocked.add(Thread.currentThread());
                        try {
                            unblock.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return new CompletableFuture<>();
                    }

                    @Override
                    public String name() {
                        return target.spec();
                    }

                    @Override
                    public void close() {}
                });
    }
}
