package dev.switchboard.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * TLS on a listener ({@code tls:} for clients, {@code push.tls:} for the push listener): a PEM
 * certificate chain and its PEM private key. The node reloads both when either file changes
 * (checked every {@code watchInterval}) or on SIGHUP; open connections keep the certificate they
 * were made with.
 *
 * @param cert the certificate chain, PEM, leaf first
 * @param key the private key of the leaf certificate, unencrypted PKCS#8 PEM
 *     ({@code -----BEGIN PRIVATE KEY-----})
 * @param watchInterval how often the files' modification times are compared
 * @throws ConfigException keyed relative to the listener's {@code tls} when the interval is not
 *     positive
 */
public record TlsConfig(Path cert, Path key, Duration watchInterval) {
    /** How often the files are checked for changes by default. */
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(5);

    public TlsConfig {
        ConfigRules.positive("watch-interval", watchInterval);
    }

    /** TLS from {@code cert} and {@code key}, checked for changes every 5 s. */
    public TlsConfig(Path cert, Path key) {
        this(cert, key, DEFAULT_WATCH_INTERVAL);
    }

    /** A builder for TLS from {@code cert} and {@code key}, checked for changes every 5 s. */
    public static Builder builder(Path cert, Path key) {
        return new Builder(cert, key);
    }

    /** Builds {@link TlsConfig}; every setter has the YAML key of the same name. */
    public static final class Builder {
        private final Path cert;
        private final Path key;
        private Duration watchInterval = DEFAULT_WATCH_INTERVAL;

        private Builder(Path cert, Path key) {
            this.cert = cert;
            this.key = key;
        }

        /** How often the files are checked for changes (default 5 s). */
        public Builder watchInterval(Duration value) {
            this.watchInterval = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException keyed relative to the listener's {@code tls} when the interval
         *     is not positive
         */
        public TlsConfig build() {
            return new TlsConfig(cert, key, watchInterval);
        }
    }
}
