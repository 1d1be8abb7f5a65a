package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.redis.RedisBackplane;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A real gateway on free loopback ports (clients and push API), with in-process Java functions
 * and the Python/Node process runtimes available, plus a push client. Closing it stops the
 * gateway gracefully.
 */
public final class TestGateway implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Gateway gateway;
    private final JavaFunctionInvokerFactory javaFunctions;
    private final ProcessFunctionInvokerFactory processFunctions;

    private final Ticker ticker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestGateway(
            Gateway gateway,
            JavaFunctionInvokerFactory javaFunctions,
            ProcessFunctionInvokerFactory processFunctions,
            Ticker ticker) {
        this.gateway = gateway;
        this.javaFunctions = javaFunctions;
        this.processFunctions = processFunctions;
        this.ticker = ticker;
    }

    /** Starts a gateway with {@code routes} and default limits. */
    public static TestGateway start(RouteConfig... routes) {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        for (RouteConfig route : routes) {
            builder.route(route);
        }
        return start(builder);
    }

    /** Starts a gateway from {@code builder}, moved to loopback port 0 for clients and pushes. */
    public static TestGateway start(GatewayConfig.Builder builder) {
        return start(builder, Ticker.systemTicker());
    }

    /**
     * Starts a gateway from {@code builder} whose timeouts run on {@code ticker}: with a
     * {@link MockTicker}, time moves only when the test advances it ({@link #advance}).
     */
    public static TestGateway start(GatewayConfig.Builder builder, Ticker ticker) {
        // single nodes are "test"; cluster nodes keep the distinct ids their test gives them
        if (builder.build().cluster() == null) {
            builder.nodeId("test");
        }
        GatewayConfig draft = builder.listen(new HostPort("127.0.0.1", 0)).build();
        GatewayConfig config = draft.toBuilder()
                .push(draft.push().withListen(new HostPort("127.0.0.1", 0)))
                .build();
        JavaFunctionInvokerFactory javaFunctions = new JavaFunctionInvokerFactory();
        // process workers start with the first invocation, after the push listener has its port
        CompletableFuture<Map<String, String>> pushEnvironment = new CompletableFuture<>();
        ProcessFunctionInvokerFactory processFunctions =
                new ProcessFunctionInvokerFactory(config.runtimes(), pushEnvironment::join);
        Gateway gateway;
        try {
            Gateway.Builder gatewayBuilder = Gateway.builder(config)
                    .ticker(ticker)
                    .functions(javaFunctions)
                    .functions(processFunctions);
            if (config.cluster() != null) {
                gatewayBuilder.backplane(new RedisBackplane(config.cluster()));
            }
            gateway = gatewayBuilder.start();
        } catch (RuntimeException e) {
            pushEnvironment.complete(Map.of());
            processFunctions.close();
            javaFunctions.close();
            throw e;
        }
        pushEnvironment.complete(ProcessFunctionInvokerFactory.pushEnvironment(
                gateway.pushAddress(), config.push().token()));
        return new TestGateway(gateway, javaFunctions, processFunctions, ticker);
    }

    /**
     * Moves the gateway's {@link MockTicker} on by {@code duration} and runs its timers, so every
     * timeout that became due fires now, without waiting for the next tick.
     */
    public void advance(Duration duration) {
        if (!(ticker instanceof MockTicker mock)) {
            throw new IllegalStateException("the gateway runs on the system clock; start it with a MockTicker");
        }
        mock.advance(duration.toNanos(), TimeUnit.NANOSECONDS);
        gateway.runTimers();
    }

    /** The gateway itself. */
    public Gateway gateway() {
        return gateway;
    }

    /** The WebSocket URI of {@code path} (may include a query). */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + gateway.clientAddress().getPort() + path);
    }

    /** The {@code wss://} URI of {@code path}, for a gateway with {@code tls}. */
    public URI wss(String path) {
        return URI.create("wss://127.0.0.1:" + gateway.clientAddress().getPort() + path);
    }

    /** The HTTP URI of {@code path} on the push listener. */
    public URI pushUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.pushAddress().getPort() + path);
    }

    /** POSTs {@code body} to {@code /push} without a token. */
    public PushResponse push(String body) {
        return push(body, null);
    }

    /** POSTs {@code body} to {@code /push} with a bearer token (null for none). */
    public PushResponse push(String body, @Nullable String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(pushUri("/push"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** Sends any request to the push listener. */
    public PushResponse send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty()
                    ? Json.mapper().nullNode()
                    : Json.mapper().readTree(response.body());
            return new PushResponse(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A push body that sends {@code text} to {@code connectionId}. */
    public static String sendText(String connectionId, String text) {
        return "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":" + quote(connectionId)
                + ",\"dataType\":\"text\",\"data\":" + quote(text) + "}}";
    }

    /** A push body that closes {@code connectionId}. */
    public static String closing(String connectionId, int code, String reason) {
        return "{\"websocket\":{\"action\":\"closing\",\"secConnectionID\":" + quote(connectionId) + ",\"closeCode\":"
                + code + ",\"closeReason\":" + quote(reason) + "}}";
    }

    private static String quote(String text) {
        return Json.mapper().getNodeFactory().textNode(text).toString();
    }

    /** Stops the gateway gracefully, then its function runtimes; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        gateway.close();
        javaFunctions.close();
        processFunctions.close();
    }

    /** A push listener answer. */
    public record PushResponse(int status, JsonNode body) {
        /** The body's errNo, or -1 when it has none. */
        public int errNo() {
            return body.path("errNo").asInt(-1);
        }
    }
}
