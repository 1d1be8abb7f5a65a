package dev.switchboard.bench.scenario;

import dev.switchboard.bench.server.GatewayMain;
import dev.switchboard.bench.server.RawEchoServer;
import dev.switchboard.bench.server.RawHttpBridgeServer;
import dev.switchboard.bench.server.StubFunctionServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Starts the servers a scenario measures, each in its own JVM. */
final class Servers {
    /** The in-process echo transfer function built into the runtimes. */
    static final String ECHO = "java:dev.switchboard.runtimes.java.builtin.Echo#transfer";

    private final CommonOptions options;
    private final String scenario;

    Servers(CommonOptions options, String scenario) {
        this.options = options;
        this.scenario = scenario;
    }

    /** A gateway; {@code functionArgs} are {@code --register/--transfer/--cleanup TARGET} pairs. */
    ChildJvm gateway(String name, int pushPort, String... functionArgs) throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(options.serverJvmOptions());
        if (options.profile) {
            jvm.add("-XX:StartFlightRecording=settings=profile,filename="
                    + options.out.resolve(scenario + "-" + name + ".jfr").toAbsolutePath());
        }
        List<String> args = new ArrayList<>(
                List.of("--threads", String.valueOf(options.serverThreads), "--push-port", String.valueOf(pushPort)));
        args.addAll(List.of(functionArgs));
        return ChildJvm.start(scenario + "-" + name, jvm, GatewayMain.class, args, logs());
    }

    /** The raw Netty echo server. */
    ChildJvm rawEcho() throws IOException, InterruptedException {
        return ChildJvm.start(
                scenario + "-raw-echo",
                options.serverJvmOptions(),
                RawEchoServer.class,
                List.of("--threads", String.valueOf(options.serverThreads)),
                logs());
    }

    /** The raw Netty WebSocket-to-HTTP bridge, calling {@code functionUrl} for each message. */
    ChildJvm rawBridge(String functionUrl) throws IOException, InterruptedException {
        return ChildJvm.start(
                scenario + "-raw-bridge",
                options.serverJvmOptions(),
                RawHttpBridgeServer.class,
                List.of("--threads", String.valueOf(options.serverThreads), "--function", functionUrl),
                logs());
    }

    /** The stub function server; {@code extraArgs} e.g. {@code --push-url URL} or {@code --groups g}. */
    ChildJvm stub(String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--threads", String.valueOf(options.serverThreads)));
        args.addAll(List.of(extraArgs));
        return ChildJvm.start(scenario + "-stub", options.serverJvmOptions(), StubFunctionServer.class, args, logs());
    }

    /** The WebSocket URI of a gateway's bench route, or of a raw echo server. */
    static URI ws(ChildJvm server, boolean gateway) {
        return URI.create("ws://127.0.0.1:" + server.port(0) + (gateway ? GatewayMain.PATH : "/"));
    }

    /** The HTTP URI of {@code path} on a stub function server. */
    static String stubUrl(ChildJvm stub, String path) {
        return "http://127.0.0.1:" + stub.port(0) + path;
    }

    /** A free loopback port (for a server whose port another must know before it starts). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private java.nio.file.Path logs() {
        return options.out.resolve("logs");
    }
}
