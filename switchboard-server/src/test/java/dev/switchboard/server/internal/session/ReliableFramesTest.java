package dev.switchboard.server.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The frames of switchboard.reliable.v1, as docs/reliable-sessions.md writes them. */
class ReliableFramesTest {
    private static Message text(String text) {
        return Message.text(text);
    }

    @Test
    void textDataIsTheSequenceNumberAColonAndThePayload() {
        assertThat(ReliableFrames.data(17, text("héllo {\"a\":1}")).text()).isEqualTo("17:héllo {\"a\":1}");
        assertThat(ReliableFrames.data(1, text("")).text()).isEqualTo("1:");
    }

    @Test
    void binaryDataIsEightBytesOfSequenceNumberAndThePayload() {
        Message framed = ReliableFrames.data(0x0102030405060708L, Message.binary(new byte[] {9, 10}));

        assertThat(framed.type()).isEqualTo(Message.Type.BINARY);
        assertThat(framed.payload()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void clientDataFramesGiveTheIdAndTheMessageBehindIt() {
        ClientFrame text = ReliableFrames.parse(text("42:hi: there"));
        assertThat(text).isInstanceOf(ClientFrame.Data.class);
        assertThat(((ClientFrame.Data) text).id()).isEqualTo(42);
        assertThat(((ClientFrame.Data) text).message().type()).isEqualTo(Message.Type.TEXT);
        assertThat(((ClientFrame.Data) text).message().text()).isEqualTo("hi: there");
        ClientFrame binary = ReliableFrames.parse(Message.binary(new byte[] {0, 0, 0, 0, 0, 0, 1, 0, 7}));
        assertThat(binary).isInstanceOf(ClientFrame.Data.class);
        assertThat(((ClientFrame.Data) binary).id()).isEqualTo(256);
        assertThat(((ClientFrame.Data) binary).message().payload()).containsExactly(7);
    }

    @Test
    void acknowledgementsAndUnknownControlFrames() {
        assertThat(ReliableFrames.parse(text("{\"type\":\"ack\",\"seq\":12}"))).isEqualTo(new ClientFrame.Ack(12));
        assertThat(ReliableFrames.parse(text("{\"type\":\"ping\"}"))).isEqualTo(new ClientFrame.Unknown("ping"));
    }

    @Test
    void framesOutsideTheProtocolAreInvalid() {
        assertThat(ReliableFrames.parse(text("hello"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(text(":no id"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(text("0:zero"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(text("99999999999999999999:too big"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(text("{\"type\":\"ack\"}"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(text("{not json"))).isInstanceOf(ClientFrame.Invalid.class);
        assertThat(ReliableFrames.parse(Message.binary(new byte[] {1, 2}))).isInstanceOf(ClientFrame.Invalid.class);
    }

    @Test
    void controlFramesAreJsonObjects() throws Exception {
        assertThat(Json.mapper()
                        .readTree(ReliableFrames.welcome("n.id", "tok", 30000).payload()))
                .isEqualTo(
                        Json.mapper()
                                .readTree(
                                        "{\"type\":\"welcome\",\"session\":\"n.id\",\"token\":\"tok\",\"resumeWindow\":30000}"));
        assertThat(new String(ReliableFrames.ack(5).payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"ack\",\"id\":5}");
        assertThat(Json.mapper()
                        .readTree(ReliableFrames.reset(ErrorCode.SESSION_GONE, "gone")
                                .payload())
                        .path("errNo")
                        .asInt())
                .isEqualTo(4101);
    }
}
