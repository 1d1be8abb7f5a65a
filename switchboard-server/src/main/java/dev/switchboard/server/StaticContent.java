package dev.switchboard.server;

import java.util.Optional;

/**
 * Files the client listener serves to plain HTTP GETs at paths that are not WebSocket routes,
 * such as a demo page. A path no route and no file claims answers 404.
 */
@FunctionalInterface
public interface StaticContent {

    /** The file at {@code path} (e.g. {@code /} or {@code /app.js}), if there is one. */
    Optional<Resource> find(String path);

    /**
     * One file.
     *
     * @param body the bytes sent
     * @param contentType the {@code Content-Type} header, e.g. {@code text/html; charset=utf-8}
     */
    record Resource(byte[] body, String contentType) {}

    /** Files from the classpath under {@code root}; {@code /} serves {@code index.html}. */
    static StaticContent classpath(ClassLoader loader, String root) {
        return new ClasspathContent(loader, root);
    }
}
