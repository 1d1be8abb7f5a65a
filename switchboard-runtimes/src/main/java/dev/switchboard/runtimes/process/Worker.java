package dev.switchboard.runtimes.process;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One worker process and the Unix socket it speaks the protocol on. {@link #start} launches it
 * and waits until it has loaded the handler; afterwards one thread reads its messages with
 * {@link #next} while requests are written with {@link #send}, one invocation at a time.
 */
final class Worker {
    private final String function;
    private final List<String> command;
    private final Path directory;
    private final Path socket;
    private @Nullable Process process;
    private @Nullable ServerSocketChannel server;
    private @Nullable SocketChannel channel;
    private @Nullable BufferedReader reader;
    private @Nullable PendingCall current;
    private boolean gone;
    private int answered;
    private volatile @Nullable String killedBecause;

    /**
     * @param function the target, for logs
     * @param command the interpreter, the shim, the handler file and the handler name
     * @param directory the working directory: the handler file's folder, as on SCF
     * @param socket where the protocol socket is bound; removed once the worker connected
     */
    Worker(String function, List<String> command, Path directory, Path socket) {
        this.function = function;
        this.command = command;
        this.directory = directory;
        this.socket = socket;
    }

    /**
     * Starts the process and waits for it to connect and load the handler.
     *
     * @param environment added to the gateway's own environment
     * @param startTimeout how long loading may take before the process is killed
     * @param io runs the thread that reads the process's stdout and stderr
     * @throws WorkerStartException when it cannot be started, exits first, or reports a load error
     */
    void start(Map<String, String> environment, Duration startTimeout, ScheduledExecutorService timer, Executor io)
            throws WorkerStartException {
        ScheduledFuture<?> deadline = null;
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(socket));
            Process started = launch(environment);
            synchronized (this) {
                process = started;
                server = listening;
            }
            if (killedBecause != null) {
                kill(killedBecause); // close() came while the process was being launched
            }
            started.getOutputStream().close(); // handlers reading stdin get end-of-file
            io.execute(() -> drainOutput(started));
            // a process that dies before connecting must not leave accept() waiting
            started.onExit().thenRun(() -> closeQuietly(listening));
            deadline = timer.schedule(
                    () -> kill("it did not load the handler within " + startTimeout.toSeconds() + " s"),
                    startTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            SocketChannel connected = listening.accept();
            BufferedReader lines = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(connected), StandardCharsets.UTF_8));
            synchronized (this) {
                channel = connected;
                reader = lines;
            }
            awaitReady(lines);
        } catch (IOException e) {
            String reason = killedBecause != null ? killedBecause : exitDescription();
            throw new WorkerStartException(reason == null ? String.valueOf(e.getMessage()) : reason, "");
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            deleteQuietly(socket);
        }
    }

    private Process launch(Map<String, String> environment) throws WorkerStartException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("SWITCHBOARD_WORKER_SOCKET", socket.toString());
        builder.environment().put("SWITCHBOARD_FUNCTION", function);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ next to the handler
        builder.environment().put("PYTHONUNBUFFERED", "1");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new WorkerStartException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), "");
        }
    }

    private void awaitReady(BufferedReader lines) throws IOException, WorkerStartException {
        while (true) {
            String line = lines.readLine();
            if (line == null) {
                String reason = killedBecause != null ? killedBecause : exitDescription();
                throw new WorkerStartException(reason == null ? "it closed the socket" : reason, "");
            }
            WorkerMessage message;
            try {
                message = WorkerMessage.parse(line);
            } catch (IllegalArgumentException e) {
                kill("it broke the protocol: " + e.getMessage());
                throw new WorkerStartException("it broke the protocol: " + e.getMessage(), "");
            }
            if (message instanceof WorkerMessage.Ready) {
                return;
            } else if (message instanceof WorkerMessage.Fatal fatal) {
                throw new WorkerStartException(fatal.error(), fatal.traceback());
            } else if (message instanceof WorkerMessage.Log log) {
                HandlerOutput.line(function, null, log.stream(), log.text());
            } else {
                kill("it answered before it was ready");
                throw new WorkerStartException("it answered before it was ready", "");
            }
        }
    }

    /** The process id, for logs; -1 before the process started. */
    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The connection whose invocation is running, null while idle. */
    synchronized @Nullable String connectionId() {
        return current == null ? null : current.connectionId();
    }

    /** The {@code traceparent} of the running invocation; null while idle or with tracing off. */
    synchronized @Nullable String traceparent() {
        return current == null ? null : current.invocation().traceparent();
    }

    /** Invocations this worker has answered. */
    synchronized int answered() {
        return answered;
    }

    /**
     * Makes {@code call} this worker's invocation and writes its request.
     *
     * @return false, without writing, when the worker has already gone
     * @throws IOException when the request cannot be written
     */
    boolean send(PendingCall call) throws IOException {
        SocketChannel out;
        synchronized (this) {
            if (gone || channel == null) {
                return false;
            }
            current = call;
            out = channel;
        }
        ByteBuffer bytes = ByteBuffer.wrap(call.request());
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        return true;
    }

    /** The next message, or null once the socket closed. Called by one thread only. */
    @Nullable
    WorkerMessage next() throws IOException {
        BufferedReader in;
        synchronized (this) {
            in = reader;
        }
        String line = in == null ? null : in.readLine();
        return line == null ? null : WorkerMessage.parse(line);
    }

    /** Takes the running invocation when {@code id} is its answer; null when it is not. */
    synchronized @Nullable PendingCall answer(long id) {
        if (current == null || current.id() != id) {
            return null;
        }
        PendingCall call = current;
        current = null;
        answered++;
        return call;
    }

    /** Marks the worker gone and takes the invocation it was running, if any. */
    synchronized @Nullable PendingCall end() {
        gone = true;
        PendingCall call = current;
        current = null;
        return call;
    }

    /** Why the gateway killed it, null when it ended by itself. */
    @Nullable
    String killedBecause() {
        return killedBecause;
    }

    /**
     * Kills the process and the processes it started, and closes the socket so that the reading
     * thread stops at once. The first reason given is kept.
     */
    void kill(String reason) {
        Process victim;
        synchronized (this) {
            if (killedBecause == null) {
                killedBecause = reason;
            }
            victim = process;
        }
        if (victim != null) {
            victim.descendants().forEach(ProcessHandle::destroyForcibly);
            victim.destroyForcibly();
        }
        closeQuietly(server);
        closeQuietly(channel);
    }

    /** Waits (briefly) for the process to end and says how it ended. */
    String awaitExit() {
        Process ended;
        synchronized (this) {
            ended = process;
        }
        if (ended == null) {
            return "it never started";
        }
        try {
            if (!ended.waitFor(5, TimeUnit.SECONDS)) {
                kill("it closed its socket but did not exit");
                ended.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(channel);
        String exit = exitDescription();
        return exit == null ? "it is still running" : exit;
    }

    private synchronized @Nullable String exitDescription() {
        if (process == null || process.isAlive()) {
            return null;
        }
        int code = process.exitValue();
        // 128 + n is how a shell reports death by signal n; Java reports it the same way
        return code > 128 && code < 160 ? "it was killed by signal " + (code - 128) : "it exited with code " + code;
    }

    private void drainOutput(Process started) {
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                String printed = line;
                HandlerOutput.traced(traceparent(), () -> HandlerOutput.line(function, connectionId(), "fd", printed));
            }
        } catch (IOException e) {
            // the process ended; nothing more to read
        }
    }

    private static void closeQuietly(@Nullable Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing on the way out; nothing to do about it
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the folder is removed when the runtime stops
        }
    }
}
