package dev.switchboard.server.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Negotiates {@code permessage-deflate} by hand, after the registration function allowed it:
 * Netty's extension handler decides while reading the request, before the function has spoken.
 * Outgoing messages are compressed by Netty's encoder; incoming ones are inflated by
 * {@link MessageInflater}, which counts a message's inflated bytes across its fragments.
 */
final class PermessageDeflate {
    private static final int COMPRESSION_LEVEL = 6;

    private PermessageDeflate() {}

    /**
     * The extension to install, or null when the client did not offer {@code permessage-deflate}
     * with parameters we accept. An incoming message that inflates to more than {@code
     * maxMessageBytes} closes the connection with 1009.
     */
    static @Nullable WebSocketServerExtension negotiate(@Nullable String offered, int maxMessageBytes) {
        if (offered == null) {
            return null;
        }
        // the last argument bounds Netty's own decoder, which is replaced by MessageInflater
        PerMessageDeflateServerExtensionHandshaker handshaker = new PerMessageDeflateServerExtensionHandshaker(
                COMPRESSION_LEVEL, true, 15, false, false, maxMessageBytes);
        for (WebSocketExtensionData data : WebSocketExtensionUtil.extractExtensions(offered)) {
            WebSocketServerExtension extension = handshaker.handshakeExtension(data);
            if (extension != null) {
                return new Bounded(extension, maxMessageBytes);
            }
        }
        return null;
    }

    /**
     * The most a payload of {@code bytes} can take once compressed: DEFLATE's worst case (zlib's
     * {@code deflateBound}), reached by data that does not compress.
     */
    static int compressedBound(int bytes) {
        long bound = (long) bytes + (bytes >> 12) + (bytes >> 14) + (bytes >> 25) + 13;
        return (int) Math.min(Integer.MAX_VALUE, bound);
    }

    /** The {@code Sec-WebSocket-Extensions} response value for {@code extension}. */
    static String responseHeader(WebSocketServerExtension extension) {
        WebSocketExtensionData data = extension.newReponseData();
        StringBuilder header = new StringBuilder(data.name());
        for (Map.Entry<String, String> parameter : data.parameters().entrySet()) {
            header.append("; ").append(parameter.getKey());
            if (parameter.getValue() != null) {
                header.append('=').append(parameter.getValue());
            }
        }
        return header.toString();
    }

    /** Netty's negotiated extension, with its decoder replaced by a {@link MessageInflater}. */
    private record Bounded(WebSocketServerExtension negotiated, int maxMessageBytes)
            implements WebSocketServerExtension {
        @Override
        public int rsv() {
            return negotiated.rsv();
        }

        @Override
        public WebSocketExtensionEncoder newExtensionEncoder() {
            return negotiated.newExtensionEncoder();
        }

        @Override
        public WebSocketExtensionDecoder newExtensionDecoder() {
            return new MessageInflater(maxMessageBytes);
        }

        @Override
        public WebSocketExtensionData newReponseData() {
            return negotiated.newReponseData();
        }
    }

    /**
     * Inflates the compressed messages of one connection (RFC 7692), keeping the sliding window
     * from one message to the next, which serves clients with and without context takeover.
     *
     * <p>A message's inflated bytes are counted across its fragments, and inflating stops at the
     * first byte past {@code maxMessageBytes}, so no more is ever held: a first frame that goes
     * past it throws {@link TooLongFrameException}; a later fragment is passed on with that one
     * byte too many, for the message aggregator to refuse the message it holds. Either way the
     * connection closes with 1009 {@code message too big}. Data that is not valid DEFLATE is a
     * protocol error (1002). After any of these, the connection's later data frames are dropped
     * unread while it closes.
     */
    static final class MessageInflater extends WebSocketExtensionDecoder {
        /** The end of a message, which the sender strips (RFC 7692 §7.2.1). */
        private static final byte[] MESSAGE_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
        /** Largest piece inflated at once. */
        private static final int CHUNK_BYTES = 16 * 1024;

        private final int maxMessageBytes;
        private @Nullable Inflater inflater;
        /** Inside a compressed message whose last fragment has not arrived. */
        private boolean inMessage;
        /** Inflated bytes of the current message so far. */
        private long messageBytes;

        private boolean failed;

