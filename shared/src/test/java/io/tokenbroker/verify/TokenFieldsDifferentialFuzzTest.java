package io.tokenbroker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.testing.FuzzInput;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadFeature;

/**
 * Issue 13: the token's header and claims read by {@link TokenFields} (a streaming reader into
 * fixed fields) exactly as the verifier read them before, through Gson into maps ({@link
 * GsonTokenFields}, kept verbatim as the oracle): on every input the same acceptance, the same
 * reason, the same fields.
 *
 * <p>Input ({@link FuzzInput}): mode 0, the bytes after the mode byte are a header; mode 1, they
 * are claims (checked at {@link #NOW} against {@link #POLICY}). Raw bytes, so that malformed UTF-8
 * reaches both.
 *
 * <p>The one allowed difference is stricter: the new reader refuses as not a JSON object two texts
 * Gson took, which RFC 8259 does not allow as one object with unique names: an array of {@code
 * [name, value]} pairs at the top (Gson's map form for complex keys), and a duplicate member name
 * inside a nested value. The second is judged by another parser (Jackson with strict duplicate
 * detection), not by the code under test.
 */
class TokenFieldsDifferentialFuzzTest {

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final VerifierPolicy POLICY =
      new VerifierPolicy(
          "https://broker.example.com/prod",
          "https://orders.example.com",
          Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
          Duration.ofSeconds(60),
          Duration.ofHours(1));

  private static final JsonFactory JACKSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  @FuzzTest(maxDuration = "2m")
  void readsAsGsonDid(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 2);
    CompactJws jws = new CompactJws("", input.raw(), input.raw(), new byte[0], new byte[0]);
    boolean header = input.mode() == 0;
    Outcome before =
        Outcome.of(
            header
                ? () -> GsonTokenFields.header(jws, POLICY)
                : () -> GsonTokenFields.claims(jws, "kid", POLICY, CLOCK));
    Outcome after =
        Outcome.of(
            header
                ? () -> TokenFields.header(jws, POLICY)
                : () -> TokenFields.claims(jws, "kid", POLICY, CLOCK));
    if (!after.equals(before)) {
      AccessTokenReason notObject =
          header
              ? AccessTokenReason.HEADER_NOT_JSON_OBJECT
              : AccessTokenReason.PAYLOAD_NOT_JSON_OBJECT;
      assertThat(after.reason())
          .as("differs from before: %s, now %s", before, after)
          .isEqualTo(notObject);
      assertThat(notOneObjectWithUniqueNames(input.raw()))
          .as("refused where Gson read valid JSON: %s", before)
          .isTrue();
    }
  }

  /** Either the value read or the rejection's reason. */
  record Outcome(Object value, RejectionReason reason) {
    static Outcome of(Supplier<Object> read) {
      try {
        return new Outcome(read.get(), null);
      } catch (RequestRejected rejected) {
        return new Outcome(null, rejected.rejectionReason());
      }
    }
  }

  /** An array at the top, or a text another strict parser refuses (duplicates at any level). */
  static boolean notOneObjectWithUniqueNames(byte[] raw) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(raw))
              .toString()
              .replaceFirst("^\uFEFF", "");
    } catch (CharacterCodingException e) {
      return false; // both read text only after the UTF-8 check
    }
    if (text.strip().startsWith("[")) {
      return true;
    }
    try (JsonParser parser = JACKSON.createParser(text)) {
      parser.nextToken();
      parser.skipChildren();
      return parser.nextToken() != null;
    } catch (IOException refused) {
      return true;
    }
  }
}
