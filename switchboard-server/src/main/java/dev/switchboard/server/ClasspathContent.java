package dev.switchboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link StaticContent} read once from the classpath and kept in memory. */
final class ClasspathContent implements StaticContent {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private final ClassLoader loader;
    private final String root;
    private final Map<String, Optional<Resource>> cache = new ConcurrentHashMap<>();

    ClasspathContent(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    @Override
    public Optional<Resource> find(String path) {
        String file = path.equals("/") ? "/index.html" : path;
        if (file.contains("..") || !file.startsWith("/")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(file, this::load);
    }

    private Optional<Resource> load(String file) {
        try (InputStream in = loader.getResourceAsStream(root.substring(root.startsWith("/") ? 1 : 0) + file)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = file.substring(file.lastIndexOf('.') + 1);
            return Optional.of(
                    new Resource(in.readAllBytes(), TYPES.getOrDefault(extension, "application/octet-stream")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
