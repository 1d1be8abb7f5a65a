package dev.switchboard.app;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.redis.RedisBackplane;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import dev.switchboard.runtimes.process.HandlerLoadException;
import dev.switchboard.server.Gateway;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard serve}: runs a node until SIGTERM or Ctrl-C, then drains it (closes every
 * connection with 1001, or 1012 with {@code shutdown-close-code: 1012}, delivers their cleanups
 * within {@code shutdown-timeout}) and exits 0.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the gateway.",
            "Without --config it runs the embedded default: route /echo, whose transfer function"
                    + " replies with every message it gets."
        })
final class ServeCommand implements Callable<Integer> {
    /** Exit status for a config or start-up error. */
    static final int CONFIG_ERROR = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see README).")
    @Nullable
    Path config;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:SWITCHBOARD_LISTEN}",
            description = "Where clients connect; overrides 'listen' (env SWITCHBOARD_LISTEN).")
    @Nullable
    String listen;

    @Option(
            names = "--push-listen",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:SWITCHBOARD_PUSH_LISTEN}",
            description = "Where the push API listens; overrides 'push.listen' (env SWITCHBOARD_PUSH_LISTEN).")
    @Nullable
    String pushListen;

    @Option(
            names = "--functions-jar",
            paramLabel = "JAR",
            description = "A jar (or classes directory) holding java: functions; may be repeated.")
    List<Path> functionJars = new ArrayList<>();

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            defaultValue = "${env:SWITCHBOARD_LOG_FORMAT:-human}",
            description = "human (default) or json: one JSON object per line (env SWITCHBOARD_LOG_FORMAT).")
    LogFormat logFormat = LogFormat.HUMAN;

    @Override
    public Integer call() throws InterruptedException {
        logFormat.apply();
        GatewayConfig gatewayConfig;
        Gateway gateway;
        JavaFunctionInvokerFactory javaFunctions;
        try {
            javaFunctions = new JavaFunctionInvokerFactory(
                    functionsClassLoader(functionJars),
                    JavaFunctionInvokerFactory.DEFAULT_THREADS,
                    JavaFunctionInvokerFactory.DEFAULT_QUEUE);
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return CONFIG_ERROR;
        }
        ProcessFunctions processFunctions = null;
        try {
            gatewayConfig = resolveConfig();
            processFunctions = new ProcessFunctions(gatewayConfig.runtimes());
            Gateway.Builder builder =
                    Gateway.builder(gatewayConfig).functions(javaFunctions).functions(processFunctions.factory());
            if (gatewayConfig.cluster() != null) {
                builder.backplane(new RedisBackplane(gatewayConfig.cluster()));
            }
            gateway = builder.start();
            processFunctions.started(gateway);
            loadHandlers(gateway, processFunctions);
        } catch (ConfigException | HandlerLoadException e) {
            startError(e);
            javaFunctions.close();
            if (processFunctions != null) {
                processFunctions.close();
            }
            return CONFIG_ERROR;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        Signals.onHangup(gateway::reloadCertificates);
        printBanner(gateway);
        stop.await();
        System.out.println("switchboard: stopping (closing connections, delivering cleanups)...");
        gateway.close();
        javaFunctions.close();
        processFunctions.close();
        return 0;
    }

    /**
     * Waits until every Python and Node handler has loaded; one that cannot be loaded stops the
     * node (closed again) before its banner, instead of failing every call.
     */
    static void loadHandlers(Gateway gateway, ProcessFunctions processFunctions) throws InterruptedException {
        try {
            processFunctions.loadHandlers();
        } catch (HandlerLoadException e) {
            gateway.close();
            throw e;
        }
    }

    /** Prints a config or start-up error: one line, or one per handler that could not be loaded. */
    static void startError(RuntimeException e) {
        List<String> lines = e instanceof HandlerLoadException handlers ? handlers.failures() : List.of(e.getMessage());
        lines.forEach(line -> System.err.println("switchboard: " + line));
    }

    /** A class loader over {@code --functions-jar}'s jars, or the gateway's own when there are none. */
    static ClassLoader functionsClassLoader(List<Path> functionJars) {
        ClassLoader parent = ServeCommand.class.getClassLoader();
        if (functionJars.isEmpty()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : functionJars) {
            if (!Files.exists(jar)) {
                throw new ConfigException("--functions-jar: " + jar + " (no such file)");
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ConfigException("--functions-jar: " + jar + " (" + e.getMessage() + ")");
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    private GatewayConfig resolveConfig() {
        GatewayConfig.Builder builder = config == null ? DefaultConfig.builder() : ConfigFiles.load(config).toBuilder();
        if (listen != null && !listen.isBlank()) {
            builder.listen(parse("--listen", listen));
        }
        GatewayConfig partial = builder.build();
        if (pushListen != null && !pushListen.isBlank()) {
            builder.push(partial.push().withListen(parse("--push-listen", pushListen)));
        }
        return builder.build();
    }

    private static HostPort parse(String option, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage());
        }
    }

    private static void printBanner(Gateway gateway) {
        GatewayConfig config = gateway.config();
        InetSocketAddress client = gateway.clientAddress();
        InetSocketAddress push = gateway.pushAddress();
        String clientHost = displayHost(client);
        System.out.println("switchboard " + Versions.version() + " - node " + config.nodeId());
        for (RouteConfig route : config.routes()) {
            System.out.println("  clients connect to  " + (config.tls() == null ? "ws" : "wss") + "://" + clientHost
                    + ":" + client.getPort() + route.path());
        }
        System.out.println("  push API listens on " + (config.push().tls() == null ? "http" : "https") + "://"
                + displayHost(push) + ":" + push.getPort() + "/push"
                + (config.push().token() == null ? "" : " (bearer token required)"));
        System.out.println("  Ctrl-C stops it gracefully.");
        System.out.flush();
    }

    private static String displayHost(InetSocketAddress address) {
        if (address.getAddress() == null || address.getAddress().isAnyLocalAddress()) {
            return "localhost";
        }
        String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
