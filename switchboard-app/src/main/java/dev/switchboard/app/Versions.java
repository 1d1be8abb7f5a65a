package dev.switchboard.app;

import picocli.CommandLine;

/** The version, read from the jar's manifest ({@code dev} when run from classes). */
final class Versions implements CommandLine.IVersionProvider {
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"switchboard " + version(), "Java " + Runtime.version()};
    }
}
