package dev.switchboard.tests;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Collects what the gateway logs while a test runs, to assert on what an operator would read. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {}

    /** Starts collecting every log event of this JVM. */
    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.setContext(root().getLoggerContext());
        capture.start();
        root().addAppender(capture);
        return capture;
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent event) {
        String line = event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        lines.add(line);
    }

    /** Everything logged so far, one entry per event (multi-line events stay one entry). */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** True when one logged event contains every one of {@code parts}. */
    boolean has(String... parts) {
        return lines.stream().anyMatch(line -> {
            for (String part : parts) {
                if (!line.contains(part)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The first logged event containing every one of {@code parts}, or an empty string. */
    String find(String... parts) {
        return lines.stream()
                .filter(line -> {
                    for (String part : parts) {
                        if (!line.contains(part)) {
                            return false;
                        }
                    }
                    return true;
                })
                .findFirst()
                .orElse("");
    }

    @Override
    public void close() {
        root().detachAppender(this);
        stop();
    }
}
