package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "s", "10", "10 sec", "1.5s", "-1s", "1w", "ms"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Units.duration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Units.DURATION_FORM);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "KiB", "1.5KiB", "-1", "1TiB", "12 parsecs"})
    void rejectsWhatIsNotASize(String text) {
        assertThatThrownBy(() -> Units.size(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Units.SIZE_FORM);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"106752d", "1000000d", "9223372036854775807ms"})
    void rejectsDurationsTheNodesNanosecondTimersCannotHold(String text) {
        assertThatThrownBy(() -> Units.duration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(Units.DURATION_FORM + ", at most 106751d");
        assertThat(Units.duration("106751d").toNanos()).isPositive();
    }

    @Test
    void sizeOverflowIsAnErrorNotAWrap() {
        assertThatThrownBy(() -> Units.size("9999999999999GiB")).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void decimalAndBinaryPrefixesDiffer() {
        assertThat(Units.size("1KB")).isEqualTo(1000);
        assertThat(Units.size("1KiB")).isEqualTo(1024);
        assertThat(Units.size("1GB")).isEqualTo(1_000_000_000L);
        assertThat(Units.size("1G")).isEqualTo(1L << 30);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource({
        "PT0.5S, 500ms",
        "PT3S, 3s",
        "PT2M, 2m",
        "PT1H, 1h",
        "PT48H, 2d",
        "PT90S, 90s",
        "PT0S, 0s",
        "PT1.5S, 1500ms"
    })
    void formatsDurationsTheWayConfigWritesThem(Duration duration, String written) {
        assertThat(Units.format(duration)).isEqualTo(written);
        assertThat(Units.duration(written)).isEqualTo(duration);
    }
}
