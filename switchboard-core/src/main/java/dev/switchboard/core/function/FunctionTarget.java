package dev.switchboard.core.function;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Where a function lives. Written in config as a single string: an {@code http(s)://} URL, or
 * {@code java:fully.qualified.Class#method}.
 */
public sealed interface FunctionTarget permits FunctionTarget.Http, FunctionTarget.Java {

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

    /** What a target must look like, for error messages. */
    String EXPECTED = "an http(s):// URL or java:fully.qualified.Class#method";

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
        throw new IllegalArgumentException("'" + spec + "' (expected: " + EXPECTED + ")");
    }

    /** Holder so the pattern is compiled once. */
    final class JavaPattern {
        static final Pattern PATTERN = Pattern.compile(
                "((?:[\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*)#([\\p{L}_$][\\p{L}\\p{N}_$]*)");

        private JavaPattern() {}
    }
}
