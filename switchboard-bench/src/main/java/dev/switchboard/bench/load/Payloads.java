package dev.switchboard.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Message payloads that say who sent them: ASCII text starting {@code CCCCCC-SSSSSSSSSS:} (the
 * connection number and a sequence number, zero-padded) and filled with {@code x} up to the
 * requested size, so an echo can be checked byte for byte against what was sent.
 */
public final class Payloads {
    /** Length of the stamp at the start of every payload. */
    public static final int STAMP_BYTES = 18;

    private Payloads() {}

    /** A payload of {@code size} bytes, all filler. */
    public static byte[] blank(int size) {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }

    /** Writes the stamp of connection {@code connection}, message {@code sequence} into {@code payload}. */
    public static void stamp(byte[] payload, int connection, long sequence) {
        digits(payload, 0, 6, connection);
        put(payload, 6, (byte) '-');
        digits(payload, 7, 10, sequence);
        put(payload, 17, (byte) ':');
    }

    /** The payload a fan-out round {@code round} carries (the same for every member). */
    public static byte[] forRound(int size, long round) {
        byte[] payload = blank(size);
        stamp(payload, 0, round);
        return payload;
    }

    /** The round number in a fan-out payload, or -1 when the bytes do not look like one. */
    public static long roundOf(byte[] payload) {
        if (payload.length < STAMP_BYTES || payload[17] != ':') {
            return -1;
        }
        long round = 0;
        for (int i = 7; i < 17; i++) {
            byte b = payload[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            round = round * 10 + (b - '0');
        }
        return round;
    }

    /** The payload as a string (it is ASCII). */
    public static String text(byte[] payload) {
        return new String(payload, StandardCharsets.US_ASCII);
    }

    private static void digits(byte[] payload, int at, int width, long value) {
        long rest = value;
        for (int i = at + width - 1; i >= at; i--) {
            put(payload, i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
    }

    private static void put(byte[] payload, int at, byte value) {
        if (at < payload.length) {
            payload[at] = value;
        }
    }
}
