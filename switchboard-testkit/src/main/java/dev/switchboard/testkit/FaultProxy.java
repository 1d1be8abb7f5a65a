package dev.switchboard.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on a free loopback port that forwards to {@code 127.0.0.1:<target>} and breaks the
 * link on command: {@link #delay delay} every byte, {@link #slow slow} it to a byte rate,
 * {@link #blackhole blackhole} it (bytes are held, nothing arrives, no socket closes, as when a
 * network path silently drops packets), {@link #reset reset} every open connection (RST), and
 * {@link #heal heal}. Bytes held by a fault are delivered in order once it is healed, so the
 * stream on either side is never corrupted, only late or cut.
 */
public final class FaultProxy implements AutoCloseable {
    /** Past this many bytes held in one direction the proxy stops reading that side. */
    private static final int HIGH_WATER_BYTES = 1 << 20;

    private final String name;
    private final EventLoopGroup group;
    private final Channel server;
    private final int target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    private volatile long bytesPerSecond;
    private volatile boolean blackholed;

    private FaultProxy(String name, EventLoopGroup group, int target, int port) {
        this.name = name;
        this.group = group;
        this.target = target;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connect(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .syncUninterruptibly()
                .channel();
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort} on a free port; {@code name} appears in {@link #toString}. */
    public static FaultProxy start(String name, int targetPort) {
        return start(name, targetPort, 0);
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort} on {@code port} (0: a free one). */
    public static FaultProxy start(String name, int targetPort, int port) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("fault-proxy-" + name, true), NioIoHandler.newFactory());
        return new FaultProxy(name, group, targetPort, port);
    }

    /** The port clients of the proxy connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every byte, in both directions, arrives {@code delay} later than it was sent (0: no delay). */
    public void delay(Duration delay) {
        delayNanos = delay.toNanos();
        pumpAll();
    }

    /** Each direction carries at most {@code bytesPerSecond} (0: unlimited). */
    public void slow(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        pumpAll();
    }

    /** Nothing arrives in either direction, new connections included, until {@link #heal}. */
    public void blackhole() {
        blackholed = true;
    }

    /** Closes every open connection through the proxy with a TCP reset, on both sides; new ones pass. */
    public void reset() {
        for (Link link : links) {
            link.reset();
        }
    }

    /** Ends every fault: no delay, no rate limit, no blackhole; held bytes go on in order. */
    public void heal() {
        delayNanos = 0;
        bytesPerSecond = 0;
        blackholed = false;
        pumpAll();
    }

    /** Open connections through the proxy. */
    public int openLinks() {
        return links.size();
    }

    private void pumpAll() {
        for (Link link : links) {
            link.inbound.eventLoop().execute(() -> {
                link.toTarget.pump();
                link.toClient.pump();
            });
        }
    }

    private void connect(SocketChannel inbound) {
        Link link = new Link(inbound);
        links.add(link);
        inbound.closeFuture().addListener(f -> link.close());
        new Bootstrap()
                .group(inbound.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(InetAddress.getLoopbackAddress(), target)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        link.reset();
                        return;
                    }
                    link.attach(connected.channel());
                });
    }

    @Override
    public String toString() {
        return "proxy " + name + " :" + port() + " -> :" + target;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        reset();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One proxied connection: the node's socket and the proxy's socket to the target. */
    private final class Link {
        final Channel inbound;

        @Nullable
        Channel outbound;

        final Direction toTarget = new Direction();
        final Direction toClient = new Direction();

        Link(Channel inbound) {
            this.inbound = inbound;
            inbound.pipeline().addLast(new Reader(toTarget));
        }

        void attach(Channel outbound) {
            this.outbound = outbound;
            toTarget.bind(inbound, outbound);
            toClient.bind(outbound, inbound);
            outbound.pipeline().addLast(new Reader(toClient));
            outbound.closeFuture().addListener(f -> close());
            inbound.read();
            outbound.read();
            inbound.config().setAutoRead(true);
            outbound.config().setAutoRead(true);
        }

        void reset() {
            inbound.eventLoop().execute(() -> {
                abort(inbound);
                if (outbound != null) {
                    abort(outbound);
                }
            });
        }

        private void abort(Channel channel) {
            if (channel.isOpen()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
            }
        }

        void close() {
            links.remove(this);
            inbound.eventLoop().execute(() -> {
                toTarget.release();
                toClient.release();
                inbound.close();
                if (outbound != null) {
                    outbound.close();
                }
            });
        }
    }

    private record Held(ByteBuf bytes, long arrivedNanos) {}

    /** The bytes of one direction on their way, paced by the faults in force. Event loop only. */
    private final class Direction {
        private final ArrayDeque<Held> held = new ArrayDeque<>();
        private @Nullable Channel from;
        private @Nullable Channel to;
        private long heldBytes;
        private long nextFreeNanos;
        private boolean scheduled;

        void bind(Channel from, Channel to) {
            this.from = from;
            this.to = to;
        }

        void add(ByteBuf bytes) {
            held.add(new Held(bytes, System.nanoTime()));
            heldBytes += bytes.readableBytes();
            if (heldBytes > HIGH_WATER_BYTES && from != null) {
                from.config().setAutoRead(false);
            }
            pump();
        }

        void pump() {
            if (scheduled || to == null || blackholed) {
                return;
            }
            while (!held.isEmpty()) {
                Held next = held.peek();
                long now = System.nanoTime();
                long releaseAt = Math.max(next.arrivedNanos() + delayNanos, nextFreeNanos);
                if (releaseAt > now) {
                    scheduled = true;
                    to.eventLoop().schedule(this::wake, releaseAt - now, TimeUnit.NANOSECONDS);
                    return;
                }
                held.poll();
                int size = next.bytes().readableBytes();
                heldBytes -= size;
                long rate = bytesPerSecond;
                nextFreeNanos = rate == 0 ? now : now + size * 1_000_000_000L / rate;
                to.writeAndFlush(next.bytes());
            }
            if (from != null
                    && heldBytes <= HIGH_WATER_BYTES / 2
                    && !from.config().isAutoRead()) {
                from.config().setAutoRead(true);
            }
        }

        private void wake() {
            scheduled = false;
            pump();
        }

        void release() {
            for (Held h : held) {
                h.bytes().release();
            }
            held.clear();
            heldBytes = 0;
        }
    }

    /** Hands what one socket reads to its direction. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        private final Direction direction;

        Reader(Direction direction) {
            this.direction = direction;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            direction.add((ByteBuf) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
