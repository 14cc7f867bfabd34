package io.tokenbroker.system;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
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

  private LambdaEntryChild() {}

  public static void main(String[] args) throws Exception {
    RequestStreamHandler handler =
        (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    String hooks = hooks(handler);
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    String error = "-";
    try {
      handler.handleRequest(
          new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))), response, null);
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
