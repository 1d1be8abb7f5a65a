package dev.switchboard.bench.server;

import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The gateway under test, in its own JVM: one route with the given functions, clients and the
 * push API on loopback, connection limits raised out of the way (the default per-address limits
 * on connections and on handshakes per second would refuse a load generator), and optionally
 * token auth on the route (HS256 or RS256, the token in the query parameter {@code token}). Prints
 * {@code READY <client port> <push port>}.
 */
@Command(name = "gateway", description = "Run a gateway for a benchmark.")
public final class GatewayMain implements Callable<Integer> {
    /** The route every scenario connects to. */
    public static final String PATH = "/bench";

    private static final int MAX_CONNECTIONS = 1_000_000;

    @Option(names = "--port", description = "Client port on 127.0.0.1 (0: any free port).")
    int port;

    @Option(names = "--push-port", description = "Push API port on 127.0.0.1 (0: any free port).")
    int pushPort;

    @Option(names = "--threads", description = "Event loops (default: one per core).")
    int threads = EventLoops.defaultThreads();

    @Option(names = "--register", description = "Registration function target.")
    @Nullable
    String register;

    @Option(names = "--transfer", description = "Transfer function target.")
    @Nullable
    String transfer;

    @Option(names = "--cleanup", description = "Cleanup function target.")
    @Nullable
    String cleanup;

    @Option(
            names = "--auth-secret",
            description = "Verify an HS256 token (query parameter token) at every handshake with this secret.")
    @Nullable
    String authSecret;

    @Option(
            names = "--auth-public-key",
            description = "Verify an RS256 token (query parameter token) at every handshake with this PEM file's key.")
    @Nullable
    Path authPublicKey;

    @Option(names = "--state-dir", description = "Record connections in this directory (state-dir).")
    @Nullable
    Path stateDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        RouteConfig.Builder route = RouteConfig.builder(PATH);
        if (register != null) {
            route.register(FunctionTarget.parse(register));
        }
        if (transfer != null) {
            route.transfer(FunctionTarget.parse(transfer));
        }
        if (cleanup != null) {
            route.cleanup(FunctionTarget.parse(cleanup));
        }
        if (authSecret != null) {
            route.auth(AuthConfig.builder()
                    .algorithms(List.of("HS256"))
                    .secret(authSecret)
                    .build());
        } else if (authPublicKey != null) {
            route.auth(AuthConfig.builder()
                    .algorithms(List.of("RS256"))
                    .publicKeys(List.of(Files.readString(authPublicKey)))
                    .build());
        }
        GatewayConfig draft = GatewayConfig.builder()
                .nodeId("bench")
                .listen(new HostPort("127.0.0.1", port))
                .limits(LimitsConfig.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .maxConnectionsPerIp(MAX_CONNECTIONS)
                        // the default 100 handshakes/s per address would cap connect-rate at
                        // 3,200/s over its 32 source addresses, below the 5,000/s target
                        .connectRatePerIp(MAX_CONNECTIONS)
                        .build())
                .route(route.build())
                .stateDir(stateDir)
                .build();
        GatewayConfig config = draft.toBuilder()
                .push(draft.push().withListen(new HostPort("127.0.0.1", pushPort)))
                .build();
        JavaFunctionInvokerFactory javaFunctions = new JavaFunctionInvokerFactory();
        Gateway gateway = Gateway.builder(config)
                .functions(javaFunctions)
                .eventLoopThreads(threads)
                .start();
        String ports =
                gateway.clientAddress().getPort() + " " + gateway.pushAddress().getPort();
        ServerControl.serve(ports, gateway::openConnections, () -> {
            gateway.close();
            javaFunctions.close();
        });
        return 0;
    }
}
