package dev.switchboard.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds config documents shaped like the config schema from a list of choices (small integers),
 * so that jqwik shrinks a failing document by shrinking the list. Most values are valid and a few
 * are not, so that documents get past the first keys and reach the deep ones; a choice list that
 * runs out reads as zeros, the simplest option everywhere.
 */
final class ConfigTrees {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Values a field of one kind may take: mostly the valid ones, sometimes the others. */
    private record Pool(List<Object> valid, List<Object> invalid) {}

    private static final Pool INT = new Pool(
            List.of(1, 2, 64, 1024),
            List.of(0, -1, 65536, Integer.MAX_VALUE, 2_147_483_648L, Long.MAX_VALUE, 1.5, "ten", ""));
    private static final Pool SIZE = new Pool(
            List.of("131072", "128KiB", "1MiB", 1024, "64 kb"),
            List.of(
                    "1GiB",
                    "2GiB",
                    0,
                    "0",
                    "-5",
                    "9999999999GiB",
                    "1.5MiB",
                    "KiB",
                    "99999999999999999999",
                    Long.MAX_VALUE));
    private static final Pool DURATION = new Pool(
            List.of("3s", "500ms", "1m", "2h", "1d", "${SET}", "${UNSET:-2s}", "36500d"),
            List.of(
                    "0s",
                    "0ms",
                    "-1s",
                    "10x",
                    "1.5s",
                    "s",
                    "",
                    5,
                    "${UNSET}",
                    "1000000d",
                    "106751991167300d",
                    "9223372036854775807ms",
                    "99999999999999999999s"));
    private static final Pool HOST_PORT = new Pool(
            List.of("0.0.0.0:8080", "127.0.0.1:0", ":8082", "[::1]:8083", "localhost:8084"),
            List.of("127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1", "::", "[::1]", "127.0.0.1:x", "10.0.0.1:8081"));
    private static final Pool TARGET = new Pool(
            List.of(
                    "http://127.0.0.1:9000/register",
                    "https://fn.example.com/x",
                    "java:com.example.Chat#transfer",
                    "python:functions/t.py",
                    "python:functions/t.py:main_handler",
                    "node:functions/c.js"),
            List.of(
                    "http://",
                    "http://[::1",
                    "http://127.0.0.1:0/x",
                    "http://127.0.0.1:99999/x",
                    "java:#",
                    "java:Chat",
                    "python::main",
                    "node:f.js:1bad",
                    "ftp://x",
                    ""));
    private static final Pool PATH =
            new Pool(List.of("/chat", "/", "/échange", "/a/b"), List.of("chat", "/a?b", "/a#b", "", "/chat"));
    /** For keys this version takes only as null (as in the design's example), and refuses otherwise. */
    private static final Pool NULL_ONLY = new Pool(Arrays.asList((Object) null), List.of("cert.pem", ""));

    private static final Pool BOOL = new Pool(List.of(true, false, "true"), List.of("yes", 1, "on"));
    private static final Pool TEXT = new Pool(
            List.of("x", "service-local", "release", "ü✓", "${SET}", "$${LITERAL}", "null"),
            List.of("", " ", "line\nbreak", "tab\there", "quote'\"", "\u0000", "${UNSET:-}", "~", "{a: b}"));

    private static final Map<String, Object> SCHEMA = new LinkedHashMap<>();
    private static final Set<String> REQUIRED = Set.of("routes", "path", "access-key-id", "secret-access-key");

