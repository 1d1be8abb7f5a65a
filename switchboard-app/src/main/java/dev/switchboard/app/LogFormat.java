package dev.switchboard.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The log format of {@code serve}: {@code human} lines, or {@code json} lines with one object per
 * event, where lines about a connection carry {@code conn} and {@code route} as key-value pairs.
 */
enum LogFormat {
    HUMAN,
    JSON;

    /** Reconfigures logging for this format, before anything of note is logged. */
    void apply() {
        System.setProperty("switchboard.log.format", name().toLowerCase(Locale.ROOT));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("logging configuration failed: " + e.getMessage(), e);
            }
        }
    }
}
