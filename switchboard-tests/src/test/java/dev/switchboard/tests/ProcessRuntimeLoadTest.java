package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.FunctionTarget.Language;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many connections share a small pool of Python workers without losing or reordering anything. */
class ProcessRuntimeLoadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private TestGateway gateway;
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void twoHundredConnectionsThroughFourPythonWorkersLoseNothingAndKeepEachOrder() {
        int connections = 200;
        int perConnection = 25;
        gateway = TestGateway.start(GatewayConfig.builder()
                .runtimes(RuntimesConfig.builder().workers(4).build())
                .limits(LimitsConfig.builder().connectRatePerIp(100_000).build())
                .route(RouteConfig.builder("/chat")
                        .transfer(Handlers.lifecycle(Language.PYTHON, "transfer"))
                        .build()));

        for (int c = 0; c < connections; c++) {
            clients.add(WsClient.open(gateway.ws("/chat")));
        }
        for (int m = 0; m < perConnection; m++) {
            for (int c = 0; c < connections; c++) {
                clients.get(c).sendText(c + ":" + m);
            }
        }
        for (int c = 0; c < connections; c++) {
            int client = c;
            List<String> replies = clients.get(c).next(perConnection, WAIT).stream()
                    .map(WsClient.Message::text)
                    .toList();
            assertThat(replies)
                    .as("connection %d", c)
                    .containsExactlyElementsOf(IntStream.range(0, perConnection)
                            .mapToObj(m -> client + ":" + m)
                            .toList());
        }
        for (WsClient client : clients) {
            assertThat(client.poll(Duration.ZERO)).as("no duplicate").isNull();
            assertThat(client.isOpen()).isTrue();
        }
    }
}
