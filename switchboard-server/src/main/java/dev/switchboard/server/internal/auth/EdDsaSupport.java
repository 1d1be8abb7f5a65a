package dev.switchboard.server.internal.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lets nimbus's JWT processor verify {@code EdDSA} tokens without Google Tink: the key selector
 * turns the matching Ed25519 JWKs ({@code OKP}, from config or the JWKS URL) into JDK keys, and
 * the verifier factory answers {@code EdDSA} with {@link Ed25519Verifier}. Every other algorithm
 * goes through nimbus's own selector and factory unchanged.
 */
final class EdDsaSupport {
    private EdDsaSupport() {}

    /** The key selector for {@code algorithms} over {@code keys}. */
    static JWSKeySelector<SecurityContext> keySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
        return new KeySelector(algorithms, keys);
    }

    /** nimbus's verifier factory, with {@code EdDSA} added. */
    static JWSVerifierFactory verifierFactory() {
        return new VerifierFactory();
    }

    private static final class KeySelector extends JWSVerificationKeySelector<SecurityContext> {
        KeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
            super(algorithms, keys);
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return super.selectJWSKeys(header, context);
            }
            if (!isAllowed(JWSAlgorithm.EdDSA)) {
                return List.of();
            }
            List<Key> keys = new ArrayList<>();
            for (JWK jwk : getJWKSource().get(new JWKSelector(createJWKMatcher(header)), context)) {
                if (jwk instanceof OctetKeyPair okp) {
                    Ed25519Keys.toPublicKey(okp).ifPresent(keys::add);
                }
            }
            return keys;
        }
    }

    private static final class VerifierFactory implements JWSVerifierFactory {
        private final DefaultJWSVerifierFactory nimbus = new DefaultJWSVerifierFactory();

        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) && key instanceof PublicKey publicKey) {
                return new Ed25519Verifier(publicKey);
            }
            return nimbus.createJWSVerifier(header, key);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            Set<JWSAlgorithm> all = new HashSet<>(nimbus.supportedJWSAlgorithms());
            all.add(JWSAlgorithm.EdDSA);
            return all;
        }

        @Override
        public JCAContext getJCAContext() {
            return nimbus.getJCAContext();
        }
    }
}
