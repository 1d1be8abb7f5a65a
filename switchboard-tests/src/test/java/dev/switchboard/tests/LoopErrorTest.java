package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Netty catches an {@link Error} raised by an event-loop task and only logs it; with the
 * runnable jar's logging, that report ends the process like an Error on any other thread.
 */
class LoopErrorTest {
    @Test
    void anErrorInAnEventLoopTaskEndsTheProcessWithStatus70AndOneFatalLine() throws Exception {
        String classpath = AppJar.JAR.toAbsolutePath()
                + File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath();
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // the jar's own logging, not this module's logback-test.xml beside the driver
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        classpath,
                        LoopErrorMain.class.getName())
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> fatal =
                output.lines().filter(line -> line.contains(" FATAL ")).toList();

        assertThat(child.exitValue()).as(output).isEqualTo(70);
        assertThat(fatal).as(output).hasSize(1);
        assertThat(fatal.get(0)).contains("switchboard-loop").contains("StackOverflowError: raised by a loop task");
        assertThat(output).doesNotContain("A task raised an exception");
    }
}
