package dev.switchboard.app;

import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard check}: loads and validates a config as {@code serve} would, without
 * listening or calling anything, and prints the effective configuration with every default
 * filled in. A mistake is the same one line {@code serve} prints, with exit status
 * {@value ServeCommand#CONFIG_ERROR}.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validate a config and print it with every default filled in.",
            "Nothing is started. Secrets are printed as ***. Without --config: the embedded default.",
            "Exit status 0 when the config is valid; 2, with one line naming the mistake, when not."
        })
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file to check.")
    @Nullable
    Path config;

    @Option(
            names = "--functions-jar",
            paramLabel = "JAR",
            description = "A jar (or classes directory) holding java: functions, as serve takes it; may be repeated.")
    List<Path> functionJars = new ArrayList<>();

    @Override
    public Integer call() {
        GatewayConfig gatewayConfig;
        boolean autoNodeId;
        try {
            Supplier<GatewayConfig> load =
                    config == null ? () -> DefaultConfig.builder().build() : () -> ConfigFiles.load(config);
            gatewayConfig = load.get();
            // node-id: auto draws a new id at each load; a set id loads the same twice
            autoNodeId = !load.get().nodeId().equals(gatewayConfig.nodeId());
            checkJavaFunctions(gatewayConfig);
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return ServeCommand.CONFIG_ERROR;
        }
        System.out.print("# effective configuration of " + (config == null ? "the embedded default" : config)
                + "; secrets are shown as " + EffectiveConfig.HIDDEN + "\n"
                + EffectiveConfig.yaml(gatewayConfig, autoNodeId));
        System.out.flush();
        return 0;
    }

    /**
     * Resolves each {@code java:} function as {@code serve} does at start, so that a missing class
     * or method is reported here with the same key; HTTP and process functions are not called.
     */
    private void checkJavaFunctions(GatewayConfig gatewayConfig) {
        try (JavaFunctionInvokerFactory factory =
                new JavaFunctionInvokerFactory(ServeCommand.functionsClassLoader(functionJars), 1, 1)) {
            for (int i = 0; i < gatewayConfig.routes().size(); i++) {
                RouteConfig route = gatewayConfig.routes().get(i);
                String prefix = "routes[" + i
                        + (route.dialect() instanceof AwsDialectConfig ? "].route-keys." : "].functions.");
                for (Map.Entry<String, FunctionTarget> function :
                        functions(route).entrySet()) {
                    if (!(function.getValue() instanceof FunctionTarget.Java)) {
                        continue;
                    }
                    try {
                        factory.create(function.getValue()).ifPresent(FunctionInvoker::close);
                    } catch (ConfigException e) {
                        throw new ConfigException(prefix + function.getKey() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private static Map<String, FunctionTarget> functions(RouteConfig route) {
        Map<String, FunctionTarget> functions = new LinkedHashMap<>();
        boolean aws = route.dialect() instanceof AwsDialectConfig;
        putIfSet(functions, aws ? "$connect" : "register", route.register());
        putIfSet(functions, aws ? "$default" : "transfer", route.transfer());
        putIfSet(functions, aws ? "$disconnect" : "cleanup", route.cleanup());
        if (route.dialect() instanceof AwsDialectConfig awsConfig) {
            functions.putAll(awsConfig.routeKeys());
        }
        return functions;
    }

    private static void putIfSet(Map<String, FunctionTarget> functions, String key, @Nullable FunctionTarget target) {
        if (target != null) {
            functions.put(key, target);
        }
    }
}
