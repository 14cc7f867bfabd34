package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.adapters.http.ApiGatewayEvents;
import io.tokenbroker.json.Json;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.VerifierPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The request limits at the authorizer, the same as the HTTP functions': an event at a limit with a
 * valid token is allowed, one over the limit is refused with REST's 401 ({@link
 * TokenAuthorizer.Unauthorized}) before the token is looked at, and the reason is logged.
 */
class TokenAuthorizerLimitsTest {

  static final String ISSUER = "https://broker.example.com/prod";
  static final String AUDIENCE = "https://orders.example.com";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final RSAKey RSA = TestKeys.rsa();
  static final String TOKEN = token();

  private final MutableClock clock = new MutableClock(NOW);
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final TokenAuthorizer authorizer =
      new TokenAuthorizer(
          new AccessTokenVerifier(
              new VerifierPolicy(
                  ISSUER,
                  AUDIENCE,
                  Set.of(JWSAlgorithm.RS256),
                  Duration.ofSeconds(60),
                  Duration.ofHours(1)),
              new CachingKeyResolver(
                  () -> List.of(RSA.toPublicJWK()), clock, Duration.ofMinutes(5), Duration.ZERO),
              new CachedRevocations(new InMemoryRevocations(), clock, Duration.ZERO, 100),
              clock),
          RouteRules.parse("{\"GET /orders/*\": [\"orders:read\"]}"),
          telemetry);

  static String token() {
    Map<String, Object> claims = TestTokens.claims(ISSUER, AUDIENCE, NOW);
    return TestTokens.token(RSA, TestTokens.header(RSA), claims);
  }

  /** A REST REQUEST authorizer event with exactly these headers, single- and multi-valued. */
  static Map<String, Object> restEvent(Map<String, String> headers) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    Map<String, List<String>> multi = new LinkedHashMap<>();
    headers.forEach((name, value) -> multi.put(name, List.of(value)));
    event.put("headers", headers);
    event.put("multiValueHeaders", multi);
    return event;
  }

  /** The bearer token and further headers up to {@code fields} header fields in all. */
  static Map<String, String> headers(int fields) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + TOKEN);
    for (int i = 1; i < fields; i++) {
      headers.put("X-H" + i, "v");
    }
    return headers;
  }

  private String answer(String event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    authorizer.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  private void assertAllowed(Map<String, Object> event) throws IOException, ParseException {
    assertAllowed(JSONObjectUtils.toJSONString(event));
  }

  @SuppressWarnings("unchecked")
  private void assertAllowed(String event) throws IOException, ParseException {
    Map<String, Object> policy =
        (Map<String, Object>) Json.object(answer(event)).get("policyDocument");
    assertThat((List<Map<String, Object>>) policy.get("Statement"))
        .allSatisfy(s -> assertThat(s).containsEntry("Effect", "Allow"));
  }

  private void assertUnauthorized(Map<String, Object> event, String reason) {
    assertUnauthorized(JSONObjectUtils.toJSONString(event), reason);
  }

  private void assertUnauthorized(String event, String reason) {
    assertThatThrownBy(() -> answer(event)).isInstanceOf(TokenAuthorizer.Unauthorized.class);
    assertThat(telemetry.named("authorizer.denied"))
        .last()
        .satisfies(e -> assertThat(e.fields()).containsEntry("reason", reason));
  }

  @Test
  void refusesOneHeaderFieldOverTheLimit() throws Exception {
    assertAllowed(restEvent(headers(ApiGatewayEvents.MAX_HEADER_FIELDS)));
    assertUnauthorized(
        restEvent(headers(ApiGatewayEvents.MAX_HEADER_FIELDS + 1)), "too_many_headers");
  }

  @Test
  void refusesOneHeaderFieldOverTheLimitInAnHttpApiEvent() throws Exception {
    Map<String, Object> event = EventFiles.load("authorizer/http-api-v2.json");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("authorization", "Bearer " + TOKEN);
    for (int i = 1; i <= ApiGatewayEvents.MAX_HEADER_FIELDS; i++) {
      headers.put("x-h" + i, "v");
    }
    event.put("headers", headers);

    assertUnauthorized(event, "too_many_headers");
  }

  @Test
  void refusesAHeaderValueOneCharacterOverTheLimit() throws Exception {
    Map<String, String> atLimit = headers(1);
    atLimit.put("X-Pad", "p".repeat(ApiGatewayEvents.MAX_HEADER_VALUE_CHARS));
    Map<String, String> over = headers(1);
    over.put("X-Pad", "p".repeat(ApiGatewayEvents.MAX_HEADER_VALUE_CHARS + 1));

    assertAllowed(restEvent(atLimit));
    assertUnauthorized(restEvent(over), "header_too_large");
  }

  @Test
  void refusesHeadersOneCharacterOverTheTotalLimit() throws Exception {
    Map<String, String> atLimit = headers(1);
    int used = "Authorization".length() + atLimit.get("Authorization").length();
    int rest = ApiGatewayEvents.MAX_HEADER_CHARS - used - "X-Pad1".length() - "X-Pad2".length();
    atLimit.put("X-Pad1", "p".repeat(rest / 2));
    atLimit.put("X-Pad2", "p".repeat(rest - rest / 2));
    Map<String, String> over = new LinkedHashMap<>(atLimit);
    over.put("X-Pad2", atLimit.get("X-Pad2") + "p");

    assertAllowed(restEvent(atLimit));
    assertUnauthorized(restEvent(over), "headers_too_large");
  }

  @Test
  void refusesATokenAuthorizersTokenOverTheHeaderValueLimitBeforeReadingIt() {
    Map<String, Object> event = EventFiles.load("authorizer/rest-token.json");
    String atLimit = "Bearer " + "a".repeat(ApiGatewayEvents.MAX_HEADER_VALUE_CHARS - 7);
    event.put("authorizationToken", atLimit);
    // At the limit the header passes, and the token's own, smaller cap refuses it.
    assertUnauthorized(event, "token_too_large");

    event.put("authorizationToken", atLimit + "a");
    assertUnauthorized(event, "header_too_large");
  }

  @Test
  void refusesAnEventNestedOneLevelTooDeep() throws Exception {
    String event = JSONObjectUtils.toJSONString(restEvent(headers(1)));

    assertAllowed(nested(event, Json.MAX_DEPTH));
    assertUnauthorized(nested(event, Json.MAX_DEPTH + 1), "event_too_deep");
  }

  /** The event with one more member, nested so that the event is {@code depth} levels deep. */
  static String nested(String event, int depth) {
    return "{\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "," + event.substring(1);
  }
}
