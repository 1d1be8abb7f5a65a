package dev.switchboard.tests;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on a free loopback port: decodes each {@code POST /v1/traces}
 * (protobuf {@code ExportTraceServiceRequest}) and keeps its spans.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One received span, ids in lower-case hex ({@code parentSpanId} empty for a root). */
    record ExportedSpan(String service, String name, String traceId, String spanId, String parentSpanId) {}

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    boolean gzip =
                            "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                    receiver.add(ExportTraceServiceRequest.parseFrom(gzip ? new GZIPInputStream(body) : body));
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:port}, for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    private void add(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(attribute -> attribute.getKey().equals("service.name"))
                    .map(KeyValue::getValue)
                    .map(value -> value.getStringValue())
                    .findFirst()
                    .orElse("");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (var span : scope.getSpansList()) {
                    spans.add(new ExportedSpan(
                            service,
                            span.getName(),
                            hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()),
                            hex.formatHex(span.getParentSpanId().toByteArray())));
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
