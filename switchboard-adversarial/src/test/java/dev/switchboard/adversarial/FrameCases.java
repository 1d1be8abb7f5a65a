package dev.switchboard.adversarial;

import static dev.switchboard.adversarial.FrameCase.INVALID_PAYLOAD;
import static dev.switchboard.adversarial.FrameCase.MESSAGE_TOO_BIG;
import static dev.switchboard.adversarial.FrameCase.PROTOCOL_ERROR;

import dev.switchboard.adversarial.FrameCase.CleanClose;
import dev.switchboard.adversarial.FrameCase.ClientClose;
import dev.switchboard.adversarial.FrameCase.Control;
import dev.switchboard.adversarial.FrameCase.Drop;
import dev.switchboard.adversarial.FrameCase.Ending;
import dev.switchboard.adversarial.FrameCase.Message;
import dev.switchboard.adversarial.FrameCase.Step;
import dev.switchboard.adversarial.FrameCase.Violation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The jqwik generators of {@link FrameCase}s for a route whose {@code max-message-bytes} is
 * {@code max}: mostly small messages, some at every length encoding and right at the limit,
 * and every kind of violation RFC 6455 and RFC 7692 name.
 */
final class FrameCases {
    /** Code points of one to four UTF-8 bytes, so fragments split characters. */
    private static final String[] CHARACTERS = {"a", "Z", " ", "é", "ß", "€", "中", "😀"};

