package dev.switchboard.app;

import dev.switchboard.app.demo.ChatFunctions;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.PresenceConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import dev.switchboard.runtimes.process.HandlerLoadException;
import dev.switchboard.server.Gateway;
import dev.switchboard.server.StaticContent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard demo}: the gateway with a chat application, its page at {@code /} and its
 * WebSocket route at {@code /chat}, with reliable sessions (a 30 s resume window). The chat's functions are the in-process
 * {@link ChatFunctions}, or those of a config given with {@code --config} (such as
 * {@code examples/chat-python/chat.yaml}), which must have a {@code /chat} route.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the gateway with a chat application: open http://localhost:8080/ in two browser windows.",
            "Its functions run in-process, or come from --config (a config with a /chat route)."
        })
final class DemoCommand implements Callable<Integer> {
    /** Where the chat page lives on the classpath. */
    static final String WEB_ROOT = "dev/switchboard/app/demo/web";
    /** The route the page connects to. */
    static final String CHAT_PATH = "/chat";

    @Option(names = "--config", paramLabel = "FILE", description = "A config whose /chat route runs the chat.")
    @Nullable
    Path config;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            description = "Where the page and clients are served; overrides 'listen' (default 0.0.0.0:8080).")
    @Nullable
    String listen;

    @Option(
            names = "--push-listen",
            paramLabel = "HOST:PORT",
            description = "Where the push API listens; overrides 'push.listen' (default 127.0.0.1:8081).")
    @Nullable
    String pushListen;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig gatewayConfig;
        try {
            gatewayConfig = resolveConfig();
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            return ServeCommand.CONFIG_ERROR;
        }
        JavaFunctionInvokerFactory javaFunctions = new JavaFunctionInvokerFactory();
        ProcessFunctions processFunctions = new ProcessFunctions(gatewayConfig.runtimes());
        Gateway gateway;
        try {
            gateway = Gateway.builder(gatewayConfig)
                    .functions(javaFunctions)
                    .functions(processFunctions.factory())
                    .staticContent(StaticContent.classpath(DemoCommand.class.getClassLoader(), WEB_ROOT))
                    .start();
        } catch (ConfigException e) {
            System.err.println("switchboard: " + e.getMessage());
            processFunctions.close();
            javaFunctions.close();
            return ServeCommand.CONFIG_ERROR;
        }
        Map<String, String> push = processFunctions.started(gateway);
        try {
            ServeCommand.loadHandlers(gateway, processFunctions);
        } catch (HandlerLoadException e) {
            ServeCommand.startError(e);
            processFunctions.close();
            javaFunctions.close();
            return ServeCommand.CONFIG_ERROR;
        }
        // the in-process chat functions push like any function: over HTTP to the push API
        System.setProperty(ChatFunctions.PUSH_URL_PROPERTY, push.get("SWITCHBOARD_PUSH_URL"));
        if (push.containsKey("SWITCHBOARD_PUSH_TOKEN")) {
            System.setProperty(ChatFunctions.PUSH_TOKEN_PROPERTY, push.get("SWITCHBOARD_PUSH_TOKEN"));
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        printBanner(gateway);
        stop.await();
        System.out.println("switchboard: stopping (closing connections, delivering cleanups)...");
        gateway.close();
        processFunctions.close();
        javaFunctions.close();
        return 0;
    }

    private GatewayConfig resolveConfig() {
        GatewayConfig.Builder builder = config == null ? builtInChat() : ConfigFiles.load(config).toBuilder();
        if (listen != null && !listen.isBlank()) {
            builder.listen(parse("--listen", listen));
        }
        GatewayConfig partial = builder.build();
        if (pushListen != null && !pushListen.isBlank()) {
            builder.push(partial.push().withListen(parse("--push-listen", pushListen)));
        }
        GatewayConfig resolved = builder.build();
        if (resolved.routes().stream().noneMatch(route -> route.path().equals(CHAT_PATH))) {
            throw new ConfigException(
                    config + ": routes: no " + CHAT_PATH + " route (expected: the route the chat page connects to)");
        }
        return resolved;
    }

    private static GatewayConfig.Builder builtInChat() {
        String functions = "java:" + ChatFunctions.class.getName() + "#";
        return GatewayConfig.builder()
                .route(RouteConfig.builder(CHAT_PATH)
                        .register(FunctionTarget.parse(functions + "register"))
                        .transfer(FunctionTarget.parse(functions + "transfer"))
                        .cleanup(FunctionTarget.parse(functions + "cleanup"))
                        // the page speaks switchboard.reliable.v1: a blip costs no leave and join
                        .reliable(ReliableConfig.defaults())
                        // the page lists who is in the room from the presence frames
                        .presence(PresenceConfig.builder()
                                .groups(List.of("room:*"))
                                .function(FunctionTarget.parse(functions + "presence"))
                                .build())
                        .build());
    }

    private static HostPort parse(String option, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage());
        }
    }

    private void printBanner(Gateway gateway) {
        InetSocketAddress client = gateway.clientAddress();
        InetSocketAddress push = gateway.pushAddress();
        String base = "http://" + displayHost(client) + ":" + client.getPort();
        System.out.println("switchboard " + Versions.version() + " - chat demo on node "
                + gateway.config().nodeId() + (config == null ? "" : " with the functions of " + config));
        System.out.println("  open " + base + "/ in two browser windows");
        System.out.println("  clients connect to  ws://" + displayHost(client) + ":" + client.getPort() + CHAT_PATH);
        System.out.println("  push API listens on http://" + displayHost(push) + ":" + push.getPort() + "/push");
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
