package dev.switchboard.bench;

import dev.switchboard.bench.scenario.Scenarios;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench <scenario> [options]}: runs one benchmark scenario, with the servers it measures
 * in child JVMs and the load generator in this one, and writes its figures as JSON and markdown.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // --help and --version for every scenario too
        description = "Switchboard benchmarks. Each scenario prints a markdown table and writes JSON.")
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line {@code args}; returns the exit status. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new BenchMain());
        Scenarios.all().forEach(commandLine::addSubcommand);
        return commandLine.execute(args);
    }
}
