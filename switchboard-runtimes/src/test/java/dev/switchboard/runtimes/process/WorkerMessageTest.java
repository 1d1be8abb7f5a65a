package dev.switchboard.runtimes.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The worker-to-gateway half of the line protocol. */
class WorkerMessageTest {

    @Test
    void readsEveryMessageType() {
        assertThat(WorkerMessage.parse("{\"type\":\"ready\"}")).isInstanceOf(WorkerMessage.Ready.class);
        assertThat(WorkerMessage.parse("{\"type\":\"log\",\"stream\":\"stderr\",\"text\":\"hi\"}"))
                .isEqualTo(new WorkerMessage.Log("stderr", "hi"));
        assertThat(WorkerMessage.parse("{\"type\":\"error\",\"id\":3,\"error\":\"ValueError: x\",\"traceback\":\"T\"}"))
                .isEqualTo(new WorkerMessage.Error(3, "ValueError: x", "T"));
        assertThat(WorkerMessage.parse("{\"type\":\"fatal\",\"error\":\"SyntaxError\",\"traceback\":\"T\"}"))
                .isEqualTo(new WorkerMessage.Fatal("SyntaxError", "T"));
    }

    @Test
    void resultCarriesTheBodyAndNullForNone() {
        WorkerMessage.Result result =
                (WorkerMessage.Result) WorkerMessage.parse("{\"type\":\"result\",\"id\":7,\"body\":{\"errNo\":0}}");
        assertThat(result.id()).isEqualTo(7);
        assertThat(result.body().path("errNo").asInt(-1)).isZero();
        assertThat(((WorkerMessage.Result) WorkerMessage.parse("{\"type\":\"result\",\"id\":8,\"body\":null}")).body())
                .isNull();
    }

    @Test
    void anythingElseIsAProtocolError() {
        assertThatThrownBy(() -> WorkerMessage.parse("hello")).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> WorkerMessage.parse("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> WorkerMessage.parse("{\"type\":\"shout\"}"))
                .hasMessage("unknown message type 'shout'");
        assertThatThrownBy(() -> WorkerMessage.parse("{\"type\":\"result\",\"body\":1}"))
                .hasMessage("answer without a numeric id");
    }
}
