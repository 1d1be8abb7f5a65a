package dev.switchboard.chaos;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One gateway node: {@code java -jar switchboard.jar serve --config node.yaml} as a child process,
 * on fixed ports and with its own {@code state-dir}, so that a restart comes back where its clients
 * and callers expect it, with the record of the connections its previous run opened.
 */
final class NodeProcess implements AutoCloseable {
    /**
     * Built by the app module's package phase, before this module's tests run; {@code -Dchaos.jar}
     * runs another build (an older one, or one broken on purpose to see the checker catch it).
     */
    static final Path JAR = Path.of(System.getProperty(
                    "chaos.jar",
                    Path.of("..", "switchboard-app", "target", "switchboard.jar")
                            .toString()))
            .toAbsolutePath()
            .normalize();

    /** A heap line of {@code GC.heap_info}, e.g. {@code  tenured generation   total 10944K, used 3540K}. */
    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^ *(?:def new generation|tenured generation).*used (\\d+)K");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String id;
    private final int clientPort;
    private final int pushPort;
    private final Path config;
    private final Path log;
    private Process process;
    private int starts;

    NodeProcess(String id, int clientPort, int pushPort, int redisPort, String functions, Path dir) {
        this.id = id;
        this.clientPort = clientPort;
        this.pushPort = pushPort;
        this.config = dir.resolve(id + ".yaml");
        this.log = dir.resolve(id + ".log");
        try {
            Files.writeString(config, """
                    node-id: %s
                    listen: 127.0.0.1:%d
                    push:
                      listen: 127.0.0.1:%d
                    shutdown-timeout: 5s
                    state-dir: %s
                    cluster:
                      redis: redis://127.0.0.1:%d
                      heartbeat-interval: %dms
                      heartbeat-ttl: %dms
                      forward-timeout: %dms
                    limits:
                      max-connections-per-ip: 100000
                      connect-rate-per-ip: 100000
                    routes:
                      - path: /chat
                        resume-window: %dms
                        functions:
                          register: %s/register
                          transfer: %s/transfer
                          cleanup: %s/cleanup
                    """.formatted(
                            id,
                            clientPort,
                            pushPort,
                            dir.resolve(id + "-state"),
                            redisPort,
                            ChaosCluster.HEARTBEAT.toMillis(),
                            ChaosCluster.TTL.toMillis(),
                            ChaosCluster.FORWARD_TIMEOUT.toMillis(),
                            ChaosCluster.RESUME_WINDOW.toMillis(),
                            functions,
                            functions,
                            functions));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String id() {
        return id;
    }

    URI clientUri(String query) {
        return URI.create("ws://127.0.0.1:" + clientPort + "/chat" + (query.isEmpty() ? "" : "?" + query));
    }

    URI pushUri(String path) {
        return URI.create("http://127.0.0.1:" + pushPort + path);
    }

    /** Starts the process; does not wait for it to be ready. */
    void start() {
        try {
            // output goes to a file: the JDK may drop what a pipe still holds when the process dies
            process = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx192m",
                            "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1",
                            "-jar",
                            JAR.toString(),
                            "serve",
                            "--config",
                            config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times this node was started. */
    int starts() {
        return starts;
    }

    /** Waits until {@code /readyz} answers 200; false when it does not within {@code timeout}. */
    boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (readyz() == 200) {
                return true;
            }
            Pause.sleep(Duration.ofMillis(50));
        }
        return false;
    }

    /** POSTs {@code body} to this node's {@code /push}, waiting up to a minute for the answer. */
    HttpResponse<String> push(String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(pushUri("/push"))
                        .timeout(Duration.ofMinutes(1))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int readyz() {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(pushUri("/readyz"))
                                    .timeout(Duration.ofSeconds(1))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {@code kill -9}. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code SIGSTOP}: the process freezes, its sockets stay open, as in a long GC pause. */
    void stop() {
        signal("-STOP");
    }

    /** {@code SIGCONT}. */
    void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Open file descriptors of the process. */
    long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Java heap in use after a full collection, in KiB. */
    long heapAfterGcKiB() {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        long kib = 0;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
        }
        return kib;
    }

    private String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(process.pid()),
                            command)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            resume();
            kill();
        }
    }
}
