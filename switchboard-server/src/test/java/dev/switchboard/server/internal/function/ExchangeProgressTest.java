package dev.switchboard.server.internal.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.server.internal.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On a real socket, a request whose write is cut part of the way counts as written from its first
 * byte, though the write as a whole fails, so the call is not sent again: the function's server
 * may already have read, and acted on, what arrived.
 */
class ExchangeProgressTest {
    private static final int REQUEST_BYTES = 16 * 1024 * 1024;

    private final EventLoopGroup group = Transport.best().newGroup(1, new DefaultThreadFactory("progress-test", true));

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestResetPartWayThroughItsWriteCountsAsWrittenAndIsNotSentAgain() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(Transport.best().socketChannel())
                    .option(ChannelOption.SO_SNDBUF, 4096)
                    .handler(new ExchangeProgress(HttpFunctionPool.CALL, true))
                    .connect(server.getLocalSocketAddress())
                    .sync()
                    .channel();
            PendingCall call = new PendingCall(
                    null,
                    Unpooled.buffer(),
                    new CompletableFuture<>(),
                    new CallDeadlines(channel.eventLoop(), c -> {}));
            channel.attr(HttpFunctionPool.CALL).set(call);
            try (Socket function = server.accept()) {
                // the function reads nothing: the request fills the socket buffers and waits
                ChannelFuture write = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[REQUEST_BYTES]));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> channel.eventLoop()
                                .submit(() -> call.requestWritten)
                                .get());
                assertThat(write.isDone()).as("the write is still under way").isFalse();

                function.setSoLinger(true, 0);
                function.close();
                assertThat(write.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(write.isSuccess()).isFalse();
            }

            assertThat(call.requestWritten).isTrue();
            assertThat(ResendPolicy.mayResend(true, 1, call.requestWritten, call.responseStarted))
                    .isFalse();
        }
    }
}
