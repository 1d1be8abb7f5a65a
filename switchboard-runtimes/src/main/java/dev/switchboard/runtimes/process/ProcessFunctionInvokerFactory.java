package dev.switchboard.runtimes.process;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.core.function.FunctionTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates invokers for {@code python:file.py[:handler]} and {@code node:file.js[:handler]}
 * targets. Each function gets a pool of {@code runtimes.workers} long-lived worker processes,
 * started by {@link #loadHandlers} or else with its first invocation, in the handler file's folder, with the gateway's
 * environment plus the variables {@code environment} supplies at that moment (the push URL,
 * which is only known once the gateway listens). The worker scripts are extracted from the jar
 * into a private temporary folder when the first such target is created; {@link #close} kills
 * every worker and removes the folder.
 */
public final class ProcessFunctionInvokerFactory implements FunctionInvokerFactory, AutoCloseable {
    /** What handlers read as {@code context.memory_limit_in_mb}; reported as on SCF, not enforced. */
    public static final int MEMORY_LIMIT_IN_MB = 128;
    /** How long a worker may take to load its handler file before it is killed. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ProcessFunctionInvokerFactory.class);

    private final RuntimesConfig config;
    private final Supplier<Map<String, String>> environment;
    private final Map<FunctionTarget.Language, Interpreter> interpreters = new EnumMap<>(FunctionTarget.Language.class);
    private final List<WorkerPool> pools = new ArrayList<>();
    private final AtomicInteger sockets = new AtomicInteger();
    private @Nullable Path folder;
    private @Nullable ExecutorService io;
    private @Nullable ScheduledExecutorService timer;
    private boolean closed;

    /**
     * @param config pool size and interpreter commands
     * @param environment variables added to each worker's environment, asked for whenever a
     *     worker starts; see {@link #pushEnvironment}
     */
    public ProcessFunctionInvokerFactory(RuntimesConfig config, Supplier<Map<String, String>> environment) {
        this.config = config;
        this.environment = environment;
    }

    /**
     * The variables that tell handlers where the push API is: {@code SWITCHBOARD_PUSH_URL}, and
     * {@code SWITCHBOARD_PUSH_TOKEN} when {@code token} is not null. A wildcard address becomes
     * the loopback one, which the push listener then also answers on.
     */
    public static Map<String, String> pushEnvironment(InetSocketAddress pushAddress, @Nullable String token) {
        String host =
                pushAddress.getAddress() == null || pushAddress.getAddress().isAnyLocalAddress()
                        ? "127.0.0.1"
                        : pushAddress.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        Map<String, String> variables = new HashMap<>();
        variables.put("SWITCHBOARD_PUSH_URL", "http://" + host + ":" + pushAddress.getPort() + "/push");
        if (token != null) {
            variables.put("SWITCHBOARD_PUSH_TOKEN", token);
        }
        return Map.copyOf(variables);
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigException when the handler file does not exist or the interpreter is not found
     */
    @Override
    public synchronized Optional<FunctionInvoker> create(FunctionTarget target) {
        if (!(target instanceof FunctionTarget.Process process)) {
            return Optional.empty();
        }
        if (closed) {
            throw new IllegalStateException("the process runtimes are closed");
        }
        Path file = Path.of(process.file()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("'" + target.spec() + "': no such file " + file);
        }
        Interpreter interpreter = interpreters.get(process.language());
        if (interpreter == null) {
            interpreter = Interpreter.resolve(
                    process.language(),
                    process.language() == FunctionTarget.Language.PYTHON ? config.python() : config.node());
            interpreters.put(process.language(), interpreter);
        }
        Path runtimeFolder = folder();
        List<String> command = new ArrayList<>(interpreter.command());
        command.add(runtimeFolder.resolve(interpreter.shim()).toString());
        command.add(file.toString());
        command.add(process.handler());
        WorkerPool pool = new WorkerPool(
                target.spec(),
                config.workers(),
                List.copyOf(command),
                file.getParent(),
                () -> runtimeFolder.resolve("worker-" + sockets.incrementAndGet() + ".sock"),
                environment,
                io,
                timer,
                START_TIMEOUT,
                Backoff.DEFAULT);
        pools.add(pool);
        return Optional.of(new ProcessFunctionInvoker(target.spec(), pool));
    }

    /**
     * Starts the workers of every function created so far, rather than with each function's first
     * invocation, and waits until the first worker of each has loaded its handler file or failed
     * to. Loading is bounded by {@link #START_TIMEOUT}: a worker that takes longer is killed and
     * counts as failed. Call it once the gateway listens, so that the workers see the push URL.
     *
     * @throws HandlerLoadException with one line per function whose handler could not be loaded,
     *     naming it and the error (e.g. {@code python:pairs.py: the handler cannot be loaded:
     *     ModuleNotFoundError: No module named 'requests'}). The pools do not log these errors
     *     themselves (only at DEBUG, with the traceback), so the caller reports each once.
     */
    public void loadHandlers() throws InterruptedException {
        Map<String, CompletableFuture<Optional<WorkerStartException>>> loads = new LinkedHashMap<>();
        synchronized (this) {
            for (WorkerPool pool : pools) {
                loads.putIfAbsent(pool.function(), pool.start().toCompletableFuture());
            }
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Optional<WorkerStartException>>> load : loads.entrySet()) {
            Optional<WorkerStartException> error;
            try {
                // the worker's own start timeout ends a slow load first; this only guards that
                error = load.getValue().get(START_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                error = Optional.of(
                        new WorkerStartException("no worker loaded it within " + START_TIMEOUT.toSeconds() + " s", ""));
            }
            // Node's "Cannot find module" goes on with its require stack: the first line says it
            error.ifPresent(e -> failures.add(load.getKey() + ": the handler cannot be loaded: "
                    + e.getMessage().lines().findFirst().orElse("").strip()));
        }
        if (!failures.isEmpty()) {
            throw new HandlerLoadException(List.copyOf(failures));
        }
    }

    /** The private folder holding the worker scripts and sockets, made on first use. */
    private Path folder() {
        if (folder != null) {
            return folder;
        }
        try {
            // createTempDirectory makes it readable and writable by this user only, so no one
            // else can connect to the workers' sockets
            Path created = Files.createTempDirectory("switchboard-runtimes-");
            for (FunctionTarget.Language language : FunctionTarget.Language.values()) {
                extract(Interpreter.shimName(language), created);
            }
            folder = created;
        } catch (IOException e) {
            throw new ConfigException("process runtimes: cannot prepare a temporary folder (" + e.getMessage() + ")");
        }
        AtomicInteger threads = new AtomicInteger();
        io = Executors.newCachedThreadPool(
                runnable -> daemon(runnable, "switchboard-process-" + threads.incrementAndGet()));
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "switchboard-process-timer"));
        return folder;
    }

    private static void extract(String shim, Path into) throws IOException {
        try (InputStream in = ProcessFunctionInvokerFactory.class.getResourceAsStream(shim)) {
            if (in == null) {
                throw new IOException(shim + " is missing from the jar");
            }
            Files.copy(in, into.resolve(shim));
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Kills every worker, stops the runtime's threads and removes its temporary folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pools.forEach(WorkerPool::close);
        if (io != null) {
            io.shutdownNow();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                log.debug("could not remove {}: {}", folder, e.toString());
            }
        }
    }
}
