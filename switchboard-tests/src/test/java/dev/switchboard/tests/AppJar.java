package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runnable jar, started as a child process the way users start it. */
final class AppJar {
    /** Built by the app module's package phase, before this module's tests run. */
    static final Path JAR = Path.of("..", "switchboard-app", "target", "switchboard.jar")
            .toAbsolutePath()
            .normalize();

    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(ws://\\S+)");

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

    /** Waits until the banner in {@code log} names where clients connect, and returns that URL. */
    static URI clientUrl(Path log, Duration timeout) {
        String url = await().atMost(timeout)
                .until(
                        () -> Files.readAllLines(log).stream()
                                .map(CLIENT_URL::matcher)
                                .filter(Matcher::find)
                                .map(matcher -> matcher.group(1))
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
        return URI.create(url.replace("localhost", "127.0.0.1"));
    }

    /** {@code serve --config <config>}, not started yet. */
    static ProcessBuilder serve(Path config) {
        return command("serve", "--config", config.toString());
    }
}
