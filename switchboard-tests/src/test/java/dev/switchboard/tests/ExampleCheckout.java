package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A checkout made for running the examples as their READMEs say: a copy of {@code examples/} in a
 * temporary root, a {@code ./switchboard} launcher there that runs the built jar (so no Maven
 * build starts), and the README's commands read from its {@code sh} blocks. Every fixed port the
 * examples use (8080, 8081, 9000, the cluster's, Redis's 6379) is replaced by a free one, in the
 * copied files and in the commands alike, so the examples run next to anything else; nothing
 * else of a file or a command is changed.
 */
final class ExampleCheckout implements AutoCloseable {
    private static final List<Integer> FIXED_PORTS =
            List.of(8080, 8081, 9000, 9101, 9102, 9103, 9201, 9202, 9203, 6379);
    private static final Set<String> REWRITTEN = Set.of("yaml", "yml", "sh", "conf", "py", "js", "md");
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    private final Path root;
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final Pattern portPattern;
    private final List<Terminal> terminals = new ArrayList<>();

    private ExampleCheckout(Path root) throws IOException {
        this.root = root;
        for (int port : FIXED_PORTS) {
            ports.put(port, LocalPorts.free());
        }
        StringBuilder alternatives = new StringBuilder();
        for (int port : FIXED_PORTS) {
            alternatives.append(alternatives.isEmpty() ? "" : "|").append(port);
        }
        portPattern = Pattern.compile("(?<![0-9A-Za-z.+/=-])(" + alternatives + ")(?![0-9A-Za-z])");
    }

    /** Copies {@code examples/} (without installed packages or state) into {@code root}. */
    static ExampleCheckout create(Path root) throws IOException {
        ExampleCheckout checkout = new ExampleCheckout(root);
        Path from = Markdown.ROOT.resolve("examples");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path relative = from.relativize(file);
                if (relative.toString().contains("node_modules")
                        || relative.startsWith("aws-node-chat/tls")
                        || relative.toString().endsWith(".sqlite3")
                        || relative.toString().endsWith("connections.json")) {
                    continue;
                }
                Path to = root.resolve("examples").resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else if (REWRITTEN.contains(extension(file))) {
                    Files.writeString(to, checkout.rewrite(Files.readString(file)));
                    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(file));
                } else {
                    Files.copy(file, to);
                }
            }
        }
        Path launcher = root.resolve("switchboard");
        Files.writeString(
                launcher,
                "#!/bin/sh\n# the checkout's launcher, without its build step: the jar is built\nexec '"
                        + Path.of(System.getProperty("java.home"), "bin", "java")
                        + "' -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} -jar '" + AppJar.JAR + "' \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = root.resolve("switchboard-app/target/switchboard.jar");
        Files.createDirectories(jar.getParent());
        Files.createSymbolicLink(jar, AppJar.JAR);
        return checkout;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** {@code text} with every fixed port replaced by its free one. */
    String rewrite(String text) {
        Matcher m = portPattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, String.valueOf(ports.get(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The free port that stands for {@code documented}. */
    int port(int documented) {
        return ports.get(documented);
    }

    Path root() {
        return root;
    }

    /** The {@code sh} blocks of {@code examples/<example>/README.md}, ports rewritten. */
    List<String> commands(String example) throws IOException {
        String readme =
                Files.readString(root.resolve("examples").resolve(example).resolve("README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = SH_BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1).strip());
        }
        assertThat(blocks).as("examples/%s/README.md has sh blocks", example).isNotEmpty();
        return blocks;
    }

    /** The README's text of {@code example}, ports rewritten. */
    String readme(String example) throws IOException {
        return Files.readString(root.resolve("examples").resolve(example).resolve("README.md"));
    }

    /** The first block holding {@code part}. */
    static String block(List<String> blocks, String part) {
        return blocks.stream()
                .filter(block -> block.contains(part))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no README command with " + part + " in " + blocks));
    }

    /** The first line of {@code block} that starts with {@code start}, without its comment. */
    static String line(String block, String start) {
        return block.lines()
                .filter(line -> line.startsWith(start))
                .map(line -> line.replaceFirst("\\s+#.*$", "").strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + start + " in " + block));
    }

    /**
     * A {@code node -e} client as the README gives it; on Node.js 20 with
     * {@code --experimental-websocket} after {@code node}, as the READMEs say.
     */
    static String nodeClient(String command) {
        return nodeMajor() >= 22 ? command : command.replaceFirst("^node ", "node --experimental-websocket ");
    }

    private static int nodeMajor() {
        try {
            Process node = new ProcessBuilder("node", "--version").start();
            String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            node.waitFor(30, TimeUnit.SECONDS);
            return Integer.parseInt(version.replaceFirst("^v", "").split("\\.")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code command} with bash in {@code directory} (relative to the root), as in a terminal. */
    Terminal start(String command, String directory, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(root.resolve(directory).toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Terminal terminal = new Terminal(builder.start(), command);
        terminals.add(terminal);
        return terminal;
    }

    /** {@link #start} from the root. */
    Terminal start(String command, Map<String, String> environment) throws IOException {
        return start(command, ".", environment);
    }

    /** Runs {@code script} with bash from {@code directory} to its end; fails unless it exits 0. */
    List<String> run(String script, String directory, Duration timeout) throws IOException, InterruptedException {
        Terminal terminal = start(script, directory, Map.of());
        assertThat(terminal.process().waitFor(timeout.toSeconds(), TimeUnit.SECONDS))
                .as("%s ended", script)
                .isTrue();
        terminal.awaitOutputEnd(timeout);
        assertThat(terminal.process().exitValue())
                .as("exit status of %s; it printed %s", script, terminal.lines())
                .isZero();
        return terminal.lines();
    }

    /** Stops what is still running: SIGTERM as Ctrl-C would, then SIGKILL for what is left. */
    @Override
    public void close() {
        for (Terminal terminal : terminals) {
            terminal.process().descendants().forEach(ProcessHandle::destroy);
            terminal.process().destroy();
        }
        for (Terminal terminal : terminals) {
            try {
                if (!terminal.process().waitFor(30, TimeUnit.SECONDS)) {
                    terminal.process().descendants().forEach(ProcessHandle::destroyForcibly);
                    terminal.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A command running as in its own terminal: its output, line by line. */
    static final class Terminal {
        private final Process process;
        private final String command;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Terminal(Process process, String command) {
            this.process = process;
            this.command = command;
            this.reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (IOException | UncheckedIOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Process process() {
            return process;
        }

        /**
         * Waits until everything the ended process printed has been read: its last line (curl's
         * JSON answer has no newline) arrives only with the end of the stream.
         */
        void awaitOutputEnd(Duration timeout) throws InterruptedException {
            reader.join(timeout.toMillis());
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        boolean printed(String part) {
            return lines.stream().anyMatch(line -> line.contains(part));
        }

        /** The first printed line holding {@code part}, empty when there is none yet. */
        String find(String part) {
            return lines.stream()
                    .filter(line -> line.contains(part))
                    .findFirst()
                    .orElse("");
        }

        @Override
        public String toString() {
            return command + " printed " + lines;
        }
    }
}
