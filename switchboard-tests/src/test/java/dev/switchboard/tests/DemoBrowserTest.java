package dev.switchboard.tests;

import dev.switchboard.tests.DemoBrowserTest.ScreenshotOnFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code switchboard demo} in real headless Chromium: two people in one room see each other's
 * messages and, when one closes the window, a leave notice; the page reconnects by itself after
 * the gateway restarts. The same page runs against the built-in Java chat and the Python and Node
 * examples. A failing test leaves a screenshot of each page in {@code target/screenshots}.
 */
@ExtendWith(ScreenshotOnFailure.class)
class DemoBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path profiles;

    private final List<DemoProcess> demos = new ArrayList<>();
    private final List<ChatPage> pages = new ArrayList<>();

    @AfterEach
    void stop() {
        pages.forEach(ChatPage::close);
        demos.forEach(DemoProcess::close);
    }

    static Stream<Arguments> chats() {
        return Stream.of(
                Arguments.of("built-in Java chat", null),
                Arguments.of("Python example", "examples/chat-python/chat.yaml"),
                Arguments.of("Node example", "examples/chat-node/chat.yaml"));
    }

    private DemoProcess demo(int port, @Nullable String config) throws Exception {
        DemoProcess demo = DemoProcess.start(port, config, WAIT);
        demos.add(demo);
        return demo;
    }

    private ChatPage browser(String name, DemoProcess demo) throws Exception {
        ChatPage page = ChatPage.open(name, demo.page(), profiles, WAIT);
        pages.add(page);
        return page;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chats")
    void twoPeopleInARoomTalkBothWaysAndSeeEachOtherLeave(String chat, @Nullable String config) throws Exception {
        DemoProcess demo = demo(0, config);
        ChatPage alice = browser("alice", demo).join("alice", "test-room").awaitStatus("online");
        ChatPage bob = browser("bob", demo).join("bob", "test-room").awaitStatus("online");
        alice.awaitNotice("join", "bob joined");

        alice.say("hello bob");
        bob.awaitMessage("alice", "hello bob", false);
        alice.awaitMessage("alice", "hello bob", true);
        bob.say("hi alice <b>not bold</b>");
        alice.awaitMessage("alice", "hello bob", true).awaitMessage("bob", "hi alice <b>not bold</b>", false);

        bob.close();
        alice.awaitNotice("leave", "bob left");
    }

    @Test
    void pageReconnectsByItselfWhenTheGatewayComesBack() throws Exception {
        DemoProcess first = demo(0, null);
        ChatPage alice = browser("alice", first).join("alice", "lobby").awaitStatus("online");

        first.close();
        alice.awaitStatus("reconnecting").awaitNotice("disconnected", "Disconnected (1001 server shutting down)");
        DemoProcess second = demo(first.port(), null);
        alice.awaitStatus("online");

        ChatPage bob = browser("bob", second).join("bob", "lobby").awaitStatus("online");
        bob.say("welcome back");
        alice.awaitMessage("bob", "welcome back", false);
    }

    /**
     * Saves a screenshot of every page of a failed test under {@code target/screenshots}; runs
     * right after the test method, before {@link #stop} closes the browsers.
     */
    static final class ScreenshotOnFailure implements AfterTestExecutionCallback {
        @Override
        public void afterTestExecution(ExtensionContext context) {
            if (context.getExecutionException().isEmpty()
                    || !(context.getRequiredTestInstance() instanceof DemoBrowserTest test)) {
                return;
            }
            String method = context.getRequiredTestMethod().getName();
            String display = context.getDisplayName();
            String name =
                    (display.startsWith(method) ? method : method + "-" + display).replaceAll("[^A-Za-z0-9_-]+", "_");
            for (ChatPage page : test.pages) {
                page.screenshot(Path.of("target", "screenshots", name + "-" + page.name() + ".png"));
            }
        }
    }
}
