package dev.switchboard.bench.server;

import dev.switchboard.bench.net.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fast stub of a function server (Netty HTTP, keep-alive): {@code /register} accepts (joining
 * {@code --groups}), {@code /cleanup} acknowledges, and {@code /transfer} sends each message back,
 * either as the response's {@code reply} or, with {@code --push-url}, through the gateway's push
 * API before it answers (the Tencent pattern).
 */
@Command(name = "stub-functions", description = "Run the stub function server.")
public final class StubFunctionServer implements Callable<Integer> {
    @Option(names = "--port", description = "Port on 127.0.0.1 (0: any free port).")
    int port;

    @Option(names = "--threads", description = "Event loops (default: one per core).")
    int threads = EventLoops.defaultThreads();

    @Option(names = "--push-url", description = "Push API URL: transfer pushes the message back instead of replying.")
    @Nullable
    URI pushUrl;

    @Option(names = "--push-connections", description = "Keep-alive connections to the push API per event loop.")
    int pushConnections = 128;

    @Option(names = "--groups", split = ",", description = "Groups every registered connection joins.")
    List<String> groups = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new StubFunctionServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EventLoopGroup group = EventLoops.group("stub", threads);
        InetSocketAddress push = pushUrl == null ? null : new InetSocketAddress(pushUrl.getHost(), pushUrl.getPort());
        String pushPath = pushUrl == null ? "/push" : pushUrl.getPath();
        StubHandler handler = new StubHandler(groups, push, pushPath, pushConnections);
        LoopbackServer.serve(
                group,
                port,
                channel -> channel.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(handler));
        return 0;
    }
}
