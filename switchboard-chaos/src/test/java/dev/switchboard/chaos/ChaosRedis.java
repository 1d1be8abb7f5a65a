package dev.switchboard.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's {@code redis-server}, on a fixed loopback port, that can be killed with
 * {@code SIGKILL} and started again either empty or from the snapshot it saved just before.
 * {@code redis-cli} reads its keys for the checker.
 */
final class ChaosRedis implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    ChaosRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.process = launch();
    }

    int port() {
        return port;
    }

    /** Kills the server; it starts again empty ({@code fromSnapshot} false) or from a fresh snapshot. */
    void kill(boolean fromSnapshot) {
        if (fromSnapshot) {
            cli("SAVE");
        }
        process.destroyForcibly();
        waitFor(process);
        if (!fromSnapshot) {
            try {
                Files.deleteIfExists(dir.resolve("dump.rdb"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Saves a snapshot now, which a later {@link #killToLastSnapshot()} restarts from. */
    void save() {
        cli("SAVE");
    }

    /**
     * Kills the server without saving: it starts again from the last {@link #save()}, an older
     * snapshot than what it held, as after a restore from a backup.
     */
    void killToLastSnapshot() {
        process.destroyForcibly();
        waitFor(process);
    }

    void start() {
        process = launch();
    }

    private Process launch() {
        Process started;
        try {
            started = new ProcessBuilder(List.of(
                            "redis-server",
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dbfilename",
                            "dump.rdb",
                            "--dir",
                            dir.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed?)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String pong = cliOrNull("PING");
            if (pong != null && pong.strip().equals("PONG")) {
                return started;
            }
            if (!started.isAlive()) {
                throw new IllegalStateException("redis-server exited at start; see " + dir.resolve("redis.log"));
            }
            Pause.briefly();
        }
        throw new IllegalStateException("redis-server did not answer PING within 20 s");
    }

    /** Keys matching {@code pattern}. */
    List<String> keys(String pattern) {
        return lines(cli("--scan", "--pattern", pattern));
    }

    /** The members of the set at {@code key}. */
    List<String> members(String key) {
        return lines(cli("SMEMBERS", key));
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    String cli(String... args) {
        String answer = cliOrNull(args);
        if (answer == null) {
            throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed");
        }
        return answer;
    }

    private String cliOrNull(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return cli.waitFor() == 0 && !out.startsWith("Could not connect") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        waitFor(process);
    }
}
