package dev.switchboard.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code switchboard} command: {@code serve}, {@code demo}, {@code check}, {@code version},
 * {@code --help} on each. Without a command it prints the usage and exits with status 2.
 */
@Command(
        name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "A self-hosted WebSocket gateway for serverless backends.",
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            CheckCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        System.exit(commandLine().execute(args));
    }

    /**
     * An {@link Error} (out of memory, a stack overflow, a linkage failure) leaves a thread, an
     * event loop most likely, that can no longer serve its connections: the process ends at once
     * with one FATAL line, so a supervisor restarts it and {@code state-dir} recovery delivers the
     * cleanups. A half-dead process is worse than a dead one. Other exceptions only end their
     * thread, as by default.
     */
    private static void uncaught(Thread thread, Throwable error) {
        if (error instanceof Error) {
            FatalError.exit(thread.getName(), error);
        }
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        error.printStackTrace();
    }

    /** The configured command line, also used by tests. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return CommandLine.ExitCode.USAGE;
    }
}
