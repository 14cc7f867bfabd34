package io.tokenbroker.system;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Lambda does with a handler class, in a JVM of its own: construct it with its no-argument
 * constructor (the environment is the process's) and serve one event. Writes to the file named by
 * the third argument whether the constructor registered SnapStart hooks ({@code hooks registered},
 * {@code hooks missing}, or {@code no hooks} for a handler without SnapStart), a line break, the
 * exception's class name or {@code -}, a line break, and the response (the handler's logs go to
 * standard output).
 */
public final class LambdaEntryChild {

  static final String REQUEST_ID = "8f5e4f4e-0b9c-4c5e-9d1e-1d2f3a4b5c6d";
  static final String TRACE_HEADER =
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  static final String INVOCATION_MARKER = "--- invocation ---";

  private LambdaEntryChild() {}

  /** A Lambda context with a request id; nothing else is read by the handlers. */
  private static Context context(String requestId) {
    return (Context)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAwsRequestId" -> requestId;
                  case "getFunctionName" -> "test";
                  case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 10_000;
                  default -> null;
                });
  }

  public static void main(String[] args) throws Exception {
    RequestStreamHandler handler =
        (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    String hooks = hooks(handler);
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    String error = "-";
    // As Lambda's Java runtime: the trace header as a system property, the request id in the
    // context; a marker on stdout so the test knows which lines the invocation wrote.
    System.setProperty("com.amazonaws.xray.traceHeader", TRACE_HEADER);
    System.out.println(INVOCATION_MARKER);
    try {
      handler.handleRequest(
          new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))),
          response,
          context(REQUEST_ID));
    } catch (RuntimeException e) {
      error = e.getClass().getName();
    }
    Files.writeString(
        Path.of(args[2]), hooks + "\n" + error + "\n" + response.toString(StandardCharsets.UTF_8));
    System.exit(0);
  }

  /** What the handler's package-private {@code snapStartHooks()} holds, if it has one. */
  private static String hooks(Object handler) throws ReflectiveOperationException {
    Method accessor;
    try {
      accessor = handler.getClass().getDeclaredMethod("snapStartHooks");
    } catch (NoSuchMethodException noSnapStart) {
      return "no hooks";
    }
    accessor.setAccessible(true);
    return accessor.invoke(handler) != null ? "hooks registered" : "hooks missing";
  }
}
