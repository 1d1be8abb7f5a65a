package dev.switchboard.core.config;

/**
 * The local process runtimes ({@code runtimes:} in YAML) that run {@code python:} and
 * {@code node:} function targets.
 *
 * @param workers worker processes per function; each runs one invocation at a time, so this is
 *     how many invocations of one function run at once (further ones wait, within their timeout)
 * @param python the command that runs Python 3, optionally followed by arguments separated by
 *     spaces, e.g. {@code python3} or {@code /opt/venv/bin/python}
 * @param node the command that runs Node.js, likewise
 * @throws ConfigException naming the {@code runtimes.} key of the first rule broken
 */
public record RuntimesConfig(int workers, String python, String node) {
    public static final int DEFAULT_WORKERS = 2;
    public static final int MAX_WORKERS = 256;
    public static final String DEFAULT_PYTHON = "python3";
    public static final String DEFAULT_NODE = "node";

    public RuntimesConfig {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new ConfigException("runtimes.workers: " + workers + " (expected: 1 to " + MAX_WORKERS + ")");
        }
        if (python.isBlank()) {
            throw new ConfigException("runtimes.python: empty (expected: a command such as python3)");
        }
        if (node.isBlank()) {
            throw new ConfigException("runtimes.node: empty (expected: a command such as node)");
        }
    }

    /** Two workers per function, {@code python3} and {@code node} from the {@code PATH}. */
    public static RuntimesConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder().workers(workers).python(python).node(node);
    }

    /** Builds {@link RuntimesConfig}; every setter has the YAML key of the same name. */
    public static final class Builder {
        private int workers = DEFAULT_WORKERS;
        private String python = DEFAULT_PYTHON;
        private String node = DEFAULT_NODE;

        private Builder() {}

        /** Worker processes per function, 1 to {@value #MAX_WORKERS} (default {@value #DEFAULT_WORKERS}). */
        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        /** The Python command (default {@value #DEFAULT_PYTHON}). */
        public Builder python(String value) {
            this.python = value;
            return this;
        }

        /** The Node.js command (default {@value #DEFAULT_NODE}). */
        public Builder node(String value) {
            this.node = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException naming the {@code runtimes.} key of the first rule broken
         */
        public RuntimesConfig build() {
            return new RuntimesConfig(workers, python, node);
        }
    }
}