        MessageInflater(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public boolean acceptInboundMessage(Object msg) throws Exception {
            if (!super.acceptInboundMessage(msg)) {
                return false;
            }
            WebSocketFrame frame = (WebSocketFrame) msg;
            if (reservedBitsViolation(frame) != null) {
                return true; // refused in decode
            }
            if (frame instanceof ContinuationWebSocketFrame) {
                return inMessage || failed;
            }
            boolean data = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
            return data && (failed || (frame.rsv() & WebSocketExtension.RSV1) != 0);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (failed) {
                return; // closing: the frame is released unread
            }
            String violation = reservedBitsViolation(frame);
            if (violation != null) {
                failed = true;
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, violation);
            }
            boolean first = !(frame instanceof ContinuationWebSocketFrame);
            if (first) {
                messageBytes = 0;
            }
            inMessage = !frame.isFinalFragment();
            ByteBuf inflated;
            try {
                inflated = inflate(ctx, frame.content(), frame.isFinalFragment());
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
            if (messageBytes > maxMessageBytes) {
                failed = true;
                if (first) {
                    inflated.release();
                    throw new TooLongFrameException(
                            "a compressed message inflates to more than " + maxMessageBytes + " bytes");
                }
                // the aggregator holds the message's earlier fragments: this one, which takes the
                // message one byte past the limit, makes it refuse the message (1009) and let go of them
            }
            int rsv = first ? frame.rsv() & ~WebSocketExtension.RSV1 : frame.rsv();
            if (frame instanceof TextWebSocketFrame) {
                out.add(new TextWebSocketFrame(frame.isFinalFragment(), rsv, inflated));
            } else if (frame instanceof BinaryWebSocketFrame) {
                out.add(new BinaryWebSocketFrame(frame.isFinalFragment(), rsv, inflated));
            } else {
                out.add(new ContinuationWebSocketFrame(frame.isFinalFragment(), rsv, inflated));
            }
        }

        /**
         * Why {@code frame}'s reserved bits break the protocol, or null when they do not: with
         * permessage-deflate, the frame decoder lets every reserved bit through, but the extension
         * defines RSV1 alone, and only on the first frame of a data message (RFC 7692 §6.1).
         */
        private static @Nullable String reservedBitsViolation(WebSocketFrame frame) {
            int rsv = frame.rsv();
            if ((rsv & ~WebSocketExtension.RSV1) != 0) {
                return "reserved bits " + rsv + " set (expected: RSV1 alone, for permessage-deflate)";
            }
            boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
            if (rsv != 0 && !first) {
                return "compressed bit set on a control or continuation frame (expected: on a message's first frame only)";
            }
            return null;
        }

        private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf compressed, boolean last) {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            CompositeByteBuf inflated = ctx.alloc().compositeHeapBuffer(Integer.MAX_VALUE);
            try {
                drain(ctx, compressed.nioBuffer(), inflated);
                if (last && messageBytes <= maxMessageBytes) {
                    drain(ctx, ByteBuffer.wrap(MESSAGE_TAIL), inflated);
                }
                return inflated;
            } catch (DataFormatException e) {
                inflated.release();
                throw new CorruptedWebSocketFrameException(
                        WebSocketCloseStatus.PROTOCOL_ERROR, "invalid compressed data: " + e.getMessage());
            } catch (RuntimeException e) {
                inflated.release();
                throw e;
            }
        }

        /** Inflates all of {@code input} into {@code inflated}, a chunk at a time. */
        private void drain(ChannelHandlerContext ctx, ByteBuffer input, CompositeByteBuf inflated)
                throws DataFormatException {
            Inflater inflater = this.inflater;
            inflater.setInput(input);
            while (true) {
                // one byte more than the limit allows, to tell a message at the limit from a larger one
                int room = (int) Math.min(CHUNK_BYTES, maxMessageBytes - messageBytes + 1);
                ByteBuf chunk = ctx.alloc().heapBuffer(room);
                int count;
                try {
                    count = inflater.inflate(chunk.array(), chunk.arrayOffset() + chunk.writerIndex(), room);
                } catch (DataFormatException | RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                if (count > 0) {
                    chunk.writerIndex(chunk.writerIndex() + count);
                    inflated.addComponent(true, chunk);
                    messageBytes += count;
                    if (messageBytes > maxMessageBytes) {
                        return; // one byte past the limit: enough to refuse the message
                    }
                    continue;
                }
                chunk.release();
                if (inflater.needsDictionary()) {
                    throw new DataFormatException("a preset dictionary is not allowed");
                }
                if (!inflater.finished()) {
                    return; // every byte of input consumed
                }
                // the sender ended its DEFLATE stream (BFINAL): what follows starts a new one
                inflater.reset();
                inflater.setInput(input);
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
            end();
            super.handlerRemoved(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            end();
            super.channelInactive(ctx);
        }

        private void end() {
            if (inflater != null) {
                inflater.end();
                inflater = null;
            }
        }
    }
}
