package dev.switchboard.tests;

import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.FunctionTarget.Language;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The handler files the process runtime tests run, as function targets. */
final class Handlers {
    private Handlers() {}

    /** A handler file from {@code src/test/resources/functions}, e.g. {@code lifecycle.py}. */
    static Path file(String name) {
        URL url = Handlers.class.getResource("/functions/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test handler file " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code handler} in the test handler file {@code lifecycle.py} or {@code lifecycle.js}. */
    static FunctionTarget lifecycle(Language language, String handler) {
        return target(language, file(language == Language.PYTHON ? "lifecycle.py" : "lifecycle.js"), handler);
    }

    static FunctionTarget target(Language language, Path file, String handler) {
        return FunctionTarget.parse(language.prefix() + file + ":" + handler);
    }
}
