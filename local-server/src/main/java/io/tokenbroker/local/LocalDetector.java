package io.tokenbroker.local;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.detection.DetectorInputs;
import io.tokenbroker.adapters.detection.DetectorInputs.Input;
import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.adapters.wiring.DetectorWiring;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.alerts.SecurityAlerts;
import io.tokenbroker.config.DetectorConfig;
import io.tokenbroker.config.Env;
import io.tokenbroker.detection.Detection;
import io.tokenbroker.telemetry.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The anomaly detector on the local server, fed as in AWS: the issuances table's stream from moto
 * (DynamoDB Streams: DescribeStream, GetShardIterator, GetRecords), and the token and authorizer
 * functions' log lines as they are written, filtered as the stack's subscription filters filter
 * them (the documented local equivalent of a CloudWatch Logs subscription). Both go through the
 * detector function's own parsing ({@link DetectorInputs}) and {@link Detection}. Alerts go to the
 * log, and are kept for tests ({@link #alerts()}).
 */
final class LocalDetector {

  /** The lines the stack's subscription filters pass, per function. */
  private static final Map<String, Set<String>> SUBSCRIBED =
      Map.of(
          "token", Set.of("request.rejected", "security.alert"),
          "authorizer", Set.of("authorizer.verified", "security.alert"),
          "revocation", Set.of("security.alert"),
          "introspection", Set.of("security.alert"));

  private final Detection detection;
  private final DynamoDbStreamsClient streams;
  private final DynamoDbClient dynamoDb;
  private final String issuancesTable;
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final Map<String, String> iterators = new HashMap<>();
  private final List<SecurityAlert> raised = new CopyOnWriteArrayList<>();
  private final Telemetry telemetry;

  LocalDetector(Env env, BrokerTables tables, Telemetry telemetry) {
    this.telemetry = telemetry;
    AwsSettings aws = AwsSettings.from(env, ClientTimeouts.background());
    BrokerAdapters adapters = new BrokerAdapters(aws);
    this.dynamoDb = adapters.dynamoDb();
    this.streams = AwsClients.build(DynamoDbStreamsClient.builder(), aws);
    this.issuancesTable = tables.issuances();
    SecurityAlerts logged = new io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts(telemetry);
    this.detection =
        new DetectorWiring(
                adapters,
                tables,
                DetectorConfig.from(env),
                new SecurityAlerts() {
                  @Override
                  public void raise(SecurityAlert alert) {
                    logged.raise(alert);
                    raised.add(alert);
                  }

                  @Override
                  public void forward(SecurityAlert alert) {
                    raised.add(alert); // logged by the function that raised it
                  }
                },
                Clock.systemUTC())
            .detection();
    enableStream();
  }

  /** As template.yaml's StreamSpecification (the provisioner creates plain tables). */
  private void enableStream() {
    var described = dynamoDb.describeTable(r -> r.tableName(issuancesTable)).table();
    if (described.streamSpecification() == null
        || !Boolean.TRUE.equals(described.streamSpecification().streamEnabled())) {
      dynamoDb.updateTable(
          r ->
              r.tableName(issuancesTable)
                  .streamSpecification(
                      s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
    }
  }

  /**
   * The function's telemetry, with the lines its subscription filter passes copied to the detector
   * (as JSON lines, whatever the local log format).
   */
  Telemetry tap(String function, Telemetry delegate) {
    Set<String> wanted = SUBSCRIBED.get(function);
    JsonLinesTelemetry json =
        new JsonLinesTelemetry(
            new PrintStream(new LineSink(), true, StandardCharsets.UTF_8),
            Clock.systemUTC(),
            function);
    return event -> {
      delegate.emit(event);
      if (wanted.contains(event.name())) {
        json.emit(event);
      }
    };
  }

  /** What the detector raised since the server started (the log has them too). */
  List<SecurityAlert> alerts() {
    return List.copyOf(raised);
  }

  /** One round: new stream records, then the lines written since the last round. */
  void poll() {
    try {
      for (Input input : streamInputs()) {
        apply(input);
      }
      for (String line = lines.peek(); line != null; line = lines.peek()) {
        DetectorInputs.fromLine(line, Instant.now()).ifPresent(this::apply);
        lines.poll(); // only once applied: a failure retries the line next round
      }
    } catch (RuntimeException e) {
      telemetry.emit(
          io.tokenbroker.telemetry.TelemetryEvent.error("detector.failed")
              .with("detail", String.valueOf(e.getMessage())));
    }
  }

  private void apply(Input input) {
    switch (input) {
      case Input.Observe observe -> detection.observe(observe.event());
      case Input.Forward forward -> detection.forward(forward.alert());
    }
  }

  private List<Input> streamInputs() {
    String arn = dynamoDb.describeTable(r -> r.tableName(issuancesTable)).table().latestStreamArn();
    if (arn == null) {
      return List.of();
    }
    List<Object> records = new ArrayList<>();
    for (var shard : streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards()) {
      String iterator =
          iterators.computeIfAbsent(
              shard.shardId(),
              id ->
                  streams
                      .getShardIterator(
                          r ->
                              r.streamArn(arn)
                                  .shardId(id)
                                  .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                      .shardIterator());
      var page = streams.getRecords(r -> r.shardIterator(iterator));
      if (page.nextShardIterator() != null) {
        iterators.put(shard.shardId(), page.nextShardIterator());
      }
      for (var record : page.records()) {
        if (record.dynamodb() != null && record.dynamodb().hasNewImage()) {
          Map<String, Object> dynamodb = new LinkedHashMap<>();
          dynamodb.put("NewImage", typed(record.dynamodb().newImage()));
          records.add(Map.of("eventName", record.eventNameAsString(), "dynamodb", dynamodb));
        }
      }
    }
    try {
      return DetectorInputs.fromStream(Map.of("Records", records));
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An item as DynamoDB Streams' Lambda events write it (DynamoDB JSON). */
  private static Map<String, Object> typed(Map<String, AttributeValue> item) {
    Map<String, Object> out = new LinkedHashMap<>();
    item.forEach((name, value) -> out.put(name, typed(value)));
    return out;
  }

  private static Map<String, Object> typed(AttributeValue value) {
    if (value.s() != null) {
      return Map.of("S", value.s());
    }
    if (value.n() != null) {
      return Map.of("N", value.n());
    }
    if (value.hasL()) {
      return Map.of("L", value.l().stream().map(LocalDetector::typed).toList());
    }
    if (value.bool() != null) {
      return Map.of("BOOL", value.bool());
    }
    if (value.hasM()) {
      return Map.of("M", typed(value.m()));
    }
    return Map.of("NULL", true);
  }

  /** Splits what JsonLinesTelemetry writes into lines for the detector. */
  private final class LineSink extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
