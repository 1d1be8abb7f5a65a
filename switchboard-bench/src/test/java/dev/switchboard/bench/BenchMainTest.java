package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line a user reaches first: {@code bench/run <scenario> --help}. */
class BenchMainTest {
    @Test
    void everyScenarioAnswersHelpWithItsOptions() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            status = BenchMain.execute("fanout", "--help");
        } finally {
            System.setOut(original);
        }

        assertThat(status).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Usage: bench fanout")
                .contains("--rounds-in-flight");
    }
}
