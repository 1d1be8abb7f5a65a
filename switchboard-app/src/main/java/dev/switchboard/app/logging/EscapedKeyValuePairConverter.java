package dev.switchboard.app.logging;

import ch.qos.logback.classic.pattern.KeyValuePairConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %kvp} with control characters escaped (see {@link LogEscaping}). */
public final class EscapedKeyValuePairConverter extends KeyValuePairConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogEscaping.escape(super.convert(event));
    }
}
