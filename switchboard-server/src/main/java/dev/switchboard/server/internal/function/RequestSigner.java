package dev.switchboard.server.internal.function;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the HTTP function calls of a route with a {@code signing-secret}, so that a function can
 * tell the gateway's calls from anyone else's. A call carries
 * {@value #TIMESTAMP_HEADER}{@code : <unix seconds>} and
 * {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, where {@code <hex>} is the lower-case hex
 * HMAC-SHA256, keyed with the secret's UTF-8 bytes, of the ASCII string
 * {@code <unix seconds>.} followed by the request body's bytes exactly as sent.
 */
final class RequestSigner {
    static final String TIMESTAMP_HEADER = "X-Switchboard-Timestamp";
    static final String SIGNATURE_HEADER = "X-Switchboard-Signature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final Clock clock;

    RequestSigner(String secret, Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.clock = clock;
    }

    /** A MAC for one thread (an event loop's pool): {@link Mac} is not thread-safe. */
    Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** Signs {@code body} (its readable bytes; its indexes are left alone) as of now. */
    Signature sign(Mac mac, ByteBuf body) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '.');
        mac.update(body.nioBuffer());
        return new Signature(timestamp, "sha256=" + HEX.formatHex(mac.doFinal()));
    }

    /** The two header values of one call. */
    record Signature(String timestamp, String value) {}
}
