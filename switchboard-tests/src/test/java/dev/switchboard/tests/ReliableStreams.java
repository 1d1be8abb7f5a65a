package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway.PushResponse;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The two numbered streams the reliable-session tests send through a drop (pushes {@code p-0…}
 * to the client, client messages {@code c-0…} to the transfer function), and what must hold of
 * them after the resume, on one node or across nodes.
 */
final class ReliableStreams {
    private ReliableStreams() {}

    /** {@code prefix0} to {@code prefix(count-1)}. */
    static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** The messages the transfer function received, in arrival order. */
    static List<String> transferred(StubFunctionServer functions) {
        return functions.received("/transfer").stream()
                .map(event -> event.at("/websocket/data").asText())
                .toList();
    }

    /**
     * Every push arrived once and in order, every client message reached the transfer function
     * once and in order as session {@code id}'s, each push was answered 200 or 202, and the
     * functions never noticed the drop: one registration, no cleanup.
     */
    static void assertIntact(
            ReliableTestClient client,
            StubFunctionServer functions,
            Collection<PushResponse> answers,
            String id,
            int messages) {
        assertThat(client.received()).containsExactlyElementsOf(numbered("p-", messages));
        assertThat(client.duplicates()).isZero();
        assertThat(client.gaps()).isZero();
        assertThat(transferred(functions)).containsExactlyElementsOf(numbered("c-", messages));
        assertThat(answers)
                .hasSize(messages)
                .allSatisfy(answer -> assertThat(answer.status()).isIn(200, 202));
        assertThat(functions.received("/register")).hasSize(1);
        assertThat(functions.received("/cleanup")).isEmpty();
        assertThat(functions.received("/transfer"))
                .allSatisfy(event -> assertThat(
                                event.at("/websocket/secConnectionID").asText())
                        .isEqualTo(id));
    }
}
