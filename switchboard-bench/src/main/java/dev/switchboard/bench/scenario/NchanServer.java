package dev.switchboard.bench.scenario;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * nginx with the nchan pub/sub module, the fan-out reference: started in the foreground with a
 * generated config under its own directory (error log and pid file there too), on a free
 * loopback port, with one HTTP publisher and one WebSocket subscriber location whose channel is
 * the last path segment ({@code /pub/<channel>}, {@code /sub/<channel>}). Its master is the
 * process measured; its workers are the master's children.
 */
final class NchanServer implements AutoCloseable {
    /** Where Debian's {@code libnginx-mod-nchan} installs the module. */
    static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    /** Messages a channel keeps; more than the rounds a fan-out run keeps in flight. */
    private static final int MESSAGE_BUFFER_LENGTH = 64;

    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final Process process;
    private final int port;

    private NchanServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Why the reference cannot run here (no nginx, or no nchan module), or empty when it can;
     * {@code nginx} is the binary, or null for {@code nginx} on the PATH (or in /usr/sbin).
     */
    static Optional<String> missing(@Nullable Path nginx) {
        if (nginx(nginx).isEmpty()) {
            return Optional.of((nginx == null ? "nginx" : nginx.toString())
                    + " is not installed (Debian: apt-get install nginx libnginx-mod-nchan)");
        }
        if (!Files.isReadable(MODULE)) {
            return Optional.of("the nchan module is not installed at " + MODULE + " (Debian: libnginx-mod-nchan)");
        }
        return Optional.empty();
    }

    /**
     * Starts {@code nginx} (null: the one on the PATH) in {@code directory} with {@code workers} worker processes, each accepting up
     * to {@code maxConnections}; returns once its port accepts connections.
     */
    static NchanServer start(@Nullable Path nginx, Path directory, int workers, int maxConnections)
            throws IOException, InterruptedException {
        Path dir = directory.toAbsolutePath();
        Files.createDirectories(dir.resolve("temp"));
        int port = Servers.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, port, workers, maxConnections));
        Path errorLog = dir.resolve("error.log");
        Process process = new ProcessBuilder(List.of(
                        nginx(nginx).orElseThrow().toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        conf.toString(),
                        "-e",
                        errorLog.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        try {
            awaitListening(process, port, errorLog);
            return new NchanServer(process, port);
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The master process's id; CPU and memory are read over it and its workers. */
    long pid() {
        return process.pid();
    }

    /** The WebSocket subscriber URI of {@code channel}. */
    URI subscriber(String channel) {
        return URI.create("ws://127.0.0.1:" + port + "/sub/" + channel);
    }

    /** The HTTP publisher URI of {@code channel}. */
    URI publisher(String channel) {
        return URI.create("http://127.0.0.1:" + port + "/pub/" + channel);
    }

    private static String config(Path dir, int port, int workers, int maxConnections) {
        // reuseport lets the kernel spread connections over the workers, as a tuned nginx would;
        // each run publishes to a channel of its own, so no subscriber sees an earlier run's messages
        return """
                load_module %s;
                daemon off;
                worker_processes %d;
                pid %s;
                error_log %s warn;
                events { worker_connections %d; }
                http {
                    access_log off;
                    client_body_temp_path %s;
                    server {
                        listen 127.0.0.1:%d reuseport;
                        location ~ ^/pub/(\\w+)$ {
                            nchan_publisher;
                            nchan_channel_id $1;
                            nchan_message_buffer_length %d;
                            nchan_message_timeout 60s;
                        }
                        location ~ ^/sub/(\\w+)$ {
                            nchan_subscriber websocket;
                            nchan_channel_id $1;
                            nchan_subscriber_first_message newest;
                        }
                    }
                }
                """.formatted(
                        MODULE,
                        workers,
                        dir.resolve("nginx.pid"),
                        dir.resolve("error.log"),
                        maxConnections + 1024,
                        dir.resolve("temp"),
                        port,
                        MESSAGE_BUFFER_LENGTH);
    }

    private static void awaitListening(Process process, int port, Path errorLog)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + " (see " + errorLog + ")");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nginx did not listen on port " + port + " (see " + errorLog + ")", e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static Optional<Path> nginx(@Nullable Path given) {
        if (given != null) {
            return Files.isExecutable(given) ? Optional.of(given) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "nginx");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Stops nginx (SIGTERM: a fast shutdown), killing it if it has not exited within 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
