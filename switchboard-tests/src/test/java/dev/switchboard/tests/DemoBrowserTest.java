package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.tests.DemoBrowserTest.ScreenshotOnFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * the gateway restarts, and a reset of its socket costs nothing: the page resumes the same
 * connection. The same page runs against the built-in Java chat and the Python and Node
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
    void theBuiltInChatShowsWhoIsInTheRoomFromPresence() throws Exception {
        DemoProcess demo = demo(0, null);
        ChatPage alice = browser("alice", demo).join("alice", "people").awaitStatus("online");
        alice.awaitPeople("alice");
        ChatPage bob = browser("bob", demo).join("bob", "people").awaitStatus("online");
        bob.awaitPeople("alice", "bob");
        alice.awaitPeople("alice", "bob");
        ChatPage carol = browser("carol", demo).join("carol", "elsewhere").awaitStatus("online");
        carol.awaitPeople("carol");

        bob.close();

        alice.awaitPeople("alice");
        assertThat(carol.people()).containsExactly("carol");
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
     * A blip under one page: the network between Bob's browser and the gateway resets his socket
     * (RST, no close frame) and refuses new connections for a while. Bob's page shows that it is
     * reconnecting and resumes the same connection: what Alice said meanwhile arrives once and in
     * order, what Bob typed meanwhile shows as waiting and then reaches Alice once, and Alice sees no leave notice (no
     * cleanup ran) and no second join (no new registration).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chats")
    void aResetSocketResumesWithoutLosingAMessageOrShowingALeaveNotice(String chat, @Nullable String config)
            throws Exception {
        DemoProcess demo = demo(0, config);
        try (TcpProxy network = TcpProxy.to(demo.port())) {
            ChatPage alice = browser("alice", demo).join("alice", "blip").awaitStatus("online");
            ChatPage bob = ChatPage.open("bob", "http://127.0.0.1:" + network.port() + "/", profiles, WAIT);
            pages.add(bob);
            bob.join("bob", "blip").awaitStatus("online");
            alice.awaitNotice("join", "bob joined");
            alice.say("before the blip");
            bob.awaitMessage("alice", "before the blip", false);

            network.forwardTo(closedPort());
            network.cutAll();
            bob.awaitStatus("reconnecting");
            List<String> meanwhile = List.of("one", "two", "three", "four", "five");
            for (String text : meanwhile) {
                alice.say(text).awaitMessage("alice", text, true);
            }
            bob.sayNow("typed while away").sayNow("and again");
            assertThat(bob.status()).as("bob's page during the blip").isEqualTo("reconnecting…");
            assertThat(bob.pending()).containsExactly("typed while away", "and again");
            network.forwardTo(demo.port());

            bob.awaitStatus("online").awaitMessage("alice", "five", false).awaitMessage("bob", "and again", true);
            alice.awaitMessage("bob", "and again", false);
            // one more round trip after the blip, so that anything doubled would be there by now
            alice.say("welcome back");
            bob.awaitMessage("alice", "welcome back", false);
            bob.say("thanks");
            alice.awaitMessage("bob", "thanks", false);

            List<String> fromAlice = new ArrayList<>(List.of("before the blip"));
            fromAlice.addAll(meanwhile);
            fromAlice.add("welcome back");
            assertThat(bob.messagesFrom("alice", false)).containsExactlyElementsOf(fromAlice);
            assertThat(bob.messagesFrom("bob", true)).containsExactly("typed while away", "and again", "thanks");
            assertThat(alice.messagesFrom("bob", false)).containsExactly("typed while away", "and again", "thanks");
            assertThat(alice.notices("leave")).isEmpty();
            assertThat(alice.notices("join")).hasSize(1);
            assertThat(bob.notices("self")).as("bob joined once").hasSize(1);
            assertThat(bob.notices("disconnected")).isEmpty();
            assertThat(bob.pending()).isEmpty();
        }
    }

    /** A loopback port nothing listens on: connections to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
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
