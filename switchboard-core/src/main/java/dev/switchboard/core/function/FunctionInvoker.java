package dev.switchboard.core.function;

import java.util.concurrent.CompletionStage;

/**
 * Calls one function. Implementations exist for HTTP(S) functions (in the server) and for
 * in-process Java functions (in the runtimes); each instance is bound to one target.
 */
public interface FunctionInvoker extends AutoCloseable {

    /**
     * Invokes the function. The returned stage completes on {@link Invocation#executor()} and
     * never exceptionally: timeouts and failures are {@link FunctionResult}s.
     */
    CompletionStage<FunctionResult> invoke(Invocation invocation);

    /** The target this invoker calls, as written in config; used in logs. */
    String name();

    /** Releases pooled connections or threads. */
    @Override
    default void close() {}
}
