package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.adversarial.functions.RunawayRecursion;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link Error} inside the gateway ends the process (README, "Graceful shutdown"): the
 * runnable jar, with a user's Java function whose recursion never ends, exits with status 70 and
 * one FATAL line on the first message, so a supervisor restarts it, instead of serving on with a
 * broken thread.
 */
class FatalErrorTest {
    @TempDir
    Path dir;

    @Test
    void aStackOverflowInAJavaFunctionEndsTheProcessWithStatus70AndOneFatalLine() throws URISyntaxException {
        Path classes = Path.of(RunawayRecursion.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String yaml = """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                routes:
                  - path: /recurse
                    functions:
                      transfer: java:%s#transfer
                """.formatted(RunawayRecursion.class.getName());
        GatewayProcess gateway =
                GatewayProcess.start(dir, yaml, "128m", List.of("--functions-jar", classes.toString()));
        try (gateway;
                WsClient client = WsClient.open(URI.create("ws://127.0.0.1:" + gateway.clientPort() + "/recurse"))) {
            client.sendText("down the rabbit hole");

            assertThat(gateway.exitStatus(Duration.ofSeconds(30))).isEqualTo(70);
            List<String> fatal = gateway.output()
                    .lines()
                    .filter(line -> line.contains(" FATAL "))
                    .toList();
            assertThat(fatal).hasSize(1);
            assertThat(fatal.get(0)).contains("StackOverflowError").endsWith("; exiting");
        }
    }
}
