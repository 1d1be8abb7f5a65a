package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steps 2 to 5 of README.md's five-minute walkthrough, run from the commands in README.md's own
 * code blocks: the Python functions, the gateway with examples/config/chat.yaml, the Node.js
 * client, and every curl. Ports 8080, 8081 and 9000 are replaced by free ones so that the test
 * can run next to anything else; nothing else of a command is changed. What the README says the
 * client prints ({@code `received: …`}, {@code `closed …`}) must be printed.
 */
class ReadmeWalkthroughTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroy);
    }

    @Test
    void theWalkthroughsCommandsDoWhatTheReadmeSays() throws Exception {
        String section = walkthrough();
        List<String> commands = shBlocks(section);
        int clientPort = freePort();
        int pushPort = freePort();
        int functionsPort = freePort();

        String startBoth = find(commands, "functions.py");
        String functionsCommand = line(startBoth, "python3 ");
        String serveCommand = line(startBoth, "./switchboard serve");
        Lines functions = start(
                functionsCommand + " " + functionsPort,
                Map.of("SWITCHBOARD_PUSH_URL", "http://127.0.0.1:" + pushPort + "/push"));
        Path config = dir.resolve("chat.yaml");
        Files.writeString(
                config,
                Files.readString(Markdown.ROOT.resolve("examples/config/chat.yaml"))
                        .replace("127.0.0.1:9000", "127.0.0.1:" + functionsPort));
        assertThat(serveCommand).contains("--config examples/config/chat.yaml");
        ProcessBuilder gateway = AppJar.command(
                        "serve",
                        "--config",
                        config.toString(),
                        "--listen",
                        "127.0.0.1:" + clientPort,
                        "--push-listen",
                        "127.0.0.1:" + pushPort)
                .directory(Markdown.ROOT.toFile())
                .redirectErrorStream(true);
        Lines gatewayLog = new Lines(gateway.start(), processes);
        await().atMost(WAIT).until(() -> gatewayLog.has("Ctrl-C"));

        String client = find(commands, "node -e").replace("localhost:8080", "localhost:" + clientPort);
        Lines clientOut = start(client.replaceFirst("^node ", "node --experimental-websocket "), Map.of());
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(functions.all())
                        .as(
                                "the functions' output (the client printed %s, the gateway %s)",
                                clientOut.all(), gatewayLog.all())
                        .anyMatch(line -> line.contains("register conn=")));
        Matcher id = Pattern.compile("register conn=(\\S+)").matcher(functions.find("register conn="));
        assertThat(id.find()).isTrue();

        for (String curl : commands) {
            if (!curl.contains("curl ") || !curl.contains("localhost:8081")) {
                continue;
            }
            String command = curl.replaceAll("(?m)^ID=.*$", "ID=" + id.group(1))
                    .replace("localhost:8081", "localhost:" + pushPort);
            if (!command.startsWith("ID=")) {
                command = "ID=" + id.group(1) + "\n" + command;
            }
            Process run = new ProcessBuilder("bash", "-c", command)
                    .directory(Markdown.ROOT.toFile())
                    .start();
            String answer = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(answer).as("answer to %s", curl).contains("\"errNo\":0");
        }

        for (String printed : clientLines(section)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(clientOut.all())
                            .as("what the client printed")
                            .anyMatch(line -> line.contains(printed)));
        }
    }

    /** The walkthrough section of README.md. */
    private static String walkthrough() throws IOException {
        String readme = Files.readString(Markdown.ROOT.resolve("README.md"));
        int start = readme.indexOf("## A five-minute walkthrough");
        assertThat(start).as("README.md has a five-minute walkthrough").isGreaterThanOrEqualTo(0);
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<String> shBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            blocks.add(m.group(1).strip());
        }
        return blocks;
    }

    /** What the README says the client prints: {@code `received: …`} and {@code `closed …`}. */
    private static List<String> clientLines(String text) {
        List<String> lines = new ArrayList<>();
        Matcher m = Pattern.compile("`(received: [^`]+|closed \\d{4} [^`]+)`").matcher(text);
        while (m.find()) {
            lines.add(m.group(1));
        }
        Matcher block = Pattern.compile("```\\n((?:received: [^\\n]*\\n)+)```").matcher(text);
        while (block.find()) {
            lines.addAll(List.of(block.group(1).strip().split("\\n")));
        }
        assertThat(lines).as("what the walkthrough says the client prints").hasSizeGreaterThan(3);
        return lines;
    }

    private static String find(List<String> blocks, String part) {
        return blocks.stream()
                .filter(b -> b.contains(part) && !b.contains("/echo"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("README.md's walkthrough has no command with " + part));
    }

    private static String line(String block, String start) {
        return block.lines()
                .filter(l -> l.startsWith(start))
                .map(l -> l.replaceFirst("\\s+#.*$", "").strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + start + " in " + block));
    }

    private Lines start(String command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + command)
                .directory(Markdown.ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Lines(process, processes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A child process's output, collected line by line. */
    private static final class Lines {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Lines(Process process, List<Process> processes) {
            processes.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        boolean has(String part) {
            return lines.stream().anyMatch(l -> l.contains(part));
        }

        String find(String part) {
            return lines.stream().filter(l -> l.contains(part)).findFirst().orElse("");
        }

        List<String> all() {
            return List.copyOf(lines);
        }
    }
}
