package io.tokenbroker.adapters.detection;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.alerts.SecurityAlert;
import io.tokenbroker.detection.DetectionEvent;
import io.tokenbroker.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * What the detector reads, turned into its inputs: NEW_IMAGEs of the issuances table's stream
 * (DynamoDB JSON), and the token and authorizer functions' log lines, from a CloudWatch Logs
 * subscription ({@code awslogs.data}: base64 of gzip of JSON) or, on the local server, as they are
 * written. Lines it has no use for are skipped; a line that does not parse is skipped too (a log is
 * not a trusted input, and one odd line must not stall the stream).
 */
public final class DetectorInputs {

  /** A subscription's decoded batch is far below this; more is not a log batch. */
  private static final int MAX_DECODED = 8 * 1024 * 1024;

  private DetectorInputs() {}

  /** One input: an event to observe, or an alert another function logged, to forward. */
  public sealed interface Input {
    record Observe(DetectionEvent event) implements Input {}

    record Forward(SecurityAlert alert) implements Input {}
  }

  /**
   * One record of a DynamoDB Streams batch: its {@code SequenceNumber} (what a partial batch
   * response names) and its input, if it is an issuance.
   */
  public record StreamRecord(String sequenceNumber, Optional<Input> input) {}

  /** The issuances in a DynamoDB Streams batch (INSERTs with their NEW_IMAGE). */
  public static List<Input> fromStream(Map<String, Object> event) throws ParseException {
    List<Input> inputs = new ArrayList<>();
    for (StreamRecord record : streamRecords(event)) {
      record.input().ifPresent(inputs::add);
    }
    return inputs;
  }

  /** Every record of a DynamoDB Streams batch, in order, with its sequence number. */
  public static List<StreamRecord> streamRecords(Map<String, Object> event) throws ParseException {
    List<StreamRecord> records = new ArrayList<>();
    for (Map<String, Object> record : objects(event, "Records")) {
      Map<String, Object> dynamodb = JSONObjectUtils.getJSONObject(record, "dynamodb");
      String sequence =
          dynamodb != null && dynamodb.get("SequenceNumber") instanceof String s ? s : "";
      Map<String, Object> image =
          dynamodb == null ? null : JSONObjectUtils.getJSONObject(dynamodb, "NewImage");
      Optional<Input> input =
          !"INSERT".equals(record.get("eventName")) || image == null
              ? Optional.empty()
              : issued(image).map(Input.Observe::new);
      records.add(new StreamRecord(sequence, input));
    }
    return records;
  }

