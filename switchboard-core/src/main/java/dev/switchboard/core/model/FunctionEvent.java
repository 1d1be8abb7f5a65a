package dev.switchboard.core.model;

/** An event in a connection's life that a function is invoked with. */
public sealed interface FunctionEvent permits ConnectEvent, MessageEvent, CloseEvent, PresenceEvent {
    /** Where the event comes from, with this invocation's request id. */
    RequestContext requestContext();

    /** The connection the event is about. */
    String connectionId();
}
