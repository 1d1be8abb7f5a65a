package dev.switchboard.bench.scenario;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server running in its own JVM, started with this JVM's class path, driven through the
 * {@code ServerControl} protocol on its stdin/stdout. Its stderr (the log) goes to a file.
 * Closing it asks it to stop, and kills it if it does not within 20 s.
 */
final class ChildJvm implements AutoCloseable {
    private static final long READY_TIMEOUT_SECONDS = 60;

    private final String name;
    private final Process process;
    private final BufferedWriter commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> ports;

    private ChildJvm(String name, Process process) throws IOException, InterruptedException {
        this.name = name;
        this.process = process;
        this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(this::readLines, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = awaitLine("READY", READY_TIMEOUT_SECONDS);
        this.ports = List.of(ready.substring("READY ".length()).trim().split(" "));
    }

    /**
     * Starts {@code mainClass} with {@code jvmOptions} and {@code args}; returns once it printed
     * {@code READY}. Its log goes to {@code logDir/name.log}.
     */
    static ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> args, Path logDir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        logDir.toFile().mkdirs();
        Process process = new ProcessBuilder(command)
                .redirectError(logDir.resolve(name + ".log").toFile())
                .start();
        try {
            return new ChildJvm(name, process);
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The ports it printed with {@code READY}, in order. */
    int port(int index) {
        return Integer.parseInt(ports.get(index));
    }

    /** Its process id (for jcmd or /proc). */
    long pid() {
        return process.pid();
    }

    /** Sends {@code command} and returns the fields of its answer line (after the keyword). */
    String[] ask(String command, String answerKeyword) throws IOException, InterruptedException {
        commands.write(command);
        commands.newLine();
        commands.flush();
        String line = awaitLine(answerKeyword, 120);
        return line.substring(answerKeyword.length()).trim().split(" ");
    }

    /** Open connections the server counts right now. */
    int openConnections() throws IOException, InterruptedException {
        return Integer.parseInt(ask("count", "COUNT")[0]);
    }

    private String awaitLine(String keyword, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " before answering "
                            + keyword + " (see its log)");
                }
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException(
                            name + " did not answer " + keyword + " within " + timeoutSeconds + " s");
                }
                continue;
            }
            if (line.startsWith(keyword)) {
                return line;
            }
        }
    }

    private void readLines() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @Override
    public void close() {
        try {
            commands.write("stop");
            commands.newLine();
            commands.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
