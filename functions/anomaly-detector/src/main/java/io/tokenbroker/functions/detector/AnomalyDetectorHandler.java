package io.tokenbroker.functions.detector;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.detection.DetectorInputs;
import io.tokenbroker.adapters.detection.DetectorInputs.Input;
import io.tokenbroker.adapters.http.BoundedEventReader;
import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.adapters.wiring.DetectorWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.detection.Detection;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The anomaly detector: a batch of the issuances table's stream, or a CloudWatch Logs subscription
 * batch of the token and authorizer functions' lines. Each input goes through {@link Detection}; a
 * failure fails the batch (the event source mapping retries it, halving it on each error, then
 * sends it to the on-failure queue). Every step is safe to repeat.
 */
public final class AnomalyDetectorHandler implements RequestStreamHandler {

  private final Detection detection;
  private final Telemetry telemetry;
  private final InvocationScope invocation = new InvocationScope();

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public AnomalyDetectorHandler() {
    this(Env.system(), JsonLinesTelemetry.forFunction(Env.system(), "anomaly-detector"));
  }

  private AnomalyDetectorHandler(Env env, Telemetry telemetry) {
    this(
        DetectorWiring.fromEnvironment(
                env,
                Clock.systemUTC(),
                config -> {
                  AwsSettings aws = AwsSettings.from(env, ClientTimeouts.background());
                  return new SnsEventBridgeSecurityAlerts(
                      AwsClients.build(SnsClient.builder(), aws),
                      config.alarmTopicArn().orElseThrow(() -> Env.notSet("ALARM_TOPIC_ARN")),
                      AwsClients.build(EventBridgeClient.builder(), aws),
                      config.eventBus(),
                      new LoggedSecurityAlerts(telemetry));
                })
            .detection(),
        telemetry);
  }

  /** With its dependencies: for tests and the local server. */
  public AnomalyDetectorHandler(Detection detection, Telemetry telemetry) {
    this.detection = detection;
    this.telemetry = telemetry;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    invocation.begin(context == null ? null : context.getAwsRequestId());
    try {
      detect(in, out);
    } finally {
      invocation.end();
    }
  }

  /** One batch; its lines carry the invocation's ids ({@link InvocationScope}). */
  private void detect(InputStream in, OutputStream out) throws IOException {
    List<Input> inputs;
    try {
      Map<String, Object> event = BoundedEventReader.readJson(in);
      inputs =
          event.containsKey("awslogs")
              ? DetectorInputs.fromSubscription(event)
              : DetectorInputs.fromStream(event);
    } catch (ParseException e) {
      // Not a batch it can ever read: retrying would not help.
      telemetry.emit(TelemetryEvent.error("detector.unreadable").with("detail", e.getMessage()));
      out.write("{\"read\":0}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    int findings = 0;
    for (Input input : inputs) {
      switch (input) {
        case Input.Observe observe -> findings += detection.observe(observe.event()).size();
        case Input.Forward forward -> detection.forward(forward.alert());
      }
    }
    telemetry.emit(
        TelemetryEvent.info("detector.batch")
            .with("inputs", inputs.size())
            .with("findings", findings)
            .count("DetectorFindings"));
    out.write(
        ("{\"read\":" + inputs.size() + ",\"findings\":" + findings + "}")
            .getBytes(StandardCharsets.UTF_8));
  }
}
