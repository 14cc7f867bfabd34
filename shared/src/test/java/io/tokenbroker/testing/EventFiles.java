package io.tokenbroker.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample API Gateway events in the repository's {@code events/} folder (the same files {@code
 * sam local invoke -e} takes), and a way to run a stream handler on one.
 */
public final class EventFiles {

  /** A Lambda stream handler with the Context left out (our handlers do not use it). */
  @FunctionalInterface
  public interface StreamFunction {
    void handle(InputStream in, OutputStream out) throws IOException;
  }

  private EventFiles() {}

  /** The repository root, as the build passes it (or the working directory's parent chain). */
  public static Path projectRoot() {
    String configured = System.getProperty("broker.projectRoot");
    if (configured != null) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the project root (template.yaml)");
    }
    return dir;
  }

  /** A mutable copy of {@code events/<name>}. */
  public static Map<String, Object> load(String name) {
    Path file = projectRoot().resolve("events").resolve(name);
    try {
      return JSONObjectUtils.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new IllegalStateException("not JSON: " + file, e);
    }
  }

  /**
   * A minimal REST API proxy event: a form POST to {@code route}, signed by {@code iamCallerArn} as
   * API Gateway would report it on an AWS_IAM route (empty: no IAM identity).
   */
  public static Map<String, Object> formPost(
      String route, java.util.Optional<String> iamCallerArn, String body) {
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("sourceIp", "203.0.113.10");
    identity.put("userAgent", "fuzz/1");
    iamCallerArn.ifPresent(arn -> identity.put("userArn", arn));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    context.put("apiId", "abcdef1234");
    context.put("stage", "prod");
    context.put("identity", identity);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("resource", route);
    event.put("path", route);
    event.put("httpMethod", "POST");
    event.put("headers", Map.of("Content-Type", "application/x-www-form-urlencoded"));
    event.put("requestContext", context);
    event.put("body", body);
    event.put("isBase64Encoded", false);
    return event;
  }

  /** Runs the handler on the event and returns its response as JSON. */
  public static Map<String, Object> invoke(StreamFunction handler, Map<String, Object> event) {
    return invokeRaw(handler, JSONObjectUtils.toJSONString(event));
  }

  /** Runs the handler on raw input (which may be anything, not only an event). */
  public static Map<String, Object> invokeRaw(StreamFunction handler, String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handle(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
      return JSONObjectUtils.parse(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new IllegalStateException("handler wrote something that is not JSON", e);
    }
  }

  /** The response's body parsed as a JSON object. */
  public static Map<String, Object> body(Map<String, Object> response) {
    try {
      return JSONObjectUtils.parse((String) response.get("body"));
    } catch (ParseException e) {
      throw new IllegalStateException("body is not a JSON object", e);
    }
  }

  /** The response's headers. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> headers(Map<String, Object> response) {
    return new LinkedHashMap<>((Map<String, String>) response.get("headers"));
  }
}
