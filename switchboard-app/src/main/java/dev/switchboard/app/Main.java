package dev.switchboard.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command: {@code serve}, {@code demo}, {@code version}, {@code --help} on each. */
@Command(
        name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "A self-hosted WebSocket gateway for serverless backends.",
        subcommands = {ServeCommand.class, DemoCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
