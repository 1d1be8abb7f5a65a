package dev.switchboard.runtimes.process;

import dev.switchboard.core.function.FunctionResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker processes of one function. Each of its {@code size} slots keeps one worker alive on
 * a dedicated thread, which starts it, reads its answers and starts another when it dies: at
 * once after a kill for a timeout, with {@link Backoff} after a crash. Invocations go to an idle
 * worker, or wait in arrival order for the next one that frees up. Slots start with the first
 * invocation, or with {@link #start} once the gateway listens, so workers see the push URL of a
 * gateway that is already listening.
 */
final class WorkerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final String function;
    private final int size;
    private final List<String> command;
    private final Path directory;
    private final Supplier<Path> sockets;
    private final Supplier<Map<String, String>> environment;
    private final ExecutorService io;
    private final ScheduledExecutorService timer;
    private final Duration startTimeout;
    private final Backoff backoff;

    private final Object lock = new Object();
    private final ArrayDeque<PendingCall> waiting = new ArrayDeque<>();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final Set<Worker> workers = new HashSet<>();
    private int ready;
    private boolean started;
    /** A worker has been ready once: from then on, a call's wait for a worker counts in its timeout. */
    private boolean everReady;

    private boolean closed;
    private @Nullable String startError;
    /** Completed by the first worker that loads (empty) or fails to (its error), once {@link #start} asked. */
    private final CompletableFuture<Optional<WorkerStartException>> firstStart = new CompletableFuture<>();

    private boolean startAwaited;

    WorkerPool(
            String function,
            int size,
            List<String> command,
            Path directory,
            Supplier<Path> sockets,
            Supplier<Map<String, String>> environment,
            ExecutorService io,
            ScheduledExecutorService timer,
            Duration startTimeout,
            Backoff backoff) {
        this.function = function;
        this.size = size;
        this.command = command;
        this.directory = directory;
        this.sockets = sockets;
        this.environment = environment;
        this.io = io;
        this.timer = timer;
        this.startTimeout = startTimeout;
        this.backoff = backoff;
    }

    /**
     * Runs {@code call} on an idle worker, or queues it for the next one. Its timeout runs from
     * now, waiting included, once a worker of this pool has been ready; before that, from when a
     * worker takes it (see {@link PendingCall#startTimeoutWhenClaimed}).
     */
    void submit(PendingCall call) {
        Worker worker;
        String failure = null;
        synchronized (lock) {
            worker = null;
            if (everReady) {
                call.startTimeout(this::stuck);
            } else {
                call.startTimeoutWhenClaimed(this::stuck);
            }
            if (closed) {
                failure = function + ": the process runtime has stopped";
            } else {
                startSlots();
                worker = idle.pollFirst();
                if (worker == null && ready == 0 && startError != null) {
                    failure = function + ": no worker could start: " + startError;
                } else if (worker == null) {
                    waiting.addLast(call);
                    return;
                } else if (!call.claim(worker)) {
                    idle.addFirst(worker);
                    return;
                }
            }
        }
        if (failure != null) {
            call.finish(new FunctionResult.Failure(failure));
            return;
        }
        Worker chosen = worker;
        try {
            io.execute(() -> send(chosen, call)); // a large request must not block the caller's event loop
        } catch (RejectedExecutionException e) {
            call.finish(new FunctionResult.Failure(function + ": the process runtime has stopped"));
        }
    }

    /** The timeout of a running invocation fired: its worker is stuck and gets replaced. */
    void stuck(Worker worker, PendingCall call) {
        log.warn(
                "{} conn={}: no answer within {} ms; killing worker pid {} and starting another",
                function,
                call.connectionId(),
                call.invocation().timeout().toMillis(),
                worker.pid());
        String reason = "its invocation timed out";
        try {
            io.execute(() -> worker.kill(reason)); // finding its child processes reads /proc: not on an event loop
        } catch (RejectedExecutionException e) {
            worker.kill(reason);
        }
    }

    /**
     * Starts the workers now rather than with the first invocation, and tells how the first of
     * them loaded the handler: an empty result once one is ready, the error when one could not
     * load it. That first error is the caller's to report; the pool logs it at DEBUG only.
     */
    CompletionStage<Optional<WorkerStartException>> start() {
        synchronized (lock) {
            startAwaited = true;
            if (!closed) {
                startSlots();
            }
        }
        return firstStart;
    }

    private void startSlots() {
        if (started) {
            return;
        }
        started = true;
        for (int slot = 0; slot < size; slot++) {
            io.execute(this::runSlot);
        }
    }

    private void runSlot() {
        int crashes = 0;
        while (true) {
            Worker worker = new Worker(function, command, directory, sockets.get());
            synchronized (lock) {
                if (closed) {
                    return;
                }
                workers.add(worker);
            }
            try {
                worker.start(environment.get(), startTimeout, timer, io);
            } catch (WorkerStartException e) {
                crashes++;
                if (!startFailed(worker, e, backoff.delay(crashes))) {
                    return;
                }
                continue;
            }
            becameReady(worker);
            serve(worker);
            String exit = worker.awaitExit();
            String killed = worker.killedBecause();
            crashes = killed != null ? 0 : worker.answered() > 0 ? 1 : crashes + 1;
            if (!gone(
                    worker, killed != null ? "killed because " + killed + "; " + exit : exit, backoff.delay(crashes))) {
                return;
            }
        }
    }

    private void becameReady(Worker worker) {
        synchronized (lock) {
            ready++;
            everReady = true;
            startError = null;
        }
        firstStart.complete(Optional.empty());
        log.debug("{}: worker pid {} ready", function, worker.pid());
        nextFor(worker);
    }

    /** Reads the worker's messages until its socket closes. */
    private void serve(Worker worker) {
        try {
            WorkerMessage message;
            while ((message = worker.next()) != null) {
                WorkerMessage read = message;
                // what the handler printed or raised carries the trace id of its invocation
                HandlerOutput.traced(worker.traceparent(), () -> handle(worker, read));
            }
        } catch (IOException e) {
            // the socket closed: the process ended, or was killed
        } catch (IllegalArgumentException e) {
            worker.kill("it broke the protocol: " + e.getMessage());
        }
    }

    private void handle(Worker worker, WorkerMessage message) {
        if (message instanceof WorkerMessage.Log line) {
            HandlerOutput.line(function, worker.connectionId(), line.stream(), line.text());
        } else if (message instanceof WorkerMessage.Result result) {
            answered(worker, result.id(), new FunctionResult.Response(200, result.body(), ""));
        } else if (message instanceof WorkerMessage.Error error) {
            answered(worker, error.id(), raised(worker, error));
        } else {
            worker.kill("it sent " + message + " after it was ready");
        }
    }

    private FunctionResult raised(Worker worker, WorkerMessage.Error error) {
        log.error(
                "{} conn={}: the handler raised {}\n{}",
                function,
                worker.connectionId(),
                error.error(),
                error.traceback().stripTrailing());
        return new FunctionResult.Failure(function + " raised " + error.error());
    }

    private void answered(Worker worker, long id, FunctionResult result) {
        PendingCall call = worker.answer(id);
        if (call == null) {
            worker.kill("it answered invocation " + id + ", which it was not running");
            return;
        }
        call.finish(result);
        nextFor(worker);
    }

    /** Gives {@code worker} the oldest waiting invocation that has not timed out, or makes it idle. */
    private void nextFor(Worker worker) {
        PendingCall next;
        synchronized (lock) {
            do {
                next = waiting.pollFirst();
            } while (next != null && !next.claim(worker));
            if (next == null) {
                if (!closed) {
                    idle.addLast(worker);
                }
                return;
            }
        }
        send(worker, next);
    }

    private void send(Worker worker, PendingCall call) {
        try {
            if (!worker.send(call) && call.release()) {
                submit(call); // the worker ended before the request went out: another one takes it
            }
        } catch (IOException e) {
            // the reading thread sees the socket close and fails the call with the reason
            worker.kill("the request could not be written: " + e.getMessage());
        }
    }

    /** Records a failed start; fails waiting invocations when no worker is ready. False when closed. */
    private boolean startFailed(Worker worker, WorkerStartException e, Duration retryIn) {
        List<PendingCall> failed = new ArrayList<>();
        boolean stopped;
        boolean repeated;
        boolean reportedByCaller;
        synchronized (lock) {
            workers.remove(worker);
            stopped = closed;
            repeated = e.getMessage().equals(startError);
            reportedByCaller = startAwaited && firstStart.complete(Optional.of(e));
            if (!stopped) {
                startError = e.getMessage();
                if (ready == 0) {
                    failed.addAll(waiting);
                    waiting.clear();
                }
            }
        }
        if (stopped) {
            return false;
        }
        String traceback = e.traceback().isEmpty() ? "" : "\n" + e.traceback().stripTrailing();
        if (repeated || reportedByCaller) {
            // every worker of the pool retries with its backoff: the same error once is enough
            log.debug("{}: worker could not start: {}{}", function, e.getMessage(), traceback);
        } else {
            log.error(
                    "{}: worker could not start: {}; trying again with backoff, logged again when the error"
                            + " changes{}",
                    function,
                    e.getMessage(),
                    traceback);
        }
        FunctionResult failure = new FunctionResult.Failure(function + ": no worker could start: " + e.getMessage());
        failed.forEach(call -> call.finish(failure));
        return pause(retryIn);
    }

    /** Records a worker that ended, failing the invocation it was running. False when closed. */
    private boolean gone(Worker worker, String how, Duration restartIn) {
        PendingCall running = worker.end();
        boolean stopped;
        synchronized (lock) {
            ready--;
            idle.remove(worker);
            workers.remove(worker);
            stopped = closed;
        }
        if (running != null) {
            running.finish(
                    new FunctionResult.Failure(function + ": its worker ended during the invocation (" + how + ")"));
        }
        if (stopped) {
            return false;
        }
        log.warn(
                "{}: worker pid {} ended{} ({}); starting another{}",
                function,
                worker.pid(),
                running == null ? " while idle" : " during an invocation of conn=" + running.connectionId(),
                how,
                restartIn.isZero() ? "" : " in " + restartIn.toMillis() + " ms");
        return pause(restartIn);
    }

    private boolean pause(Duration delay) {
        if (!delay.isZero()) {
            try {
                TimeUnit.MILLISECONDS.sleep(delay.toMillis()); // this slot's own thread: the backoff itself
            } catch (InterruptedException e) {
                return false; // the runtime is stopping
            }
        }
        synchronized (lock) {
            return !closed;
        }
    }

    /** Kills every worker and fails the invocations still waiting. */
    @Override
    public void close() {
        List<PendingCall> failed;
        List<Worker> running;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            idle.clear();
            running = new ArrayList<>(workers);
        }
        firstStart.complete(Optional.of(new WorkerStartException("the process runtime has stopped", "")));
        FunctionResult failure = new FunctionResult.Failure(function + ": the process runtime has stopped");
        failed.forEach(call -> call.finish(failure));
        running.forEach(worker -> worker.kill("the gateway is stopping"));
    }

    /** The function's target, as written in config. */
    String function() {
        return function;
    }

    /** Workers that loaded the handler and have not ended; for tests and logs. */
    int readyWorkers() {
        synchronized (lock) {
            return ready;
        }
    }
}
