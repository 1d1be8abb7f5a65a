package dev.switchboard.server.internal.tracing;

import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.model.CloseEvent;
import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.FunctionEvent;
import dev.switchboard.core.model.MessageEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Wraps a function call in a client span ({@code switchboard.register}, {@code .transfer} or
 * {@code .cleanup}), child of the current span or the root of a new trace, and hands the
 * function that span's {@code traceparent} as a header and as an event field.
 */
public final class TracingInvoker implements FunctionInvoker {
    private final FunctionInvoker invoker;

    private TracingInvoker(FunctionInvoker invoker) {
        this.invoker = invoker;
    }

    /** {@code invoker} itself while tracing is off; otherwise {@code invoker} with a span per call. */
    public static FunctionInvoker wrap(FunctionInvoker invoker) {
        return Tracing.ENABLED ? new TracingInvoker(invoker) : invoker;
    }

    @Override
    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
        FunctionEvent event = invocation.event();
        Span span = Tracing.startChild("switchboard." + role(event), SpanKind.CLIENT)
                .setAttribute("switchboard.function", invoker.name())
                .setAttribute("switchboard.request_id", invocation.requestId())
                .setAttribute("switchboard.connection_id", connectionId(event))
                .setAttribute("switchboard.route", event.requestContext().path());
        String traceparent = Tracing.traceparent(span);
        Invocation traced = new Invocation(
                event,
                TraceparentWriter.of(invocation.writer(), traceparent),
                invocation.timeout(),
                invocation.executor(),
                traceparent);
        CompletionStage<FunctionResult> result;
        try (Scope ignored = Tracing.enter(span)) {
            result = invoker.invoke(traced);
        }
        CompletableFuture<FunctionResult> answered = new CompletableFuture<>();
        // the stage never completes exceptionally (FunctionInvoker's contract)
        result.whenComplete((outcome, error) -> {
            end(span, outcome);
            // the caller's reactions run in the span's scope: what they log (a failed transfer,
            // a cleanup retried) carries the trace id
            try (Scope ignored = Tracing.enter(span)) {
                answered.complete(outcome);
            }
        });
        return answered;
    }

    private static void end(Span span, FunctionResult outcome) {
        if (outcome instanceof FunctionResult.Response response) {
            span.setAttribute("http.response.status_code", response.status());
            if (response.status() >= 400) {
                span.setStatus(StatusCode.ERROR, "HTTP " + response.status());
            }
        } else if (outcome instanceof FunctionResult.Timeout timeout) {
            span.setStatus(
                    StatusCode.ERROR, "timed out after " + timeout.after().toMillis() + " ms");
        } else if (outcome instanceof FunctionResult.Failure failure) {
            span.setStatus(StatusCode.ERROR, failure.reason());
        }
        span.end();
    }

    static String role(FunctionEvent event) {
        if (event instanceof ConnectEvent) {
            return "register";
        }
        return event instanceof MessageEvent ? "transfer" : "cleanup";
    }

    private static String connectionId(FunctionEvent event) {
        if (event instanceof ConnectEvent connect) {
            return connect.connectionId();
        }
        return event instanceof MessageEvent message ? message.connectionId() : ((CloseEvent) event).connectionId();
    }

    @Override
    public String name() {
        return invoker.name();
    }

    @Override
    public void close() {
        invoker.close();
    }
}
