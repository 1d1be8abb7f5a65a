package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The config package is read by the dialects, never the other way round: a dialect reads its
 * route's settings, and the settings know nothing of how a dialect writes events. An import of
 * a dialect package from here would bring back the cycle between the two.
 */
class ConfigDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/switchboard/core/config");

    @Test
    void configImportsNoDialect() throws IOException {
        List<String> imports;
        try (Stream<Path> files = Files.list(SOURCES)) {
            imports = files.filter(file -> file.toString().endsWith(".java"))
                    .flatMap(ConfigDependenciesTest::importsOf)
                    .filter(line -> line.contains("dev.switchboard.core.dialect"))
                    .toList();
        }

        assertThat(SOURCES).isDirectory();
        assertThat(imports).as("imports of a dialect package in core.config").isEmpty();
    }

    private static Stream<String> importsOf(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("import "))
                    .map(line -> file.getFileName() + ": " + line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
