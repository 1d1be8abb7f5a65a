package dev.switchboard.server.internal.client;

import dev.switchboard.server.StaticContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The JavaScript client of {@code switchboard.reliable.v1} ({@code clients/js/switchboard-reliable.js},
 * copied into the jar at build time), which every client listener serves at {@value #PATH} unless
 * a route claims that path, so a page can load it from the gateway it connects to.
 */
final class ClientLibrary {
    /** Where the client listener serves the library. */
    static final String PATH = "/switchboard/reliable.js";

    private static final String RESOURCE = "/switchboard/client/switchboard-reliable.js";
    private static final String CONTENT_TYPE = "text/javascript; charset=utf-8";

    private ClientLibrary() {}

    /** The library, or empty in a build that lacks it. */
    static Optional<StaticContent.Resource> resource() {
        return Holder.LIBRARY;
    }

    private static final class Holder {
        static final Optional<StaticContent.Resource> LIBRARY = load();

        private static Optional<StaticContent.Resource> load() {
            try (InputStream in = ClientLibrary.class.getResourceAsStream(RESOURCE)) {
                return in == null
                        ? Optional.empty()
                        : Optional.of(new StaticContent.Resource(in.readAllBytes(), CONTENT_TYPE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
