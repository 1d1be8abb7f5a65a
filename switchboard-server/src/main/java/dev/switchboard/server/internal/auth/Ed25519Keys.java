package dev.switchboard.server.internal.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * Converts Ed25519 public keys between nimbus's {@link OctetKeyPair} (a JWK of type {@code OKP})
 * and the JDK's {@link PublicKey}. nimbus reads and matches OKP keys itself but cannot hand them
 * to the JDK ({@code OctetKeyPair.toPublicKey()} is not supported), so the X.509 form is written
 * here: a fixed 12-byte prefix (RFC 8410) and the key's 32 bytes.
 */
final class Ed25519Keys {
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int KEY_BYTES = 32;

    private Ed25519Keys() {}

    /** The JDK key of an Ed25519 JWK; empty for another curve or a malformed key. */
    static Optional<PublicKey> toPublicKey(OctetKeyPair jwk) {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            return Optional.empty();
        }
        byte[] x = jwk.getX().decode();
        if (x.length != KEY_BYTES) {
            return Optional.empty();
        }
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(x, 0, encoded, X509_PREFIX.length, KEY_BYTES);
        try {
            return Optional.of(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** The JWK of a PEM {@code PUBLIC KEY}'s DER bytes when they hold an Ed25519 key; else empty. */
    static Optional<OctetKeyPair> fromX509(byte[] der) {
        if (der.length != X509_PREFIX.length + KEY_BYTES
                || !Arrays.equals(Arrays.copyOf(der, X509_PREFIX.length), X509_PREFIX)) {
            return Optional.empty();
        }
        byte[] x = Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
        return Optional.of(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build());
    }
}
