package dev.switchboard.adversarial;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

/** WebSocket frames as the bytes on the wire (RFC 6455 section 5.2), built bit by bit. */
final class Frames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int RSV1 = 0x4;

    private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private Frames() {}

    /**
     * One frame.
     *
     * @param rsv the three reserved bits, 0-7 ({@link #RSV1} marks a compressed message)
     * @param mask the masking key, or null for an unmasked frame (which clients must never send)
     */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] mask, byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 14);
        bytes.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode & 0xF);
        writeLength(bytes, mask == null ? 0 : 0x80, payload.length);
        if (mask == null) {
            bytes.writeBytes(payload);
        } else {
            bytes.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                bytes.write(payload[i] ^ mask[i % 4]);
            }
        }
        return bytes.toByteArray();
    }

    /** A masked frame header announcing {@code length} bytes (the raw 64-bit field), without the payload. */
    static byte[] header(int opcode, long length, byte[] mask) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(14);
        bytes.write(0x80 | opcode);
        bytes.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes.write((int) (length >>> shift) & 0xFF);
        }
        bytes.writeBytes(mask);
        return bytes.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream bytes, int maskBit, int length) {
        if (length <= 125) {
            bytes.write(maskBit | length);
        } else if (length <= 0xFFFF) {
            bytes.write(maskBit | 126);
            bytes.write(length >>> 8);
            bytes.write(length & 0xFF);
        } else {
            bytes.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes.write((int) ((long) length >>> shift) & 0xFF);
            }
        }
    }

    /** A close frame's payload: the code, then the reason. */
    static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    /** The status code of a close frame's payload, or 1005 when it carries none. */
    static int closeCode(byte[] payload) {
        return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
    }

    /**
     * A message compressed as permessage-deflate sends it (RFC 7692 section 7.2.1): raw deflate,
     * flushed, without the final empty block's four bytes.
     */
    static byte[] deflate(byte[] message) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int written;
            do {
                written = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, written);
            } while (written == buffer.length);
            byte[] bytes = out.toByteArray();
            return endsWithTail(bytes) ? Arrays.copyOf(bytes, bytes.length - DEFLATE_TAIL.length) : bytes;
        } finally {
            deflater.end();
        }
    }

    /** The tail a receiver appends before inflating a message (RFC 7692 section 7.2.2). */
    static byte[] deflateTail() {
        return DEFLATE_TAIL.clone();
    }

    private static boolean endsWithTail(byte[] bytes) {
        return bytes.length >= 4
                && Arrays.equals(bytes, bytes.length - 4, bytes.length, DEFLATE_TAIL, 0, DEFLATE_TAIL.length);
    }

    static byte[] mask(Random random) {
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        return mask;
    }
}
