package dev.switchboard.server;

import dev.switchboard.core.cluster.ClusterBackplane;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.config.TencentDialectConfig;
import dev.switchboard.core.dialect.Dialect;
import dev.switchboard.core.dialect.aws.AwsDialect;
import dev.switchboard.core.dialect.tencent.TencentDialect;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.server.internal.Transport;
import dev.switchboard.server.internal.auth.TokenAuth;
import dev.switchboard.server.internal.client.ClientChannelInitializer;
import dev.switchboard.server.internal.client.ClientServices;
import dev.switchboard.server.internal.client.ConnectionLimiter;
import dev.switchboard.server.internal.client.ConnectionSweeper;
import dev.switchboard.server.internal.cluster.LocalMember;
import dev.switchboard.server.internal.function.CircuitBreakerInvoker;
import dev.switchboard.server.internal.function.HttpFunctionInvokerFactory;
import dev.switchboard.server.internal.journal.SqliteJournal;
import dev.switchboard.server.internal.lifecycle.CleanupDispatcher;
import dev.switchboard.server.internal.lifecycle.ConnectionJournal;
import dev.switchboard.server.internal.lifecycle.ConnectionRegistry;
import dev.switchboard.server.internal.lifecycle.CrashRecovery;
import dev.switchboard.server.internal.lifecycle.GroupRegistry;
import dev.switchboard.server.internal.lifecycle.LiveConnection;
import dev.switchboard.server.internal.lifecycle.Route;
import dev.switchboard.server.internal.lifecycle.RouteCapacity;
import dev.switchboard.server.internal.lifecycle.UnfinishedConnections;
import dev.switchboard.server.internal.metrics.CircuitMetrics;
import dev.switchboard.server.internal.metrics.GatewayMetrics;
import dev.switchboard.server.internal.presence.PresenceTracker;
import dev.switchboard.server.internal.push.PushChannelInitializer;
import dev.switchboard.server.internal.push.PushServices;
import dev.switchboard.server.internal.tls.TlsListeners;
import dev.switchboard.server.internal.tracing.TracingInvoker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Switchboard node: the client WebSocket listener and the push listener, on one group of
 * event loops. {@link #start} binds both; {@link #close} drains gracefully: it stops accepting,
 * closes every connection with 1001 (or 1012 with {@code shutdown-close-code: 1012}), lets the
 * transfer invocations in flight and the messages already received finish, waits (up to
 * {@code shutdown-timeout}) for the cleanups that follow them, then releases everything.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EventLoopGroup group;
    private final ClientServices services;
    private final List<FunctionInvoker> invokers;
    private final Channel clientChannel;
    private final Channel pushChannel;
    private final TlsListeners tls;
    /** How long idle event loops get to stop once the drain is over, even past the deadline. */
    private static final long LOOPS_STOP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(
            GatewayConfig config,
            EventLoopGroup group,
            ClientServices services,
            List<FunctionInvoker> invokers,
            Channel clientChannel,
            Channel pushChannel,
            TlsListeners tls) {
        this.config = config;
        this.group = group;
        this.services = services;
        this.invokers = invokers;
        this.clientChannel = clientChannel;
        this.pushChannel = pushChannel;
        this.tls = tls;
    }

    /** A builder for a node running {@code config}. */
    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    /** Where clients connect (with the real port when the config said 0). */
    public InetSocketAddress clientAddress() {
        return (InetSocketAddress) clientChannel.localAddress();
    }

    /** Where the push API listens (with the real port when the config said 0). */
    public InetSocketAddress pushAddress() {
        return (InetSocketAddress) pushChannel.localAddress();
    }

    /** This node's config. */
    public GatewayConfig config() {
        return config;
    }

    /** The node's metrics in Prometheus text format, as {@code GET /metrics} serves them. */
    public String scrapeMetrics() {
        return services.metrics().scrape();
    }

    /**
     * The cluster's members as this node knows them: every node seen registered and not declared
     * lost or gone since (just this node when not clustered).
     */
    public java.util.Set<String> clusterNodes() {
        return services.backplane() == null
                ? java.util.Set.of(config.nodeId())
                : services.backplane().members();
    }

    /**
     * Loads the TLS certificates of both listeners ({@code tls}, {@code push.tls}) from their
     * files again, as SIGHUP does: new connections get the new certificate, open ones keep theirs.
     * A listener whose files do not hold a usable certificate and key keeps serving its current
     * one; the reason is logged. Reads files: call it from a thread of your own.
     *
     * @return true when every TLS listener now serves what its files hold (also when none has TLS)
     */
    public boolean reloadCertificates() {
        return tls.reload();
    }

    /**
     * Runs every event loop's timer pass now and returns once each has run. The passes also run
     * on their own every tick; with a ticker advanced by hand ({@link Builder#ticker}) this fires
     * at once the timeouts the advance made due (handshake, idle, lifetime, ping, close).
     */
    public void runTimers() {
        services.sweepers().forEach((loop, sweeper) -> loop.submit(sweeper).syncUninterruptibly());
    }

    /** Open connections right now. */
    public int openConnections() {
        return services.registry().size();
    }

    /** Graceful stop, bounded by {@code shutdown-timeout}; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        services.draining().set(true);
        long started = System.nanoTime();
        Duration timeout = config.shutdownTimeout();
        long deadline = started + timeout.toNanos();
        services.cleanup().giveUpAfter(services.ticker().nanoTime() + timeout.toNanos());
        // a loop that never runs again (blocked, or killed by an Error) must not hold the stop up
        awaitUntil(clientChannel.close(), deadline);
        int open = services.registry().size();
        CloseCause shutdown = shutdownCause(config.shutdownCloseCode());
        for (LiveConnection connection : new ArrayList<>(services.registry().all())) {
            connection.close(shutdown);
        }
        long givenUpBefore = services.cleanup().givenUp();
        boolean quiet = awaitCleanups(deadline);
        long givenUp = services.cleanup().givenUp() - givenUpBefore;
        if (quiet && givenUp == 0) {
            log.info("stopped: {} connections closed, every cleanup delivered", open);
        } else if (quiet) {
            log.warn("stopped: {} connections closed, {} cleanups given up (see above)", open, givenUp);
        } else {
            log.warn(
                    "stopped after shutdown-timeout ({}): {} connections still draining, {} cleanups undelivered",
                    timeout,
                    services.unfinished().count(),
                    services.cleanup().pending());
        }
        // cleanups still undelivered keep their records: the next start invokes them again
        closeUntil("state-dir journal", services.journal()::close, deadline);
        if (services.backplane() != null) {
            closeUntil("Redis backplane", services.backplane()::close, deadline);
        }
        awaitUntil(pushChannel.close(), deadline);
        tls.close();
        invokers.forEach(FunctionInvoker::close);
        services.metrics().close();
        Future<?> loops = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (!awaitUntil(loops, Math.max(deadline, System.nanoTime() + LOOPS_STOP_NANOS))) {
            log.warn("stopped with event loops still busy after shutdown-timeout ({})", timeout);
        }
    }

    /**
     * Waits for {@code future} until {@code deadlineNanos} at most (on {@link System#nanoTime});
     * false when it had not completed by then.
     */
    private static boolean awaitUntil(Future<?> future, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        return future.awaitUninterruptibly(Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code close} on a thread of its own and waits for it until {@code deadlineNanos}, or
     * {@link #LOOPS_STOP_NANOS} when the deadline has passed: a disk or a Redis that stopped
     * answering must not hold the stop up. Left running, it cannot keep the process alive.
     */
    private static void closeUntil(String what, Runnable close, long deadlineNanos) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = new Thread(
                () -> {
                    try {
                        close.run();
                        closed.complete(null);
                    } catch (RuntimeException e) {
                        closed.completeExceptionally(e);
                    }
                },
                "close-" + what.replace(' ', '-'));
        closer.setDaemon(true);
        closer.start();
        long left = Math.max(deadlineNanos - System.nanoTime(), LOOPS_STOP_NANOS);
        try {
            closed.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("stopped without closing the {}: it did not close within shutdown-timeout", what);
        } catch (ExecutionException e) {
            log.warn("closing the {} failed", what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** 1012 tells clients the service restarts (reconnect); 1001 that it goes away. */
    private static CloseCause shutdownCause(int code) {
        return code == CloseCause.SERVICE_RESTART
                ? new CloseCause(CloseCause.SERVICE_RESTART, "service restart", ClosedBy.SHUTDOWN)
                : new CloseCause(CloseCause.GOING_AWAY, "server shutting down", ClosedBy.SHUTDOWN);
    }

    private boolean awaitCleanups(long deadlineNanos) {
        try {
            // connections finish handing on the messages they received, on their loops
            if (!services.unfinished().awaitNone(deadlineNanos)) {
                return false;
            }
            return services.cleanup().awaitIdle(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds and starts a {@link Gateway}. */
    public static final class Builder {
        private final GatewayConfig config;
        private final List<FunctionInvokerFactory> factories = new ArrayList<>();
        private Ticker ticker = Ticker.systemTicker();
        private int eventLoopThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private @Nullable Transport transport;
        private @Nullable StaticContent staticContent;
        /** Listeners' real addresses by config key, once bound: AWS events name the push listener. */
        private final Map<String, InetSocketAddress> bound = new java.util.concurrent.ConcurrentHashMap<>();
        /** Each route's presence function, by path: filled with the routes. */
        private final Map<String, FunctionInvoker> presenceFunctions = new LinkedHashMap<>();

        private @Nullable ClusterBackplane backplane;

        private Builder(GatewayConfig config) {
            this.config = config;
        }

        /** Adds a factory for non-HTTP function targets (e.g. in-process Java). */
        public Builder functions(FunctionInvokerFactory factory) {
            factories.add(factory);
            return this;
        }

        /** The clock for timeouts and retries (default: the system's monotonic clock). */
        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        /** Event loop threads (default: one per core, at least 2). */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = threads;
            return this;
        }

        /** Files served to plain HTTP GETs on the client listener outside the routes (e.g. a demo page). */
        public Builder staticContent(StaticContent content) {
            this.staticContent = content;
            return this;
        }

        /**
         * Makes this node a cluster member on {@code backplane} (e.g. Redis); without one the node
         * runs alone with everything in memory.
         */
        public Builder backplane(ClusterBackplane backplane) {
            this.backplane = backplane;
            return this;
        }

        /** Forces a socket transport (default: epoll where available, else NIO). */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /**
         * Binds both listeners and starts serving.
         *
         * @throws ConfigException when a function target has no runtime or a listener cannot bind
         */
        public Gateway start() {
            TlsListeners tls = TlsListeners.load(config);
            Transport chosen = transport == null ? Transport.best() : transport;
            EventLoopGroup group = chosen.newGroup(eventLoopThreads, new DefaultThreadFactory("switchboard-io", true));
            List<FunctionInvoker> invokers = new ArrayList<>();
            ConnectionJournal journal = ConnectionJournal.none();
            try {
                List<FunctionInvokerFactory> all = new ArrayList<>();
                all.add(new HttpFunctionInvokerFactory(group, chosen));
                all.addAll(factories);
                GatewayMetrics metrics = new GatewayMetrics();
                Map<String, Route> routes = buildRoutes(all, invokers, metrics);
                if (config.stateDir() != null) {
                    journal = SqliteJournal.open(config.stateDir(), config.nodeId(), metrics.registry());
                }
                ClientServices services = services(group, routes, metrics, journal);
                PushServices push = new PushServices(services, config.push(), forwardTimeout());
                if (backplane != null) {
                    joinCluster(backplane, new LocalMember(services, push, group));
                }
                Channel client = bind(
                        chosen, group, config.listen().toSocketAddress(), "listen", clientBootstrap(services, tls));
                Channel pushChannel;
                try {
                    pushChannel = bind(
                            chosen,
                            group,
                            config.push().listen().toSocketAddress(),
                            "push.listen",
                            new ServerBootstrap()
                                    .childHandler(
                                            new PushChannelInitializer(config.push(), services, push, tls.push())));
                } catch (RuntimeException e) {
                    client.close().syncUninterruptibly();
                    throw e;
                }
                if (backplane == null) {
                    // in a cluster the journal's leftovers are cleaned up when the node registers,
                    // together with what Redis lists and minus what a survivor's takeover cleaned up
                    CrashRecovery.start(journal, routes, services.cleanup(), group);
                }
                Gateway gateway = new Gateway(config, group, services, invokers, client, pushChannel, tls);
                log.info(
                        "node {} started ({} transport, {} event loops)",
                        config.nodeId(),
                        chosen.name().toLowerCase(),
                        eventLoopThreads);
                return gateway;
            } catch (RuntimeException e) {
                if (backplane != null) {
                    backplane.close();
                }
                journal.close();
                invokers.forEach(FunctionInvoker::close);
                tls.close();
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
        }

        /**
         * Joins the cluster before any listener opens, so the node takes traffic only once other
         * nodes can reach it: waits up to {@code cluster.startup-timeout} for the registration,
         * then starts degraded ({@code /readyz} 503) while the backplane keeps trying.
         */
        private void joinCluster(ClusterBackplane backplane, LocalMember member) {
            Duration wait = config.cluster() == null
                    ? ClusterConfig.DEFAULT_STARTUP_TIMEOUT
                    : config.cluster().startupTimeout();
            try {
                backplane.start(member).toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn(
                        "not registered in the cluster within cluster.startup-timeout ({}): starting degraded;"
                                + " /readyz answers 503 and pushes to other nodes 503 until the backplane is reachable",
                        wait);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("cannot join the cluster: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while joining the cluster", e);
            }
        }

        private Map<String, Route> buildRoutes(
                List<FunctionInvokerFactory> factories, List<FunctionInvoker> invokers, GatewayMetrics metrics) {
            Map<String, Route> routes = new LinkedHashMap<>();
            for (int i = 0; i < config.routes().size(); i++) {
                RouteConfig route = config.routes().get(i);
                boolean aws = route.dialect() instanceof AwsDialectConfig;
                String key = "routes[" + i + (aws ? "].route-keys." : "].functions.");
                List<FunctionInvokerFactory> routeFactories = signedFor(route, factories);
                Map<String, FunctionInvoker> routeKeyFunctions = new LinkedHashMap<>();
                routeKeys(route)
                        .forEach((routeKey, target) -> routeKeyFunctions.put(
                                routeKey,
                                guarded(
                                        route,
                                        routeKey,
                                        metrics,
                                        invoker(target, key + routeKey, routeFactories, invokers))));
                FunctionInvoker register =
                        invoker(route.register(), key + (aws ? "$connect" : "register"), routeFactories, invokers);
                FunctionInvoker transfer =
                        invoker(route.transfer(), key + (aws ? "$default" : "transfer"), routeFactories, invokers);
                FunctionInvoker cleanup =
                        invoker(route.cleanup(), key + (aws ? "$disconnect" : "cleanup"), routeFactories, invokers);
                FunctionInvoker authorizer = route.dialect() instanceof AwsDialectConfig awsRoute
                        ? invoker(awsRoute.authorizer(), "routes[" + i + "].authorizer", routeFactories, invokers)
                        : null;
                if (route.presence() != null && route.presence().function() != null) {
                    FunctionInvoker presence = invoker(
                            route.presence().function(),
                            "routes[" + i + "].presence.function",
                            routeFactories,
                            invokers);
                    presenceFunctions.put(route.path(), guarded(route, "presence", metrics, presence));
                }
                routes.put(
                        route.path(),
                        new Route(
                                route,
                                dialect(route),
                                guarded(route, "register", metrics, register),
                                guarded(route, "transfer", metrics, transfer),
                                guarded(route, "cleanup", metrics, cleanup),
                                routeKeyFunctions,
                                route.connectionLimits(config.limits()),
                                new RouteCapacity(route.maxConnections()),
                                metrics.route(route.path()),
                                route.auth() == null ? null : TokenAuth.of(route.auth()),
                                authorizer));
            }
            return Map.copyOf(routes);
        }

        /** The factories of {@code route}'s functions: HTTP calls signed when it has a {@code signing-secret}. */
        private static List<FunctionInvokerFactory> signedFor(
                RouteConfig route, List<FunctionInvokerFactory> factories) {
            if (route.signingSecret() == null) {
                return factories;
            }
            return factories.stream()
                    .map(factory -> factory instanceof HttpFunctionInvokerFactory http
                            ? http.signedWith(route.signingSecret())
                            : factory)
                    .toList();
        }

        /** {@code invoker} behind the route's circuit breaker (unless it has none), with its meters. */
        private @Nullable FunctionInvoker guarded(
                RouteConfig route, String function, GatewayMetrics metrics, @Nullable FunctionInvoker invoker) {
            if (invoker == null || !route.circuitBreaker().enabled()) {
                return invoker;
            }
            CircuitBreakerInvoker breaker =
                    new CircuitBreakerInvoker(invoker, route.circuitBreaker(), ticker, route.path() + " " + function);
            CircuitMetrics.bind(metrics.registry(), route.path(), function, breaker);
            return breaker;
        }

        private static Map<String, FunctionTarget> routeKeys(RouteConfig route) {
            return route.dialect() instanceof AwsDialectConfig aws ? aws.routeKeys() : Map.of();
        }

        private Dialect dialect(RouteConfig route) {
            if (route.dialect() instanceof AwsDialectConfig aws) {
                return new AwsDialect(
                        aws, route.binaryFrames(), () -> hostAndPort(bound.get("push.listen")), Clock.systemUTC());
            }
            if (route.dialect() instanceof TencentDialectConfig tencent) {
                return new TencentDialect(tencent.transferAction());
            }
            throw new IllegalStateException("no dialect for " + route.dialect().name());
        }

        /** {@code host:port} of a bound listener, the loopback address for a wildcard one. */
        private static String hostAndPort(@Nullable InetSocketAddress address) {
            if (address == null) {
                return "localhost";
            }
            String host = address.getAddress() == null || address.getAddress().isAnyLocalAddress()
                    ? "127.0.0.1"
                    : address.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        }

        private static @Nullable FunctionInvoker invoker(
                @Nullable FunctionTarget target,
                String key,
                List<FunctionInvokerFactory> factories,
                List<FunctionInvoker> invokers) {
            if (target == null) {
                return null;
            }
            for (FunctionInvokerFactory factory : factories) {
                Optional<FunctionInvoker> invoker;
                try {
                    invoker = factory.create(target);
                } catch (ConfigException e) {
                    throw new ConfigException(key + ": " + e.getMessage());
                }
                if (invoker.isPresent()) {
                    FunctionInvoker traced = TracingInvoker.wrap(invoker.get());
                    invokers.add(traced);
                    return traced;
                }
            }
            throw new ConfigException(key + ": '" + target.spec() + "' (expected: a target this build can run)");
        }

        private ClientServices services(
                EventLoopGroup group, Map<String, Route> routes, GatewayMetrics metrics, ConnectionJournal journal) {
            LimitsConfig limits = config.limits();
            Map<EventExecutor, ConnectionSweeper> sweepers = new IdentityHashMap<>();
            Duration tick = ConnectionSweeper.tickFor(limits);
            for (EventExecutor executor : group) {
                ConnectionSweeper sweeper = new ConnectionSweeper((EventLoop) executor, ticker);
                sweeper.start(tick);
                sweepers.put(executor, sweeper);
            }
            ConnectionLimiter limiter = new ConnectionLimiter(
                    limits.maxConnections(), limits.maxConnectionsPerIp(), limits.connectRatePerIp());
            group.next().scheduleAtFixedRate(() -> limiter.prune(ticker.nanoTime()), 1, 1, TimeUnit.SECONDS);
            GroupRegistry groups = new GroupRegistry(limits.maxGroupsPerConnection(), backplane);
            CleanupDispatcher cleanup = new CleanupDispatcher(config.cleanupRetryFor(), ticker);
            PresenceTracker presence = new PresenceTracker(
                    groups, cleanup, backplane, presenceFunctions, group, forwardTimeout(), config.nodeId());
            groups.presence(presence);
            cleanup.presence(presence);
            return new ClientServices(
                    config.nodeId(),
                    limits,
                    routes,
                    new ConnectionRegistry(),
                    groups,
                    cleanup,
                    limiter,
                    java.util.Collections.unmodifiableMap(sweepers),
                    ticker,
                    new UnfinishedConnections(),
                    new AtomicBoolean(),
                    staticContent,
                    metrics,
                    backplane,
                    journal,
                    new dev.switchboard.server.internal.session.SessionMoves(),
                    presence);
        }

        private Duration forwardTimeout() {
            return config.cluster() == null
                    ? ClusterConfig.DEFAULT_FORWARD_TIMEOUT
                    : config.cluster().forwardTimeout();
        }

        private ServerBootstrap clientBootstrap(ClientServices services, TlsListeners tls) {
            int outbound = config.limits().outboundBufferBytes();
            return new ServerBootstrap()
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(outbound / 2, outbound))
                    .childHandler(new ClientChannelInitializer(services, tls.client()));
        }

        private Channel bind(
                Transport transport,
                EventLoopGroup group,
                InetSocketAddress address,
                String key,
                ServerBootstrap bootstrap) {
            try {
                Channel channel = bootstrap
                        .group(group)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .bind(address)
                        .syncUninterruptibly()
                        .channel();
                bound.put(key, (InetSocketAddress) channel.localAddress());
                return channel;
            } catch (Exception e) {
                String reason = e instanceof BindException || e.getMessage() != null ? e.getMessage() : e.toString();
                throw new ConfigException(key + ": cannot listen on " + address.getHostString() + ":"
                        + address.getPort() + " (" + reason + ")");
            }
        }
    }
}
