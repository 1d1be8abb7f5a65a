package dev.switchboard.app;

import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.dialect.aws.AwsEnvironment;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.runtimes.process.HandlerLoadException;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Python and Node runtimes of a node. Their workers start once the gateway listens
 * ({@link #loadHandlers}) and get the push URL in their environment; it is only known then (the
 * push port may be 0 in config), so a worker that starts earlier waits for {@link #started}. When a route speaks
 * the aws dialect, they also get what AWS SDKs need to reach its {@code @connections} API
 * ({@link AwsEnvironment}).
 */
final class ProcessFunctions implements AutoCloseable {
    private final CompletableFuture<Map<String, String>> pushEnvironment = new CompletableFuture<>();
    private final ProcessFunctionInvokerFactory factory;

    ProcessFunctions(RuntimesConfig config) {
        this.factory = new ProcessFunctionInvokerFactory(config, pushEnvironment::join);
    }

    /** The factory to give the gateway's builder. */
    FunctionInvokerFactory factory() {
        return factory;
    }

    /** Tells the workers where {@code gateway}'s push API listens; returns their push variables. */
    Map<String, String> started(Gateway gateway) {
        Map<String, String> variables = new HashMap<>(ProcessFunctionInvokerFactory.pushEnvironment(
                gateway.pushAddress(), gateway.config().push().token()));
        if (gateway.config().push().tls() != null) {
            // the handlers must then trust the push certificate (e.g. REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS)
            variables.computeIfPresent("SWITCHBOARD_PUSH_URL", (name, url) -> "https" + url.substring("http".length()));
        }
        if (gateway.config().routes().stream().anyMatch(route -> route.dialect() instanceof AwsDialectConfig)) {
            String pushUrl = variables.get("SWITCHBOARD_PUSH_URL");
            variables.putAll(AwsEnvironment.variables(
                    pushUrl.substring(0, pushUrl.length() - "/push".length()),
                    gateway.config().push(),
                    System.getenv()));
        }
        pushEnvironment.complete(Map.copyOf(variables));
        return Map.copyOf(variables);
    }

    /**
     * Starts every function's workers and waits until each has loaded its handler file.
     *
     * @throws HandlerLoadException naming, one line each, every function whose handler could not
     *     be loaded and its error (a missing package, a syntax error, a missing handler function)
     */
    void loadHandlers() throws InterruptedException {
        factory.loadHandlers();
    }

    /** Kills every worker. */
    @Override
    public void close() {
        pushEnvironment.complete(Map.of());
        factory.close();
    }
}
