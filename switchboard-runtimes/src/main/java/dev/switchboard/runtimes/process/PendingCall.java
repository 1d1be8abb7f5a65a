package dev.switchboard.runtimes.process;

import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One invocation on its way through a pool: waiting for a worker, running on one, or done. The
 * worker's answer and the timeout race for it; whichever comes first decides the result, which
 * is always completed on the invocation's executor.
 */
final class PendingCall {
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;

    private final long id;
    private final Invocation invocation;
    private final byte[] request;
    private final CompletableFuture<FunctionResult> result = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile @Nullable Worker worker;
    private volatile @Nullable ScheduledFuture<?> timeout;
    private final AtomicBoolean timing = new AtomicBoolean();
    private volatile @Nullable BiConsumer<Worker, PendingCall> timeoutOnClaim;

    PendingCall(long id, Invocation invocation, byte[] request) {
        this.id = id;
        this.invocation = invocation;
        this.request = request;
    }

    long id() {
        return id;
    }

    Invocation invocation() {
        return invocation;
    }

    /** The request line, newline included. */
    byte[] request() {
        return request;
    }

    String connectionId() {
        return invocation.event().connectionId();
    }

    CompletableFuture<FunctionResult> result() {
        return result;
    }

    /**
     * Starts the timeout on the invocation's executor: a waiting call then fails, a running one
     * fails and {@code onStuck} is told which worker is stuck.
     */
    void startTimeout(BiConsumer<Worker, PendingCall> onStuck) {
        if (!timing.compareAndSet(false, true)) {
            return;
        }
        timeout = invocation
                .executor()
                .schedule(() -> expire(onStuck), invocation.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expire(BiConsumer<Worker, PendingCall> onStuck) {
        int previous = state.getAndSet(DONE);
        if (previous == DONE) {
            return;
        }
        Worker stuck = worker;
        if (previous == RUNNING && stuck != null) {
            onStuck.accept(stuck, this); // first, so the log says why before the connection reacts
        }
        result.complete(new FunctionResult.Timeout(invocation.timeout()));
    }

    /**
     * Starts the timeout only when a worker takes the call: for a call that waits for its pool's
     * first worker to start, whose loading (bounded by the pool's start timeout) is not the
     * handler's time, as a cloud function's cold start is not.
     */
    void startTimeoutWhenClaimed(BiConsumer<Worker, PendingCall> onStuck) {
        timeoutOnClaim = onStuck;
    }

    /** Takes the call for {@code on}; false when it already ended (it timed out while waiting). */
    boolean claim(Worker on) {
        worker = on;
        boolean claimed = state.compareAndSet(WAITING, RUNNING);
        BiConsumer<Worker, PendingCall> onStuck = timeoutOnClaim;
        if (claimed && onStuck != null) {
            startTimeout(onStuck);
        }
        return claimed;
    }

    /** Gives the call back to the queue after its worker turned out to be gone before it was sent. */
    boolean release() {
        worker = null;
        return state.compareAndSet(RUNNING, WAITING);
    }

    /** Ends the call with {@code outcome} unless the timeout ended it first. */
    void finish(FunctionResult outcome) {
        int previous;
        do {
            previous = state.get();
            if (previous == DONE) {
                return;
            }
        } while (!state.compareAndSet(previous, DONE));
        try {
            invocation.executor().execute(() -> deliver(outcome));
        } catch (RejectedExecutionException e) {
            deliver(outcome); // the gateway is stopping and its loops are gone; nobody is waiting there
        }
    }

    private void deliver(FunctionResult outcome) {
        ScheduledFuture<?> pending = timeout;
        if (pending != null) {
            pending.cancel(false);
        }
        result.complete(outcome);
    }
}
