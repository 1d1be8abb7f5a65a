package dev.switchboard.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.adversarial.FrameCase.CleanClose;
import dev.switchboard.adversarial.FrameCase.Control;
import dev.switchboard.adversarial.FrameCase.Drop;
import dev.switchboard.adversarial.FrameCase.Message;
import dev.switchboard.adversarial.FrameCase.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The frame fuzzer's findings that were not known before it ran, each as the smallest case that
 * shows it, played on the same gateway and checked by the same oracle as {@link FrameFuzzTest}.
 * Each names the fuzzer case seeds that found it ({@code -Dadversarial.case=N} replays one in
 * {@link FrameFuzzTest}).
 */
class FrameFindingsTest {
    private static final byte[] MASK = {1, 2, 3, 4};
    private static FrameFuzzer fuzzer;
    /** Shared by the examples, which jqwik runs on new instances, as they share the node. */
    private static final AtomicInteger numbers = new AtomicInteger(1_000_000);

    @BeforeContainer
    static void start() {
        fuzzer = new FrameFuzzer();
    }

    @AfterContainer
    static void stop() {
        fuzzer.close();
    }

    /**
     * A client that sends messages and drops its socket before reading the echoes is cleaned up
     * as {@code client 1006}, not as a slow consumer: a reply for a socket that has just closed
     * found it "not writable" and closed it with 1013. Found by cases -6772765525354795178,
     * 6078496000383156615 and 7560763572326536340 (6 of the 17 drops of seed 20261207).
     */
    @Example
    void aClientThatDropsWithEchoesOwedIsCleanedUpAsClient1006NotSlowConsumer() {
        FrameCase dropped = new FrameCase(
                false,
                List.of(
                        new Control(Frames.PING, new byte[] {1}),
                        text("seventeen bytes!!", 1, false),
                        new Message(Frames.BINARY, new byte[196], 1, false, List.of())),
                new Drop(new byte[0]));
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try {
                play(dropped);
            } catch (AssertionError e) {
                wrong.add(e.getMessage());
            }
        }
        assertThat(wrong).as("drops cleaned up as something else").isEmpty();
    }

    /**
     * RFC 7692 section 6.1: a control frame with the compressed bit is a protocol error (1002);
     * the gateway answered the ping with a pong. Found by cases 1434445084785330523 and
     * 3283428152542753874.
     */
    @Example
    void aPingWithTheCompressedBitIsAProtocolError() {
        play(new FrameCase(
                true,
                List.of(),
                new Violation(
                        "compressed ping",
                        FrameCase.PROTOCOL_ERROR,
                        Frames.frame(true, Frames.RSV1, Frames.PING, MASK, Frames.deflate(new byte[] {'x'})))));
    }

    /**
     * RFC 6455 section 5.2: reserved bits no negotiated extension defines (RSV2, RSV3; permessage-
     * deflate defines only RSV1) are a protocol error; with permessage-deflate the gateway echoed
     * the message. Found by case 2528572772940139281.
     */
    @Example
    void reservedBitsPermessageDeflateDoesNotDefineAreAProtocolError() {
        for (int rsv : new int[] {1, 2, 3}) {
            play(new FrameCase(
                    true,
                    List.of(),
                    new Violation(
                            "reserved bits " + rsv,
                            FrameCase.PROTOCOL_ERROR,
                            Frames.frame(true, rsv, Frames.TEXT, MASK, new byte[] {'x'}))));
        }
    }

    /**
     * A compressed message whose data does not inflate is a protocol error (1002, "another
     * WebSocket protocol violation"); the gateway closed with 1011 and logged a WARN with a stack
     * trace. Found by cases 3740703734253117346 and -624849184829194810 (and, with RSV1 and RSV2 or RSV3
     * on a plain frame, 1922960096137134617).
     */
    @Example
    void compressedDataThatDoesNotInflateIsAProtocolError() {
        play(new FrameCase(
                true,
                List.of(),
                new Violation(
                        "compressed data that does not inflate",
                        FrameCase.PROTOCOL_ERROR,
                        Frames.frame(
                                true, Frames.RSV1, Frames.BINARY, MASK, new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3
                                }))));
    }

    /**
     * RFC 7692 lets a compressed message be cut into fragments anywhere; a first fragment too
     * short to inflate to a byte on its own is legal. The gateway closed with 1011 ("cannot read
     * uncompressed buffer", Netty's DeflateDecoder). Found by cases -7945187975547362907 and
     * 1161210757573894893.
     */
    @Example
    void aCompressedMessageCutIntoShortFragmentsIsEchoed() {
        play(new FrameCase(
                true, List.of(text("a compressed message cut into short fragments", 8, true)), new CleanClose()));
    }

    private void play(FrameCase frameCase) {
        int number = numbers.incrementAndGet();
        fuzzer.play(number, number, frameCase);
    }

    private static Message text(String text, int fragments, boolean compressed) {
        return new Message(Frames.TEXT, text.getBytes(StandardCharsets.UTF_8), fragments, compressed, List.of());
    }
}