  private static Optional<DetectionEvent> issued(Map<String, Object> image) {
    Optional<String> client = string(image, "client_id");
    Optional<String> jti = string(image, "jti");
    Optional<String> iat = number(image, "iat");
    if (client.isEmpty() || jti.isEmpty() || iat.isEmpty() || !iat.get().matches("\\d{1,12}")) {
      return Optional.empty();
    }
    List<String> audiences = new ArrayList<>();
    if (image.get("aud") instanceof Map<?, ?> aud && aud.get("L") instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof Map<?, ?> m && m.get("S") instanceof String s) {
          audiences.add(s);
        }
      }
    }
    String scope = string(image, "scope").orElse("");
    return Optional.of(
        new DetectionEvent.Issued(
            client.get(),
            jti.get(),
            Instant.ofEpochSecond(Long.parseLong(iat.get())),
            string(image, "source_ip").orElse(""),
            string(image, "user_agent").orElse(""),
            string(image, "auth_method").orElse(""),
            scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" ")),
            audiences));
  }

  /** The lines of a CloudWatch Logs subscription event ({@code awslogs.data}). */
  public static List<Input> fromSubscription(Map<String, Object> event)
      throws ParseException, IOException {
    Map<String, Object> awslogs = JSONObjectUtils.getJSONObject(event, "awslogs");
    String data = JSONObjectUtils.getString(awslogs, "data");
    byte[] decoded;
    try (InputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(data)))) {
      decoded = in.readNBytes(MAX_DECODED + 1);
    }
    if (decoded.length > MAX_DECODED) {
      throw new ParseException("log subscription batch too large", 0);
    }
    Map<String, Object> batch = Json.object(new String(decoded, StandardCharsets.UTF_8));
    if (!"DATA_MESSAGE".equals(batch.get("messageType"))) {
      return List.of(); // CONTROL_MESSAGE: CloudWatch checking the destination
    }
    List<Input> inputs = new ArrayList<>();
    for (Map<String, Object> logEvent : objects(batch, "logEvents")) {
      Object message = logEvent.get("message");
      Object timestamp = logEvent.get("timestamp");
      Instant at =
          timestamp instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : Instant.EPOCH;
      if (message instanceof String line) {
        fromLine(line, at).ifPresent(inputs::add);
      }
    }
    return inputs;
  }

  /**
   * One log line, if it is one the detector reads: {@code request.rejected} (a refusal it counts),
   * {@code authorizer.verified} (a token's use), {@code security.alert} (to forward). The line's
   * own {@code timestamp} is the event's time; {@code fallback} when it has none.
   */
  public static Optional<Input> fromLine(String line, Instant fallback) {
    int start = line.indexOf('{');
    if (start < 0) {
      return Optional.empty();
    }
    Map<String, Object> fields;
    try {
      fields = Json.object(line.substring(start));
    } catch (ParseException e) {
      return Optional.empty();
    }
    Instant at = text(fields, "timestamp").flatMap(DetectorInputs::instant).orElse(fallback);
    String event = text(fields, "event").orElse("");
    return switch (event) {
      case "request.rejected" -> refused(fields, at).map(Input.Observe::new);
      case "authorizer.verified" -> {
        Optional<String> client = text(fields, "client_id");
        Optional<String> jti = text(fields, "jti");
        yield client.isPresent() && jti.isPresent()
            ? Optional.of(
                new Input.Observe(
                    new DetectionEvent.Used(
                        client.get(), jti.get(), at, text(fields, "source_ip").orElse(""))))
            : Optional.empty();
      }
      case "security.alert" -> alert(fields, at).map(Input.Forward::new);
      default -> Optional.empty();
    };
  }

  /** The refusals the rules count, by the name the rules use; others are not read. */
  private static Optional<DetectionEvent> refused(Map<String, Object> fields, Instant at) {
    String reason = text(fields, "reason").orElse("");
    String error = text(fields, "error").orElse("");
    String kind;
    if (reason.equals("refresh_token_reused") || reason.equals("assertion_replayed")) {
      kind = reason;
    } else if (error.equals("invalid_scope") || error.equals("invalid_client")) {
      kind = error;
    } else {
      return Optional.empty();
    }
    return Optional.of(
        new DetectionEvent.Refused(
            text(fields, "client_id"), kind, at, text(fields, "source_ip").orElse("")));
  }

  private static Optional<SecurityAlert> alert(Map<String, Object> fields, Instant at) {
    Optional<AlertKind> kind =
        text(fields, "alert")
            .flatMap(
                name ->
                    Arrays.stream(AlertKind.values())
                        .filter(k -> k.eventName().equals(name))
                        .findFirst());
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> evidence = new LinkedHashMap<>();
    fields.forEach(
        (name, value) -> {
          if (name.startsWith("evidence_") && value != null) {
            evidence.put(name.substring("evidence_".length()), String.valueOf(value));
          }
        });
    Instant occurred = text(fields, "occurred_at").flatMap(DetectorInputs::instant).orElse(at);
    return Optional.of(
        new SecurityAlert(kind.get(), text(fields, "client_id"), occurred, evidence));
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> text(Map<String, Object> fields, String name) {
    return fields.get(name) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
  }

  private static Optional<String> string(Map<String, Object> image, String name) {
    return image.get(name) instanceof Map<?, ?> m && m.get("S") instanceof String s
        ? Optional.of(s)
        : Optional.empty();
  }

  private static Optional<String> number(Map<String, Object> image, String name) {
    return image.get(name) instanceof Map<?, ?> m && m.get("N") instanceof String s
        ? Optional.of(s)
        : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> objects(Map<String, Object> object, String name) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (object.get(name) instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof Map<?, ?> map) {
          out.add((Map<String, Object>) map);
        }
      }
    }
    return out;
  }
}
