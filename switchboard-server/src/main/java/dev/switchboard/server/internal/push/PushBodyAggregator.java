package dev.switchboard.server.internal.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.server.internal.JsonResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Aggregates push requests up to {@code push.max-body-bytes}; a larger body (announced or
 * streamed) gets 413 with errNo 4130 in the usual JSON form, and the connection closes.
 */
final class PushBodyAggregator extends HttpObjectAggregator {
    PushBodyAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof HttpResponse http
                && http.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
            ReferenceCountUtil.release(response);
            FullHttpResponse tooLarge = tooLarge(pipeline.channel().alloc(), maxContentLength);
            tooLarge.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
            return tooLarge;
        }
        return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (oversized instanceof io.netty.handler.codec.http.HttpRequest request
                && AwsConnectionsApi.isConnectionsPath(request.uri())) {
            // AWS SDKs recognise only API Gateway's error form
            JsonResponses.sendAndLinger(
                    ctx,
                    AwsConnectionsApi.error(
                            ctx.alloc(),
                            AwsConnectionsApi.AwsApiException.payloadTooLarge(
                                    "Request body larger than push.max-body-bytes (" + maxContentLength()
                                            + " bytes)")));
            return;
        }
        JsonResponses.sendAndLinger(ctx, tooLarge(ctx.alloc(), maxContentLength()));
    }

    private static FullHttpResponse tooLarge(io.netty.buffer.ByteBufAllocator alloc, int max) {
        return JsonResponses.error(
                alloc, ErrorCode.BODY_TOO_LARGE, "body larger than push.max-body-bytes (" + max + " bytes)");
    }
}
