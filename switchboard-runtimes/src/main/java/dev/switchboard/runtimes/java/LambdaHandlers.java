package dev.switchboard.runtimes.java;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.json.Json;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS Lambda Java handlers run in-process: a method {@code handleRequest(I input, Context context)}
 * (as {@code RequestHandler<I, O>} declares it) whose second parameter is
 * {@code com.amazonaws.services.lambda.runtime.Context}. The event is converted to {@code I} (for
 * example {@code APIGatewayV2WebSocketEvent} from {@code aws-lambda-java-events}, or a
 * {@code Map}), and the returned {@code O} back to JSON. The gateway itself does not depend on the
 * Lambda libraries: the handler's classpath brings them, and the context is a proxy of its
 * {@code Context} interface.
 */
final class LambdaHandlers {
    /** The Lambda context interface, by name. */
    static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";

    private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";
    private static final Logger log = LoggerFactory.getLogger(LambdaHandlers.class);

    /** Reads events into handler types, ignoring fields the type lacks, as Lambda's runtime does. */
    static final ObjectMapper MAPPER =
            Json.mapper().copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LambdaHandlers() {}

    /** True for {@code (I input, Context context)}, not counting the erased bridge of {@code RequestHandler}. */
    static boolean isHandler(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        return parameters.length == 2 && parameters[1].getName().equals(CONTEXT) && !method.isBridge();
    }

    /** A Lambda {@code Context} for one invocation, backed by {@code invocation}. */
    static Object context(Class<?> contextType, FunctionContext invocation) {
        long deadline = System.nanoTime() + invocation.timeLimitInMs() * 1_000_000;
        ClassLoader loader = contextType.getClassLoader();
        return Proxy.newProxyInstance(
                loader, new Class<?>[] {contextType}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> invocation.requestId();
                    case "getFunctionName", "getLogGroupName", "getLogStreamName" -> invocation.functionName();
                    case "getFunctionVersion" -> "$LATEST";
                    case "getInvokedFunctionArn" ->
                        "arn:aws:lambda:local:000000000000:function:" + invocation.functionName();
                    case "getMemoryLimitInMB" -> 128;
                    case "getRemainingTimeInMillis" -> (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                    case "getLogger" -> logger(loader, invocation);
                    case "toString" -> "LambdaContext[" + invocation.requestId() + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> defaultValue(method.getReturnType());
                });
    }

    private static @Nullable Object logger(@Nullable ClassLoader loader, FunctionContext invocation) {
        Class<?> type;
        try {
            type = Class.forName(LOGGER, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("log") && args != null && args.length > 0) {
                Object line = args[0] instanceof byte[] bytes
                        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                        : args[0];
                log.info("{} request={}: {}", invocation.functionName(), invocation.requestId(), line);
                return null;
            }
            return defaultValue(method.getReturnType());
        });
    }

    private static @Nullable Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class) {
            return type == long.class ? (Object) 0L : (Object) 0;
        }
        if (type == double.class || type == float.class) {
            return type == float.class ? (Object) 0f : (Object) 0d;
        }
        return null;
    }
}
