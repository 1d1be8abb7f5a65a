package dev.switchboard.app;

import picocli.CommandLine.Command;

/** {@code switchboard version}: prints the version and the Java runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and exit.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        for (String line : new Versions().getVersion()) {
            System.out.println(line);
        }
    }
}
