package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard serve} with {@code tls}: a real child process reloading its certificate on SIGHUP. */
class TlsCliTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(wss://\\S+)");

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void sighupSwapsTheCertificateForNewConnectionsAndKeepsOpenOnes() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.Issued first = TestCertificates.issue("first");
        TestCertificates.Issued second = TestCertificates.issue("second");
        first.writeTo(cert, key);
        Path config = dir.resolve("tls.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                push:
                  listen: 127.0.0.1:0
                tls:
                  cert: %s
                  key: %s
                  watch-interval: 1h
                routes:
                  - path: /echo
                    functions:
                      transfer: java:dev.switchboard.runtimes.java.builtin.Echo#transfer
                """.formatted(cert, key));
        process = withDefaultSighup(AppJar.serve(config))
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        URI echo = clientUrl();

        try (WsClient old = WsClient.to(echo).trust(first.certificate()).open()) {
            assertThat(old.peerCertificate()).isEqualTo(first.certificate());
            second.writeTo(cert, key);

            signal("HUP");

            await().atMost(WAIT).untilAsserted(() -> {
                try (WsClient fresh = WsClient.to(echo)
                        .trust(first.certificate(), second.certificate())
                        .open()) {
                    assertThat(fresh.peerCertificate()).isEqualTo(second.certificate());
                }
            });
            assertThat(process.isAlive()).as("SIGHUP does not stop the node").isTrue();
            old.sendText("still open");
            assertThat(old.next(WAIT).text()).isEqualTo("still open");
        }
        process.destroy();
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /**
     * The command run with SIGHUP at its default disposition. A build started under {@code nohup}
     * passes an ignored SIGHUP on to every process it starts, and a JVM cannot handle a signal
     * ignored at its start; a user's shell delivers it normally. Python resets it, then execs.
     */
    private static ProcessBuilder withDefaultSighup(ProcessBuilder command) {
        List<String> launcher = new ArrayList<>(List.of(
                "python3",
                "-c",
                "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_DFL);"
                        + " os.execvp(sys.argv[1], sys.argv[1:])"));
        launcher.addAll(command.command());
        return command.command(launcher);
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private URI clientUrl() {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            List<String> lines = Files.readAllLines(dir.resolve("stdout"), StandardCharsets.UTF_8);
                            for (String line : lines) {
                                Matcher matcher = CLIENT_URL.matcher(line);
                                if (matcher.find()) {
                                    // the banner says localhost; the certificate names 127.0.0.1 too
                                    return URI.create(matcher.group(1).replace("localhost", "127.0.0.1"));
                                }
                            }
                            return null;
                        },
                        uri -> uri != null);
    }
}
