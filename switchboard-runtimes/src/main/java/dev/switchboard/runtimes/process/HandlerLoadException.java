package dev.switchboard.runtimes.process;

import dev.switchboard.core.config.ConfigException;
import java.util.List;

/**
 * Handlers that could not be loaded when the node started: a start-up error, like a config error.
 * Each of {@link #failures} is one line that names the function and its error, with control
 * characters escaped.
 */
public final class HandlerLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> failures;

    HandlerLoadException(List<String> failures) {
        super(String.join("; ", failures));
        // a handler's error text is escaped as a config error's is, so each stays one line
        this.failures = failures.stream()
                .map(failure -> new ConfigException(failure).getMessage())
                .toList();
    }

    /** One line per function whose handler could not be loaded. */
    public List<String> failures() {
        return failures;
    }
}
