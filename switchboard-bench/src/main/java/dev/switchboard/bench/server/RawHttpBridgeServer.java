package dev.switchboard.bench.server;

import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.bench.net.HttpClientPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The limit of the HTTP-function path: the least any gateway must do to put a WebSocket message
 * through an HTTP function and back. For each text frame it POSTs the payload, as it is, to the
 * function over keep-alive connections owned by the frame's event loop, and writes the answer's
 * body back as a text frame. It builds no event, keeps no record of the connection and checks
 * nothing; the stub function's {@code /echo} answers with the body it got. Same transport,
 * event loop count and allocator as the gateway.
 */
@Command(name = "raw-http-bridge", description = "Run the raw Netty WebSocket-to-HTTP bridge.")
public final class RawHttpBridgeServer implements Callable<Integer> {
    /** Connections to the function per event loop, at most: more than any run keeps in flight. */
    private static final int MAX_FUNCTION_CONNECTIONS = 4096;

    @Option(names = "--port", description = "Port on 127.0.0.1 (0: any free port).")
    int port;

    @Option(names = "--threads", description = "Event loops (default: one per core).")
    int threads = EventLoops.defaultThreads();

    @Option(names = "--function", required = true, description = "The function's URL, e.g. http://127.0.0.1:9000/echo.")
    URI function;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RawHttpBridgeServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EventLoopGroup group = EventLoops.group("raw-bridge", threads);
        BridgeHandler bridge =
                new BridgeHandler(new InetSocketAddress(function.getHost(), function.getPort()), function.getRawPath());
        WebSocketServerProtocolConfig config = LoopbackServer.webSocketOnAnyPath();
        LoopbackServer.serve(
                group,
                port,
                channel -> channel.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new WebSocketServerProtocolHandler(config))
                        .addLast(bridge));
        return 0;
    }

    /** Sends each text frame's payload to the function and the answer back to the client. */
    @Sharable
    static final class BridgeHandler extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress function;
        private final String path;
        private final Map<EventLoop, HttpClientPool> pools = new ConcurrentHashMap<>();

        BridgeHandler(InetSocketAddress function, String path) {
            this.function = function;
            this.path = path;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof TextWebSocketFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Channel client = ctx.channel();
            pool(client.eventLoop()).post(path, frame.content(), (status, body) -> {
                if (status == 200) {
                    client.writeAndFlush(new TextWebSocketFrame(body.retain()), client.voidPromise());
                } else {
                    client.close();
                }
            });
        }

        private HttpClientPool pool(EventLoop loop) {
            return pools.computeIfAbsent(loop, l -> new HttpClientPool(l, function, MAX_FUNCTION_CONNECTIONS));
        }
    }
}
