package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The runnable jar, started as a child process the way users start it. */
final class AppJar {
    /** Built by the app module's package phase, before this module's tests run. */
    static final Path JAR = Path.of("..", "switchboard-app", "target", "switchboard.jar")
            .toAbsolutePath()
            .normalize();

    private AppJar() {}

    /** {@code java -jar switchboard.jar <args>}, not started yet. */
    static ProcessBuilder command(String... args) {
        assertThat(JAR)
                .as("the runnable jar (built by the app module's package phase)")
                .exists();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** {@code serve --config <config>}, not started yet. */
    static ProcessBuilder serve(Path config) {
        return command("serve", "--config", config.toString());
    }
}
