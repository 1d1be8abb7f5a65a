package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The subprotocol and extensions a client gets are exactly what the registration function
 * returns, seen by two independent client implementations (the JDK's and Netty's).
 */
class SubprotocolTest {
    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    private void startWithRegistration() {
        gateway.start(RouteConfig.builder("/chat")
                .register(gateway.functions().target("/register"))
                .build());
    }

    @Test
    void functionsChoiceIsWhatTheNettyClientSees() {
        gateway.functions().on("/register", event -> StubResponse.accept("superchat"));
        startWithRegistration();

        try (WsClient client =
                WsClient.to(gateway.ws("/chat")).subprotocols("chat, superchat").open()) {
            assertThat(client.subprotocol()).isEqualTo("superchat");
        }
        assertThat(gateway.functions()
                        .received("/register")
                        .get(0)
                        .at("/websocket/secWebSocketProtocol")
                        .asText())
                .isEqualTo("chat, superchat");
    }

    @Test
    void functionsChoiceIsWhatTheJdkClientSees() throws Exception {
        gateway.functions().on("/register", event -> StubResponse.accept("chat"));
        startWithRegistration();

        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("superchat", "chat")
                .buildAsync(gateway.ws("/chat"), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);

        assertThat(socket.getSubprotocol()).isEqualTo("chat");
        socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void noSubprotocolWhenTheFunctionReturnsNone() throws Exception {
        gateway.functions().on("/register", event -> StubResponse.accept(""));
        startWithRegistration();

        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("chat")
                .buildAsync(gateway.ws("/chat"), new WebSocket.Listener() {})
                .get(10, TimeUnit.SECONDS);

        assertThat(socket.getSubprotocol()).isEmpty();
        socket.abort();
    }

    @Test
    void routeSubprotocolsApplyWithoutRegistrationFunction() {
        gateway.start(RouteConfig.builder("/open")
                .subprotocols(java.util.List.of("v2", "v1"))
                .build());

        try (WsClient client =
                WsClient.to(gateway.ws("/open")).subprotocols("v1").open()) {
            assertThat(client.subprotocol()).isEqualTo("v1");
        }
        WebSocket unmatched = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("v3")
                .buildAsync(gateway.ws("/open"), new WebSocket.Listener() {})
                .join();
        assertThat(unmatched.getSubprotocol()).isEmpty();
        unmatched.abort();
    }

    @Test
    void permessageDeflateOnlyWhenTheFunctionReturnsIt() {
        gateway.functions().on("/register", event -> {
            boolean allow = event.at("/queryString/deflate").asText().equals("yes");
            var body = StubFunctionServer.json().put("errNo", 0).put("errMsg", "ok");
            body.putObject("websocket").put("secWebSocketExtensions", allow ? "permessage-deflate" : "");
            return StubResponse.json(body);
        });
        gateway.start(RouteConfig.builder("/chat")
                .register(gateway.functions().target("/register"))
                .transfer(dev.switchboard.core.function.FunctionTarget.parse(
                        "java:dev.switchboard.runtimes.java.builtin.Echo#transfer"))
                .build());

        try (WsClient refused =
                WsClient.to(gateway.ws("/chat?deflate=no")).deflate(true).open()) {
            assertThat(refused.extensions()).isNull();
            refused.sendText("plain");
            assertThat(refused.next(Duration.ofSeconds(5)).text()).isEqualTo("plain");
        }
        try (WsClient allowed =
                WsClient.to(gateway.ws("/chat?deflate=yes")).deflate(true).open()) {
            assertThat(allowed.extensions()).startsWith("permessage-deflate");
            String big = "compressible ".repeat(1000);
            allowed.sendText(big);
            assertThat(allowed.next(Duration.ofSeconds(5)).text()).isEqualTo(big);
        }
    }

    @Test
    void jdkClientExchangesMessagesOverTheNegotiatedConnection() throws Exception {
        gateway.functions().on("/register", event -> StubResponse.accept("chat"));
        gateway.start(RouteConfig.builder("/chat")
                .register(gateway.functions().target("/register"))
                .transfer(dev.switchboard.core.function.FunctionTarget.parse(
                        "java:dev.switchboard.runtimes.java.builtin.Echo#transfer"))
                .build());
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();

        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("chat")
                .buildAsync(gateway.ws("/chat"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("über", true);

        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("über");
        socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
    }
}
