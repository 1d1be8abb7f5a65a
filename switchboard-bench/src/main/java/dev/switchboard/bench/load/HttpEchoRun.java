package dev.switchboard.bench.load;

import dev.switchboard.bench.net.EventLoops;
import dev.switchboard.bench.net.SourceAddresses;
import dev.switchboard.bench.report.RunResult;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The direct baseline of {@code echo-http}: keep-alive HTTP connections POSTing transfer events
 * to the function itself, one request in flight per connection, as the gateway's HTTP invoker
 * would at the same concurrency.
 */
public final class HttpEchoRun {
    private static final long DRAIN_MILLIS = 5_000;

    private HttpEchoRun() {}

    /** Runs {@code spec} against the function at {@code uri} (e.g. {@code http://127.0.0.1:9000/transfer}). */
    public static RunResult run(String name, String server, URI uri, LoadSpec spec) throws InterruptedException {
        Measurement measurement = new Measurement(spec.serverPid());
        long period = spec.periodNanos();
        String host = uri.getHost() + ":" + uri.getPort();
        SourceAddresses sources = new SourceAddresses(spec.sourceAddresses());
        EventLoopGroup group = EventLoops.group("http-load", spec.threads());
        List<Channel> channels = new ArrayList<>();
        try {
            List<HttpEchoSession> sessions = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++) {
                HttpEchoSession session = new HttpEchoSession(measurement, i, spec, period, host, uri.getPath());
                Bootstrap bootstrap = new Bootstrap()
                        .group(group)
                        .channel(EventLoops.socketChannel())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                channel.pipeline()
                                        .addLast(new HttpClientCodec())
                                        .addLast(new HttpObjectAggregator(1 << 20))
                                        .addLast(session.handler());
                            }
                        });
                InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort());
                InetSocketAddress local = sources.forConnection(i);
                ChannelFuture future = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
                if (!future.awaitUninterruptibly(10, TimeUnit.SECONDS) || !future.isSuccess()) {
                    measurement.error();
                    continue;
                }
                session.bind(future.channel());
                channels.add(future.channel());
                sessions.add(session);
            }
            for (int i = 0; i < sessions.size(); i++) {
                sessions.get(i).begin(period == 0 ? 0 : period * i / spec.connections());
            }
            Thread.sleep(spec.warmup().toMillis());
            measurement.open();
            Thread.sleep(spec.duration().toMillis());
            measurement.close();
            measurement.awaitDrained(DRAIN_MILLIS);
            return measurement.result(name, server, sessions.size(), spec.payloadBytes(), spec.rate());
        } finally {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
