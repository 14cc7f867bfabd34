package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.access.RouteRule;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.verify.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadFeature;

/**
 * Issue 13: the answer written from precomputed parts has the content the map-and-Gson builder of
 * before gave ({@link #before}, kept here verbatim as the oracle), on random tokens whose strings
 * hold what JSON must escape, and is one strict JSON object (another parser, duplicates refused).
 */
class AuthorizerResponsesDifferentialTest {

  private static final RouteRules ROUTES =
      RouteRules.parse(
          """
          {"GET /orders/*": ["orders:read"], "POST /orders": ["orders:write"], "* /health": [],
           "DELETE /orders/*": ["orders:admin", "orders:write"], "GET /reports": ["reports:read"],
           "POST /agents/*": {"scopes": ["orders:read"], "delegation": "required"},
           "PUT /orders/*": {"scopes": ["orders:write"], "delegation": "forbidden"}}
          """);
  private static final List<String> SCOPES =
      List.of("orders:read", "orders:write", "orders:admin", "reports:read", "other");
  private static final String[] NASTY = {
    "\"",
    "\\",
    "\n",
    "\u0000",
    "\u001f",
    "\u007f",
    "\u2028",
    "\u2029",
    "\ud800",
    "\udc00",
    "\ud83d\ude00",
    "é",
    "/",
    "</script>",
    "\t",
    "\b\f\r",
    "a",
    "Z9-_."
  };
  private static final JsonFactory STRICT =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  @Test
  void writesWhatTheMapBuilderWroteOnRandomTokens() throws Exception {
    Random random = new Random(13);
    AuthorizerResponses responses = new AuthorizerResponses(ROUTES);
    for (int i = 0; i < 3000; i++) {
      VerifiedToken token = token(random);
      String arnBase =
          random.nextInt(4) == 0
              ? "arn:aws:execute-api:us-east-1:123456789012:" + nasty(random) + "/prod/"
              : "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/";
      AuthorizerRequest.Shape shape = AuthorizerRequest.Shape.values()[random.nextInt(2)];
      String method = List.of("GET", "POST", "DELETE").get(random.nextInt(3));
      String path = List.of("/orders/1", "/orders", "/health", "/reports").get(random.nextInt(4));

      String written =
          new String(responses.allow(shape, arnBase, method, path, token), StandardCharsets.UTF_8);

      assertStrictJsonObject(written);
      assertThat(JSONObjectUtils.parse(written))
          .as("token %s", token)
          .isEqualTo(JSONObjectUtils.parse(before(shape, arnBase, method, path, token)));
      assertThat(JSONObjectUtils.parse(written)).isNotNull();
    }
  }

  /**
   * Issue 13: the answer is written straight to bytes when every string spliced in is ASCII, else
   * as text; either way its bytes are the text's UTF-8 ({@link AuthorizerResponses#allowText}, the
   * writer before), byte for byte, on random tokens (ASCII ones included: half draw no non-ASCII).
   */
  @Test
  void bytesAreTheTextsUtf8() {
    Random random = new Random(17);
    AuthorizerResponses responses = new AuthorizerResponses(ROUTES);
    int asciiOnly = 0;
    for (int i = 0; i < 20_000; i++) {
      VerifiedToken token = random.nextBoolean() ? token(random) : asciiToken(random);
      String arnBase =
          random.nextInt(8) == 0
              ? "arn:aws:execute-api:us-east-1:123456789012:" + nasty(random) + "/prod/"
              : "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/";
      AuthorizerRequest.Shape shape = AuthorizerRequest.Shape.values()[random.nextInt(2)];
      String method = List.of("GET", "POST", "DELETE").get(random.nextInt(3));
      String path = List.of("/orders/1", "/orders", "/health", "/reports").get(random.nextInt(4));

      byte[] written = responses.allow(shape, arnBase, method, path, token);

      String text = responses.allowText(shape, arnBase, method, path, token);
      assertThat(written).as("token %s", token).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      asciiOnly += text.chars().allMatch(c -> c < 0x80) ? 1 : 0;
    }
    assertThat(asciiOnly).isGreaterThan(5000);
  }

  /** A token whose strings hold what JSON escapes, and nothing beyond ASCII. */
  private static VerifiedToken asciiToken(Random random) {
    VerifiedToken drawn = token(random);
    return new VerifiedToken(
        ascii(random),
        ascii(random),
        ascii(random),
        drawn.scopes(),
        drawn.audiences(),
        drawn.issuedAt(),
        drawn.expiresAt(),
        drawn.notBefore(),
        drawn.kid(),
        drawn.sessionId(),
        drawn.confirmation(),
        drawn.actor(),
        drawn.lineage());
  }