    private static final int[] VALID_CLOSE_CODES = {
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4001, 4999
    };
    private static final int[] INVALID_CLOSE_CODES = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};

    private final int max;

    FrameCases(int maxMessageBytes) {
        this.max = maxMessageBytes;
    }

    /** Whole conversations: with or without permessage-deflate, up to six steps, then an ending. */
    Arbitrary<FrameCase> cases() {
        return Arbitraries.of(false, true)
                .flatMap(deflate -> Combinators.combine(steps(deflate).list().ofMaxSize(6), endings(deflate))
                        .as((steps, ending) -> new FrameCase(deflate, steps, ending)));
    }

    private Arbitrary<Step> steps(boolean deflate) {
        Arbitrary<Step> ping = payload(125).map(payload -> new Control(Frames.PING, payload));
        Arbitrary<Step> pong = payload(125).map(payload -> new Control(Frames.PONG, payload));
        return Arbitraries.frequencyOf(Tuple.of(6, messages(deflate)), Tuple.of(2, ping), Tuple.of(1, pong));
    }

    private Arbitrary<Step> messages(boolean deflate) {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.integers().between(0, 125)),
                Tuple.of(4, Arbitraries.integers().between(126, 0xFFFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, max)),
                Tuple.of(2, Arbitraries.integers().between(max - 1024, max)));
        Arbitrary<Integer> fragments = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(1)),
                Tuple.of(3, Arbitraries.integers().between(2, 5)));
        Arbitrary<List<byte[]>> pings = payload(125).list().ofMaxSize(3);
        return Combinators.combine(
                        Arbitraries.of(Frames.TEXT, Frames.BINARY),
                        sizes,
                        Arbitraries.longs(),
                        fragments,
                        deflate ? Arbitraries.of(false, true) : Arbitraries.just(false),
                        pings)
                .as((opcode, size, seed, pieces, compressed, between) -> {
                    byte[] payload =
                            opcode == Frames.TEXT ? utf8(size, new Random(seed)) : bytes(size, new Random(seed));
                    // random bytes grow when compressed: no frame on the wire may pass the limit either
                    int wire = compressed ? Frames.deflate(payload).length : payload.length;
                    return new Message(opcode, payload, Math.max(pieces, wire / max + 1), compressed, between);
                });
    }

    private Arbitrary<Ending> endings(boolean deflate) {
        Arbitrary<Ending> clean = Arbitraries.just(new CleanClose());
        Arbitrary<Ending> close = Combinators.combine(
                        Arbitraries.of(Arrays.stream(VALID_CLOSE_CODES).boxed().toList()),
                        Arbitraries.strings().ascii().ofMaxLength(100))
                .as((code, reason) ->
                        new ClientClose(Frames.closePayload(code, reason.getBytes(StandardCharsets.UTF_8))));
        Arbitrary<Ending> emptyClose = Arbitraries.just(new ClientClose(new byte[0]));
        Arbitrary<Ending> drop = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(new Drop(new byte[0]))),
                Tuple.of(1, Arbitraries.longs().map(seed -> new Drop(partialFrame(new Random(seed))))));
        return Arbitraries.frequencyOf(
                Tuple.of(5, clean),
                Tuple.of(2, close),
                Tuple.of(1, emptyClose),
                Tuple.of(2, drop),
                Tuple.of(10, Arbitraries.longs().map(seed -> violation(new Random(seed), deflate))));
    }

    /** One violation, chosen and built from {@code random}. */
    Violation violation(Random random, boolean deflate) {
        byte[] mask = Frames.mask(random);
        byte[] x = {'x'};
        int kind = random.nextInt(deflate ? 21 : 17);
        return switch (kind) {
            case 0 -> new Violation("unmasked frame", PROTOCOL_ERROR, Frames.frame(true, 0, Frames.TEXT, null, x));
            case 1 -> {
                int rsv = deflate ? new int[] {1, 2, 3, 5, 6, 7}[random.nextInt(6)] : 1 + random.nextInt(7);
                yield new Violation(
                        "reserved bits " + rsv, PROTOCOL_ERROR, Frames.frame(true, rsv, Frames.TEXT, mask, x));
            }
            case 2 -> {
                int opcode = new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}[random.nextInt(10)];
                yield new Violation("opcode " + opcode, PROTOCOL_ERROR, Frames.frame(true, 0, opcode, mask, x));
            }
            case 3 ->
                new Violation(
                        "control frame over 125 bytes",
                        PROTOCOL_ERROR,
                        Frames.frame(true, 0, Frames.PING, mask, bytes(126 + random.nextInt(200), random)));
            case 4 ->
                new Violation(
                        "fragmented control frame",
                        PROTOCOL_ERROR,
                        Frames.frame(
                                false, 0, random.nextBoolean() ? Frames.PING : Frames.CLOSE, mask, new byte[] {3, -24
                                }));
            case 5 ->
                new Violation(
                        "continuation without a start",
                        PROTOCOL_ERROR,
                        Frames.frame(true, 0, Frames.CONTINUATION, mask, x));
            case 6 ->
                new Violation(
                        "data frame inside a fragmented message",
                        PROTOCOL_ERROR,
                        concat(
                                Frames.frame(false, 0, Frames.BINARY, mask, x),
                                Frames.frame(true, 0, random.nextBoolean() ? Frames.TEXT : Frames.BINARY, mask, x)));
            case 7 ->
                new Violation(
                        "64-bit length with the top bit set",
                        PROTOCOL_ERROR,
                        concat(Frames.header(Frames.BINARY, Long.MIN_VALUE | random.nextInt(1000), mask), x));
            case 8 -> new Violation("invalid UTF-8", INVALID_PAYLOAD, invalidUtf8(random, mask));
            case 9 -> {
                int code = INVALID_CLOSE_CODES[random.nextInt(INVALID_CLOSE_CODES.length)];
                yield new Violation(
                        "close code " + code,
                        PROTOCOL_ERROR,
                        Frames.frame(true, 0, Frames.CLOSE, mask, Frames.closePayload(code, new byte[0])));
            }
            case 10 ->
                new Violation(
                        "close payload of one byte",
                        PROTOCOL_ERROR,
                        Frames.frame(true, 0, Frames.CLOSE, mask, new byte[] {3}));
            case 11 ->
                new Violation(
                        "close reason not UTF-8",
                        INVALID_PAYLOAD,
                        Frames.frame(true, 0, Frames.CLOSE, mask, Frames.closePayload(1000, new byte[] {
                            'o', (byte) 0xC3, 0x28
                        })));
            case 12 ->
                new Violation(
                        "frame over max-message-bytes",
                        MESSAGE_TOO_BIG,
                        Frames.frame(true, 0, Frames.BINARY, mask, bytes(max + 1 + random.nextInt(1024), random)));
            case 13 ->
                new Violation(
                        "frame announcing 2^62 bytes",
                        MESSAGE_TOO_BIG,
                        concat(Frames.header(Frames.BINARY, 1L << 62, mask), x));
            case 14 ->
                new Violation("fragments over max-message-bytes", MESSAGE_TOO_BIG, oversizedFragments(random, mask));
            case 15 ->
                new Violation(
                        "text message ending inside a character",
                        INVALID_PAYLOAD,
                        concat(
                                Frames.frame(false, 0, Frames.TEXT, mask, new byte[] {'o', 'k'}),
                                Frames.frame(
                                        true, 0, Frames.CONTINUATION, mask, new byte[] {(byte) 0xE2, (byte) 0x82})));
            case 16 ->
                new Violation(
                        "long ping between fragments",
                        PROTOCOL_ERROR,
                        concat(
                                Frames.frame(false, 0, Frames.TEXT, mask, x),
                                Frames.frame(true, 0, Frames.PING, mask, bytes(126 + random.nextInt(100), random))));
            case 17 -> {
                // a compression bomb: a few KiB on the wire that inflate past the limit
                int inflated = max + 1 + random.nextInt(max * 16);
                yield new Violation(
                        "compression bomb",
                        MESSAGE_TOO_BIG,
                        Frames.frame(true, Frames.RSV1, Frames.BINARY, mask, Frames.deflate(new byte[inflated])));
            }
            case 18 ->
                new Violation(
                        "compressed control frame",
                        PROTOCOL_ERROR,
                        Frames.frame(true, Frames.RSV1, Frames.PING, mask, Frames.deflate(x)));
            default ->
                new Violation(
                        "compressed data that does not inflate",
                        PROTOCOL_ERROR,
                        Frames.frame(
                                true, Frames.RSV1, Frames.BINARY, mask, new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3
                                }));
        };
    }

    private byte[] oversizedFragments(Random random, byte[] mask) {
        int pieces = 2 + random.nextInt(3);
        int each = max / (pieces - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            out.writeBytes(Frames.frame(
                    i == pieces - 1, 0, i == 0 ? Frames.BINARY : Frames.CONTINUATION, mask, new byte[each]));
        }
        return out.toByteArray();
    }

    private static byte[] invalidUtf8(Random random, byte[] mask) {
        byte[][] bad = {
            {'o', 'k', (byte) 0xC3, 0x28}, // a lead byte without its continuation
            {(byte) 0xC0, (byte) 0xAF}, // an overlong encoding
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0xFF}
        };
        byte[] payload = concat(utf8(random.nextInt(64), random), bad[random.nextInt(bad.length)]);
        if (random.nextBoolean()) {
            return Frames.frame(true, 0, Frames.TEXT, mask, payload);
        }
        int cut = random.nextInt(payload.length + 1);
        return concat(
                Frames.frame(false, 0, Frames.TEXT, mask, Arrays.copyOfRange(payload, 0, cut)),
                Frames.frame(true, 0, Frames.CONTINUATION, mask, Arrays.copyOfRange(payload, cut, payload.length)));
    }

    /** A frame header announcing more payload than follows. */
    private static byte[] partialFrame(Random random) {
        byte[] frame = Frames.frame(true, 0, Frames.BINARY, Frames.mask(random), bytes(200, random));
        return Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1));
    }

    private static Arbitrary<byte[]> payload(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength);
    }

    /** Valid UTF-8 of exactly {@code size} bytes. */
    static byte[] utf8(int size, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        while (out.size() < size) {
            byte[] character = CHARACTERS[random.nextInt(CHARACTERS.length)].getBytes(StandardCharsets.UTF_8);
            out.writeBytes(out.size() + character.length <= size ? character : new byte[] {'a'});
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int size, Random random) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
