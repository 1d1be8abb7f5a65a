package dev.switchboard.bench.scenario;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;

/**
 * Keys made for one run and the tokens they sign, for handshakes with token auth: an HS256 secret,
 * and an RSA key pair whose public half the gateway reads from a PEM file.
 */
final class BenchTokens {
    private static final Duration VALIDITY = Duration.ofHours(1);

    private final String secret;
    private final KeyPair rsa;

    private BenchTokens(String secret, KeyPair rsa) {
        this.secret = secret;
        this.rsa = rsa;
    }

    /** Fresh keys: a 256-bit secret and a 2048-bit RSA pair. */
    static BenchTokens generate() throws NoSuchAlgorithmException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return new BenchTokens(HexFormat.of().formatHex(random), generator.generateKeyPair());
    }

    /** The HS256 secret, for the gateway's {@code --auth-secret}. */
    String secret() {
        return secret;
    }

    /** Writes the RSA public key as a PEM block to {@code file}, for {@code --auth-public-key}. */
    Path writePublicKey(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return Files.writeString(file, pem);
    }

    /** {@code ws} with an HS256 token in its {@code token} query parameter. */
    URI withHs256(URI ws) throws JOSEException {
        return with(ws, JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code ws} with an RS256 token in its {@code token} query parameter. */
    URI withRs256(URI ws) throws JOSEException {
        return with(ws, JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()));
    }

    private static URI with(URI ws, JWSAlgorithm algorithm, JWSSigner signer) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader(algorithm),
                new JWTClaimsSet.Builder()
                        .subject("bench-user")
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(VALIDITY)))
                        .build());
        jwt.sign(signer);
        return URI.create(ws + "?token=" + jwt.serialize());
    }
}
