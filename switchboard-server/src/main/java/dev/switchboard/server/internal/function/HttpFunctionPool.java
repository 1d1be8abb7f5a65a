package dev.switchboard.server.internal.function;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.core.json.Json;
import dev.switchboard.server.internal.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive connections of one function on one event loop, and the calls waiting for one.
 * At most {@code maxConnections} are open; calls beyond wait in order. A connection refused is
 * retried (the request never reached the function); a reused connection found closed before any
 * byte of the request was written is retried once on another ({@link ResendPolicy}); anything
 * else, a response cut short included, fails the call. Confined to its loop.
 */
final class HttpFunctionPool {
    private static final Logger log = LoggerFactory.getLogger(HttpFunctionPool.class);
    static final AttributeKey<PendingCall> CALL = AttributeKey.valueOf("switchboard.function.call");
    private static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("switchboard.function.reused");
    private static final AttributeKey<String> ERROR = AttributeKey.valueOf("switchboard.function.error");
    /** How long the connection may idle, from the last response's {@link KeepAliveHint}. */
    private static final AttributeKey<Long> IDLE_NANOS = AttributeKey.valueOf("switchboard.function.idle-nanos");
    /** When the connection last went idle ({@link System#nanoTime()}). */
    private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("switchboard.function.idle-since");

    private static final int MAX_CONNECT_ATTEMPTS = 3;
    private static final long FIRST_CONNECT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final int PREVIEW_CHARS = 200;

    private final FunctionTarget.Http target;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxConnections;
    private final String hostHeader;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<PendingCall> waiting = new ArrayDeque<>();
    private final @Nullable RequestSigner signer;
    private final @Nullable Mac mac;
    private final CallDeadlines deadlines;
    private int open;
    private boolean closed;

