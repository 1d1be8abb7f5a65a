package dev.switchboard.runtimes.java;

/**
 * What an in-process Java function may want to know about its invocation; the second, optional
 * parameter of a function method.
 *
 * @param requestId this invocation's request id, also in the event's {@code requestContext}
 * @param functionName the target as written in config
 * @param timeLimitInMs the invocation timeout
 */
public record FunctionContext(String requestId, String functionName, long timeLimitInMs) {}
