package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Python handler whose import fails, as examples/tencent-python's without {@code requests}. */
class ProcessHandlerLoadErrorTest {
    @TempDir
    Path dir;

    @Test
    void handlerThatCannotBeImportedIsLoggedOnceWhileItsWorkersRetry() throws Exception {
        Path handler = dir.resolve("pairs.py");
        Files.writeString(
                handler,
                "import no_such_module_for_this_test\n\ndef main_handler(event, context):\n"
                        + "    return {'errNo': 0}\n");
        FunctionTarget target = FunctionTarget.parse("python:" + handler);
        try (LogCapture logs = LogCapture.attach();
                TestGateway gateway = TestGateway.start(GatewayConfig.builder()
                        .runtimes(RuntimesConfig.builder().workers(2).build())
                        .route(RouteConfig.builder("/pairs").register(target).build()))) {
            WsClient.Refused refused = WsClient.to(gateway.ws("/pairs")).refused();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("4031");

            // both workers keep retrying (100 ms, doubling): about eight attempts in two seconds
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(4))
                    .untilAsserted(() -> assertThat(logs.lines().stream()
                                    .filter(line -> line.contains("could not start"))
                                    .toList())
                            .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                            .contains(target.spec(), "ModuleNotFoundError", "no_such_module_for_this_test"));
        }
    }
}
