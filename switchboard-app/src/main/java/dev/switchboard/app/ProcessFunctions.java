package dev.switchboard.app;

import dev.switchboard.core.config.RuntimesConfig;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Python and Node runtimes of a node. Their workers start with the first invocation and get
 * the push URL in their environment; it is only known once the gateway listens (the push port may
 * be 0 in config), so a worker that starts earlier waits for {@link #started}.
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
        Map<String, String> variables = ProcessFunctionInvokerFactory.pushEnvironment(
                gateway.pushAddress(), gateway.config().push().token());
        pushEnvironment.complete(variables);
        return variables;
    }

    /** Kills every worker. */
    @Override
    public void close() {
        pushEnvironment.complete(Map.of());
        factory.close();
    }
}
