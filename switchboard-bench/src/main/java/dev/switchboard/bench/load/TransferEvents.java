package dev.switchboard.bench.load;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.MessageEvent;
import dev.switchboard.core.model.RequestContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Transfer events exactly as the gateway writes them (Tencent dialect), so the stub function's
 * direct HTTP throughput is measured with the same request bodies the gateway would send.
 */
public final class TransferEvents {
    private static final EventWriter WRITER = new TencentDialect(TencentDialect.DATA_SEND).eventWriter();

    private TransferEvents() {}

    /** A message event from {@code connectionId} carrying {@code text}. */
    public static MessageEvent event(String connectionId, byte[] text, long requestNumber) {
        RequestContext context =
                new RequestContext("service-local", "release", "/bench", "127.0.0.1", "bench-" + requestNumber);
        return new MessageEvent(context, connectionId, new Message(Message.Type.TEXT, text), null);
    }

    /** Appends {@code event} as JSON to {@code out}. */
    public static void write(MessageEvent event, ByteBuf out) {
        try (JsonGenerator generator = Json.factory().createGenerator((OutputStream) new ByteBufOutputStream(out))) {
            WRITER.write(event, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
