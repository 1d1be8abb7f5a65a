package dev.switchboard.server.internal.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.RequestContext;
import dev.switchboard.server.internal.metrics.FunctionOutcome;
import dev.switchboard.server.internal.metrics.FunctionRole;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each ended connection's cleanup event (and the presence calls its end causes), retrying with exponential backoff (from 200 ms
 * up to 30 s between attempts) until the function answers HTTP 200 or {@code cleanup-retry-for}
 * has passed. Every attempt carries the same request id, so a function can recognise a retry.
 * Callers guarantee one dispatch per connection; this class guarantees delivery effort.
 */
public final class CleanupDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CleanupDispatcher.class);

    static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final long retryForNanos;
    private final Ticker ticker;
    private final Object idleLock = new Object();
    private int pending;
    private final java.util.concurrent.atomic.AtomicLong givenUp = new java.util.concurrent.atomic.AtomicLong();
    private volatile long giveUpAtNanos = Long.MAX_VALUE;
    private volatile PresenceHooks presence = PresenceHooks.NONE;

    public CleanupDispatcher(Duration retryFor, Ticker ticker) {
        this.retryForNanos = retryFor.toNanos();
        this.ticker = ticker;
    }

    /**
     * Invokes the route's cleanup function for a connection that ended, on {@code loop}.
     * Does nothing when the route has no cleanup function. The returned future completes when the
     * cleanup is delivered or given up.
     */
    public CompletableFuture<Void> dispatch(
            Route route,
            String connectionId,
            String sourceIp,
            @Nullable JsonNode context,
            CloseCause cause,
            EventLoop loop) {
        return dispatch(route, route.requestContext(sourceIp), connectionId, context, cause, loop);
    }

    /**
     * Like {@link #dispatch(Route, String, String, JsonNode, CloseCause, EventLoop)}, for a connection
     * of which more is known than its address (its user agent and connection time, which the AWS
     * dialect's {@code $disconnect} event carries).
     */
    public CompletableFuture<Void> dispatch(
            Route route,
            RequestContext requestContext,
            String connectionId,
            @Nullable JsonNode context,
            CloseCause cause,
            EventLoop loop) {
        // the connection's one cleanup is what counts it out of presence: a user is shown
        // online exactly until their last connection's end
        CompletableFuture<Void> presenceDone = presence.ended(route, connectionId, loop);
        FunctionInvoker cleanup = route.cleanup();
        if (cleanup == null) {
            return presenceDone;
        }
        CloseEvent event = new CloseEvent(requestContext, connectionId, context, cause);
        CompletableFuture<Void> done = deliver(
                route,
                cleanup,
                route.invocation(event, route.config().cleanupTimeout(), loop),
                FunctionRole.CLEANUP,
                connectionId);
        return done.thenCombine(presenceDone, (cleaned, counted) -> null);
    }

    /**
     * Delivers {@code invocation} of {@code function} with the cleanup's retries: until it answers
     * HTTP 200 or {@code cleanup-retry-for} has passed, every attempt with the same request id.
     * The returned future completes when it is delivered or given up.
     */
    public CompletableFuture<Void> deliver(
            Route route, FunctionInvoker function, Invocation invocation, FunctionRole role, String connectionId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (idleLock) {
            pending++;
        }
        Attempt attempt =
                new Attempt(route, function, invocation, role, connectionId, ticker.nanoTime() + retryForNanos, done);
        EventLoop loop = (EventLoop) invocation.executor();
        if (loop.inEventLoop()) {
            attempt.run();
        } else {
            loop.execute(attempt);
        }
        return done;
    }

    /** Tells {@code hooks} of every connection's end (default {@link PresenceHooks#NONE}). */
    public void presence(PresenceHooks hooks) {
        this.presence = hooks;
    }

    /** Cleanups given up since start (after their retries ran out, or at shutdown). */
    public long givenUp() {
        return givenUp.get();
    }

    /** Cleanups not yet delivered (or given up). */
    public int pending() {
        synchronized (idleLock) {
            return pending;
        }
    }

    /**
     * Stops retrying after {@code deadlineNanos} (on this dispatcher's ticker): used at shutdown,
     * when retries cannot outlive the process.
     */
    public void giveUpAfter(long deadlineNanos) {
        giveUpAtNanos = deadlineNanos;
    }

    /** Waits until every dispatched cleanup is delivered or given up; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleLock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idleLock, left);
            }
            return true;
        }
    }

    private void finished(CompletableFuture<Void> done) {
        // completed first: what callers chain on it (forgetting the journal record) happens
        // before awaitIdle can return
        done.complete(null);
        finished();
    }

    private void finished() {
        synchronized (idleLock) {
            pending--;
            if (pending == 0) {
                idleLock.notifyAll();
            }
        }
    }

    /** One delivery (a cleanup or a presence call), across its attempts. Confined to its event loop. */
    private final class Attempt implements Runnable {
        private final Route route;
        private final FunctionInvoker function;
        private final Invocation invocation;
        private final FunctionRole role;
        private final String connectionId;
        private final long retryUntilNanos;
        private int number;
        private long backoffNanos = FIRST_BACKOFF_NANOS;

        private final CompletableFuture<Void> done;

        Attempt(
                Route route,
                FunctionInvoker function,
                Invocation invocation,
                FunctionRole role,
                String connectionId,
                long retryUntilNanos,
                CompletableFuture<Void> done) {
            this.done = done;
            this.route = route;
            this.function = function;
            this.invocation = invocation;
            this.role = role;
            this.connectionId = connectionId;
            this.retryUntilNanos = retryUntilNanos;
        }

        @Override
        public void run() {
            number++;
            long started = System.nanoTime();
            function.invoke(invocation).thenAccept(result -> {
                route.metrics().invocation(role, FunctionOutcome.of(result), System.nanoTime() - started);
                onResult(result);
            });
        }

        private void onResult(FunctionResult result) {
            if (route.dialect().cleanupDelivered(result)) {
                if (number > 1) {
                    log.atInfo()
                            .addKeyValue("conn", connectionId)
                            .addKeyValue("route", route.path())
                            .log("{} delivered on attempt {}", role.label(), number);
                }
                finished(done);
                return;
            }
            long deadline = Math.min(retryUntilNanos, giveUpAtNanos);
            if (ticker.nanoTime() + backoffNanos > deadline) {
                givenUp.incrementAndGet();
                log.atError()
                        .addKeyValue("conn", connectionId)
                        .addKeyValue("route", route.path())
                        .log(
                                "{} given up after {} attempts, last: {} (request {})",
                                role.label(),
                                number,
                                result.describe(),
                                invocation.requestId());
                finished(done);
                return;
            }
            log.atWarn()
                    .addKeyValue("conn", connectionId)
                    .addKeyValue("route", route.path())
                    .log(
                            "{} attempt {} failed: {}; retrying in {} ms",
                            role.label(),
                            number,
                            result.describe(),
                            TimeUnit.NANOSECONDS.toMillis(backoffNanos));
            try {
                ((EventLoop) invocation.executor()).schedule(this, backoffNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                givenUp.incrementAndGet();
                log.atError()
                        .addKeyValue("conn", connectionId)
                        .addKeyValue("route", route.path())
                        .log("{} given up: the node is stopping", role.label());
                finished(done);
                return;
            }
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        }
    }
}
