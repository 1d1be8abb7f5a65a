package dev.switchboard.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code switchboard demo} from the runnable jar, as a child process started in the repository
 * root (where the example configs' handler paths lead), on loopback ports.
 */
final class DemoProcess implements AutoCloseable {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PAGE = Pattern.compile("open (http://\\S+/) in two browser windows");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final String page;

    private DemoProcess(Process process, String page) {
        this.process = process;
        this.page = page;
    }

    /**
     * Starts the demo on {@code port} (0 for any), with the functions of {@code config} (relative
     * to the repository root) or the built-in ones, and waits until it prints its page URL.
     */
    static DemoProcess start(int port, @Nullable String config, Duration timeout) throws IOException {
        List<String> args =
                new ArrayList<>(List.of("demo", "--listen", "127.0.0.1:" + port, "--push-listen", "127.0.0.1:0"));
        if (config != null) {
            args.addAll(List.of("--config", config));
        }
        Process process = AppJar.command(args.toArray(String[]::new))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "demo-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                seen.add(line);
                Matcher page = PAGE.matcher(line);
                if (page.find()) {
                    DemoProcess demo = new DemoProcess(process, page.group(1));
                    demo.output.addAll(seen);
                    // keep draining so the child never blocks on a full pipe
                    Thread drain = new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        String next = lines.take();
                                        synchronized (demo.output) {
                                            demo.output.add(next);
                                        }
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "demo-log");
                    drain.setDaemon(true);
                    drain.start();
                    return demo;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new AssertionError("the demo did not print its page URL within " + timeout + "; output: " + seen);
    }

    /** The chat page, e.g. {@code http://127.0.0.1:41234/}. */
    String page() {
        return page;
    }

    /** The port the page is served on. */
    int port() {
        return Integer.parseInt(page.replaceAll(".*:(\\d+)/$", "$1"));
    }

    /** What the demo printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Stops it as Ctrl-C would: connections close with 1001, cleanups are delivered. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