    static {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("path", PATH);
        route.put("dialect", new Pool(List.of("tencent", "aws"), List.of("mqtt", "")));
        route.put("service-id", TEXT);
        route.put("stage", TEXT);
        route.put("transfer-action", new Pool(List.of("data send", "data recv"), List.of("data", "")));
        route.put("subprotocols", List.of(TEXT));
        route.put("permessage-deflate", BOOL);
        route.put("on-transfer-error", new Pool(List.of("close", "ignore"), List.of("retry")));
        route.put("max-in-flight", INT);
        route.put(
                "route-selection-expression",
                new Pool(
                        List.of("$request.body.action", "$request.body"),
                        List.of("body.action", "$request.body.", "")));
        route.put("route-response", BOOL);
        route.put("binary-frames", new Pool(List.of("deliver", "close"), List.of("base64", "")));
        route.put("api-id", TEXT);
        route.put("domain-name", new Pool(List.of("ws.example.com", "ws.example.com:443"), List.of("a/b", " ")));
        route.put("max-message-bytes", SIZE);
        route.put("max-frame-bytes", SIZE);
        route.put("idle-timeout", DURATION);
        route.put("max-lifetime", DURATION);
        route.put("max-connections", INT);
        route.put("functions", Map.of("register", TARGET, "transfer", TARGET, "cleanup", TARGET));
        route.put(
                "route-keys",
                Map.of("$connect", TARGET, "$default", TARGET, "$disconnect", TARGET, "sendMessage", TARGET));
        route.put("timeouts", Map.of("register", DURATION, "transfer", DURATION, "cleanup", DURATION));

        Map<String, Object> limits = new LinkedHashMap<>();
        for (String key : List.of(
                "max-connections", "max-connections-per-ip", "inbound-queue-messages", "max-groups-per-connection")) {
            limits.put(key, INT);
        }
        for (String key : List.of(
                "max-message-bytes",
                "outbound-buffer-bytes",
                "max-header-bytes",
                "inbound-queue-bytes",
                "max-context-bytes")) {
            limits.put(key, SIZE);
        }
        for (String key :
                List.of("idle-timeout", "max-lifetime", "handshake-timeout", "ping-interval", "close-timeout")) {
            limits.put(key, DURATION);
        }
        limits.put("slow-consumer", new Pool(List.of("close", "drop"), List.of("block")));

        SCHEMA.put("node-id", new Pool(List.of("auto", "node-1"), List.of("a b", "", "x".repeat(65))));
        SCHEMA.put("listen", HOST_PORT);
        SCHEMA.put(
                "push",
                Map.of(
                        "listen", HOST_PORT,
                        "token", TEXT,
                        "max-body-bytes", SIZE,
                        "aws-credentials", List.of(Map.of("access-key-id", TEXT, "secret-access-key", TEXT))));
        SCHEMA.put("tls", Map.of("cert", NULL_ONLY, "key", NULL_ONLY));
        SCHEMA.put(
                "cluster",
                Map.of(
                        "redis",
                        new Pool(
                                List.of("redis://127.0.0.1:6379", "rediss://h:1", "redis-sentinel://h"),
                                List.of("http://x", "")),
                        "redis-cluster",
                        BOOL,
                        "heartbeat-interval",
                        DURATION,
                        "heartbeat-ttl",
                        DURATION,
                        "forward-timeout",
                        DURATION,
                        "startup-timeout",
                        DURATION));
        SCHEMA.put("limits", limits);
        SCHEMA.put("shutdown-timeout", DURATION);
        SCHEMA.put("shutdown-close-code", new Pool(List.of(1001, 1012, "1012"), List.of(1000, 1011, 4000, "restart")));
        SCHEMA.put("cleanup-retry-for", DURATION);
        SCHEMA.put("routes", List.of(route));
        SCHEMA.put(
                "runtimes",
                Map.of("workers", INT, "python", new Pool(List.of("python3"), List.of("", " ")), "node", TEXT));
    }

    private final List<Integer> choices;
    private int next;

    ConfigTrees(List<Integer> choices) {
        this.choices = choices;
    }

    /** The keys a config file may have at its top level. */
    static Set<String> topLevelKeys() {
        return SCHEMA.keySet();
    }

    /** The document the choices describe, as YAML text. */
    String yaml() {
        Object document = pick(50) == 0 ? anything(3) : mapping(SCHEMA);
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next choice in {@code [0, bound)}; 0 once the choices run out. */
    private int pick(int bound) {
        return next < choices.size() ? choices.get(next++) % bound : 0;
    }

    private Map<String, Object> mapping(Map<String, Object> schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : schema.entrySet()) {
            // keys are more often absent than present, as in real files, except those a file needs
            boolean required = REQUIRED.contains(entry.getKey());
            if (pick(required ? 20 : 5) >= (required ? 1 : 3)) {
                out.put(entry.getKey(), pick(80) == 0 ? anything(2) : value(entry.getValue()));
            }
        }
        // a route has functions or route-keys according to its dialect, mostly
        boolean aws = "aws".equals(out.get("dialect"));
        if (pick(10) != 0) {
            out.remove(aws ? "functions" : "route-keys");
        }
        if (pick(60) == 0) {
            out.put(pick(2) == 0 ? "unknown-key" : (String) from(TEXT), anything(1));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Object value(Object schema) {
        if (schema instanceof Pool pool) {
            return from(pool);
        }
        if (schema instanceof Map<?, ?> map) {
            return mapping((Map<String, Object>) map);
        }
        Object element = ((List<?>) schema).get(0);
        List<Object> items = new ArrayList<>();
        int count = pick(5) == 0 ? 2 : 1;
        for (int i = 0; i < count; i++) {
            items.add(value(element));
        }
        return items;
    }

    private Object from(Pool pool) {
        if (pool.invalid().isEmpty() || pick(25) != 0) {
            return pool.valid().get(pick(pool.valid().size()));
        }
        return pool.invalid().get(pick(pool.invalid().size()));
    }

    /** Any YAML value, nested at most {@code depth} deep. */
    private Object anything(int depth) {
        return switch (pick(depth > 0 ? 6 : 4)) {
            case 0 -> from(TEXT);
            case 1 -> from(INT);
            case 2 -> from(DURATION);
            case 3 -> from(TARGET);
            case 4 -> {
                List<Object> items = new ArrayList<>();
                int count = pick(4);
                for (int i = 0; i < count; i++) {
                    items.add(anything(depth - 1));
                }
                yield items;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                int count = pick(4);
                for (int i = 0; i < count; i++) {
                    map.put(String.valueOf(from(TEXT)), anything(depth - 1));
                }
                yield map;
            }
        };
    }
}
