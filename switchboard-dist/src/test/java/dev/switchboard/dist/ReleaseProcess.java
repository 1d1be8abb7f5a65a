package dev.switchboard.dist;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code bin/switchboard} of an unpacked archive, running as a child process; its output is kept. */
final class ReleaseProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ReleaseProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "release-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code home/bin/switchboard args} with exactly {@code environment}. */
    static ReleaseProcess start(Path home, java.util.Map<String, String> environment, String... args)
            throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve("bin/switchboard").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new ReleaseProcess(builder.start());
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[bin/switchboard] " + line);
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }

    /** Waits for a line matching {@code pattern} and returns its first group. */
    String awaitLine(Pattern pattern) {
        return await("a line matching " + pattern + " in the output " + output)
                .atMost(Duration.ofSeconds(60))
                .until(() -> firstMatch(pattern), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<String> firstMatch(Pattern pattern) {
        if (!process.isAlive()
                && output.stream().noneMatch(line -> pattern.matcher(line).find())) {
            throw new AssertionError("bin/switchboard exited with " + process.exitValue() + ": " + output);
        }
        for (String line : output) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    /** Sends SIGTERM, as systemd and Kubernetes stop it, and returns the exit status. */
    int terminate() throws InterruptedException {
        // Process.destroy() would also close the pipe of its output, losing the last lines
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running 60 s after SIGTERM: " + output);
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself and returns the exit status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running after 60 s: " + output);
        }
        return process.exitValue();
    }

    /** Everything it printed, once it has exited. */
    List<String> output() throws InterruptedException {
        process.waitFor();
        reader.join(10_000);
        return List.copyOf(output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
