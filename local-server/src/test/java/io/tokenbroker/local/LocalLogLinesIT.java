package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.json.Json;
import io.tokenbroker.local.LocalBrokerOptions.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local server's log as a person reads it (the default) and as tools read it
 * (BROKER_LOG_FORMAT=json, Lambda's lines): the same events with the same fields, never a token.
 * Two servers on one moto, each writing to its own captured stdout.
 */
class LocalLogLinesIT {

  private static final PrintStream STDOUT = System.out;
  private static final ByteArrayOutputStream TEXT = new ByteArrayOutputStream();
  private static final ByteArrayOutputStream JSON = new ByteArrayOutputStream();
  private static final Pattern TEXT_LINE =
      Pattern.compile(
          "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (DEBUG|INFO |WARN |ERROR) [a-z-]{1,13} +[a-z_.]+( .*)?");

  private static LocalBroker text;
  private static LocalBroker json;
  private static String textToken;
  private static String jsonToken;

  @BeforeAll
  static void start() throws Exception {
    try {
      // Each server's functions take System.out as it is when the server starts.
      System.setOut(new PrintStream(TEXT, true, StandardCharsets.UTF_8));
      text = LocalBroker.start(LocalBrokerOptions.onPort(0));
      System.setOut(new PrintStream(JSON, true, StandardCharsets.UTF_8));
      json =
          LocalBroker.start(
              new LocalBrokerOptions(
                      0,
                      Optional.of(text.awsEndpoint()),
                      "tb-json-log-",
                      Optional.empty(),
                      Duration.ZERO)
                  .withLogFormat(LogFormat.JSON));
    } finally {
      System.setOut(STDOUT);
    }
    textToken = LocalAuthorizerFlowIT.demoToken(text, "demo:read");
    jsonToken = LocalAuthorizerFlowIT.demoToken(json, "demo:read");
    assertThat(LocalAuthorizerFlowIT.call(text, "GET", "/demo/hello", "not.a.token").statusCode())
        .isEqualTo(401);
    assertThat(LocalAuthorizerFlowIT.call(json, "GET", "/demo/hello", "not.a.token").statusCode())
        .isEqualTo(401);
  }

  @AfterAll
  static void stop() {
    if (json != null) {
      json.close();
    }
    if (text != null) {
      text.close();
    }
  }

  private static List<String> lines(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void writesReadableLinesByDefault() {
    assertThat(lines(TEXT))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).matches(TEXT_LINE))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(" INFO  token         token.issued ")
                    .contains(" client_id=local-workload"))
        .anySatisfy(line -> assertThat(line).contains(" authorizer    authorizer.denied reason="));
  }

  @Test
  void writesLambdasJsonLinesWhenAskedTo() throws Exception {
    List<String> lines = lines(JSON);
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(Json.object(line)).containsKeys("timestamp", "level", "event", "function");
    }
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"event\":\"token.issued\""));
  }

  @Test
  void bothFormatsCarryTheSameFieldsOfAnEvent() throws Exception {
    for (String event : List.of("token.issued", "authorizer.denied")) {
      Map<String, Object> jsonLine = firstJson(event);
      Set<String> jsonFields = new LinkedHashSet<>(jsonLine.keySet());
      jsonFields.removeAll(Set.of("timestamp", "level", "event", "function", "_aws"));
      jsonFields.removeIf(field -> Character.isUpperCase(field.charAt(0))); // EMF metric values
      // The invocation's ids: first in JSON, last in the text (after what the eye looks for); the
      // stack is always "local" here, and a warm start says nothing in the text.
      List<String> invocation = List.of("function_request_id", "correlation_id", "cold_start");
      assertThat(jsonLine).containsEntry("stack", "local").containsKeys("function_request_id");
      jsonFields.removeAll(Set.of("stack", "function_request_id", "correlation_id", "cold_start"));
      List<String> text = new java.util.ArrayList<>(textFields(firstText(event)));
      assertThat(text).as(event).contains("function_request_id");
      if (jsonLine.containsKey("correlation_id")) {
        assertThat(text).as(event).contains("correlation_id");
      }
      text.removeAll(invocation);

      assertThat(text).as(event).containsExactlyElementsOf(jsonFields);
    }
  }

  @Test
  void neverWritesAToken() {
    assertThat(textToken).isNotBlank();
    assertThat(TEXT.toString(StandardCharsets.UTF_8))
        .doesNotContain(textToken)
        .doesNotContain(textToken.substring(textToken.lastIndexOf('.') + 1));
    assertThat(JSON.toString(StandardCharsets.UTF_8))
        .doesNotContain(jsonToken)
        .doesNotContain(jsonToken.substring(jsonToken.lastIndexOf('.') + 1));
  }

  private static String firstText(String event) {
    return lines(TEXT).stream()
        .filter(line -> line.contains(" " + event + " "))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, Object> firstJson(String event) throws Exception {
    for (String line : lines(JSON)) {
      Map<String, Object> object = Json.object(line);
      if (event.equals(object.get("event"))) {
        return object;
      }
    }
    throw new AssertionError("no " + event + " line");
  }

  /** The keys of a text line's key=value fields, in order (values quoted where they need it). */
  private static List<String> textFields(String line) {
    Matcher field =
        Pattern.compile(" ([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)").matcher(line);
    List<String> keys = new java.util.ArrayList<>();
    while (field.find()) {
      keys.add(field.group(1));
    }
    return keys;
  }
}
