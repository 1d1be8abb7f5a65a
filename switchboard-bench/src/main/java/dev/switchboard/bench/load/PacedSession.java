package dev.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * One connection's request/answer loop with one message in flight: either closed (the next
 * message leaves as soon as the answer to the last arrives) or paced at a fixed period. Paced
 * latency is measured from when a message was due, not when it left, so a slow server cannot
 * hide its queueing (no coordinated omission). Confined to the connection's event loop.
 */
abstract class PacedSession {
    private final Measurement measurement;
    private final int connection;
    private final long periodNanos;
    /** The payload of the message in flight; rewritten only once its answer arrived. */
    protected final byte[] payload;

    private final ByteBuf expected;
    private long sequence;
    private long dueNanos;
    private boolean awaiting;

    PacedSession(Measurement measurement, int connection, int payloadBytes, long periodNanos) {
        this.measurement = measurement;
        this.connection = connection;
        this.periodNanos = periodNanos;
        this.payload = Payloads.blank(payloadBytes);
        this.expected = Unpooled.wrappedBuffer(payload);
    }

    /** Sends the payload in the session's protocol. */
    protected abstract void transmit();

    /** The event loop the session runs on. */
    protected abstract EventLoop loop();

    /** Starts sending; paced sessions start after {@code offsetNanos} (spreads them over a period). */
    final void start(long offsetNanos) {
        loop().execute(() -> {
            if (periodNanos == 0) {
                send();
            } else {
                dueNanos = System.nanoTime() + offsetNanos;
                loop().schedule(this::send, offsetNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    private void send() {
        if (!measurement.sending() || awaiting) {
            return;
        }
        Payloads.stamp(payload, connection, ++sequence);
        awaiting = true;
        measurement.started();
        if (periodNanos == 0) {
            dueNanos = System.nanoTime();
        }
        transmit();
    }

    /** True when {@code answer} is exactly the payload in flight. */
    protected final boolean matches(ByteBuf answer) {
        return ByteBufUtil.equals(answer, expected);
    }

    /** The answer to the message in flight arrived; {@code matched} says if it was right. */
    protected final void answered(boolean matched) {
        long now = System.nanoTime();
        if (!awaiting) {
            measurement.error(); // an answer nobody asked for
            return;
        }
        awaiting = false;
        if (matched) {
            measurement.completed(now - dueNanos);
        } else {
            measurement.mismatched();
        }
        if (!measurement.sending()) {
            return;
        }
        if (periodNanos == 0) {
            send();
            return;
        }
        dueNanos += periodNanos;
        long delay = dueNanos - now;
        if (delay <= 0) {
            send();
        } else {
            loop().schedule(this::send, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** The connection was lost with a message in flight. */
    protected final void lost() {
        if (awaiting) {
            awaiting = false;
            measurement.mismatched();
        }
        if (measurement.sending()) {
            measurement.error();
        }
    }
}
