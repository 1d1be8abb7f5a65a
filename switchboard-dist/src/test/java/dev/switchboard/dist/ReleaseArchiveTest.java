package dev.switchboard.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator uses it: unpacked on a host where neither {@code java} nor
 * {@code mvn} is on the {@code PATH} and {@code JAVA_HOME} names no JDK, run with
 * {@code bin/switchboard}, stopped with SIGTERM.
 */
class ReleaseArchiveTest {
    private static final Pattern CLIENT_URL = Pattern.compile("clients connect to\\s+(ws://\\S+)");
    private static final Pattern PAGE_URL = Pattern.compile("open (http://\\S+) in two browser windows");

    @TempDir
    static Path dir;

    private static Path home;
    private static Map<String, String> environment;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("switchboard.archive", "target/none.tar.gz"));
        assertThat(archive).as("the archive the package phase builds").exists();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor()).as("tar's exit status").isZero();
        try (Stream<Path> top = Files.list(dir)) {
            home = top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        environment = Map.of(
                "PATH", toolsOnly(dir.resolve("path")).toString(),
                "JAVA_HOME", Files.createDirectories(dir.resolve("no-jdk")).toString(),
                "HOME", dir.toString());
    }

    /**
     * A PATH directory with only what {@code bin/switchboard} itself calls: no java, no mvn. The
     * system's {@code /usr/bin} cannot be on it, since it holds {@code java} on this machine.
     */
    private static Path toolsOnly(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String tool : List.of("readlink", "dirname")) {
            Path system = Stream.of("/usr/bin/", "/bin/")
                    .map(prefix -> Path.of(prefix + tool))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), system);
        }
        return bin;
    }

    @Test
    void archiveHoldsItsOwnRuntimeTheLauncherConfigUnitAndDocs() throws Exception {
        assertThat(home.getFileName().toString()).matches("switchboard-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        for (String executable : List.of("bin/switchboard", "runtime/bin/java", "runtime/lib/jspawnhelper")) {
            assertThat(Files.getPosixFilePermissions(home.resolve(executable)))
                    .as(executable)
                    .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        }
        assertThat(home.resolve("runtime/bin/javac")).as("a runtime, not a JDK").doesNotExist();
        assertThat(Files.readString(home.resolve("runtime/release"))).contains("java.base", "jdk.crypto.ec");
        assertThat(home.resolve("lib/switchboard.jar")).isRegularFile();
        assertThat(home.resolve("conf/switchboard.yaml")).isRegularFile();
        assertThat(home.resolve("systemd/switchboard.service")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");
        assertThat(home.resolve("docs/configuration.md")).isRegularFile();
    }

    @Test
    void theTestEnvironmentHasNoJavaAndNoMaven() throws Exception {
        // the environment every test here gives bin/switchboard
        ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", "command -v java; command -v mvn; echo end");
        shell.environment().clear();
        shell.environment().putAll(environment);
        Process process = shell.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(out).isEqualTo("end");
    }

    @Test
    void serveEchoesAndExitsZeroOnSigterm() throws Exception {
        try (ReleaseProcess serve = ReleaseProcess.start(
                home, environment, "serve", "--listen", "127.0.0.1:0", "--push-listen", "127.0.0.1:0")) {
            URI echo = URI.create(serve.awaitLine(CLIENT_URL));
            assertThat(echo.getPath()).isEqualTo("/echo");

            try (TextClient client = TextClient.connect(echo)) {
                client.send("hello from the archive");
                assertThat(client.next()).isEqualTo("hello from the archive");
            }

            assertThat(serve.terminate()).as("exit status after SIGTERM").isZero();
            assertThat(serve.output()).anyMatch(line -> line.contains("stopping"));
        }
    }

    @Test
    void demoServesItsPageAndChatAndExitsZeroOnSigterm() throws Exception {
        try (ReleaseProcess demo = ReleaseProcess.start(
                home, environment, "demo", "--listen", "127.0.0.1:0", "--push-listen", "127.0.0.1:0")) {
            URI page = URI.create(demo.awaitLine(PAGE_URL));
            URI chat = URI.create(demo.awaitLine(CLIENT_URL));

            HttpResponse<String> html = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.body()).contains("<html");

            try (TextClient alice = TextClient.connect(URI.create(chat + "?nick=alice&room=lobby"))) {
                alice.send("hi from the archive");
                assertThat(alice.nextContaining("\"type\":\"message\""))
                        .contains("\"type\":\"message\"", "\"text\":\"hi from the archive\"", "\"mine\":true");
            }

            assertThat(demo.terminate()).as("exit status after SIGTERM").isZero();
        }
    }

    @Test
    void checkOfTheShippedConfigPrintsTheEmbeddedDefault() throws Exception {
        ReleaseProcess shipped = ReleaseProcess.start(home, environment, "check", "--config", "conf/switchboard.yaml");
        assertThat(shipped.awaitExit()).isZero();
        ReleaseProcess embedded = ReleaseProcess.start(home, environment, "check");
        assertThat(embedded.awaitExit()).isZero();

        // the first line names the file checked; the configuration that follows is the same
        assertThat(withoutFirstLine(shipped.output())).isEqualTo(withoutFirstLine(embedded.output()));
        assertThat(shipped.output()).contains("  - path: /echo", "shutdown-close-code: 1001");
    }

    @Test
    void systemdUnitRunsTheArchiveAsAnUnprivilegedUserAndDrainsOnStop() throws Exception {
        String unit = Files.readString(home.resolve("systemd/switchboard.service"));
        assertThat(unit)
                .contains("User=switchboard", "Restart=on-failure", "KillSignal=SIGTERM", "KillMode=mixed")
                .containsPattern("(?m)^LimitNOFILE=\\d{6,}$")
                .contains("ExecStart=/opt/switchboard/bin/switchboard serve --config"
                        + " /opt/switchboard/conf/switchboard.yaml");
        Matcher stopTimeout = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)s$").matcher(unit);
        assertThat(stopTimeout.find()).as("TimeoutStopSec").isTrue();
        assertThat(Duration.ofSeconds(Long.parseLong(stopTimeout.group(1))))
                .as("TimeoutStopSec above the shipped config's shutdown-timeout")
                .isGreaterThan(
                        ConfigLoader.load(home.resolve("conf/switchboard.yaml")).shutdownTimeout());

        // systemd's own check of every directive, with the unit pointing at this unpacked archive
        Path local = dir.resolve("switchboard.service");
        Files.writeString(local, unit.replace("/opt/switchboard/", home + "/"));
        Process verify = new ProcessBuilder("systemd-analyze", "verify", local.toString())
                .redirectErrorStream(true)
                .start();
        String complaints = new String(verify.getInputStream().readAllBytes()).strip();
        assertThat(verify.waitFor()).as("systemd-analyze verify: " + complaints).isZero();
        assertThat(complaints).isEmpty();
    }

    @Test
    void noCommandPrintsTheUsageAndExitsNonZero() throws Exception {
        ReleaseProcess bare = ReleaseProcess.start(home, environment);
        assertThat(bare.awaitExit()).isEqualTo(2);
        assertThat(bare.output()).anyMatch(line -> line.startsWith("Usage: switchboard"));
    }

    private static List<String> withoutFirstLine(List<String> lines) {
        return lines.subList(1, lines.size());
    }

    /** A WebSocket client of the JDK that keeps the text messages it receives. */
    private static final class TextClient implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static TextClient connect(URI uri) throws Exception {
            TextClient client = new TextClient();
            client.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, client)
                    .get(30, TimeUnit.SECONDS);
            return client;
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        String next() throws InterruptedException {
            String message = received.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("a message within 30 s").isNotNull();
            return message;
        }

        /** The next message containing {@code text}, skipping others (such as the room's notices). */
        String nextContaining(String text) throws InterruptedException {
            String message = next();
            while (!message.contains(text)) {
                message = next();
            }
            return message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
