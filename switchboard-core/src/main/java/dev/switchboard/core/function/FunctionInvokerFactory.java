package dev.switchboard.core.function;

import java.util.Optional;

/** Creates invokers for the targets it knows; the gateway asks each factory in turn. */
@FunctionalInterface
public interface FunctionInvokerFactory {
    /** An invoker for {@code target}, or empty when this factory does not handle that kind. */
    Optional<FunctionInvoker> create(FunctionTarget target);
}
