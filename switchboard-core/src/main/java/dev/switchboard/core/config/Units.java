package dev.switchboard.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units config uses: durations like {@code 30s} and sizes like {@code 128KiB}. */
public final class Units {
    /** What a duration must look like, for error messages. */
    public static final String DURATION_FORM = "a duration like 500ms, 3s, 2m, 1h or 1d";
    /** What a size must look like, for error messages. */
    public static final String SIZE_FORM = "a size like 131072, 128KiB, 1MiB or 1GiB";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?");

    private Units() {}

    /** The longest duration config takes, about 292 years: the node's timers count nanoseconds in a long. */
    public static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * Parses a duration of at most {@link #MAX_DURATION}.
     *
     * @throws IllegalArgumentException when the text is not {@link #DURATION_FORM}, or is longer
     */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(DURATION_FORM);
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(DURATION_FORM + ", at most " + MAX_DURATION.toDays() + "d");
        }
        return duration;
    }

    /**
     * Parses a size in bytes; {@code KiB}/{@code MiB}/{@code GiB} (and {@code K}/{@code M}/{@code G})
     * are powers of 1024, {@code KB}/{@code MB}/{@code GB} powers of 1000.
     *
     * @throws IllegalArgumentException when the text is not {@link #SIZE_FORM}
     */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(SIZE_FORM);
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = switch (unit) {
            case "kb" -> 1000L;
            case "kib", "k" -> 1024L;
            case "mb" -> 1000L * 1000;
            case "mib", "m" -> 1024L * 1024;
            case "gb" -> 1000L * 1000 * 1000;
            case "gib", "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(amount, factor);
    }

    /** Formats a duration the way config writes it, for messages and docs. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
