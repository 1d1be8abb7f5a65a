package dev.switchboard.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML config (docs/configuration.md): substitutes {@code ${ENV:-default}} and maps
 * kebab-case keys one-to-one onto the config builders ({@link SectionReader} for the node-wide
 * sections, {@link RouteReader} for each route), whose {@code build()} checks the rules. Any
 * mistake is one {@link ConfigException} line naming the key.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {}

    /** Loads a config file with the process environment. */
    public static GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException
                    ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException
                            ? "permission denied"
                            : String.valueOf(e.getMessage());
            throw new ConfigException(file + ": cannot be read (" + reason + ")");
        }
        return parse(text, System.getenv());
    }

    /** Parses config text with the given environment. */
    public static GatewayConfig parse(String yaml, Map<String, String> env) {
        String substituted = EnvSubstitution.apply(yaml, env);
        JsonNode tree;
        try {
            tree = YAML.readTree(substituted);
        } catch (JacksonException e) {
            String where =
                    e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new ConfigException(where + "not valid YAML (" + oneLine(e.getOriginalMessage()) + ")");
        } catch (IOException e) {
            throw new ConfigException("config cannot be read (" + e.getMessage() + ")");
        }
        if (tree == null || tree instanceof MissingNode) {
            tree = YAML.createObjectNode();
        }
        return read(ConfigNode.root(tree));
    }

    private static GatewayConfig read(ConfigNode root) {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        String nodeId = root.string("node-id", "auto");
        if (!nodeId.equals("auto")) {
            builder.nodeId(nodeId);
        }
        builder.listen(root.parsed("listen", GatewayConfig.DEFAULT_LISTEN, "host:port", HostPort::parse));
        builder.push(root.object("push").map(SectionReader::push).orElse(PushConfig.defaults()));
        builder.limits(root.object("limits").map(SectionReader::limits).orElse(LimitsConfig.defaults()));
        builder.shutdownTimeout(
                root.duration("shutdown-timeout", GatewayConfig.DEFAULT_SHUTDOWN_TIMEOUT, Duration.ofMillis(1)));
        builder.shutdownCloseCode(root.parsed(
                "shutdown-close-code",
                GatewayConfig.DEFAULT_SHUTDOWN_CLOSE_CODE,
                GatewayConfig.CLOSE_CODES,
                ConfigLoader::closeCode));
        builder.cleanupRetryFor(
                root.duration("cleanup-retry-for", GatewayConfig.DEFAULT_CLEANUP_RETRY_FOR, Duration.ofMillis(1)));
        builder.routes(root.objects("routes").stream().map(RouteReader::route).toList());
        builder.runtimes(root.object("runtimes").map(SectionReader::runtimes).orElse(RuntimesConfig.defaults()));
        root.object("tls").ifPresent(tls -> builder.tls(SectionReader.tls(tls)));
        root.object("cluster").ifPresent(cluster -> builder.cluster(SectionReader.cluster(cluster)));
        builder.stateDir(root.parsed("state-dir", null, "a directory path", Path::of));
        root.finish();
        return builder.build();
    }

    /** A close code is a number; which numbers are allowed is {@link GatewayConfig}'s rule. */
    private static Integer closeCode(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: " + GatewayConfig.CLOSE_CODES + ")");
        }
    }

    /** SnakeYAML's messages span several lines (with a source excerpt); keep the explaining ones. */
    private static String oneLine(String message) {
        List<String> lines = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .toList();
        return lines.isEmpty() ? message.strip().replaceAll("\\s+", " ") : String.join("; ", lines);
    }
}
