package dev.switchboard.server.internal.function;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A call whose connection closes early is sent again only when its request provably never reached
 * the function: over every point at which a connection can close, the decision is to resend only
 * before the first byte of the request was written. jqwik prints the seed of a failing run;
 * {@code @Property(seed = "…")} replays it.
 */
class ResendPolicyTest {
    /** The points of one exchange at which its connection can close, in the order they pass. */
    enum ClosePoint {
        BEFORE_WRITE(false, false),
        DURING_WRITE(true, false),
        AFTER_WRITE(true, false),
        IN_STATUS_LINE(true, true),
        IN_HEADERS(true, true),
        IN_BODY(true, true),
        AFTER_RESPONSE(true, true);

        final boolean requestWritten;
        final boolean responseStarted;

        ClosePoint(boolean requestWritten, boolean responseStarted) {
            this.requestWritten = requestWritten;
            this.responseStarted = responseStarted;
        }
    }

    @Property
    void onlyARequestNotYetWrittenToAReusedConnectionIsSentAgain(
            @ForAll ClosePoint point, @ForAll boolean reused, @ForAll @IntRange(min = 1, max = 4) int sendAttempts) {
        boolean resend = ResendPolicy.mayResend(reused, sendAttempts, point.requestWritten, point.responseStarted);

        assertThat(resend).isEqualTo(point == ClosePoint.BEFORE_WRITE && reused && sendAttempts == 1);
    }

    @Property
    void aResponseStartedBeforeTheRequestWasWrittenIsNeverSentAgain(
            @ForAll boolean reused, @ForAll @IntRange(min = 1, max = 4) int sendAttempts) {
        assertThat(ResendPolicy.mayResend(reused, sendAttempts, false, true)).isFalse();
    }

    /**
     * Drives the pool's own pipeline (progress tracking, HTTP codec, aggregator) through an
     * exchange closed at {@code point}, with the response delivered in chunks of the generated
     * sizes, and checks what it records and decides. Writes to an embedded channel cannot stop
     * halfway, so {@link ClosePoint#DURING_WRITE} is not among the points here.
     */
    @Property
    void theRecordedProgressOfAnExchangeClosedAnywhereAllowsAResendOnlyBeforeItsRequest(
            @ForAll("closePoints") ClosePoint point,
            @ForAll @IntRange(min = 0, max = 3000) int requestBodyBytes,
            @ForAll @IntRange(min = 0, max = 3000) int responseBodyBytes,
            @ForAll @IntRange(min = 0, max = 6) int extraHeaders,
            @ForAll @IntRange(min = 1, max = 512) int chunkBytes,
            @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) {
        byte[] response = response(responseBodyBytes, extraHeaders);
        int statusLine = indexOf(response, "\r\n") + 2;
        int head = indexOf(response, "\r\n\r\n") + 4;
        int cut = switch (point) {
            case BEFORE_WRITE, AFTER_WRITE -> 0;
            case IN_STATUS_LINE -> 1 + cutSeed % (statusLine - 1);
            case IN_HEADERS -> statusLine + cutSeed % (head - statusLine);
            case IN_BODY -> responseBodyBytes == 0 ? head : head + cutSeed % responseBodyBytes;
            case AFTER_RESPONSE -> response.length;
            case DURING_WRITE -> throw new IllegalArgumentException("not generated");
        };
        if (point == ClosePoint.IN_BODY && responseBodyBytes == 0) {
            return; // no body to be in the middle of
        }
        EmbeddedChannel channel = new EmbeddedChannel(
                new ExchangeProgress(HttpFunctionPool.CALL, true),
                new HttpClientCodec(),
                new HttpObjectAggregator(1024 * 1024),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // a response cut short: the pool fails the call here, nothing is read
                    }
                });
        PendingCall call = new PendingCall(
                null, Unpooled.buffer(), new CompletableFuture<>(), new CallDeadlines(channel.eventLoop(), c -> {}));
        channel.attr(HttpFunctionPool.CALL).set(call);

        if (point != ClosePoint.BEFORE_WRITE) {
            channel.writeOutbound(new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1,
                    HttpMethod.POST,
                    "/transfer",
                    Unpooled.wrappedBuffer(new byte[requestBodyBytes])));
        }
        for (int at = 0; at < cut; at += chunkBytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(response, at, Math.min(chunkBytes, cut - at)));
        }
        channel.close();
        FullHttpResponse decoded = channel.readInbound();
        boolean complete = decoded != null && decoded.decoderResult().isSuccess();
        ReferenceCountUtil.release(decoded);
        channel.finishAndReleaseAll();

        assertThat(call.requestWritten).isEqualTo(point != ClosePoint.BEFORE_WRITE);
        assertThat(call.responseStarted).isEqualTo(cut > 0);
        assertThat(complete).as("a complete response was read").isEqualTo(point == ClosePoint.AFTER_RESPONSE);
        assertThat(ResendPolicy.mayResend(true, 1, call.requestWritten, call.responseStarted))
                .isEqualTo(point == ClosePoint.BEFORE_WRITE);
    }

    @Provide
    Arbitrary<ClosePoint> closePoints() {
        return Arbitraries.of(ClosePoint.class).filter(point -> point != ClosePoint.DURING_WRITE);
    }

    @Example
    void aWriteThatFailsBeforeAByteLeavesIsNotCountedAsWritten() {
        EmbeddedChannel channel = new EmbeddedChannel(new ExchangeProgress(HttpFunctionPool.CALL, true));
        PendingCall call = new PendingCall(
                null, Unpooled.buffer(), new CompletableFuture<>(), new CallDeadlines(channel.eventLoop(), c -> {}));
        channel.attr(HttpFunctionPool.CALL).set(call);
        channel.close();

        ByteBuf request = Unpooled.copiedBuffer("POST / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        boolean written = channel.writeAndFlush(request).isSuccess();

        assertThat(written).isFalse();
        assertThat(call.requestWritten).isFalse();
    }

    private static byte[] response(int bodyBytes, int extraHeaders) {
        StringBuilder text = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
        for (int i = 0; i < extraHeaders; i++) {
            text.append("X-Extra-").append(i).append(": value ").append(i).append("\r\n");
        }
        text.append("Content-Length: ").append(bodyBytes).append("\r\n\r\n");
        text.append("x".repeat(bodyBytes));
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] bytes, String part) {
        return new String(bytes, StandardCharsets.US_ASCII).indexOf(part);
    }
}