    HttpFunctionPool(
            FunctionTarget.Http target,
            EventLoop loop,
            Transport transport,
            @Nullable SslContext ssl,
            int maxConnections,
            int maxResponseBytes,
            @Nullable RequestSigner signer) {
        this.target = target;
        this.loop = loop;
        this.signer = signer;
        this.mac = signer == null ? null : signer.newMac();
        this.maxConnections = maxConnections;
        this.deadlines = new CallDeadlines(loop, this::onTimeout);
        String host = target.uri().getHost();
        this.hostHeader = target.uri().getPort() == -1 ? host : host + ":" + target.port();
        ExchangeProgress progress = new ExchangeProgress(CALL, ssl == null);
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .remoteAddress(host, target.port())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (ssl != null) {
                            channel.pipeline().addLast(ssl.newHandler(channel.alloc(), host, target.port()));
                        }
                        channel.pipeline()
                                .addLast(progress)
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(maxResponseBytes))
                                .addLast(new ResponseHandler());
                    }
                });
    }

    EventLoop loop() {
        return loop;
    }

    /** Starts a call; {@code result} completes on this pool's loop. */
    void call(Invocation invocation, CompletableFuture<FunctionResult> result) {
        ByteBuf body = encode(invocation);
        if (body == null) {
            result.complete(new FunctionResult.Failure("the event could not be encoded as JSON"));
            return;
        }
        PendingCall call = new PendingCall(invocation, body, result, deadlines);
        if (signer != null && mac != null) {
            call.signature = signer.sign(mac, body);
        }
        if (closed) {
            call.complete(new FunctionResult.Failure("the gateway is stopping"));
            return;
        }
        deadlines.add(call, invocation.timeout().toNanos());
        dispatch(call);
    }

    private @Nullable ByteBuf encode(Invocation invocation) {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer(512);
        try (JsonGenerator generator = Json.factory().createGenerator((OutputStream) new ByteBufOutputStream(body))) {
            invocation.writer().write(invocation.event(), generator);
        } catch (IOException | RuntimeException e) {
            log.error("request {}: event for {} could not be encoded", invocation.requestId(), target.spec(), e);
            body.release();
            return null;
        }
        return body;
    }

    private void dispatch(PendingCall call) {
        if (call.isDone()) {
            return;
        }
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            if (!channel.isActive()) {
                continue;
            }
            if (idledTooLong(channel)) {
                // the server is about to close it: a call written now might be cut, and fail
                channel.close();
                continue;
            }
            channel.attr(REUSED).set(Boolean.TRUE);
            send(channel, call);
            return;
        }
        if (open < maxConnections) {
            connect(call);
        } else {
            waiting.addLast(call);
        }
    }

    private void connect(PendingCall call) {
        open++;
        call.connectAttempts++;
        bootstrap.connect().addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                Channel channel = future.channel();
                channel.closeFuture().addListener(closed -> onClosed(channel));
                send(channel, call);
            } else {
                open--;
                onConnectFailed(call, future.cause());
                startWaiting();
            }
        });
    }

    private void onConnectFailed(PendingCall call, Throwable cause) {
        if (call.isDone()) {
            return;
        }
        long delay = FIRST_CONNECT_RETRY_NANOS << (call.connectAttempts - 1);
        if (call.connectAttempts < MAX_CONNECT_ATTEMPTS && !closed) {
            loop.schedule(() -> dispatch(call), delay, TimeUnit.NANOSECONDS);
            return;
        }
        call.complete(new FunctionResult.Failure("cannot connect to " + hostHeader + " after " + call.connectAttempts
                + " attempts: " + cause.getMessage()));
    }

    private void send(Channel channel, PendingCall call) {
        if (call.isDone()) {
            release(channel);
            return;
        }
        call.channel = channel;
        call.sendAttempts++;
        call.requestWritten = false;
        call.responseStarted = false;
        channel.attr(CALL).set(call);
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, target.pathAndQuery(), call.body.retainedDuplicate());
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, call.body.readableBytes())
                .set(HttpHeaderNames.USER_AGENT, "switchboard")
                .set("X-Switchboard-Request-Id", call.invocation.requestId());
        if (call.invocation.traceparent() != null) {
            request.headers().set("traceparent", call.invocation.traceparent());
        }
        if (call.signature != null) {
            request.headers()
                    .set(RequestSigner.TIMESTAMP_HEADER, call.signature.timestamp())
                    .set(RequestSigner.SIGNATURE_HEADER, call.signature.value());
        }
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                channel.close();
            }
        });
    }

    private void onResponse(Channel channel, FullHttpResponse response) {
        PendingCall call = channel.attr(CALL).getAndSet(null);
        if (response.decoderResult().isFailure()) {
            // cut short by the connection's close, or malformed: never a half-read success
            if (call != null) {
                call.complete(new FunctionResult.Failure("the response from " + hostHeader + " could not be read: "
                        + response.decoderResult().cause().getMessage()));
            }
            channel.close();
            return;
        }
        if (call != null) {
            call.complete(read(response));
        }
        if (HttpUtil.isKeepAlive(response)) {
            channel.attr(IDLE_NANOS).set(KeepAliveHint.idleNanos(response.headers()));
            // back to the pool once the loop has read all the socket has: a server that closes the
            // connection right after its response (the JDK's HttpServer does past 200 idle
            // connections) is then seen closing before the next call is written to it
            loop.execute(() -> release(channel));
        } else {
            channel.close();
        }
    }

    private void release(Channel channel) {
        if (closed || !channel.isActive()) {
            channel.close();
            return;
        }
        PendingCall next;
        while ((next = waiting.pollFirst()) != null) {
            if (!next.isDone()) {
                channel.attr(REUSED).set(Boolean.TRUE);
                send(channel, next);
                return;
            }
        }
        channel.attr(IDLE_SINCE).set(System.nanoTime());
        idle.addFirst(channel);
    }

    private static boolean idledTooLong(Channel channel) {
        Long idleNanos = channel.attr(IDLE_NANOS).get();
        Long since = channel.attr(IDLE_SINCE).get();
        return idleNanos != null
                && since != null
                && idleNanos != KeepAliveHint.UNLIMITED
                && System.nanoTime() - since >= idleNanos;
    }

    private void onClosed(Channel channel) {
        open--;
        idle.remove(channel);
        PendingCall call = channel.attr(CALL).getAndSet(null);
        if (call != null && !call.isDone()) {
            if (mayResend(channel, call) && !closed) {
                // the function's server closed an idle connection before we wrote to it: the
                // request did not reach the function, so it is safe to send again, on a new
                // connection (the server may have closed the other idle ones too, and this slot is free)
                connect(call);
            } else {
                String error = channel.attr(ERROR).get();
                call.complete(new FunctionResult.Failure("connection to " + hostHeader + " closed "
                        + (call.responseStarted ? "during the response" : "before a response")
                        + (error == null ? "" : " (" + error + ")")));
            }
        }
        startWaiting();
    }

    private static boolean mayResend(Channel channel, PendingCall call) {
        return ResendPolicy.mayResend(
                Boolean.TRUE.equals(channel.attr(REUSED).get()),
                call.sendAttempts,
                call.requestWritten,
                call.responseStarted);
    }

    private void startWaiting() {
        while (!waiting.isEmpty() && (open < maxConnections || !idle.isEmpty())) {
            dispatch(waiting.pollFirst());
        }
    }

    private void onTimeout(PendingCall call) {
        Channel channel = call.channel;
        call.complete(new FunctionResult.Timeout(call.invocation.timeout()));
        waiting.remove(call);
        if (channel != null) {
            // the late response must not be taken for the next call's
            channel.attr(CALL).set(null);
            channel.close();
        }
    }

    void close() {
        closed = true;
        List<Channel> open = new ArrayList<>(idle);
        idle.clear();
        open.forEach(Channel::close);
        PendingCall call;
        while ((call = waiting.pollFirst()) != null) {
            call.complete(new FunctionResult.Failure("the gateway is stopping"));
        }
    }

    private static FunctionResult read(FullHttpResponse response) {
        int status = response.status().code();
        ByteBuf content = response.content();
        if (!content.isReadable()) {
            return new FunctionResult.Response(status, null, "");
        }
        try {
            JsonNode body = Json.mapper().readTree((InputStream) new ByteBufInputStream(content.duplicate()));
            if (body != null && !body.isMissingNode()) {
                return new FunctionResult.Response(status, body, "");
            }
        } catch (IOException e) {
            // not JSON: the preview below goes to the log
        }
        int length = Math.min(content.readableBytes(), PREVIEW_CHARS);
        return new FunctionResult.Response(
                status, null, content.toString(content.readerIndex(), length, StandardCharsets.UTF_8));
    }

    /** Hands responses and errors of a pooled connection back to the pool. */
    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            onResponse(ctx.channel(), response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Channel channel = ctx.channel();
            PendingCall call = channel.attr(CALL).get();
            if (call != null && cause instanceof IOException && mayResend(channel, call)) {
                // the function's server reset an idle connection before we wrote to it: like a
                // stale close, onClosed sends the request again
                channel.attr(ERROR).set(cause.getMessage());
            } else if (call != null) {
                channel.attr(CALL).set(null);
                call.complete(
                        new FunctionResult.Failure("call to " + target.spec() + " failed: " + cause.getMessage()));
            }
            log.debug("connection to {} failed: {}", target.spec(), cause.toString());
            ctx.close();
        }
    }
}
