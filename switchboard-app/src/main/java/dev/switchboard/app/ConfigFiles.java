package dev.switchboard.app;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import java.nio.file.Path;

/** Loads the file given with {@code --config} for every command that takes one. */
final class ConfigFiles {
    private ConfigFiles() {}

    /**
     * The config in {@code file}. An error that names only a line ({@code line 3: ${FUNCTION_SECRET}
     * is not set}) is prefixed with the file, so that it cannot be read as a line of the launcher.
     */
    static GatewayConfig load(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            if (e.getMessage().startsWith("line ")) {
                throw new ConfigException(file + ": " + e.getMessage());
            }
            throw e;
        }
    }
}
