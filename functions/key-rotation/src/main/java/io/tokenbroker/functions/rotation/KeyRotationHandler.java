package io.tokenbroker.functions.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.keys.KeyRotationService.RotationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Runs one step of the signing-key lifecycle on the EventBridge schedule. The event's content is
 * not used: what is due depends only on the key table and the clock. Failures propagate (the
 * scheduled invocation is retried; the next run repairs anything half done).
 */
public final class KeyRotationHandler implements RequestStreamHandler {

  private final KeyRotationService rotation;
  private final InvocationScope invocation = new InvocationScope();

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public KeyRotationHandler() {
    this(
        KeyRotationWiring.fromEnvironment(
                Env.system(),
                Clock.systemUTC(),
                JsonLinesTelemetry.forFunction(Env.system(), "key-rotation"))
            .rotation());
  }

  /** With its dependency: for tests and the local server ({@link KeyRotationWiring} builds it). */
  public KeyRotationHandler(KeyRotationService rotation) {
    this.rotation = rotation;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    invocation.begin(context == null ? null : context.getAwsRequestId());
    try {
      in.readAllBytes();
      RotationReport report = rotation.rotate(false);
      out.write(
          JSONObjectUtils.toJSONString(Map.of("ran", report.ran(), "actions", report.actions()))
              .getBytes(StandardCharsets.UTF_8));
    } finally {
      invocation.end();
    }
  }
}
