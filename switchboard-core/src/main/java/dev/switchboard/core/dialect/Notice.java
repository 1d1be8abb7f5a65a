package dev.switchboard.core.dialect;

/** Things the gateway may have to tell a client about one of its messages, in its dialect's words. */
public enum Notice {
    /** No function takes the message's route key and the route has no default function. */
    NO_ROUTE,
    /** The function that took the message failed, timed out or could not be reached. */
    FUNCTION_FAILED
}
