package dev.switchboard.app;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The end of the process after an {@link Error}: one FATAL line on standard error, then exit
 * status {@value #EXIT_STATUS} without running shutdown hooks, so a supervisor restarts the node
 * and {@code state-dir} recovery delivers the cleanups. A half-dead process is worse than a dead
 * one.
 */
public final class FatalError {
    /** The exit status after an {@link Error} on any thread (EX_SOFTWARE of sysexits.h). */
    public static final int EXIT_STATUS = 70;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private FatalError() {}

    /** Writes the FATAL line naming {@code threadName} and {@code error}, then halts the JVM. */
    public static void exit(String threadName, Throwable error) {
        PrintStream err = System.err;
        err.println(LocalTime.now().format(TIME) + " FATAL " + threadName + " - " + error + "; exiting");
        err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
