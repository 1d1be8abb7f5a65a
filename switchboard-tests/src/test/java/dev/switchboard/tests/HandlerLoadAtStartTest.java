package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python or Node handler that cannot be loaded, as examples/tencent-python's without
 * {@code requests}: the runnable jar's {@code serve} reports it once, at start, and exits 2, with
 * real worker processes trying to load it.
 */
class HandlerLoadAtStartTest {
    /** A JVM starting on a busy machine, then the workers loading. */
    private static final long START_MINUTES = 3;

    @TempDir
    Path dir;

    @Test
    void serveNamesEachHandlerThatCannotBeLoadedOnceAndExitsTwo() throws Exception {
        Files.writeString(
                dir.resolve("register.py"),
                "import no_such_module_for_this_test\n\ndef main_handler(event, context):\n"
                        + "    return {'errNo': 0}\n");
        Files.writeString(
                dir.resolve("transfer.js"),
                "require('no-such-package-for-this-test');\nexports.main_handler = async () => ({});\n");
        Files.writeString(dir.resolve("cleanup.py"), "def main_handler(event, context):\n    return {'errNo': 0}\n");
        Path config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                push: {listen: 127.0.0.1:0}
                runtimes: {workers: 2}
                routes:
                  - path: /pairs
                    functions:
                      register: python:%1$s/register.py
                      transfer: node:%1$s/transfer.js
                      cleanup: python:%1$s/cleanup.py
                """.formatted(dir));
        Path output = dir.resolve("output.txt");

        Process serve = AppJar.serve(config)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        // it exits, or (without the check) starts serving and prints its banner
        await().atMost(Duration.ofMinutes(START_MINUTES))
                .until(() -> !serve.isAlive() || Files.readString(output).contains("clients connect to"));
        boolean exited = serve.waitFor(10, TimeUnit.SECONDS);
        if (!exited) {
            serve.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(output);

        assertThat(exited).as("serve exited by itself; it printed %s", lines).isTrue();
        assertThat(serve.exitValue()).as("exit status; it printed %s", lines).isEqualTo(2);
        assertThat(lines.stream().filter(line -> line.contains("cannot be loaded")))
                .as("what serve printed: %s", lines)
                .containsExactlyInAnyOrder(
                        "switchboard: python:" + dir + "/register.py: the handler cannot be loaded:"
                                + " ModuleNotFoundError: No module named 'no_such_module_for_this_test'",
                        "switchboard: node:" + dir + "/transfer.js: the handler cannot be loaded: Error:"
                                + " Cannot find module 'no-such-package-for-this-test'");
        assertThat(lines)
                .as("no banner, no traceback, no retries in the log")
                .noneMatch(line -> line.contains("clients connect to"))
                .noneMatch(line -> line.contains("Traceback"))
                .noneMatch(line -> line.contains("could not start"));
    }
}
