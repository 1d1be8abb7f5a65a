package dev.switchboard.core.function;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where a function lives. Written in config as a single string: an {@code http(s)://} URL, or
 * {@code java:fully.qualified.Class#method}.
 */
public sealed interface FunctionTarget permits FunctionTarget.Http, FunctionTarget.Java, FunctionTarget.Process {

    /** The form the target was written in. */
    String spec();

    /** A function behind an HTTP(S) URL, invoked with a POST of the event. */
    record Http(URI uri) implements FunctionTarget {
        @Override
        public String spec() {
            return uri.toString();
        }

        /** The port, with the scheme's default when the URL has none. */
        public int port() {
            if (uri.getPort() != -1) {
                return uri.getPort();
            }
            return "https".equals(uri.getScheme()) ? 443 : 80;
        }

        /** True for {@code https} URLs. */
        public boolean secure() {
            return "https".equals(uri.getScheme());
        }

        /** The path and query to request, {@code /} when the URL has none. */
        public String pathAndQuery() {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + '?' + uri.getRawQuery();
        }
    }

    /** A method of a class on the gateway's classpath, invoked in-process. */
    record Java(String className, String methodName) implements FunctionTarget {
        @Override
        public String spec() {
            return "java:" + className + '#' + methodName;
        }
    }

    /**
     * A handler in a local Python or Node file, run by a pool of worker processes.
     *
     * @param language the runtime
     * @param file the handler file, relative to the working directory or absolute
     * @param handler the function name in the file; {@code main_handler} by default, as in SCF
     */
    record Process(Language language, String file, String handler) implements FunctionTarget {
        /** The handler name SCF uses when none is given. */
        public static final String DEFAULT_HANDLER = "main_handler";

        @Override
        public String spec() {
            return language.prefix() + file + (handler.equals(DEFAULT_HANDLER) ? "" : ":" + handler);
        }
    }

    /** The process runtimes. */
    enum Language {
        PYTHON("python:"),
        NODE("node:");

        private final String prefix;

        Language(String prefix) {
            this.prefix = prefix;
        }

        /** The target prefix, e.g. {@code python:}. */
        public String prefix() {
            return prefix;
        }
    }

    /** What a target must look like, for error messages. */
    String EXPECTED = "an http(s):// URL, java:fully.qualified.Class#method, python:file.py[:handler]"
            + " or node:file.js[:handler]";

    /**
     * Parses a target.
     *
     * @throws IllegalArgumentException naming what was expected, when {@code spec} is neither form
     */
    static FunctionTarget parse(String spec) {
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            try {
                URI uri = new URI(spec);
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("'" + spec + "' has no host (expected: " + EXPECTED + ")");
                }
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    throw new IllegalArgumentException(
                            "'" + spec + "' has port " + uri.getPort() + " (expected: 1-65535)");
                }
                return new Http(uri);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + spec + "' is not a valid URL: " + e.getReason());
            }
        }
        if (spec.startsWith("java:")) {
            var matcher = JavaPattern.PATTERN.matcher(spec.substring("java:".length()));
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + spec + "' (expected: java:fully.qualified.Class#method)");
            }
            return new Java(matcher.group(1), matcher.group(2));
        }
        for (Language language : Language.values()) {
            if (spec.startsWith(language.prefix())) {
                return parseProcess(language, spec);
            }
        }
        throw new IllegalArgumentException("'" + spec + "' (expected: " + EXPECTED + ")");
    }

    private static Process parseProcess(Language language, String spec) {
        String rest = spec.substring(language.prefix().length());
        String file = rest;
        String handler = Process.DEFAULT_HANDLER;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            file = rest.substring(0, colon);
            handler = rest.substring(colon + 1);
            if (!JavaPattern.IDENTIFIER.matcher(handler).matches()) {
                throw new IllegalArgumentException("'" + spec + "': handler '" + handler
                        + "' is not a function name (expected: " + language.prefix() + "file[:handler])");
            }
        }
        if (file.isEmpty()) {
            throw new IllegalArgumentException(
                    "'" + spec + "' names no file (expected: " + language.prefix() + "file[:handler])");
        }
        return new Process(language, file, handler);
    }

    /** Holder so the pattern is compiled once. */
    final class JavaPattern {
        static final Pattern PATTERN = Pattern.compile(
                "((?:[\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*)#([\\p{L}_$][\\p{L}\\p{N}_$]*)");

        static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

        private JavaPattern() {}
    }
}
