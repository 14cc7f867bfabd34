package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.http.BoundedEventReader;
import io.tokenbroker.adapters.http.HeaderLimits;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.EventFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge cases of {@link AuthorizerEvent}'s strict read, each also held to the old Gson read
 * ({@link EventReads#assertSameRead}): the same outcome, or one of the two tightenings.
 */
class AuthorizerEventTest {

  static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3In0.c2ln";
  static final String ARN =
      "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/GET/orders/42";
  static final String ARN_BASE = "arn:aws:execute-api:us-east-1:123456789012:orders1234/prod/";

  /** A REST REQUEST event with these members after its own (JSON text, no braces). */
  static String rest(String members) {
    return "{\"type\":\"REQUEST\",\"methodArn\":\""
        + ARN
        + "\",\"headers\":{\"Authorization\":\"Bearer "
        + TOKEN
        + "\"}"
        + (members.isEmpty() ? "" : "," + members)
        + "}";
  }

  static EventReads.Outcome read(String event) {
    return EventReads.assertSameRead(event.getBytes(StandardCharsets.UTF_8));
  }

  static void assertAllowedThrough(String event, String token) {
    EventReads.Outcome outcome = read(event);
    assertThat(outcome.refusal()).isNull();
    assertThat(outcome.request().bearerToken()).contains(token);
  }

  static void assertRefused(String event, Object reason) {
    assertThat(read(event).refusal()).isEqualTo(reason);
  }

  /** Refused by the new read, read by the old one: a tightening, checked as such. */
  static void assertTightened(String event) {
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    assertThat(EventReads.legacy(bytes).pastJson()).isTrue();
    assertRefused(event, HttpReason.MALFORMED_EVENT);
  }

  @Test
  void readsEachShapeOfTheEventFilesAsTheOldReadDid() throws IOException {
    Path events = EventFiles.projectRoot().resolve("events/authorizer");
    try (Stream<Path> files = Files.list(events)) {
      for (Path file : files.toList()) {
        EventReads.Outcome outcome = EventReads.assertSameRead(Files.readAllBytes(file));
        assertThat(outcome.request()).as(file.toString()).isNotNull();
        assertThat(outcome.request().arnBase()).isEqualTo(ARN_BASE);
        assertThat(outcome.request().path()).isEqualTo("/orders/42");
      }
    }
  }

  // Duplicate member names.

  @Test
  void refusesADuplicateNameAtTheTopLevelAsBefore() {
    assertRefused(rest("\"type\":\"TOKEN\""), HttpReason.MALFORMED_EVENT);
    assertRefused(rest("\"\\u0074ype\":\"REQUEST\""), HttpReason.MALFORMED_EVENT);
  }

  @Test
  void refusesADuplicateNameInsideAValueItSkips() {
    assertTightened(rest("\"queryStringParameters\":{\"a\":\"1\",\"a\":\"2\"}"));
    assertTightened(rest("\"x\":[1,{\"y\":[{\"a\":null,\"b\":0,\"a\":null}]}]"));
    assertTightened(
        rest("\"requestContext\":{\"identity\":{\"sourceIp\":\"1\",\"sourceIp\":\"2\"}}"));
  }

  @Test
  void refusesADuplicateNameInTheMembersItReads() {
    // Gson kept the last: here a second Authorization header would have replaced the first.
    assertTightened(
        rest("\"multiValueHeaders\":{\"Authorization\":[\"Bearer a\"],\"Authorization\":[\"x\"]}"));
    assertTightened(rest("\"requestContext\":{\"stage\":\"a\",\"stage\":\"b\"}"));
  }

  @Test
  void comparesNamesAfterUnescaping() {
    assertTightened(rest("\"x\":{\"a\":1,\"\\u0061\":2}"));
    assertTightened(rest("\"x\":{\"\\/\":1,\"/\":2}"));
    assertTightened(rest("\"x\":{\"\\u00E9\":1,\"\\u00e9\":2}"));
    assertTightened(rest("\"x\":{\"\u00e9\":1,\"\\u00e9\":2}"));
  }

  @Test
  void takesNamesWithEqualHashesAsDifferentNames() {
    // "Aa" and "BB" share String.hashCode.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertAllowedThrough(rest("\"x\":{\"Aa\":1,\"BB\":2},\"AaAa\":1,\"BBBB\":2"), TOKEN);
  }

  @ParameterizedTest
  @ValueSource(ints = {31, 32, 33, 40, 1000})
  void findsADuplicateAmongManyMembers(int members) {
    StringBuilder many = new StringBuilder("\"x\":{");
    for (int i = 0; i < members; i++) {
      many.append("\"m").append(i).append("\":").append(i).append(',');
    }
    assertAllowedThrough(rest(many + "\"last\":0}"), TOKEN);
    assertTightened(rest(many + "\"m" + (members - 1) + "\":0}"));
    assertTightened(rest(many + "\"\\u006d0\":0}"));
  }

  // Nesting.

  /** {@code depth} levels in all, the event counting as the first. */
  static String deep(int depth) {
    return rest(
        "\"x\":"
            + "[{\"a\":".repeat((depth - 1) / 2)
            + "[".repeat((depth - 1) % 2)
            + "1"
            + "]".repeat((depth - 1) % 2)
            + "}]".repeat((depth - 1) / 2));
  }

  @Test
  void readsNestingUpToTheLimitInAValueItSkipsAndNoDeeper() {
    assertAllowedThrough(deep(Json.MAX_DEPTH), TOKEN);
    assertRefused(deep(Json.MAX_DEPTH + 1), HttpReason.EVENT_TOO_DEEP);
    assertRefused(rest("\"x\":" + "[".repeat(100_000)), HttpReason.EVENT_TOO_DEEP);
  }

  @Test
  void refusesDeepNestingAsTooDeepEvenAfterAnError() {
    // The old read counted brackets before parsing: too deep wins over malformed anywhere.
    assertRefused("{\"a\":tru, \"b\":" + "[".repeat(40), HttpReason.EVENT_TOO_DEEP);
    assertRefused("{\"a\":1}" + "[".repeat(40), HttpReason.EVENT_TOO_DEEP);
    assertRefused("{\"a\":\"\\x\"" + "[".repeat(40), HttpReason.EVENT_TOO_DEEP);
    assertRefused("{\"a\":1}" + "[".repeat(20), HttpReason.MALFORMED_EVENT);
  }

  @Test
  void countsNoBracketInAString() {
    assertAllowedThrough(rest("\"x\":\"" + "[{".repeat(100) + "\\\"" + "\""), TOKEN);
  }

  // Numbers.

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-0",
        "7",
        "-12",
        "1.5",
        "-0.0",
        "1e5",
        "1E+5",
        "2e-5",
        "1e-999",
        "0e999",
        "9223372036854775807",
        "9223372036854775808",
        "123456789012345678901234567890",
        "1.7976931348623157e308"
      })
  void readsEveryNumberFormGsonRead(String number) {
    assertAllowedThrough(rest("\"x\":" + number + ",\"y\":[" + number + "]"), TOKEN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01",
        "-01",
        "1.",
        ".5",
        "+1",
        "-",
        "1e",
        "1e+",
        "1.e5",
        "0x10",
        "1e999",
        "-1e999",
        "1.8e308",
        "NaN",
        "Infinity",
        "1_0",
        "TRUE",
        "True",
        "nul",
        "truex",
        "1 2"
      })
  void refusesWhatGsonRefusedAsANumberOrLiteral(String value) {
    assertRefused(rest("\"x\":" + value), HttpReason.MALFORMED_EVENT);
  }

  @Test
  void refusesNumbersOfGsonsBufferSizeAndLonger() {
    String fraction = "0." + "1".repeat(1021); // 1023 characters
    assertAllowedThrough(rest("\"x\":" + fraction), TOKEN);
    assertRefused(rest("\"x\":" + fraction + "1"), HttpReason.MALFORMED_EVENT);
    // 309 digits are past Double.MAX_VALUE: Gson made it infinite and refused it.
    assertAllowedThrough(rest("\"x\":" + "9".repeat(308)), TOKEN);
    assertRefused(rest("\"x\":" + "9".repeat(309)), HttpReason.MALFORMED_EVENT);
  }

  @Test
  void refusesTheLongIntegersGsonsWrappingAccumulatorRefused() {
    // Gson accumulates an integer's digits in a long that wraps, and refuses a digit after an
    // accumulated 0 (meant for a leading zero): 10^64 is 0 modulo 2^64. Found by the
    // differential target (input integer-accumulator-wraps-to-zero).
    assertAllowedThrough(rest("\"x\":1" + "0".repeat(63) + "1"), TOKEN);
    assertAllowedThrough(rest("\"x\":1" + "0".repeat(64)), TOKEN);
    assertAllowedThrough(rest("\"x\":1" + "0".repeat(64) + ".5e1"), TOKEN);
    assertRefused(rest("\"x\":1" + "0".repeat(64) + "1"), HttpReason.MALFORMED_EVENT);
    assertRefused(rest("\"x\":-2" + "0".repeat(70) + "7"), HttpReason.MALFORMED_EVENT);
  }

  // Strings and bytes.

  @Test
  void readsEveryEscapeAndRefusesAnyOther() {
    assertAllowedThrough(rest("\"x\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\uABCD\\uabcd\""), TOKEN);
    for (String bad : new String[] {"\\'", "\\x41", "\\U0041", "\\u00zz", "\\u12", "\\\n", "\\a"}) {
      assertRefused(rest("\"x\":\"" + bad + "\""), HttpReason.MALFORMED_EVENT);
    }
    // Character.digit would take a fullwidth digit; Gson's escapes are ASCII hex only.
    assertRefused(rest("\"x\":\"\\u\uFF10041\""), HttpReason.MALFORMED_EVENT);
  }

  @Test
  void refusesRawControlCharactersInStringsAsGsonsStrictModeDid() {
    assertRefused(rest("\"x\":\"a\tb\""), HttpReason.MALFORMED_EVENT);
    assertRefused(rest("\"x\":\"a\u0000b\""), HttpReason.MALFORMED_EVENT);
    assertRefused(rest("\"x\u001f\":1"), HttpReason.MALFORMED_EVENT);
    assertAllowedThrough(rest("\"x\":\"a\u007fb\u2028\""), TOKEN);
  }

  @Test
  void takesEscapedLoneSurrogatesAsTheUnitsTheyName() {
    String event = rest("").replace(TOKEN, TOKEN + "\\uD800");
    assertAllowedThrough(event, TOKEN + "\uD800");
    assertAllowedThrough(rest("").replace(TOKEN, TOKEN + "\\udc00\\ud800"), TOKEN + "\uDC00\uD800");
  }

  @Test
  void readsInvalidUtf8AsReplacementCharactersAsBefore() {
    byte[] prefix = rest("\"x\":\"").getBytes(StandardCharsets.UTF_8);
    String tail = "\"}";
    byte[] event = new byte[prefix.length - 1 + 4 + tail.length()];
    // rest("...") ends with '}', which is dropped; invalid bytes go inside the string.
    System.arraycopy(prefix, 0, event, 0, prefix.length - 1);
    byte[] invalid = {(byte) 0xFF, (byte) 0xC3, (byte) 0xED, (byte) 0xA0};
    System.arraycopy(invalid, 0, event, prefix.length - 1, 4);
    System.arraycopy(tail.getBytes(StandardCharsets.UTF_8), 0, event, prefix.length + 3, 2);
    assertThat(EventReads.assertSameRead(event).request().bearerToken()).contains(TOKEN);

    byte[] outside = rest("").getBytes(StandardCharsets.UTF_8);
    outside[outside.length - 1] = (byte) 0xFF;
    assertThat(EventReads.assertSameRead(outside).refusal()).isEqualTo(HttpReason.MALFORMED_EVENT);
  }

  @Test
  void skipsOneByteOrderMarkAtTheStartOnly() {
    assertAllowedThrough("\uFEFF " + rest(""), TOKEN);
    assertRefused(" \uFEFF" + rest(""), HttpReason.MALFORMED_EVENT);
    assertRefused("\uFEFF\uFEFF" + rest(""), HttpReason.MALFORMED_EVENT);
    assertRefused(rest("") + "\uFEFF", HttpReason.MALFORMED_EVENT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "null",
        "1",
        "\"a\"",
        "{",
        "{\"a\"}",
        "{\"a\":}",
        "{,}",
        "{\"a\":1,}",
        "{'a':1}",
        "{a:1}",
        "{\"a\"=1}",
        "{\"a\":1;\"b\":2}",
        "{\"a\":[1,]}",
        "{\"a\":1}x",
        "{\"a\":1}{}",
        "{\"a\":1} /**/",
        "{\"a\":1}\u000b",
        "{\"a\":1}\u00a0",
        "{\"a\":[}",
        "{\"a\":1}}"
      })
  void refusesWhatIsNotExactlyOneObject(String text) {
    assertRefused(text, HttpReason.MALFORMED_EVENT);
  }

  @Test
  void refusesATopLevelArrayGsonReadAsPairs() {
    // Gson's map adapter read [[name, value], ...] as an object: a REST event without braces.
    assertTightened(
        "[[\"type\",\"TOKEN\"],[\"methodArn\",\""
            + ARN
            + "\"],[\"authorizationToken\",\"Bearer "
            + TOKEN
            + "\"]]");
    assertTightened("[]");
    assertRefused("[1]", HttpReason.MALFORMED_EVENT);
  }

  // The DPoP parts (issue 14), held to the old read's twin as everything else.

  /** A REST REQUEST event with the DPoP scheme, its proof headers and request context. */
  static String restDpop(String headers, String context) {
    return "{\"type\":\"REQUEST\",\"methodArn\":\""
        + ARN
        + "\",\"headers\":{\"Authorization\":\"DPoP "
        + TOKEN
        + "\""
        + headers
        + "},\"requestContext\":{"
        + context
        + "}}";
  }

  static final String CONTEXT = "\"domainName\":\"api.example.com\",\"path\":\"/shop/orders/42\"";

  static AuthorizerRequest.Dpop dpop(String event) {
    EventReads.Outcome outcome = read(event);
    assertThat(outcome.refusal()).isNull();
    assertThat(outcome.request().bearerToken()).isEmpty();
    return outcome.request().dpop().orElseThrow();
  }

  @Test
  void readsTheDpopSchemeProofAndTheUrlTheClientUsedFromTheEventFiles() throws IOException {
    Path events = EventFiles.projectRoot().resolve("events/authorizer");
    AuthorizerRequest.Dpop rest =
        EventReads.assertSameRead(
                Files.readAllBytes(events.resolve("rest-request-custom-domain-dpop.json")))
            .request()
            .dpop()
            .orElseThrow();
    // A custom domain with the base path "shop" mapped to the stage prod: the client's URL.
    assertThat(rest.url()).contains("https://api.example.com/shop/orders/42");
    assertThat(rest.proof()).hasValueSatisfying(p -> assertThat(p).startsWith("eyJ0eXAiOiJkcG9w"));
    assertThat(rest.proofRepeated()).isFalse();
    assertThat(rest.token()).endsWith(".c2lnbmF0dXJlLXBsYWNlaG9sZGVy");

    AuthorizerRequest.Dpop http =
        EventReads.assertSameRead(
                Files.readAllBytes(events.resolve("http-api-v2-custom-domain-dpop.json")))
            .request()
            .dpop()
            .orElseThrow();
    assertThat(http.url()).contains("https://api.example.com/orders/42");
    assertThat(http.proof()).isPresent();

    for (String bearer : List.of("rest-request.json", "http-api-v2.json", "rest-token.json")) {
      assertThat(
              EventReads.assertSameRead(Files.readAllBytes(events.resolve(bearer)))
                  .request()
                  .dpop())
          .as(bearer)
          .isEmpty();
    }
  }

  @Test
  void takesTheDpopSchemeInAnyCaseAndTheRestPathFromTheRequestContext() {
    AuthorizerRequest.Dpop dpop = dpop(restDpop(",\"DPoP\":\"proof\"", CONTEXT));
    assertThat(dpop)
        .isEqualTo(
            new AuthorizerRequest.Dpop(
                TOKEN,
                Optional.of("proof"),
                false,
                Optional.of("https://api.example.com/shop/orders/42")));
    assertThat(
            dpop(restDpop(",\"dpop\":\"p\"", CONTEXT).replace("DPoP " + TOKEN, "dpop " + TOKEN))
                .proof())
        .contains("p");
    // The top-level path lacks the stage on the execute-api domain; requestContext.path has it.
    assertThat(
            dpop(restDpop("", "\"domainName\":\"a.example\",\"path\":\"/prod/orders/42\"")
                    .replace("\"type\"", "\"path\":\"/orders/42\",\"type\""))
                .url())
        .contains("https://a.example/prod/orders/42");
    assertThat(dpop(restDpop("", "\"domainName\":\"a\\u002eexample\",\"path\":\"/x\"")).url())
        .contains("https://a.example/x");
  }

  @Test
  void tellsAMissingARepeatedAndASingleProofApart() {
    assertThat(dpop(restDpop("", CONTEXT)).proof()).isEmpty();
    AuthorizerRequest.Dpop twice =
        dpop(restDpop("},\"multiValueHeaders\":{\"DPoP\":[\"a\",\"b\"]", CONTEXT));
    assertThat(twice.proof()).isEmpty();
    assertThat(twice.proofRepeated()).isTrue();
    AuthorizerRequest.Dpop once =
        dpop(restDpop(",\"DPoP\":\"b\"},\"multiValueHeaders\":{\"dpop\":[\"a\"]", CONTEXT));
    assertThat(once.proof()).contains("a");
    assertThat(once.proofRepeated()).isFalse();
    // RFC 9449 4.3: one name in two cases is the header sent twice, in either map.
    AuthorizerRequest.Dpop twoCases = dpop(restDpop(",\"DPOP\":\"a\",\"dpop\":\"b\"", CONTEXT));
    assertThat(twoCases.proof()).isEmpty();
    assertThat(twoCases.proofRepeated()).isTrue();
    AuthorizerRequest.Dpop twoLists =
        dpop(restDpop("},\"multiValueHeaders\":{\"DPoP\":[\"a\"],\"dpop\":[\"b\"]", CONTEXT));
    assertThat(twoLists.proof()).isEmpty();
    assertThat(twoLists.proofRepeated()).isTrue();
    // A list in the single-valued map is no value.
    assertThat(dpop(restDpop(",\"DPoP\":[\"a\"]", CONTEXT)).proof()).isEmpty();
    assertThat(dpop(restDpop(",\"DPoP\":7", CONTEXT)).proof()).isEmpty();
  }

  @Test
  void takesACommaInAnHttpApiProofAsTwoProofsJoined() {
    String event =
        "{\"version\":\"2.0\",\"routeArn\":\""
            + ARN
            + "\",\"rawPath\":\"/orders/42\",\"headers\":{\"authorization\":\"DPoP "
            + TOKEN
            + "\",\"dpop\":\"PROOF\"},\"requestContext\":{\"http\":{\"method\":\"GET\"},"
            + "\"stage\":\"$default\",\"domainName\":\"api.example.com\"}}";
    AuthorizerRequest.Dpop one = dpop(event.replace("PROOF", "a.b.c"));
    assertThat(one.proof()).contains("a.b.c");
    assertThat(one.url()).contains("https://api.example.com/orders/42");
    AuthorizerRequest.Dpop joined = dpop(event.replace("PROOF", "a.b.c, d.e.f"));
    assertThat(joined.proof()).isEmpty();
    assertThat(joined.proofRepeated()).isTrue();
  }

  @Test
  void hasNoUrlWithoutTheDomainOrThePath() {
    assertThat(dpop(restDpop("", "\"path\":\"/x\"")).url()).isEmpty();
    assertThat(dpop(restDpop("", "\"domainName\":\"a.example\"")).url()).isEmpty();
    assertThat(dpop(restDpop("", "\"domainName\":7,\"path\":\"/x\"")).url()).isEmpty();
    EventReads.Outcome token =
        read(
            "{\"type\":\"TOKEN\",\"methodArn\":\""
                + ARN
                + "\",\"authorizationToken\":\"DPoP "
                + TOKEN
                + "\"}");
    assertThat(token.request().dpop())
        .contains(new AuthorizerRequest.Dpop(TOKEN, Optional.empty(), false, Optional.empty()));
  }

  @Test
  void readsNoDpopPartsForABearerRequest() {
    EventReads.Outcome bearer =
        read(
            rest("\"requestContext\":{" + CONTEXT + "}")
                .replace("\"headers\":{", "\"headers\":{\"DPoP\":\"p\","));
    assertThat(bearer.request().bearerToken()).contains(TOKEN);
    assertThat(bearer.request().dpop()).isEmpty();
  }

  // What it keeps, as the old read kept it.

  @Test
  void takesTheLastAuthorizationHeaderInAnyCaseAsBefore() {
    String event =
        rest("").replace("\"headers\":{", "\"headers\":{\"AUTHORIZATION\":\"Bearer first\",");
    assertAllowedThrough(event, TOKEN);
    // Dotless i upper-cases to I: String.CASE_INSENSITIVE_ORDER takes it for "authorization".
    assertAllowedThrough(
        rest("")
            .replace("Authorization\":\"Bearer " + TOKEN, "Authorization\":\"Bearer a")
            .replace("}", ",\"Author\u0131zation\":\"Bearer " + TOKEN + "\"}"),
        TOKEN);
  }

  @Test
  void takesAMultiValueHeaderOnlyWhenSentOnce() {
    assertAllowedThrough(
        rest("\"multiValueHeaders\":{\"authorization\":[\"Bearer " + TOKEN + "\"]}"), TOKEN);
    EventReads.Outcome twice =
        read(rest("\"multiValueHeaders\":{\"authorization\":[\"Bearer a\",\"Bearer b\"]}"));
    assertThat(twice.request().bearerToken()).isEmpty();
    EventReads.Outcome notAString = read(rest("\"multiValueHeaders\":{\"authorization\":[7]}"));
    assertThat(notAString.request().bearerToken()).isEmpty();
    // Not a list there: the single-valued header counts.
    assertAllowedThrough(rest("\"multiValueHeaders\":{\"authorization\":\"Bearer x\"}"), TOKEN);
    EventReads.Outcome listInHeaders =
        read(rest("").replace("\"Bearer " + TOKEN + "\"", "[\"Bearer " + TOKEN + "\"]"));
    assertThat(listInHeaders.request().bearerToken()).isEmpty();
  }

  @Test
  void stripsAStageThatIsNoStringAsStringValueOfDid() {
    for (String stage :
        new String[] {"5", "1.50", "true", "null", "{\"a\":[1,\"b\",null]}", "[]"}) {
      String event =
          "{\"version\":\"2.0\",\"routeArn\":\""
              + ARN
              + "\",\"rawPath\":\"/"
              + "STAGE/orders\",\"requestContext\":{\"http\":{\"method\":\"get\"},\"stage\":"
              + stage
              + "}}";
      for (String shown : new String[] {"5", "1.5", "true", "null", "{a=[1, b, null]}", "[]"}) {
        read(event.replace("STAGE", shown));
      }
    }
    EventReads.Outcome stripped =
        read(
            "{\"version\":\"2.0\",\"routeArn\":\""
                + ARN
                + "\",\"rawPath\":\"/{a=[1, b, null]}/x\","
                + "\"requestContext\":{\"http\":{\"method\":\"get\"},\"stage\":{\"a\":[1,\"b\",null]}}}");
    assertThat(stripped.request().path()).isEqualTo("/x");
    assertThat(stripped.request().method()).isEqualTo("GET");
  }

  // Limits: each at its value and one over, as before.

  static String headers(String name, int fields, String value) {
    StringBuilder out = new StringBuilder("\"" + name + "\":{");
    for (int i = 0; i < fields; i++) {
      out.append(i == 0 ? "" : ",")
          .append("\"h")
          .append(i)
          .append("\":\"")
          .append(value)
          .append('"');
    }
    return out.append('}').toString();
  }

  @Test
  void refusesOneHeaderFieldOverTheLimitInEachMap() {
    // The Authorization header is one field of "headers".
    String full = rest("").replace("\"headers\":{", headers("headers", 99, "v").replace("}", ","));
    assertAllowedThrough(full, TOKEN);
    assertRefused(
        full.replace("\"headers\":{", "\"headers\":{\"one\":\"more\","),
        HttpReason.TOO_MANY_HEADERS);
    String multi = headers("multiValueHeaders", HeaderLimits.MAX_FIELDS, "v");
    assertAllowedThrough(rest(multi), TOKEN);
    assertRefused(
        rest(headers("multiValueHeaders", HeaderLimits.MAX_FIELDS + 1, "v")),
        HttpReason.TOO_MANY_HEADERS);
    // Each list element is a field.
    assertRefused(
        rest(
            "\"multiValueHeaders\":{\"a\":["
                + "\"v\",".repeat(HeaderLimits.MAX_FIELDS)
                + "\"v\"]}"),
        HttpReason.TOO_MANY_HEADERS);
    assertAllowedThrough(
        rest("\"multiValueHeaders\":{\"a\":[" + "1,".repeat(200) + "\"v\"]}"), TOKEN);
  }

  @Test
  void countsAHeaderValuesLengthAfterUnescaping() {
    String atLimit = "\\u0070".repeat(HeaderLimits.MAX_VALUE_CHARS);
    assertAllowedThrough(rest("\"multiValueHeaders\":{\"a\":\"" + atLimit + "\"}"), TOKEN);
    assertRefused(
        rest("\"multiValueHeaders\":{\"a\":[\"" + atLimit + "p\"]}"), HttpReason.HEADER_TOO_LARGE);
  }

  @Test
  void refusesHeadersOneCharacterOverTheTotalLimit() {
    int pad = HeaderLimits.MAX_CHARS - 2 * "a".length() - HeaderLimits.MAX_VALUE_CHARS;
    String atLimit =
        "\"multiValueHeaders\":{\"a\":\""
            + "p".repeat(HeaderLimits.MAX_VALUE_CHARS)
            + "\",\"b\":[\""
            + "p".repeat(pad)
            + "\"]}";
    assertAllowedThrough(rest(atLimit), TOKEN);
    assertRefused(rest(atLimit.replace("[\"", "[\"p")), HttpReason.HEADERS_TOO_LARGE);
  }

  @Test
  void refusesATokenAuthorizersTokenOverTheHeaderValueLimit() {
    String event =
        "{\"type\":\"TOKEN\",\"methodArn\":\"" + ARN + "\",\"authorizationToken\":\"Bearer T\"}";
    String atLimit = "Bearer " + "a".repeat(HeaderLimits.MAX_VALUE_CHARS - 7);
    assertAllowedThrough(event.replace("Bearer T", atLimit), atLimit.substring(7));
    assertRefused(event.replace("Bearer T", atLimit + "a"), HttpReason.HEADER_TOO_LARGE);
  }

  @Test
  void checksTheJsonBeforeTheHeaderLimits() {
    String over = headers("multiValueHeaders", HeaderLimits.MAX_FIELDS + 1, "v");
    assertRefused(rest(over + ",\"x\":01"), HttpReason.MALFORMED_EVENT);
    assertRefused(
        rest(over + ",\"x\":" + "[".repeat(40) + "]".repeat(40)), HttpReason.EVENT_TOO_DEEP);
  }

  @Test
  void readsAnEventUpToLambdasPayloadLimitAndNoLarger() {
    String frame = rest("\"body\":\"\"");
    String atLimit =
        frame.replace(
            "\"body\":\"\"",
            "\"body\":\"" + "a".repeat(BoundedEventReader.MAX_EVENT_BYTES - frame.length()) + "\"");
    assertThat(atLimit.getBytes(StandardCharsets.UTF_8))
        .hasSize(BoundedEventReader.MAX_EVENT_BYTES);
    assertAllowedThrough(atLimit, TOKEN);
    assertRefused(atLimit.replace("{\"type", "{ \"type"), HttpReason.EVENT_TOO_LARGE);
  }

  @Test
  void givesTheShapeRefusalsOfTheOldRead() {
    assertRefused("{}", "Malformed");
    assertRefused(rest("").replace("REQUEST", "OTHER"), "Malformed");
    assertRefused(rest("").replace(ARN, "arn:aws:s3:::b"), "Malformed");
    assertRefused("{\"version\":\"2.0\",\"routeArn\":\"" + ARN + "\"}", "Malformed");
  }

  /**
   * The read reuses its buffers and name stack from one event to the next (issue 13): a large event
   * with many names (buffers and stack grown, then kept), then small ones, ASCII or not, each read
   * as the old read reads it alone; nothing of an earlier event shows in a later one.
   */
  @Test
  void readsEachEventAloneWhateverCameBefore() {
    StringBuilder many = new StringBuilder("\"requestContext\":{");
    for (int i = 0; i < 300; i++) {
      many.append(i == 0 ? "" : ",")
          .append("\"member")
          .append(i)
          .append("\":\"")
          .append("v".repeat(20))
          .append('"');
    }
    String large = rest(many.append('}').toString());
    String small = rest("");
    String other = rest("").replace(TOKEN, "abc.def.ghi").replace("/GET/", "/POST/");
    String nonAscii = rest("\"stage\":\"\u00e9t\u00e9 \u2603\"");
    String malformedUtf8Name = rest("\"x\":1");
    assertThat(large.length()).isGreaterThan(2 * BoundedEventReader.FIRST_READ_BYTES);
    for (String event : new String[] {large, small, large, other, nonAscii, small, other}) {
      EventReads.Outcome outcome = read(event);
      assertThat(outcome.request()).as(event).isNotNull();
    }
    assertThat(read(other).request().bearerToken()).contains("abc.def.ghi");
    assertThat(read(other).request().method()).isEqualTo("POST");
    assertThat(read(small).request().bearerToken()).contains(TOKEN);
    byte[] invalid = malformedUtf8Name.replace("\"x\"", "\"xZ\"").getBytes(StandardCharsets.UTF_8);
    invalid[malformedUtf8Name.indexOf("\"x\"") + 2] = (byte) 0xC3; // a lead byte with no follower
    assertThat(EventReads.assertSameRead(invalid).request()).isNotNull();
    assertThat(read(small).request().bearerToken()).contains(TOKEN);
  }

  /**
   * Issue 16: where a request came from, for the log and a honeytoken's alert: REST's {@code
   * requestContext.identity.sourceIp} and its User-Agent header (sent once), HTTP API's {@code
   * requestContext.http.sourceIp} and {@code .userAgent}; a TOKEN event has neither.
   */
  @Test
  void readsTheSourceIpAndUserAgentOfEachShapeAndNoneOfATokenEvent() throws IOException {
    Path events = EventFiles.projectRoot().resolve("events/authorizer");
    AuthorizerRequest rest = read(Files.readString(events.resolve("rest-request.json"))).request();
    AuthorizerRequest http = read(Files.readString(events.resolve("http-api-v2.json"))).request();
    AuthorizerRequest token = read(Files.readString(events.resolve("rest-token.json"))).request();

    assertThat(rest.sourceIp()).contains("203.0.113.10");
    assertThat(rest.userAgent()).contains("curl/8.5.0");
    assertThat(http.sourceIp()).contains("203.0.113.10");
    assertThat(http.userAgent()).contains("curl/8.5.0");
    assertThat(token.sourceIp()).isEmpty();
    assertThat(token.userAgent()).isEmpty();
  }

  @Test
  void takesTheUserAgentOnlyWhenItWasSentOnceAndTheSourceIpOnlyAsAString() {
    String identity = "\"requestContext\":{\"identity\":{\"sourceIp\":\"198.51.100.7\"}}";
    AuthorizerRequest once =
        read(rest(identity + ",\"multiValueHeaders\":{\"user-AGENT\":[\"curl/8.5\"]}")).request();
    AuthorizerRequest twice =
        read(rest("\"multiValueHeaders\":{\"User-Agent\":[\"a\",\"b\"]}")).request();
    AuthorizerRequest escaped =
        read(rest("\"multiValueHeaders\":{\"User\\u002dAgent\":[\"a\\u0062\"]}")).request();
    AuthorizerRequest notAString =
        read(rest("\"requestContext\":{\"identity\":{\"sourceIp\":7}}")).request();
    String tokenEvent =
        "{\"type\":\"TOKEN\",\"methodArn\":\""
            + ARN
            + "\",\"authorizationToken\":\"Bearer "
            + TOKEN
            + "\","
            + identity
            + ",\"headers\":{\"User-Agent\":\"curl/8.5\"}}";

    assertThat(once.sourceIp()).contains("198.51.100.7");
    assertThat(once.userAgent()).contains("curl/8.5");
    assertThat(twice.userAgent()).isEmpty();
    assertThat(escaped.userAgent()).contains("ab");
    assertThat(notAString.sourceIp()).isEmpty();
    assertThat(read(tokenEvent).request().sourceIp()).isEmpty();
    assertThat(read(tokenEvent).request().userAgent()).isEmpty();
  }

  /**
   * Review C 3: API Gateway's request id ({@code requestContext.requestId}) of a REQUEST or HTTP
   * API event, the {@code correlation_id} of the decision's lines; only a string; none for a TOKEN
   * event.
   */
  @Test
  void readsApiGatewaysRequestIdOfEachRequestShapeAndNoneOfATokenEvent() throws IOException {
    Path events = EventFiles.projectRoot().resolve("events/authorizer");
    AuthorizerRequest rest =
        read(Files.readString(events.resolve("rest-request-mtls.json"))).request();
    AuthorizerRequest http = read(Files.readString(events.resolve("http-api-v2.json"))).request();
    String tokenEvent =
        "{\"type\":\"TOKEN\",\"methodArn\":\""
            + ARN
            + "\",\"authorizationToken\":\"Bearer "
            + TOKEN
            + "\",\"requestContext\":{\"requestId\":\"r-1\"}}";

    assertThat(rest.requestId()).contains("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    assertThat(http.requestId()).contains("JKJaXmPLvHcESHA=");
    assertThat(read(rest("\"requestContext\":{\"requestId\":\"r\\u002d2\"}")).request().requestId())
        .contains("r-2");
    assertThat(read(rest("\"requestContext\":{\"requestId\":7}")).request().requestId()).isEmpty();
    assertThat(read(tokenEvent).request().requestId()).isEmpty();
  }
}
