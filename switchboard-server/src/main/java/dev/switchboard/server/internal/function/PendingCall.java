package dev.switchboard.server.internal.function;

import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.Invocation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/** One HTTP function call from start to result, possibly over several connection attempts. */
final class PendingCall {
    final Invocation invocation;
    final ByteBuf body;
    private final CompletableFuture<FunctionResult> result;

    @Nullable
    ScheduledFuture<?> timeout;

    @Nullable
    Channel channel;

    /** The call's signature headers when its route signs calls; made once, kept across retries. */
    RequestSigner.@Nullable Signature signature;

    int connectAttempts;
    int sendAttempts;

    PendingCall(Invocation invocation, ByteBuf body, CompletableFuture<FunctionResult> result) {
        this.invocation = invocation;
        this.body = body;
        this.result = result;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Completes the call once; later completions (a response racing the timeout) are ignored. */
    void complete(FunctionResult outcome) {
        if (result.isDone()) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        body.release();
        channel = null;
        result.complete(outcome);
    }
}
