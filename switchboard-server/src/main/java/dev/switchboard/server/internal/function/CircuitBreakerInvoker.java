package dev.switchboard.server.internal.function;

import dev.switchboard.core.config.CircuitBreakerConfig;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker around one function's invoker. Closed, every call goes through; after
 * {@code failures} consecutive failed calls it opens, and calls fail at once with
 * {@link FunctionResult.Failure} {@value #OPEN_REASON} without reaching the function, so a dead
 * function costs the caller nothing and piles nothing up. After {@code open-for} the next call is
 * let through as a probe (half-open; calls meanwhile still fail at once): success closes the
 * circuit, failure opens it for another {@code open-for}.
 *
 * <p>A failure is a call that got no answer in time, could not reach the function, or got HTTP
 * 5xx. An answer that refuses (4xx, {@code errNo != 0}) shows the function is alive and counts as
 * success. The breaker sees whole calls: an invoker's own retries (the HTTP invoker retries a
 * refused connection) make one failure, not several.
 *
 * <p>Lock-free: the state is an atomic, and a closed circuit costs a volatile read per call and
 * one per result.
 */
public final class CircuitBreakerInvoker implements FunctionInvoker {
    /** What a call refused by an open circuit fails with. */
    public static final String OPEN_REASON = "circuit open";

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakerInvoker.class);
    private static final int CLOSED = 0;
    private static final int OPEN = 1;
    private static final int HALF_OPEN = 2;

    private final FunctionInvoker delegate;
    private final String label;
    private final int threshold;
    private final long openForNanos;
    private final Ticker ticker;
    private final AtomicInteger state = new AtomicInteger(CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private volatile long openedAt;

    /**
     * Guards {@code delegate}.
     *
     * @param label names the function in logs, e.g. {@code /chat register}
     */
    public CircuitBreakerInvoker(FunctionInvoker delegate, CircuitBreakerConfig config, Ticker ticker, String label) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("circuit-breaker.failures: 0 (expected: > 0 for a breaker)");
        }
        this.delegate = delegate;
        this.label = label;
        this.threshold = config.failures();
        this.openForNanos = config.openFor().toNanos();
        this.ticker = ticker;
    }

    @Override
    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
        int current = state.get();
        boolean probe = false;
        if (current != CLOSED) {
            probe = current == OPEN
                    && ticker.nanoTime() - openedAt >= openForNanos
                    && state.compareAndSet(OPEN, HALF_OPEN);
            if (!probe) {
                rejected.increment();
                return refused(invocation);
            }
            log.info("{}: circuit half-open, probing {}", label, delegate.name());
        }
        boolean isProbe = probe;
        return delegate.invoke(invocation).thenApply(result -> {
            record(result, isProbe);
            return result;
        });
    }

    /** A failed call, completing on the invocation's executor as the invoker contract requires. */
    private static CompletionStage<FunctionResult> refused(Invocation invocation) {
        FunctionResult failure = new FunctionResult.Failure(OPEN_REASON);
        if (invocation.executor() instanceof EventExecutor loop && loop.inEventLoop()) {
            return CompletableFuture.completedFuture(failure);
        }
        return CompletableFuture.supplyAsync(() -> failure, invocation.executor());
    }

    private void record(FunctionResult result, boolean probe) {
        if (isFailure(result)) {
            if (probe) {
                openedAt = ticker.nanoTime();
                state.set(OPEN);
                log.warn(
                        "{}: probe failed ({}), circuit open again for {} ms",
                        label,
                        result.describe(),
                        openForNanos / 1_000_000);
            } else if (consecutiveFailures.incrementAndGet() >= threshold && state.get() == CLOSED) {
                open(result);
            }
            return;
        }
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (probe) {
            state.set(CLOSED);
            log.info("{}: probe succeeded, circuit closed", label);
        }
    }

    private void open(FunctionResult last) {
        openedAt = ticker.nanoTime();
        if (state.compareAndSet(CLOSED, OPEN)) {
            consecutiveFailures.set(0);
            opened.increment();
            log.warn(
                    "{}: {} consecutive failures (last: {}), circuit open: calls to {} fail at once for {} ms",
                    label,
                    threshold,
                    last.describe(),
                    delegate.name(),
                    openForNanos / 1_000_000);
        }
    }

    /** No answer in time, unreachable, or a server error; a deliberate refusal is an answer. */
    static boolean isFailure(FunctionResult result) {
        return !(result instanceof FunctionResult.Response response) || response.status() >= 500;
    }

    /** True while calls are refused (open, or half-open with a probe in flight). */
    public boolean isOpen() {
        return state.get() != CLOSED;
    }

    /** Calls refused by the open circuit so far. */
    public long rejected() {
        return rejected.sum();
    }

    /** Times the circuit opened after consecutive failures (probe failures not counted). */
    public long opened() {
        return opened.sum();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
