package dev.switchboard.bench.load;

import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.bench.net.SourceAddresses;
import dev.switchboard.bench.report.Latency;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.HdrHistogram.Recorder;

/**
 * Opens and holds many client WebSockets to one {@code ws://} URI on a few event loops, each
 * bound to one of the {@link SourceAddresses} in turn. Works against any WebSocket server.
 */
public final class WsLoadClient implements AutoCloseable {
    private static final int MAX_FRAME_BYTES = 1 << 20;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;
    private static final long SETTLE_TIMEOUT_SECONDS = 40;

    private final URI uri;
    private final InetSocketAddress remote;
    private final SourceAddresses sources;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    /** A client of {@code uri} with {@code threads} event loops and {@code sourceAddresses} local addresses. */
    public WsLoadClient(URI uri, int threads, int sourceAddresses) {
        this.uri = uri;
        this.remote = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.sources = new SourceAddresses(sourceAddresses);
        this.group = EventLoops.group("load", threads);
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    }

    /**
     * Opens {@code count} connections numbered from {@code firstIndex}, with at most
     * {@code maxPending} handshakes in flight, and waits until every one has opened or failed
     * (at most {@code timeout}).
     */
    public ConnectResult connect(
            int firstIndex, int count, int maxPending, Duration timeout, IntFunction<WsListener> listeners)
            throws InterruptedException {
        Semaphore pending = new Semaphore(maxPending);
        CountDownLatch settled = new CountDownLatch(count);
        List<WsConnection> open = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Recorder handshakes = new Recorder(3);
        AtomicLong lastOpened = new AtomicLong();
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!pending.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            int index = firstIndex + i;
            WsConnection connection = new WsConnection(index, listeners.apply(index));
            long connectNanos = System.nanoTime();
            ChannelFuture future = connect(connection);
            Promise<WsConnection> opened = future.channel().eventLoop().newPromise();
            connection.bind(future.channel(), opened);
            future.addListener(f -> {
                if (!f.isSuccess()) {
                    opened.tryFailure(f.cause());
                }
            });
            // whatever happens to the socket, the connection settles
            future.channel()
                    .eventLoop()
                    .schedule(
                            () -> opened.tryFailure(
                                    new TimeoutException("no handshake within " + SETTLE_TIMEOUT_SECONDS + " s")),
                            SETTLE_TIMEOUT_SECONDS,
                            TimeUnit.SECONDS);
            opened.addListener(f -> {
                if (f.isSuccess()) {
                    long now = System.nanoTime();
                    handshakes.recordValue(now - connectNanos);
                    lastOpened.accumulateAndGet(now, Math::max);
                    open.add(connection);
                } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(f.cause()));
                    future.channel().close();
                }
                pending.release();
                settled.countDown();
            });
        }
        settled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        // a handshake that never completes must not stretch the time of those that did
        double seconds = (lastOpened.get() == 0 ? System.nanoTime() - started : lastOpened.get() - started) / 1e9;
        int missing = (int) settled.getCount();
        List<WsConnection> snapshot;
        synchronized (open) {
            snapshot = new ArrayList<>(open);
        }
        return new ConnectResult(
                snapshot,
                failed.get() + missing,
                Math.round(seconds * 1000) / 1000.0,
                Latency.of(handshakes.getIntervalHistogram()),
                firstError.get());
    }

    private ChannelFuture connect(WsConnection connection) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .dropPongFrames(true)
                .build();
        Bootstrap one = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new WebSocketClientProtocolHandler(config))
                        .addLast(connection);
            }
        });
        InetSocketAddress local = sources.forConnection(connection.index());
        return local == null ? one.connect(remote) : one.connect(remote, local);
    }

    /** Closes {@code connections} (close frame, then the socket) and waits up to {@code timeout}. */
    public static void closeAll(List<WsConnection> connections, Duration timeout) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(connections.size());
        for (WsConnection connection : connections) {
            connection.close().addListener(f -> closed.countDown());
        }
        closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
