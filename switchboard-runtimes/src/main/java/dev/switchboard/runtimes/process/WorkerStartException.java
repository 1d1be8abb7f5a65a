package dev.switchboard.runtimes.process;

/** A worker process could not be started or could not load its handler file. */
final class WorkerStartException extends Exception {
    private final String traceback;

    WorkerStartException(String message, String traceback) {
        super(message, null, false, false);
        this.traceback = traceback;
    }

    /** The handler language's own traceback, empty when there is none. */
    String traceback() {
        return traceback;
    }
}
