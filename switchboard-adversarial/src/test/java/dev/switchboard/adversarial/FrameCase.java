package dev.switchboard.adversarial;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One generated conversation on one WebSocket connection: well-formed steps (messages, possibly
 * fragmented, compressed and interleaved with pings; pings; pongs), then an {@link Ending}. It
 * knows what the gateway must answer: the echo of every message, a pong for every ping, and
 * the close code the docs' close-code table gives the ending.
 */
record FrameCase(boolean deflate, List<Step> steps, Ending ending) {
    static final int NORMAL_CLOSURE = 1000;
    static final int NO_STATUS = 1005;
    static final int ABNORMAL = 1006;
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    static final int MESSAGE_TOO_BIG = 1009;

    /** A well-formed part of the conversation. */
    sealed interface Step {
        /** The bytes on the wire, masked with keys from {@code random}. */
        byte[] bytes(Random random);

        String kind();
    }

    /**
     * A text or binary message, cut into {@code fragments} frames (pings between them), and
     * compressed when {@code compressed}: the gateway echoes it.
     */
    record Message(int opcode, byte[] payload, int fragments, boolean compressed, List<byte[]> pings) implements Step {
        @Override
        public byte[] bytes(Random random) {
            byte[] wire = compressed ? Frames.deflate(payload) : payload;
            ByteArrayOutputStream out = new ByteArrayOutputStream(wire.length + 16 * fragments);
            for (int i = 0; i < fragments; i++) {
                int from = wire.length * i / fragments;
                int to = wire.length * (i + 1) / fragments;
                byte[] piece = Arrays.copyOfRange(wire, from, to);
                boolean first = i == 0;
                out.writeBytes(Frames.frame(
                        i == fragments - 1,
                        first && compressed ? Frames.RSV1 : 0,
                        first ? opcode : Frames.CONTINUATION,
                        Frames.mask(random),
                        piece));
                if (i < pings.size() && i < fragments - 1) {
                    out.writeBytes(Frames.frame(true, 0, Frames.PING, Frames.mask(random), pings.get(i)));
                }
            }
            return out.toByteArray();
        }

        /** The pings sent between this message's fragments, each answered by a pong. */
        List<byte[]> interleavedPings() {
            return pings.subList(0, Math.min(pings.size(), fragments - 1));
        }

        @Override
        public String toString() {
            return kind() + " of " + payload.length + " bytes in " + fragments + " frames";
        }

        @Override
        public String kind() {
            return (opcode == Frames.TEXT ? "text" : "binary")
                    + (compressed ? " compressed" : "")
                    + (fragments > 1 ? " fragmented" : "")
                    + (interleavedPings().isEmpty() ? "" : " with pings");
        }
    }

    /** A ping (answered by a pong with the same payload) or an unsolicited pong (ignored). */
    record Control(int opcode, byte[] payload) implements Step {
        @Override
        public byte[] bytes(Random random) {
            return Frames.frame(true, 0, opcode, Frames.mask(random), payload);
        }

        @Override
        public String kind() {
            return opcode == Frames.PING ? "ping" : "unsolicited pong";
        }
    }

    /** How the conversation ends. */
    sealed interface Ending {
        String kind();

        /** The {@code closedBy} and {@code closeCode} of the connection's cleanup, e.g. {@code client 1000}. */
        String cleanup();
    }

    /** The client waits for every answer, then closes with 1000: the gateway answers 1000. */
    record CleanClose() implements Ending {
        @Override
        public String kind() {
            return "clean close";
        }

        @Override
        public String cleanup() {
            return "client " + NORMAL_CLOSURE;
        }
    }

    /**
     * The client closes with {@code payload} at once: the gateway answers with the client's code
     * (none for an empty payload) and the cleanup says {@code closedBy: client}.
     */
    record ClientClose(byte[] payload) implements Ending {
        int code() {
            return Frames.closeCode(payload);
        }

        @Override
        public String kind() {
            return payload.length == 0 ? "close without code" : "close " + code();
        }

        @Override
        public String cleanup() {
            return "client " + code();
        }
    }

    /** The client's socket drops, possibly in the middle of a frame: cleanup {@code client 1006}. */
    record Drop(byte[] partial) implements Ending {
        @Override
        public String kind() {
            return partial.length == 0 ? "drop" : "drop mid-frame";
        }

        @Override
        public String cleanup() {
            return "client " + ABNORMAL;
        }
    }

    /** A protocol violation: the gateway closes with {@code code}, {@code closedBy: server}. */
    record Violation(String name, int code, byte[] bytes) implements Ending {
        @Override
        public String kind() {
            return name + " -> " + code;
        }

        @Override
        public String cleanup() {
            return "server " + code;
        }
    }

    /** The echoes the gateway owes, in order. */
    List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Message message) {
                messages.add(message);
            }
        }
        return messages;
    }

    /** The pong payloads the gateway owes, in order. */
    List<byte[]> pongs() {
        List<byte[]> pongs = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Message message) {
                pongs.addAll(message.interleavedPings());
            } else if (step instanceof Control control && control.opcode() == Frames.PING) {
                pongs.add(control.payload());
            }
        }
        return pongs;
    }

    @Override
    public String toString() {
        List<String> kinds = new ArrayList<>();
        for (Step step : steps) {
            kinds.add(step instanceof Message ? step.toString() : step.kind());
        }
        return (deflate ? "[deflate] " : "") + kinds + " then " + ending.kind();
    }
}
