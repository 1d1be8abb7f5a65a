package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar started as a child process ({@code java -Xmx… -jar switchboard.jar serve
 * --config …}), the way users start it, with its output in a file. Reads its addresses from the
 * banner, and its health, heap and open files from outside: {@code /healthz}, {@code /metrics} and
 * {@code /proc/<pid>/fd}.
 */
final class GatewayProcess implements AutoCloseable {
    /** Built by the app module's package phase, before this module's tests run. */
    static final Path JAR = Path.of("..", "switchboard-app", "target", "switchboard.jar")
            .toAbsolutePath()
            .normalize();

    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+ws://[^:]+:(\\d+)");
    private static final Pattern PUSH_URL = Pattern.compile("push API listens on\\s+http://[^:]+:(\\d+)/push");

    private final Process process;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final int clientPort;
    private final int pushPort;

    private GatewayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.clientPort = Integer.parseInt(banner(CLIENT_URL));
        this.pushPort = Integer.parseInt(banner(PUSH_URL));
    }

    /** Writes {@code yaml} to {@code dir} and starts the jar on it with a heap of {@code maxHeap}. */
    static GatewayProcess start(Path dir, String yaml, String maxHeap) {
        return start(dir, yaml, maxHeap, List.of());
    }

    /** As {@link #start(Path, String, String)}, with {@code serve}'s further {@code options}. */
    static GatewayProcess start(Path dir, String yaml, String maxHeap, List<String> options) {
        assertThat(JAR)
                .as("the runnable jar (built by the app module's package phase)")
                .exists();
        try {
            Path config = Files.writeString(dir.resolve("gateway.yaml"), yaml);
            Path log = dir.resolve("gateway.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + maxHeap,
                    "-jar",
                    JAR.toString(),
                    "serve",
                    "--config",
                    config.toString()));
            command.addAll(options);
            // output goes to a file: the JDK may drop what a pipe still holds when the process dies
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new GatewayProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int clientPort() {
        return clientPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status, once the process has ended on its own within {@code within}. */
    int exitStatus(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> !process.isAlive());
        return process.exitValue();
    }

    /** Everything the node has logged so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status of {@code GET /healthz}, which must answer within {@code within}; -1 when it did not. */
    int health(Duration within) {
        try {
            return http.send(
                            HttpRequest.newBuilder(push("/healthz"))
                                    .timeout(within)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The sum of the samples of {@code name} in {@code GET /metrics} whose labels contain {@code labels}. */
    OptionalDouble metric(String name, String labels) {
        try {
            String text = http.send(
                            HttpRequest.newBuilder(push("/metrics"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return text.lines()
                    .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .filter(line -> line.contains(labels))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .reduce(Double::sum);
        } catch (IOException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** The number of file descriptors the process holds open, read from {@code /proc}. */
    long openFiles() {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private URI push(String path) {
        return URI.create("http://127.0.0.1:" + pushPort + path);
    }

    private String banner(Pattern pattern) {
        String found = await().atMost(START)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> output().lines()
                                .map(pattern::matcher)
                                .filter(Matcher::find)
                                .map(matcher -> matcher.group(1))
                                .findFirst()
                                .orElse(null),
                        port -> port != null || !process.isAlive());
        assertThat(found).as("the node started:%n%s", output()).isNotNull();
        return found;
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
