package dev.switchboard.server.internal.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The gateway's tracer, chosen once at start from the environment. Callers guard every hook with
 * {@link #ENABLED}, a constant, so that with tracing off no span is made and no context is read.
 */
public final class Tracing {
    /** The W3C trace context header, on upgrade requests, push requests and function calls. */
    public static final String TRACEPARENT = "traceparent";

    /** The key-value pair log lines made inside a span carry. */
    public static final String LOG_KEY = "trace_id";

    /**
     * True when {@code OTEL_TRACES_EXPORTER} names an exporter other than {@code none} and
     * {@code OTEL_SDK_DISABLED} is not {@code true}.
     */
    public static final boolean ENABLED = enabledBy(System.getenv());

    private static final Tracer TRACER =
            ENABLED ? sdk().getTracer("dev.switchboard") : OpenTelemetry.noop().getTracer("dev.switchboard");

    private static final TextMapGetter<String> HEADER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public @Nullable String get(@Nullable String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private Tracing() {}

    static boolean enabledBy(Map<String, String> env) {
        String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim().toLowerCase(Locale.ROOT);
        boolean disabled = "true"
                .equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim());
        return !disabled && !exporter.isEmpty() && !exporter.equals("none");
    }

    private static OpenTelemetry sdk() {
        // defaults only: OTEL_* variables and otel.* system properties override each of them
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "switchboard",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .build()
                .getOpenTelemetrySdk();
    }

    /**
     * Starts a span that continues {@code traceparent} (from a request header) or, when it is
     * absent or malformed, starts a new trace.
     */
    public static Span startContinuing(String name, SpanKind kind, @Nullable String traceparent) {
        Context parent = traceparent == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, HEADER);
        return TRACER.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /** Starts a span whose parent is the current span, if any. */
    public static Span startChild(String name, SpanKind kind) {
        return TRACER.spanBuilder(name).setSpanKind(kind).startSpan();
    }

    /** Ends {@code span}, when there is one, with {@code outcome} as its {@code switchboard.outcome}. */
    public static void end(@Nullable Span span, String outcome) {
        if (span != null) {
            span.setAttribute("switchboard.outcome", outcome).end();
        }
    }

    /** {@link #enter} for a span that may be absent (tracing off): then a scope that does nothing. */
    public static Scope enter(@Nullable Span span) {
        return span == null ? Scope.noop() : enterSpan(span);
    }

    /** The {@code traceparent} header value that names {@code span} as the parent. */
    public static String traceparent(Span span) {
        var context = span.getSpanContext();
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    /** The {@code traceparent} of the current span, or null outside any span. */
    public static @Nullable String currentTraceparent() {
        Span span = Span.current();
        return span.getSpanContext().isValid() ? traceparent(span) : null;
    }

    /*
     * Makes {@code span} current on this thread, and its trace id the {@code trace_id} of log
     * lines, until the returned scope closes.
     */
    private static Scope enterSpan(Span span) {
        Scope scope = span.makeCurrent();
        String outer = MDC.get(LOG_KEY);
        MDC.put(LOG_KEY, span.getSpanContext().getTraceId());
        return () -> {
            if (outer == null) {
                MDC.remove(LOG_KEY);
            } else {
                MDC.put(LOG_KEY, outer);
            }
            scope.close();
        };
    }
}