  private static String ascii(Random random) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(8); n > 0; n--) {
      s.append((char) random.nextInt(0x80));
    }
    return s.toString();
  }

  /** A caller cannot grow the cache without bound with made-up ARN prefixes (or scope sets). */
  @Test
  void keepsAtMostMaxCachedPrefixAndScopeSets() throws Exception {
    AuthorizerResponses responses = new AuthorizerResponses(ROUTES);
    Random random = new Random(7);
    for (int i = 0; i < AuthorizerResponses.MAX_CACHED * 3; i++) {
      String arnBase = "arn:aws:execute-api:us-east-1:123456789012:api" + i + "/prod/";
      VerifiedToken token = token(random);
      String written =
          new String(
              responses.allow(AuthorizerRequest.Shape.REST_POLICY, arnBase, "GET", "/", token),
              StandardCharsets.UTF_8);
      assertThat(JSONObjectUtils.parse(written))
          .isEqualTo(
              JSONObjectUtils.parse(
                  before(AuthorizerRequest.Shape.REST_POLICY, arnBase, "GET", "/", token)));
    }
    assertThat(responses.cached()).isEqualTo(AuthorizerResponses.MAX_CACHED);
  }

  @Test
  void refusalIsTheEmptyContextNo() throws Exception {
    String written = new String(AuthorizerResponses.refuse(), StandardCharsets.UTF_8);
    assertStrictJsonObject(written);
    assertThat(JSONObjectUtils.parse(written))
        .isEqualTo(Map.of("isAuthorized", false, "context", Map.of()));
  }

  /** The subject a parser reads back is the subject, whatever characters it holds. */
  @Test
  void principalAndContextReadBackAsGiven() throws Exception {
    String hostile = "a\"b\\c\u0000\u001f\u2028\u2029\ud800x\udc00\ud83d\ude00\n";
    VerifiedToken token =
        new VerifiedToken(
            "jti" + hostile,
            hostile,
            "client" + hostile,
            new TreeSet<>(List.of("orders:read")),
            List.of("aud"),
            Instant.EPOCH,
            Instant.EPOCH,
            Instant.EPOCH,
            "kid",
            Optional.empty(),
            Optional.empty());
    String written =
        new String(
            new AuthorizerResponses(ROUTES)
                .allow(AuthorizerRequest.Shape.REST_POLICY, "arn:/", "GET", "/", token),
            StandardCharsets.UTF_8);
    try (JsonParser parser = STRICT.createParser(written)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(parser.nextFieldName()).isEqualTo("principalId");
      assertThat(parser.nextTextValue()).isEqualTo(hostile);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> context =
        (Map<String, Object>) JSONObjectUtils.parse(written).get("context");
    assertThat(context)
        .containsEntry("sub", hostile)
        .containsEntry("client_id", "client" + hostile)
        .containsEntry("jti", "jti" + hostile);
  }

  /**
   * One strict JSON object, with nothing a reader could take for a line break or fail to encode: no
   * raw control character, U+2028, U+2029 or lone surrogate.
   */
  static void assertStrictJsonObject(String text) throws Exception {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        i++;
        continue;
      }
      assertThat(c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c))
          .as("raw U+%04X at %d in %s", (int) c, i, text)
          .isFalse();
    }
    try (JsonParser parser = STRICT.createParser(text)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      parser.skipChildren();
      assertThat(parser.nextToken()).isNull();
    }
  }

  private static VerifiedToken token(Random random) {
    SortedSet<String> scopes = new TreeSet<>();
    for (String scope : SCOPES) {
      if (random.nextBoolean()) {
        scopes.add(scope);
      }
    }
    return new VerifiedToken(
        nasty(random),
        nasty(random),
        nasty(random),
        scopes,
        List.of("aud"),
        Instant.EPOCH,
        Instant.EPOCH,
        Instant.EPOCH,
        "kid",
        Optional.empty(),
        Optional.empty(),
        random.nextBoolean() ? Optional.of(actor(random, 1 + random.nextInt(3))) : Optional.empty(),
        List.of());
  }

  private static io.tokenbroker.jose.Actor actor(Random random, int depth) {
    // A verified act names identifiers (printable, no space), so no control character is drawn.
    return new io.tokenbroker.jose.Actor(
        printable(random),
        random.nextBoolean() ? Optional.of(printable(random)) : Optional.empty(),
        Optional.empty(),
        depth > 1 ? Optional.of(actor(random, depth - 1)) : Optional.empty());
  }

  private static String printable(Random random) {
    String alphabet = "ab\"\\<>&='/:#";
    StringBuilder s = new StringBuilder("x");
    for (int n = random.nextInt(6); n > 0; n--) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static String nasty(Random random) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      s.append(NASTY[random.nextInt(NASTY.length)]);
    }
    return s.toString();
  }

  /** The builder before issue 13, verbatim but for its signature: a map through Gson. */
  private static String before(
      AuthorizerRequest.Shape shape,
      String arnBase,
      String method,
      String path,
      VerifiedToken token) {
    Map<String, Object> response =
        switch (shape) {
          case REST_POLICY ->
              policy(arnBase, token, ROUTES.grantedTo(token.scopes(), token.actor().isPresent()));
          case HTTP_SIMPLE ->
              simple(
                  ROUTES.permits(token.scopes(), token.actor().isPresent(), method, path),
                  context(token));
        };
    return JSONObjectUtils.toJSONString(response);
  }

  private static Map<String, Object> policy(
      String arnBase, VerifiedToken token, List<RouteRule> granted) {
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("Action", "execute-api:Invoke");
    if (granted.isEmpty()) {
      statement.put("Effect", "Deny");
      statement.put("Resource", arnBase + "*");
    } else {
      statement.put("Effect", "Allow");
      statement.put(
          "Resource",
          new ArrayList<>(
              granted.stream()
                  .map(r -> arnBase + r.method() + r.pathPattern())
                  .distinct()
                  .toList()));
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("principalId", token.subject());
    response.put(
        "policyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(statement)));
    response.put("context", context(token));
    return response;
  }

  private static Map<String, Object> simple(boolean authorized, Map<String, Object> context) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("isAuthorized", authorized);
    response.put("context", context);
    return response;
  }

  private static Map<String, Object> context(VerifiedToken token) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("sub", token.subject());
    context.put("client_id", token.clientId());
    context.put("scope", String.join(" ", token.scopes()));
    context.put("jti", token.jti());
    context.put("delegation_depth", token.delegationDepth());
    token
        .actor()
        .ifPresent(
            act -> {
              context.put("act", JSONObjectUtils.toJSONString(act.claim()));
              context.put("actor_sub", act.subject());
              act.clientId().ifPresent(id -> context.put("actor_client_id", id));
            });
    return context;
  }
}
