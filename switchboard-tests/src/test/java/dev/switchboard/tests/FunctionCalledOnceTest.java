package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import dev.switchboard.tests.CuttingFunctionServer.Fault;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A function call is never made twice by accident: when an HTTP function's kept-alive connection
 * ends after the request was written (closed or reset, before or in the middle of the response),
 * the call fails with the documented result and the function has seen it exactly once, counted
 * by request id. Only a request that never reached the function may be sent again.
 */
class FunctionCalledOnceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private CuttingFunctionServer function;
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (function != null) {
            function.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aTransferCutAfterItsRequestWasWrittenFailsAndReachesTheFunctionOnce(Fault fault) {
        function = CuttingFunctionServer.start(fault);
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .transfer(FunctionTarget.parse(function.url("/transfer")))
                .build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("hello");
            // answered with keep-alive: the next message goes over the same, reused connection
            assertThat(client.next(WAIT).text()).isEqualTo("ok");
            client.sendText(CuttingFunctionServer.MARKER);

            assertThat(client.awaitClose(WAIT)).isEqualTo(new WsClient.Closed(1011, "transfer failed"));
        }
        assertThat(function.connections()).isEqualTo(1);
        assertThat(function.arrivals())
                .hasSize(2)
                .allSatisfy((requestId, arrivals) ->
                        assertThat(arrivals).as("arrivals of %s", requestId).isEqualTo(1));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aRegistrationCutAfterItsRequestWasWrittenIsRefusedAndReachesTheFunctionOnce(Fault fault) {
        function = CuttingFunctionServer.start(fault);
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .register(FunctionTarget.parse(function.url("/register")))
                .build());
        // clients are spread over the event loops in turn and each loop has its own pool: after
        // two clients per loop, every loop holds a kept-alive connection for the next registration
        int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < 2 * loops; i++) {
            try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
                assertThat(client.isOpen()).isTrue();
            }
        }

        for (int i = 0; i < loops; i++) {
            WsClient.Refused refused = WsClient.to(gateway.ws("/chat?cut=" + CuttingFunctionServer.MARKER))
                    .refused();

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("\"errNo\":4031");
        }
        assertThat(function.arrivals())
                .hasSize(3 * loops)
                .allSatisfy((requestId, arrivals) ->
                        assertThat(arrivals).as("arrivals of %s", requestId).isEqualTo(1));
        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            assertThat(client.isOpen())
                    .as("the gateway still registers clients")
                    .isTrue();
        }
    }

    @Test
    void aConnectionIsNotReusedOnceItHasIdledForTheKeepAliveTimeoutTheFunctionAnnounced() {
        // one second, less the gateway's margin of one second: no idle connection is reused
        function = CuttingFunctionServer.start(Fault.CLOSE_AFTER_REQUEST, "Keep-Alive: timeout=1\r\n");
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .transfer(FunctionTarget.parse(function.url("/transfer")))
                .build());

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            for (int i = 0; i < 3; i++) {
                client.sendText("hello " + i);
                assertThat(client.next(WAIT).text()).isEqualTo("ok");
            }
        }

        assertThat(function.connections()).isEqualTo(3);
    }

    @Test
    void aTransferAfterAFunctionCutIsAnsweredOnANewConnection() {
        function = CuttingFunctionServer.start(Fault.RESET_IN_BODY);
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .transfer(FunctionTarget.parse(function.url("/transfer")))
                .build());
        try (WsClient cut = WsClient.open(gateway.ws("/chat"))) {
            cut.sendText(CuttingFunctionServer.MARKER);
            assertThat(cut.awaitClose(WAIT).code()).isEqualTo(1011);
        }

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("hello");

            assertThat(client.next(WAIT).text()).isEqualTo("ok");
        }
    }
}
