package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unauthenticated peers cannot forge a line of the human log format: a gateway process (the
 * runnable jar, as users start it) gets a resume query and a push listener path carrying a
 * percent-encoded line break, ESC and a fake log line, and its output keeps every event on one
 * line, with the characters escaped.
 */
class LogInjectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+ws://[^:]+:(\\d+)");
    private static final Pattern PUSH_URL = Pattern.compile("push API listens on\\s+http://[^:]+:(\\d+)/push");
    /** What an attacker wants to appear as a line of its own. */
    private static final String FORGED = "00:00:00.000 ERROR Gateway - FORGED";

    private static final String ENCODED = "%0d%0a%1b[31m00:00:00.000%20ERROR%20Gateway%20-%20FORGED";

    @TempDir
    Path dir;

    private Process process;
    private Path log;

    @BeforeEach
    void start() throws IOException {
        Path config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                  token: log-injection-token
                routes:
                  - path: /chat
                    resume-window: 30s
                """);
        log = dir.resolve("gateway.log");
        process = AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aLineBreakInAResumeQueryOrAPushPathCannotForgeALogLine() throws Exception {
        int clientPort = port(CLIENT_URL);
        int pushPort = port(PUSH_URL);

        try (RawHttp client = new RawHttp(clientPort, (int) WAIT.toMillis())) {
            client.write("GET /chat?sb-session=s1&sb-token=t1&sb-seq=x" + ENCODED + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: switchboard.reliable.v1\r\n\r\n");
            // refused, or upgraded and then closed with the reason: either way the value is logged
            client.read();
        }
        try (RawHttp push = new RawHttp(pushPort, (int) WAIT.toMillis())) {
            push.write("GET /connections" + ENCODED + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(push.read().status()).isEqualTo(401);
        }

        await().atMost(WAIT).until(() -> output().contains("refused: missing or wrong bearer token"));
        String output = output();
        System.out.println(output);
        assertThat(output.lines()).noneMatch(line -> line.startsWith(FORGED) || line.startsWith("\u001b"));
        assertThat(output).doesNotContain("\u001b").doesNotContain("\r");
        assertThat(output.lines().filter(line -> line.contains("FORGED")))
                .as("the attempts, each logged on one line and escaped")
                .hasSizeGreaterThanOrEqualTo(2)
                .allMatch(line -> line.contains("\\r\\n\\u001b[31m00:00:00.000 ERROR Gateway - FORGED"));
    }

    private String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private int port(Pattern pattern) {
        String port = await().atMost(WAIT)
                .until(
                        () -> {
                            Matcher matcher = pattern.matcher(output());
                            return matcher.find() ? matcher.group(1) : null;
                        },
                        found -> found != null || !process.isAlive());
        assertThat(process.isAlive())
                .as("the gateway is running: %s", URI.create("file:" + log))
                .isTrue();
        return Integer.parseInt(port);
    }
}
