package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.server.internal.client.ClientServices;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import dev.switchboard.server.internal.metrics.RouteMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code GET /metrics} (Prometheus text), {@code GET /stats} (JSON for the dashboard) and the dashboard page. */
final class Observability {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ClientServices services;
    private final GatewayMetrics metrics;
    private final byte[] dashboard;

    Observability(ClientServices services) {
        this.services = services;
        this.metrics = services.metrics();
        this.dashboard = loadDashboard();
    }

    FullHttpResponse metrics(ByteBufAllocator alloc) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, ByteBufUtil.writeUtf8(alloc, metrics.scrape()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    FullHttpResponse dashboard() {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(dashboard));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, dashboard.length);
        return response;
    }

    /**
     * Totals since start for the dashboard, which turns successive samples into rates:
     * open connections, messages and bytes in and out, function latency and errors per route.
     */
    ObjectNode stats() {
        ObjectNode body = LocalPushes.ok();
        body.put("time", System.currentTimeMillis());
        body.put("openConnections", services.registry().size());
        body.put("groups", services.groups().sizes().size());
        body.put("messagesIn", sum("switchboard.messages.received"));
        body.put("messagesOut", sum("switchboard.messages.sent"));
        ObjectNode routes = body.putObject("routes");
        for (Map.Entry<String, RouteMetrics> route : metrics.routes().entrySet()) {
            ObjectNode node = routes.putObject(route.getKey());
            node.put("openConnections", route.getValue().openConnections());
            ObjectNode functions = node.putObject("functions");
            for (Timer timer : metrics.registry()
                    .find("switchboard.function.duration")
                    .tag("route", route.getKey())
                    .timers()) {
                String function = timer.getId().getTag("function");
                ObjectNode stats =
                        functions.has(function) ? (ObjectNode) functions.get(function) : functions.putObject(function);
                String outcome = timer.getId().getTag("outcome");
                stats.put(outcome, stats.path(outcome).asLong() + timer.count());
                if ("ok".equals(outcome) && timer.count() > 0) {
                    HistogramSnapshot snapshot = timer.takeSnapshot();
                    stats.put("p50Ms", bucketQuantile(snapshot, 0.5));
                    stats.put("p99Ms", bucketQuantile(snapshot, 0.99));
                }
            }
        }
        ArrayNode recent = body.putArray("recentDisconnects");
        for (GatewayMetrics.Disconnect disconnect : metrics.recentDisconnects()) {
            recent.addObject()
                    .put("at", disconnect.at().toString())
                    .put("route", disconnect.route())
                    .put("secConnectionID", disconnect.connectionId())
                    .put("closeCode", disconnect.cause().code())
                    .put("closeReason", disconnect.cause().reason())
                    .put("closedBy", disconnect.cause().closedBy().wireName());
        }
        return body;
    }

    /**
     * The upper bound (ms) of the histogram bucket holding quantile {@code q}: the function
     * timers keep buckets, not client-side percentiles, so the message path stays cheap.
     */
    private static double bucketQuantile(HistogramSnapshot snapshot, double q) {
        double wanted = snapshot.count() * q;
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            if (bucket.count() >= wanted) {
                return bucket.bucket(TimeUnit.MILLISECONDS);
            }
        }
        return snapshot.max(TimeUnit.MILLISECONDS);
    }

    private long sum(String counter) {
        return (long) metrics.registry().find(counter).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static byte[] loadDashboard() {
        try (InputStream in = Observability.class.getResourceAsStream("/switchboard/dashboard.html")) {
            if (in == null) {
                return "<!doctype html><p>dashboard missing from this build</p>"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
