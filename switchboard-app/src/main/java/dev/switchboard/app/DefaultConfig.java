package dev.switchboard.app;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.runtimes.java.builtin.Echo;

/**
 * The embedded default that {@code serve} runs without {@code --config}: one route {@code /echo}
 * whose transfer function is the in-process {@link Echo}, clients on 0.0.0.0:8080, the push API
 * on 127.0.0.1:8081.
 */
final class DefaultConfig {
    static final String ECHO_PATH = "/echo";

    private DefaultConfig() {}

    static GatewayConfig.Builder builder() {
        return GatewayConfig.builder()
                .route(RouteConfig.builder(ECHO_PATH)
                        .transfer(FunctionTarget.parse("java:" + Echo.class.getName() + "#transfer"))
                        .build());
    }
}
