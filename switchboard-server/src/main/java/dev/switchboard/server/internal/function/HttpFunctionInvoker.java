package dev.switchboard.server.internal.function;

import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.Invocation;
import dev.switchboard.server.internal.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Calls an HTTP(S) function: POSTs the event as JSON over a keep-alive connection taken from a
 * pool that belongs to the caller's event loop, so the call, its response and the connection's
 * next step all run on that loop with no thread hop and no lock.
 */
final class HttpFunctionInvoker implements FunctionInvoker {
    private final FunctionTarget.Http target;
    private final EventLoopGroup group;
    private final Transport transport;
    private final @Nullable SslContext ssl;
    private final int maxConnectionsPerLoop;
    private final int maxResponseBytes;
    private final @Nullable RequestSigner signer;
    private final ConcurrentHashMap<EventExecutor, HttpFunctionPool> pools = new ConcurrentHashMap<>();

    HttpFunctionInvoker(
            FunctionTarget.Http target,
            EventLoopGroup group,
            Transport transport,
            @Nullable SslContext ssl,
            int maxConnectionsPerLoop,
            int maxResponseBytes,
            @Nullable RequestSigner signer) {
        this.target = target;
        this.signer = signer;
        this.group = group;
        this.transport = transport;
        this.ssl = ssl;
        this.maxConnectionsPerLoop = maxConnectionsPerLoop;
        this.maxResponseBytes = maxResponseBytes;
    }

    @Override
    public CompletionStage<FunctionResult> invoke(Invocation invocation) {
        EventLoop loop = invocation.executor() instanceof EventLoop own && isOurs(own) ? own : group.next();
        CompletableFuture<FunctionResult> result = new CompletableFuture<>();
        HttpFunctionPool pool = pools.computeIfAbsent(loop, this::newPool);
        if (loop.inEventLoop()) {
            pool.call(invocation, result);
        } else {
            loop.execute(() -> pool.call(invocation, result));
        }
        return loop == invocation.executor()
                ? result
                : result.thenApplyAsync(Function.identity(), invocation.executor());
    }

    private boolean isOurs(EventLoop loop) {
        for (EventExecutor executor : group) {
            if (executor == loop) {
                return true;
            }
        }
        return false;
    }

    private HttpFunctionPool newPool(EventExecutor loop) {
        return new HttpFunctionPool(
                target, (EventLoop) loop, transport, ssl, maxConnectionsPerLoop, maxResponseBytes, signer);
    }

    @Override
    public String name() {
        return target.spec();
    }

    @Override
    public void close() {
        pools.values().forEach(pool -> pool.loop().execute(pool::close));
    }
}
