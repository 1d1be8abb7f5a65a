package dev.switchboard.server.internal.client;

import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.dialect.MessageRoute;
import dev.switchboard.core.dialect.Notice;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.metrics.FunctionOutcome;
import dev.switchboard.server.internal.metrics.FunctionRole;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one connection's messages to their functions in arrival order, at most
 * {@code max-in-flight} at a time. The route's dialect picks each message's function (its route
 * key, else the default {@code transfer}); a message no function takes, and a function's failure,
 * may get the client a notice in the dialect's words. Messages wait in a bounded queue (allocated only when one has
 * to wait); when it is full the connection stops reading its socket until it drains to half.
 * Confined to the connection's event loop.
 */
final class TransferPump {
    private static final Logger log = LoggerFactory.getLogger(TransferPump.class);

    private final Connection connection;
    private final Route route;
    private final LimitsConfig limits;
    private final EventLoop loop;
    private final int maxInFlight;
    private @Nullable ArrayDeque<Message> queue;
    private int queuedBytes;
    private int inFlight;
    private boolean paused;
    private boolean stopped;
    private boolean draining;
    private @Nullable Runnable whenIdle;

    TransferPump(Connection connection, Route route, LimitsConfig limits, EventLoop loop) {
        this.connection = connection;
        this.route = route;
        this.limits = limits;
        this.loop = loop;
        this.maxInFlight = route.config().maxInFlight();
    }

    /** A message arrived from the client. */
    void offer(Message message) {
        if (stopped) {
            return;
        }
        if (inFlight < maxInFlight && isQueueEmpty()) {
            dispatch(message);
            return;
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        queue.add(message);
        queuedBytes += message.size();
        route.metrics().queueDepth(queue.size());
        if (!paused && (queue.size() >= limits.inboundQueueMessages() || queuedBytes >= limits.inboundQueueBytes())) {
            paused = true;
            log.atTrace()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("pause queue={} bytes={} inFlight={}", queue.size(), queuedBytes, inFlight);
            connection.pauseReading();
        }
    }

    /**
     * The connection is closing: no new messages. Queued ones are still delivered unless
     * {@code dropQueued}; when none is left or in flight the connection hears {@code onDrained}.
     */
    void stop(boolean dropQueued) {
        stopped = true;
        if (dropQueued && queue != null && !queue.isEmpty()) {
            log.atWarn()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", route.path())
                    .log("{} queued messages not delivered: the connection closed", queue.size());
            queue.clear();
            queuedBytes = 0;
        }
        drain();
    }

    /**
     * Runs {@code then} once nothing is queued or in flight (now, if so): a reliable session that
     * moves to another node waits for it, so its client's messages reach the function in order.
     */
    void whenIdle(Runnable then) {
        if (inFlight == 0 && isQueueEmpty()) {
            then.run();
        } else {
            whenIdle = then;
        }
    }

    private void dispatch(Message message) {
        MessageRoute selected = route.dialect().messageRoute(message);
        if (selected instanceof MessageRoute.Close close) {
            connection.closeOnLoop(new CloseCause(close.code(), close.reason(), ClosedBy.SERVER));
            return;
        }
        if (!(selected instanceof MessageRoute.Select select)) {
            throw new IllegalStateException("unhandled message route " + selected);
        }
        Route.MessageTarget target = route.messageTarget(select.routeKey());
        MessageEvent event = new MessageEvent(
                connection.requestContext(), connection.id(), message, connection.context(), target.routeKey());
        FunctionInvoker invoker = target.invoker();
        if (invoker == null) {
            route.dialect().notice(Notice.NO_ROUTE, event).ifPresent(connection::send);
            return;
        }
        inFlight++;
        long started = System.nanoTime();
        invoker.invoke(route.invocation(event, route.config().transferTimeout(), loop))
                .thenAccept(result -> onResult(event, result, started));
    }

    private void onResult(MessageEvent event, FunctionResult result, long started) {
        route.metrics().invocation(FunctionRole.TRANSFER, FunctionOutcome.of(result), System.nanoTime() - started);
        inFlight--;
        TransferOutcome outcome = route.dialect().transferOutcome(result);
        if (outcome instanceof TransferOutcome.Failed) {
            route.dialect().notice(Notice.FUNCTION_FAILED, event).ifPresent(connection::send);
        }
        connection.onTransferOutcome(outcome);
        drain();
    }

    private void drain() {
        if (draining) {
            // a synchronous completion inside dispatch(): the outer drain() carries on
            return;
        }
        draining = true;
        try {
            while (inFlight < maxInFlight && !isQueueEmpty()) {
                Message next = queue.poll();
                queuedBytes -= next.size();
                dispatch(next);
            }
        } finally {
            draining = false;
        }
        int size = queue == null ? 0 : queue.size();
        if (paused && size <= limits.inboundQueueMessages() / 2 && queuedBytes <= limits.inboundQueueBytes() / 2) {
            paused = false;
            log.atTrace()
                    .addKeyValue("conn", connection.id())
                    .addKeyValue("route", connection.route().path())
                    .log("resume queue={} bytes={} inFlight={}", size, queuedBytes, inFlight);
            connection.resumeReading();
        }
        if (whenIdle != null && inFlight == 0 && size == 0) {
            Runnable then = whenIdle;
            whenIdle = null;
            then.run();
        }
        if (stopped && inFlight == 0 && size == 0) {
            queue = null;
            connection.onDrained();
        }
    }

    private boolean isQueueEmpty() {
        return queue == null || queue.isEmpty();
    }
}
