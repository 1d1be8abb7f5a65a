package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard check} and the command line's own errors, run as the jar a user runs: a
 * valid config is printed with every default, a broken one is the line {@code serve} prints.
 */
class CheckCommandTest {
    @TempDir
    Path dir;

    private int runs;

    /** The result of one run: exit status, standard output and standard error. */
    private record Run(int status, List<String> out, List<String> err) {}

    private Run run(Map<String, String> environment, String... args) throws Exception {
        int n = runs++;
        Path out = dir.resolve("stdout-" + n);
        Path err = dir.resolve("stderr-" + n);
        ProcessBuilder builder =
                AppJar.command(args).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), lines(out), lines(err));
    }

    private Run run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private Path config(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void validConfigPrintsEveryDefaultAndTheOutputLoadsAsTheSameConfig() throws Exception {
        Path config = config("chat.yaml", """
                node-id: edge-1
                shutdown-close-code: 1012
                limits:
                  max-message-bytes: 64KiB
                routes:
                  - path: /chat
                    functions:
                      register: http://127.0.0.1:9000/register
                      transfer: http://127.0.0.1:9000/transfer
                    resume-window: 30s
                """);

        Run check = run("check", "--config", config.toString());

        assertThat(check.status()).isZero();
        assertThat(check.err()).isEmpty();
        String printed = String.join("\n", check.out());
        assertThat(check.out().get(0))
                .isEqualTo("# effective configuration of " + config + "; secrets are shown as ***");
        assertThat(check.out())
                .contains(
                        "node-id: edge-1",
                        "shutdown-close-code: 1012",
                        // defaults that the file does not name
                        "shutdown-timeout: 10s",
                        "  idle-timeout: 10m",
                        "  listen: 127.0.0.1:8081",
                        "    on-transfer-error: close",
                        "      max-messages: 1000",
                        // the route inherits the node's message limit
                        "    max-message-bytes: 65536");
        GatewayConfig original = ConfigLoader.load(config);
        GatewayConfig reloaded = ConfigLoader.parse(printed, Map.of());
        assertThat(reloaded.limits()).isEqualTo(original.limits());
        assertThat(reloaded.push()).isEqualTo(original.push());
        assertThat(reloaded.nodeId()).isEqualTo("edge-1");
        assertThat(reloaded.shutdownCloseCode()).isEqualTo(1012);
        assertThat(reloaded.routes().get(0).connectionLimits(reloaded.limits()))
                .isEqualTo(original.routes().get(0).connectionLimits(original.limits()));
        assertThat(reloaded.routes().get(0).reliable())
                .isEqualTo(original.routes().get(0).reliable());

        // printing the printed config again changes nothing
        Path again = config("again.yaml", printed);
        Run second = run("check", "--config", again.toString());
        assertThat(second.out().subList(1, second.out().size()))
                .isEqualTo(check.out().subList(1, check.out().size()));
    }

    @Test
    void secretsAreNotPrinted() throws Exception {
        Path config = config("secret.yaml", """
                push:
                  token: ${PUSH_TOKEN}
                routes:
                  - path: /chat
                    signing-secret: ${SIGNING_SECRET}
                cluster:
                  redis: redis://:${REDIS_PASSWORD}@10.0.0.5:6379
                """);

        Run check = run(
                Map.of("PUSH_TOKEN", "t0ken-value", "SIGNING_SECRET", "s3cret-value", "REDIS_PASSWORD", "r3dis-pw"),
                "check",
                "--config",
                config.toString());

        assertThat(check.status()).isZero();
        assertThat(check.out())
                .contains("  token: '***'", "    signing-secret: '***'", "  redis: redis://***@10.0.0.5:6379");
        assertThat(String.join("\n", check.out())).doesNotContain("t0ken-value", "s3cret-value", "r3dis-pw");
    }

    @Test
    void brokenConfigGivesTheSameLineAsServeAndExitStatus2() throws Exception {
        Path config = config("broken.yaml", "routes:\n  - path: /chat\nlimits:\n  idle-timeout: 10x\n");

        Run check = run("check", "--config", config.toString());
        Run serve = run("serve", "--config", config.toString());

        assertThat(check.status()).isEqualTo(2);
        assertThat(check.out()).isEmpty();
        assertThat(check.err())
                .containsExactly(
                        "switchboard: limits.idle-timeout: '10x' (expected: a duration like 500ms, 3s, 2m, 1h or 1d)")
                .isEqualTo(serve.err());
        assertThat(serve.status()).isEqualTo(2);
    }

    @Test
    void missingJavaFunctionIsFoundWithoutStartingAnything() throws Exception {
        Path config = config(
                "java.yaml",
                "routes:\n  - path: /chat\n    functions:\n      transfer: java:com.example.Nope#transfer\n");

        Run check = run("check", "--config", config.toString());

        assertThat(check.status()).isEqualTo(2);
        assertThat(check.err())
                .containsExactly("switchboard: routes[0].functions.transfer: 'java:com.example.Nope#transfer':"
                        + " class com.example.Nope not found on the classpath");
        assertThat(check.err())
                .isEqualTo(run("serve", "--config", config.toString()).err());
    }

    @Test
    void unsetVariableNamesTheConfigFileAndItsLine() throws Exception {
        Path config = config("signed.yaml", "routes:\n  - path: /chat\n    signing-secret: ${UNSET_FUNCTION_SECRET}\n");

        Run serve = run("serve", "--config", config.toString());

        assertThat(serve.status()).isEqualTo(2);
        assertThat(serve.err())
                .containsExactly("switchboard: " + config + ": line 3: ${UNSET_FUNCTION_SECRET} is not set"
                        + " (expected: the variable set, or a default as ${UNSET_FUNCTION_SECRET:-value})");
        assertThat(run("check", "--config", config.toString()).err()).isEqualTo(serve.err());
    }

    @Test
    void noCommandPrintsTheUsageAndExitsWithStatus2() throws Exception {
        Run bare = run();

        assertThat(bare.status()).isEqualTo(2);
        assertThat(bare.out()).isEmpty();
        assertThat(bare.err().get(0)).startsWith("Usage: switchboard");
        assertThat(bare.err()).anyMatch(line -> line.strip().startsWith("check "));
    }
}
