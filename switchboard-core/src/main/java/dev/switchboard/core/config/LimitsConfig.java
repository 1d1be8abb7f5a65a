package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Limits on client connections ({@code limits:} in YAML). Each has a safe default and a defined
 * consequence when broken, which the Javadoc of its builder method names.
 *
 * @throws ConfigException naming the {@code limits.} key of the first value out of range
 */
public record LimitsConfig(
        int maxConnections,
        int maxConnectionsPerIp,
        int maxConnectionsPerUser,
        int maxMessageBytes,
        Duration idleTimeout,
        Duration maxLifetime,
        int outboundBufferBytes,
        Duration handshakeTimeout,
        int maxHeaderBytes,
        Duration pingInterval,
        int inboundQueueMessages,
        int inboundQueueBytes,
        Duration closeTimeout,
        int maxContextBytes,
        int maxGroupsPerConnection,
        SlowConsumerPolicy slowConsumer,
        int connectRatePerIp,
        int messageRate,
        List<String> allowedOrigins,
        List<AddressBlock> trustedProxies) {

    public LimitsConfig {
        allowedOrigins = ConfigRules.origins("limits.allowed-origins", allowedOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        ConfigRules.positive("limits.max-connections", maxConnections);
        ConfigRules.positive("limits.max-connections-per-ip", maxConnectionsPerIp);
        ConfigRules.positive("limits.max-message-bytes", maxMessageBytes);
        ConfigRules.positive("limits.outbound-buffer-bytes", outboundBufferBytes);
        ConfigRules.positive("limits.max-header-bytes", maxHeaderBytes);
        ConfigRules.positive("limits.inbound-queue-messages", inboundQueueMessages);
        ConfigRules.positive("limits.inbound-queue-bytes", inboundQueueBytes);
        ConfigRules.positive("limits.idle-timeout", idleTimeout);
        ConfigRules.positive("limits.max-lifetime", maxLifetime);
        ConfigRules.positive("limits.handshake-timeout", handshakeTimeout);
        ConfigRules.positive("limits.ping-interval", pingInterval);
        ConfigRules.positive("limits.close-timeout", closeTimeout);
        ConfigRules.positive("limits.max-context-bytes", maxContextBytes);
        ConfigRules.positive("limits.connect-rate-per-ip", connectRatePerIp);
        if (maxConnectionsPerUser < 0) {
            throw new ConfigException(
                    "limits.max-connections-per-user: " + maxConnectionsPerUser + " (expected: >= 0, 0 = no limit)");
        }
        if (messageRate < 0) {
            throw new ConfigException("limits.message-rate: " + messageRate + " (expected: >= 0, 0 = no limit)");
        }
        if (maxGroupsPerConnection < 0) {
            throw new ConfigException(
                    "limits.max-groups-per-connection: " + maxGroupsPerConnection + " (expected: >= 0)");
        }
    }

    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1000;
    /** No limit: a user may hold as many connections as the other limits allow. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 0;

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(600);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(2);
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_INBOUND_QUEUE_MESSAGES = 64;
    public static final int DEFAULT_INBOUND_QUEUE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONTEXT_BYTES = 4 * 1024;
    public static final int DEFAULT_MAX_GROUPS_PER_CONNECTION = 100;
    public static final int DEFAULT_CONNECT_RATE_PER_IP = 100;
    /** Off: the inbound queue's backpressure already bounds what one client makes the gateway do. */
    public static final int DEFAULT_MESSAGE_RATE = 0;

    /** The defaults. */
    public static LimitsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder()
                .maxConnections(maxConnections)
                .maxConnectionsPerIp(maxConnectionsPerIp)
                .maxConnectionsPerUser(maxConnectionsPerUser)
                .maxMessageBytes(maxMessageBytes)
                .idleTimeout(idleTimeout)
                .maxLifetime(maxLifetime)
                .outboundBufferBytes(outboundBufferBytes)
                .handshakeTimeout(handshakeTimeout)
                .maxHeaderBytes(maxHeaderBytes)
                .pingInterval(pingInterval)
                .inboundQueueMessages(inboundQueueMessages)
                .inboundQueueBytes(inboundQueueBytes)
                .closeTimeout(closeTimeout)
                .maxContextBytes(maxContextBytes)
                .maxGroupsPerConnection(maxGroupsPerConnection)
                .slowConsumer(slowConsumer)
                .connectRatePerIp(connectRatePerIp)
                .messageRate(messageRate)
                .allowedOrigins(allowedOrigins)
                .trustedProxies(trustedProxies);
    }

    /** Builds {@link LimitsConfig}; every setter has the YAML key of the same name in kebab-case. */
    public static final class Builder {
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
        private int maxConnectionsPerUser = DEFAULT_MAX_CONNECTIONS_PER_USER;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private int outboundBufferBytes = DEFAULT_OUTBOUND_BUFFER_BYTES;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int inboundQueueMessages = DEFAULT_INBOUND_QUEUE_MESSAGES;
        private int inboundQueueBytes = DEFAULT_INBOUND_QUEUE_BYTES;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private int maxContextBytes = DEFAULT_MAX_CONTEXT_BYTES;
        private int maxGroupsPerConnection = DEFAULT_MAX_GROUPS_PER_CONNECTION;
        private SlowConsumerPolicy slowConsumer = SlowConsumerPolicy.CLOSE;
        private int connectRatePerIp = DEFAULT_CONNECT_RATE_PER_IP;
        private int messageRate = DEFAULT_MESSAGE_RATE;
        private List<String> allowedOrigins = List.of();
        private List<AddressBlock> trustedProxies = List.of();

        private Builder() {}

        /** Open connections the node holds at most; past it handshakes get HTTP 503 (errNo 5031). */
        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        /** Open connections per client IP; past it handshakes get HTTP 429 (errNo 4291). */
        public Builder maxConnectionsPerIp(int value) {
            this.maxConnectionsPerIp = value;
            return this;
        }

        /**
         * Open connections one user ({@code userId}) may hold on this node; past it handshakes
         * get HTTP 429 (errNo 4294). Counted per node, not across the cluster. Default 0: no limit.
         */
        public Builder maxConnectionsPerUser(int value) {
            this.maxConnectionsPerUser = value;
            return this;
        }

        /** Largest message (and frame) a client may send, after reassembly; larger closes with 1009. */
        public Builder maxMessageBytes(int value) {
            this.maxMessageBytes = value;
            return this;
        }

        /** Time without a data message in either direction before closing with 1001 ({@code idle-timeout}). */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** Longest a connection may stay open; then it closes with 1001 ({@code max-lifetime}). */
        public Builder maxLifetime(Duration value) {
            this.maxLifetime = value;
            return this;
        }

        /** Bytes queued for a client that is not reading; pushes past it answer 429 (errNo 4290). */
        public Builder outboundBufferBytes(int value) {
            this.outboundBufferBytes = value;
            return this;
        }

        /** Time from TCP accept to a complete upgrade request; slower clients are disconnected. */
        public Builder handshakeTimeout(Duration value) {
            this.handshakeTimeout = value;
            return this;
        }

        /** Largest upgrade request line plus headers; larger requests get HTTP 431. */
        public Builder maxHeaderBytes(int value) {
            this.maxHeaderBytes = value;
            return this;
        }

        /** Interval of the gateway's pings; a ping unanswered by the next one closes with 1001. */
        public Builder pingInterval(Duration value) {
            this.pingInterval = value;
            return this;
        }

        /** Messages queued per connection for the transfer function before the socket stops being read. */
        public Builder inboundQueueMessages(int value) {
            this.inboundQueueMessages = value;
            return this;
        }

        /** Bytes queued per connection for the transfer function before the socket stops being read. */
        public Builder inboundQueueBytes(int value) {
            this.inboundQueueBytes = value;
            return this;
        }

        /** Time the gateway waits for the client's close frame after sending its own. */
        public Builder closeTimeout(Duration value) {
            this.closeTimeout = value;
            return this;
        }

        /**
         * Largest {@code context} a registration may attach to a connection, as JSON bytes;
         * a larger one refuses the connection (HTTP 403, errNo 4032).
         */
        public Builder maxContextBytes(int value) {
            this.maxContextBytes = value;
            return this;
        }

        /** Groups one connection may be in; a join past it answers 400 (errNo 4001). */
        public Builder maxGroupsPerConnection(int value) {
            this.maxGroupsPerConnection = value;
            return this;
        }

        /**
         * What happens to a connection whose outbound buffer is full: {@code close} it with 1013
         * (default) or {@code drop} the message and keep it. Either way the push reports it.
         */
        public Builder slowConsumer(SlowConsumerPolicy value) {
            this.slowConsumer = value;
            return this;
        }

        /**
         * Handshakes one client IP may start per second (bursts up to the same number); past it
         * handshakes get HTTP 429 (errNo 4292).
         */
        public Builder connectRatePerIp(int value) {
            this.connectRatePerIp = value;
            return this;
        }

        /**
         * Messages one connection may send per second (bursts up to the same number); past it
         * the connection closes with 1008 (policy violation). 0 (the default) is no limit: a
         * client that sends faster than its transfer function answers is slowed by TCP
         * backpressure, never closed; this caps a client's share of the function instead.
         */
        public Builder messageRate(int value) {
            this.messageRate = value;
            return this;
        }

        /**
         * Origins browsers may connect from, e.g. {@code https://app.example.com}; a handshake
         * whose {@code Origin} is not listed gets HTTP 403 (errNo 4033). Empty (the default)
         * allows every origin; requests without an {@code Origin} header (non-browser clients)
         * are always allowed.
         */
        public Builder allowedOrigins(List<String> value) {
            this.allowedOrigins = value;
            return this;
        }

        /**
         * The load balancers and proxies in front of the gateway. A handshake whose TCP peer lies
         * in one of these blocks is taken to come from the last address in its
         * {@code X-Forwarded-For} header that is not itself a trusted proxy: the per-IP limits
         * count that address and events carry it as the source IP. Empty (the default): the TCP
         * peer is the client, and {@code X-Forwarded-For} is ignored (anyone can write it).
         */
        public Builder trustedProxies(List<AddressBlock> value) {
            this.trustedProxies = value;
            return this;
        }

        public LimitsConfig build() {
            return new LimitsConfig(
                    maxConnections,
                    maxConnectionsPerIp,
                    maxConnectionsPerUser,
                    maxMessageBytes,
                    idleTimeout,
                    maxLifetime,
                    outboundBufferBytes,
                    handshakeTimeout,
                    maxHeaderBytes,
                    pingInterval,
                    inboundQueueMessages,
                    inboundQueueBytes,
                    closeTimeout,
                    maxContextBytes,
                    maxGroupsPerConnection,
                    slowConsumer,
                    connectRatePerIp,
                    messageRate,
                    allowedOrigins,
                    trustedProxies);
        }
    }
}
