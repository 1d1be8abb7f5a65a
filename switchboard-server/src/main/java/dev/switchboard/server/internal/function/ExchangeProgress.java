package dev.switchboard.server.internal.function;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;

/**
 * Records on the call in flight on a pooled connection whether any byte of its request has been
 * written to the socket and whether any byte of a response has arrived: what {@link ResendPolicy}
 * decides on when the connection closes early. It sits just before the HTTP codec: without TLS
 * that is next to the socket, and a write counts from the first byte the socket took; with TLS it
 * sees decrypted response bytes, and a request counts as written once it is handed to TLS, which
 * does not tell how much of it reached the socket.
 */
@Sharable
final class ExchangeProgress extends ChannelDuplexHandler {
    private final AttributeKey<PendingCall> callKey;
    private final boolean nextToSocket;

    ExchangeProgress(AttributeKey<PendingCall> callKey, boolean nextToSocket) {
        this.callKey = callKey;
        this.nextToSocket = nextToSocket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        PendingCall call = ctx.channel().attr(callKey).get();
        if (call != null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            call.responseStarted = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        PendingCall call = ctx.channel().attr(callKey).get();
        if (call == null || !(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
            ctx.write(msg, promise);
            return;
        }
        if (!nextToSocket || promise.isVoid()) {
            call.requestWritten = true;
            ctx.write(msg, promise);
            return;
        }
        ChannelProgressivePromise tracked = ctx.newProgressivePromise();
        tracked.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                if (progress > 0) {
                    call.requestWritten = true;
                }
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                if (future.isSuccess()) {
                    call.requestWritten = true;
                    promise.trySuccess();
                } else {
                    promise.tryFailure(future.cause());
                }
            }
        });
        ctx.write(msg, tracked);
    }
}
