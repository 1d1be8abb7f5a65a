package dev.switchboard.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.switchboard.app.FatalError;

/**
 * Ends the process when Netty reports an {@link Error} raised by an event-loop task or a future's
 * listener. Netty catches every {@link Throwable} those raise and only logs it (at WARN, from
 * {@code AbstractEventExecutor} and {@code DefaultPromise}), so the thread's uncaught-exception
 * handler never sees it and the loop would go on half broken; its log report is the one place
 * such an Error surfaces. Attached in {@code logback.xml} to those two loggers only; exceptions
 * that are not Errors pass through to the ordinary log line.
 */
public final class LoopErrorAppender extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
        IThrowableProxy proxy = event.getThrowableProxy();
        if (proxy instanceof ThrowableProxy thrown && thrown.getThrowable() instanceof Error error) {
            FatalError.exit(event.getThreadName(), error);
        }
    }
}
