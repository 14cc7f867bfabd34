package io.tokenbroker.functions.detector;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.nimbusds.jose.util.JSONObjectUtils;
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
import io.tokenbroker.errors.ServiceFailure;
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
 * batch of the token and authorizer functions' lines. Each input goes through {@link Detection}. A
 * stream batch answers with a partial batch response naming its first failed record (the mapping
 * retries from there, then sends it to the on-failure queue); a failed log batch fails the
 * invocation (Lambda retries it twice, then sends it to the on-failure destination).
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
    Map<String, Object> event;
    List<Input> inputs;
    List<DetectorInputs.StreamRecord> records;
    try {
      event = BoundedEventReader.readJson(in);
      records = event.containsKey("awslogs") ? null : DetectorInputs.streamRecords(event);
      inputs = records == null ? DetectorInputs.fromSubscription(event) : List.of();
    } catch (ParseException e) {
      // Not a batch it can ever read: retrying would not help.
      telemetry.emit(TelemetryEvent.error("detector.unreadable").with("detail", e.getMessage()));
      out.write("{\"read\":0}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (records != null) {
      stream(records, out);
      return;
    }
    // A log batch is all or nothing: Lambda retries the asynchronous invocation, then sends it to
    // the on-failure destination.
    int findings = 0;
    for (Input input : inputs) {
      findings += apply(input);
    }
    batch(inputs.size(), findings);
    out.write(
        ("{\"read\":" + inputs.size() + ",\"findings\":" + findings + "}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A stream batch, record by record; on a failure, a partial batch response naming the failed
   * record, so the event source mapping retries from there and the records before it (already
   * counted in baselines) are not observed again.
   */
  private void stream(List<DetectorInputs.StreamRecord> records, OutputStream out)
      throws IOException {
    int findings = 0;
    int done = 0;
    String failed = null;
    for (DetectorInputs.StreamRecord record : records) {
      try {
        if (record.input().isPresent()) {
          findings += apply(record.input().get());
        }
        done++;
      } catch (ServiceFailure e) {
        telemetry.emit(
            TelemetryEvent.warn("detector.retry")
                .with("dependency", e.dependency())
                .with("done", done));
        failed = record.sequenceNumber();
        break;
      }
    }
    batch(done, findings);
    String failures =
        failed == null ? "" : JSONObjectUtils.toJSONString(Map.of("itemIdentifier", failed));
    out.write(("{\"batchItemFailures\":[" + failures + "]}").getBytes(StandardCharsets.UTF_8));
  }

  private int apply(Input input) {
    return switch (input) {
      case Input.Observe observe -> detection.observe(observe.event()).size();
      case Input.Forward forward -> {
        detection.forward(forward.alert());
        yield 0;
      }
    };
  }

  private void batch(int inputs, int findings) {
    telemetry.emit(
        TelemetryEvent.info("detector.batch")
            .with("inputs", inputs)
            .with("findings", findings)
            .count("DetectorFindings"));
  }
}
