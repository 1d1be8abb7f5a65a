package dev.switchboard.testkit;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.server.Gateway;
import io.netty.util.concurrent.Ticker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway per test on free loopback ports, with a stub function server and the clients the
 * test opens, all closed after the test in the reverse order of their start, so a test holds no
 * teardown of its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * final GatewayExtension gateway = GatewayExtension.onManualTicker();
 *
 * @Test
 * void idleConnectionsClose() {
 *     gateway.start(RouteConfig.builder("/chat").transfer(gateway.functions().target("/transfer")).build());
 *     WsClient client = gateway.open("/chat");
 *     gateway.advance(Duration.ofMinutes(10));
 *     assertThat(client.awaitClose(WAIT).reason()).isEqualTo("idle timeout");
 * }
 * }</pre>
 *
 * On a manual ticker the gateway's timeouts run only when the test {@link #advance advances}
 * it, so a timeout test waits for nothing but the network.
 */
public final class GatewayExtension implements AfterEachCallback {
    private final boolean manualTicker;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private @Nullable StubFunctionServer functions;
    private @Nullable TestGateway gateway;

    private GatewayExtension(boolean manualTicker) {
        this.manualTicker = manualTicker;
    }

    /** Gateways whose timeouts run on the system clock. */
    public static GatewayExtension onSystemClock() {
        return new GatewayExtension(false);
    }

    /** Gateways whose timeouts run on a ticker that moves only when the test advances it. */
    public static GatewayExtension onManualTicker() {
        return new GatewayExtension(true);
    }

    /** The stub function server, started on first use and closed after the test. */
    public StubFunctionServer functions() {
        if (functions == null) {
            functions = closeAfter(StubFunctionServer.start());
        }
        return functions;
    }

    /** Starts this test's gateway with {@code routes} and default limits. */
    public TestGateway start(RouteConfig... routes) {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        for (RouteConfig route : routes) {
            builder.route(route);
        }
        return start(builder);
    }

    /** Starts this test's gateway from {@code config} (listen addresses are moved to port 0). */
    public TestGateway start(GatewayConfig.Builder config) {
        if (gateway != null) {
            throw new IllegalStateException("this test's gateway is already started");
        }
        gateway = closeAfter(TestGateway.start(config, manualTicker ? Ticker.newMockTicker() : Ticker.systemTicker()));
        return gateway;
    }

    /** This test's gateway. */
    public TestGateway gateway() {
        if (gateway == null) {
            throw new IllegalStateException("start the gateway first");
        }
        return gateway;
    }

    /** The node itself (metrics, open connections, timers). */
    public Gateway node() {
        return gateway().gateway();
    }

    /** The {@code wss://} URI of {@code path}, for a gateway with {@code tls}. */
    public URI wss(String path) {
        return gateway().wss(path);
    }

    /** The HTTP URI of {@code path} on the push listener. */
    public URI pushUri(String path) {
        return gateway().pushUri(path);
    }

    /** POSTs {@code body} to {@code /push} without a token. */
    public TestGateway.PushResponse push(String body) {
        return gateway().push(body);
    }

    /** POSTs {@code body} to {@code /push} with a bearer token (null for none). */
    public TestGateway.PushResponse push(String body, @Nullable String token) {
        return gateway().push(body, token);
    }

    /** Sends any request to the push listener. */
    public TestGateway.PushResponse send(HttpRequest request) {
        return gateway().send(request);
    }

    /** The WebSocket URI of {@code path} on this test's gateway. */
    public URI ws(String path) {
        return gateway().ws(path);
    }

    /** Opens a client to {@code path}; it is closed after the test. */
    public WsClient open(String path) {
        return closeAfter(WsClient.open(ws(path)));
    }

    /** Opens a client built by {@code builder}; it is closed after the test. */
    public WsClient open(WsClient.Builder builder) {
        return closeAfter(builder.open());
    }

    /** Moves the manual ticker on by {@code duration} and fires the timeouts that became due. */
    public void advance(Duration duration) {
        gateway().advance(duration);
    }

    /** Closes {@code resource} after the test, before everything started earlier. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        functions = null;
        gateway = null;
        if (failure != null) {
            throw failure;
        }
    }
}
