package dev.switchboard.server.internal.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.config.ConfigException;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The keys a route's tokens are verified with: the configured ones and, if set, a JWKS URL's. */
final class KeySources {
    /** A JWKS document larger than this is refused. */
    static final int MAX_JWKS_BYTES = 256 * 1024;

    private KeySources() {}

    static JWKSource<SecurityContext> of(AuthConfig config) {
        List<JWK> keys = new ArrayList<>();
        if (config.secret() != null) {
            keys.add(new OctetSequenceKey.Builder(config.secret().getBytes(StandardCharsets.UTF_8)).build());
        }
        for (int i = 0; i < config.publicKeys().size(); i++) {
            keys.add(publicKey(config.publicKeys().get(i), "auth.public-keys[" + i + "]"));
        }
        JWKSource<SecurityContext> configured = new ImmutableJWKSet<>(new JWKSet(keys));
        JWKSource<SecurityContext> remote = remote(config);
        if (remote == null) {
            return configured;
        }
        return (selector, context) -> {
            List<JWK> found = configured.get(selector, context);
            return found.isEmpty() ? remote.get(selector, context) : found;
        };
    }

    /**
     * The JWKS URL's keys, cached for {@code jwks-cache-ttl}; a token with a {@code kid} not in
     * the cache reads the URL again, at most once per {@code jwks-refresh-min-interval}.
     */
    private static @Nullable JWKSource<SecurityContext> remote(AuthConfig config) {
        if (config.jwksUrl() == null) {
            return null;
        }
        int timeout = (int) config.jwksTimeout().toMillis();
        try {
            return JWKSourceBuilder.<SecurityContext>create(
                            config.jwksUrl().toURL(), new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES))
                    .cache(
                            config.jwksCacheTtl().toMillis(),
                            config.jwksTimeout().toMillis())
                    .rateLimited(config.jwksRefreshMinInterval().toMillis())
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new ConfigException("auth.jwks-url: " + config.jwksUrl() + " (expected: a URL)");
        }
    }

    /** A public key written as a JWK (JSON) or a PEM {@code PUBLIC KEY} block (RSA, EC or Ed25519). */
    private static JWK publicKey(String text, String where) {
        String trimmed = text.trim();
        try {
            if (trimmed.startsWith("{")) {
                JWK jwk = JWK.parse(trimmed);
                if (jwk.isPrivate()) {
                    throw new ConfigException(where + ": a private key (expected: a public key)");
                }
                return jwk;
            }
            byte[] der = Base64.getMimeDecoder()
                    .decode(trimmed.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                            .trim());
            Optional<OctetKeyPair> ed25519 = Ed25519Keys.fromX509(der);
            if (ed25519.isPresent()) {
                return ed25519.get();
            }
            PublicKey key = decode(der);
            if (key instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).build();
            }
            ECPublicKey ec = (ECPublicKey) key;
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new ConfigException(where + ": an EC key on an unknown curve (expected: P-256)");
            }
            return new ECKey.Builder(curve, ec).build();
        } catch (ParseException | IllegalArgumentException | GeneralSecurityException e) {
            throw new ConfigException(
                    where + ": not a public key (expected: a JWK or a PEM PUBLIC KEY block; " + e.getMessage() + ")");
        }
    }

    private static PublicKey decode(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }
}
