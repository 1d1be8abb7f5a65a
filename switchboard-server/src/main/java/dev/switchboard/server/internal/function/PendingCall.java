package dev.switchboard.server.internal.function;

import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One HTTP function call from start to result, possibly over several connection attempts. */
final class PendingCall {
    final Invocation invocation;
    final ByteBuf body;
    private final CompletableFuture<FunctionResult> result;
    private final CallDeadlines deadlines;

    /** When the call times out ({@link System#nanoTime()}); its place in {@link CallDeadlines}. */
    long deadline;

    CallDeadlines.@Nullable Lane lane;

    @Nullable
    PendingCall previous;

    @Nullable
    PendingCall next;

    @Nullable
    Channel channel;

    /** The call's signature headers when its route signs calls; made once, kept across retries. */
    RequestSigner.@Nullable Signature signature;

    int connectAttempts;
    int sendAttempts;

    /** Any byte of the current attempt's request reached the socket ({@link ExchangeProgress}). */
    boolean requestWritten;

    /** Any byte of a response arrived during the current attempt ({@link ExchangeProgress}). */
    boolean responseStarted;

    PendingCall(
            Invocation invocation, ByteBuf body, CompletableFuture<FunctionResult> result, CallDeadlines deadlines) {
        this.invocation = invocation;
        this.body = body;
        this.result = result;
        this.deadlines = deadlines;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Completes the call once; later completions (a response racing the timeout) are ignored. */
    void complete(FunctionResult outcome) {
        if (result.isDone()) {
            return;
        }
        deadlines.remove(this);
        body.release();
        channel = null;
        result.complete(outcome);
    }
}
