package dev.switchboard.runtimes.java;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.core.function.FunctionTarget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates invokers for {@code java:fully.qualified.Class#method} targets. The method takes the
 * event ({@code JsonNode}, {@code ObjectNode} or {@code Map<String, Object>}) and optionally a
 * {@link FunctionContext}; it returns the response (any Jackson-serialisable value, or null).
 * An AWS Lambda handler method ({@code handleRequest(input, Context)}) works too: see
 * {@link LambdaHandlers}.
 * A method returning {@link CompletionStage} is called on the connection's event loop and must
 * not block; any other method runs on a bounded pool shared by all Java functions.
 */
public final class JavaFunctionInvokerFactory implements FunctionInvokerFactory, AutoCloseable {
    /** Threads for blocking Java functions. */
    public static final int DEFAULT_THREADS = 16;
    /** Calls waiting for a thread; beyond this a call fails at once instead of piling up. */
    public static final int DEFAULT_QUEUE = 1024;

    private final ClassLoader classLoader;
    private final ExecutorService blockingPool;

    public JavaFunctionInvokerFactory() {
        this(Thread.currentThread().getContextClassLoader(), DEFAULT_THREADS, DEFAULT_QUEUE);
    }

    public JavaFunctionInvokerFactory(ClassLoader classLoader, int threads, int queue) {
        this.classLoader = classLoader;
        AtomicInteger counter = new AtomicInteger();
        this.blockingPool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), runnable -> {
                    Thread thread = new Thread(runnable, "switchboard-java-fn-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public Optional<FunctionInvoker> create(FunctionTarget target) {
        if (!(target instanceof FunctionTarget.Java java)) {
            return Optional.empty();
        }
        Class<?> type;
        try {
            type = Class.forName(java.className(), true, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(
                    "'" + target.spec() + "': class " + java.className() + " not found on the classpath");
        }
        Method method = findMethod(type, java);
        Object instance = null;
        if (!Modifier.isStatic(method.getModifiers())) {
            try {
                instance = type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new ConfigException("'" + target.spec() + "': " + type.getName()
                        + " needs a public no-argument constructor (or make the method static)");
            } catch (RuntimeException e) {
                throw new ConfigException("'" + target.spec() + "': constructor failed: " + e);
            }
        }
        return Optional.of(new JavaFunctionInvoker(target.spec(), instance, method, blockingPool));
    }

    private static Method findMethod(Class<?> type, FunctionTarget.Java java) {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(java.methodName()) && acceptsEvent(method)) {
                return method;
            }
        }
        for (Method method : type.getMethods()) {
            if (method.getName().equals(java.methodName()) && LambdaHandlers.isHandler(method)) {
                return method;
            }
        }
        throw new ConfigException("'" + java.spec() + "': no public method " + java.methodName()
                + "(JsonNode|ObjectNode|Map event[, FunctionContext context]) or " + java.methodName()
                + "(input, com.amazonaws.services.lambda.runtime.Context context) in " + type.getName());
    }

    private static boolean acceptsEvent(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        if (parameters.length < 1 || parameters.length > 2) {
            return false;
        }
        boolean event =
                parameters[0] == JsonNode.class || parameters[0] == ObjectNode.class || parameters[0] == Map.class;
        return event && (parameters.length == 1 || parameters[1] == FunctionContext.class);
    }

    /** Stops the blocking pool. */
    @Override
    public void close() {
        blockingPool.shutdownNow();
    }

    /** Unwraps reflection's wrapper to the function's own exception. */
    static Throwable unwrap(Throwable error) {
        return error instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : error;
    }
}
