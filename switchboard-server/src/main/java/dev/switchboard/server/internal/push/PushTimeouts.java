package dev.switchboard.server.internal.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.server.internal.JsonResponses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two timeouts of one push listener connection. {@code push.request-timeout} runs from the
 * first byte of a request to its last: a request still incomplete then gets HTTP 408 (errNo 4080)
 * and the connection closes. {@code push.idle-timeout} runs while no request is in progress (before
 * the first and after each answer): the connection then closes without an answer. The time the
 * gateway takes to answer counts in neither.
 *
 * <p>Two handlers share this state: {@link #bytes()} sits before the HTTP codec and sees the first
 * byte of a request, {@link #messages()} sits after it and sees the request end and the answer go.
 */
final class PushTimeouts {
    private static final Logger log = LoggerFactory.getLogger(PushTimeouts.class);

    private enum State {
        IDLE,
        RECEIVING,
        ANSWERING
    }

    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private State state = State.IDLE;
    private @Nullable ScheduledFuture<?> timer;
    private @Nullable ChannelHandlerContext http;

    PushTimeouts(Duration requestTimeout, Duration idleTimeout) {
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** The handler before the HTTP codec: a byte read while idle starts a request. */
    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                arm(ctx, idleTimeout);
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (state == State.IDLE) {
                    state = State.RECEIVING;
                    arm(ctx, requestTimeout);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    /** The handler after the HTTP codec: the request's end stops its clock, the answer's end starts the idle one. */
    ChannelDuplexHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                http = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest && state == State.IDLE) {
                    // pipelined behind the previous request: its bytes were read while answering
                    state = State.RECEIVING;
                    arm(ctx, requestTimeout);
                }
                if (msg instanceof LastHttpContent) {
                    state = State.ANSWERING;
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof LastHttpContent && state != State.IDLE) {
                    // also an answer given before the request ended (a refusal, 100 Continue)
                    state = State.ANSWERING;
                    cancel();
                    promise = promise.unvoid();
                    promise.addListener(written -> {
                        if (state == State.ANSWERING) {
                            state = State.IDLE;
                            arm(ctx, idleTimeout);
                        }
                    });
                }
                ctx.write(msg, promise);
            }
        };
    }

    private void arm(ChannelHandlerContext ctx, Duration after) {
        cancel();
        timer = ctx.executor().schedule(() -> expire(ctx), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (state == State.ANSWERING) {
            return;
        }
        if (state == State.IDLE || http == null) {
            ctx.close();
            return;
        }
        log.info(
                "push API: request from {} not received within push.request-timeout ({} ms); closing",
                ctx.channel().remoteAddress(),
                requestTimeout.toMillis());
        state = State.ANSWERING;
        JsonResponses.sendAndClose(
                http,
                JsonResponses.error(
                        http.alloc(),
                        ErrorCode.REQUEST_TIMEOUT,
                        "request not received within push.request-timeout (" + requestTimeout.toMillis() + " ms)"));
    }
}
