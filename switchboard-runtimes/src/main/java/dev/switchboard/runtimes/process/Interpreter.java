package dev.switchboard.runtimes.process;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.function.FunctionTarget;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The command that runs one language's workers, as configured ({@code runtimes.python},
 * {@code runtimes.node}): a program, found on the {@code PATH} unless it is a path, and
 * optional arguments separated by spaces.
 *
 * @param language the runtime
 * @param command the program and its arguments
 * @param shim the worker script, in the language's own file name
 */
record Interpreter(FunctionTarget.Language language, List<String> command, String shim) {

    /** The config key that sets the command, for error messages. */
    static String key(FunctionTarget.Language language) {
        return switch (language) {
            case PYTHON -> "runtimes.python";
            case NODE -> "runtimes.node";
        };
    }

    static String shimName(FunctionTarget.Language language) {
        return switch (language) {
            case PYTHON -> "worker.py";
            case NODE -> "worker.js";
        };
    }

    /**
     * Checks that {@code configured} names an executable program.
     *
     * @throws ConfigException naming the key when it does not
     */
    static Interpreter resolve(FunctionTarget.Language language, String configured) {
        List<String> command = Arrays.asList(configured.strip().split("\\s+"));
        String program = command.get(0);
        boolean found = program.contains(File.separator)
                ? Files.isExecutable(Path.of(program))
                : onPath(program).isPresent();
        if (!found) {
            throw new ConfigException(key(language) + ": '" + configured + "': " + program
                    + (program.contains(File.separator) ? " is not an executable file" : " is not on the PATH")
                    + " (expected: the command that runs "
                    + (language == FunctionTarget.Language.PYTHON ? "Python 3, e.g. python3)" : "Node.js, e.g. node)"));
        }
        return new Interpreter(language, List.copyOf(command), shimName(language));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
