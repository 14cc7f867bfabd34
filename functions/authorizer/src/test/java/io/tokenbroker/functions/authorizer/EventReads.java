package io.tokenbroker.functions.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.shaded.gson.Strictness;
import com.nimbusds.jose.shaded.gson.stream.JsonReader;
import com.nimbusds.jose.shaded.gson.stream.JsonToken;
import io.tokenbroker.adapters.http.BoundedEventReader;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The authorizer's event read both ways, {@link AuthorizerEvent} and the Gson read it replaced
 * ({@link LegacyAuthorizerRequest}), and the rule that holds them together: the same request, or
 * the same refusal with the same reason; or else one of the two places the new read is stricter (a
 * member name twice in a nested object, a top-level array), which the old read let through and the
 * new one refuses as {@code malformed_event}. Those two are recognised here with Gson's own
 * tokenizer, not with the code under test.
 */
final class EventReads {

  private EventReads() {}

  /**
   * A request, or the refusal's reason, or Malformed's name, or an unexpected exception's class.
   */
  record Outcome(AuthorizerRequest request, Object refusal) {
    static Outcome of(ThrowingSupplier read) {
      try {
        return new Outcome(read.get(), null);
      } catch (RequestRejected rejected) {
        return new Outcome(null, rejected.rejectionReason());
      } catch (AuthorizerRequest.Malformed malformed) {
        return new Outcome(null, "Malformed");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException other) {
        return new Outcome(null, other.getClass().getName());
      }
    }

    /** The old read got past the JSON (a request, or a refusal after it). */
    boolean pastJson() {
      return !(refusal instanceof HttpReason reason)
          || !(reason == HttpReason.MALFORMED_EVENT
              || reason == HttpReason.EVENT_TOO_DEEP
              || reason == HttpReason.EVENT_TOO_LARGE);
    }
  }

  interface ThrowingSupplier {
    AuthorizerRequest get() throws IOException;
  }

  static Outcome fresh(byte[] event) {
    return Outcome.of(() -> AuthorizerEvent.read(new ByteArrayInputStream(event)));
  }

  static Outcome legacy(byte[] event) {
    return Outcome.of(
        () ->
            LegacyAuthorizerRequest.parse(
                BoundedEventReader.readJson(new ByteArrayInputStream(event))));
  }

  /** Both reads agree on the event, or the new one refuses it for one of its two tightenings. */
  static Outcome assertSameRead(byte[] event) {
    Outcome legacy = legacy(event);
    Outcome fresh = fresh(event);
    if (fresh.equals(legacy)) {
      return fresh;
    }
    assertThat(legacy.pastJson())
        .as("the old read refused %s as JSON, the new one read %s", legacy.refusal(), fresh)
        .isTrue();
    assertThat(fresh.refusal())
        .as("the old read gave %s, the new one %s", legacy, fresh)
        .isEqualTo(HttpReason.MALFORMED_EVENT);
    assertThat(tightening(new String(event, StandardCharsets.UTF_8)))
        .as(
            "the new read refused JSON the old one read as %s, and not for a nested duplicate",
            legacy)
        .isTrue();
    return fresh;
  }

  /** The refusal's reason, if the new read refused. */
  static RejectionReason reason(byte[] event) {
    return fresh(event).refusal() instanceof RejectionReason reason ? reason : null;
  }

  /**
   * Whether the (strict, as the old read saw it) JSON is a top-level array or names a member twice
   * in one nested object, as Gson's tokenizer reads it.
   */
  static boolean tightening(String json) {
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() == JsonToken.BEGIN_ARRAY) {
        return true;
      }
      return hasDuplicate(reader, 0);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasDuplicate(JsonReader reader, int depth) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT -> {
        reader.beginObject();
        Set<String> names = new HashSet<>();
        boolean duplicate = false;
        while (reader.hasNext()) {
          duplicate |= !names.add(reader.nextName()) && depth > 0;
          duplicate |= hasDuplicate(reader, depth + 1);
        }
        reader.endObject();
        return duplicate;
      }
      case BEGIN_ARRAY -> {
        reader.beginArray();
        boolean duplicate = false;
        while (reader.hasNext()) {
          duplicate |= hasDuplicate(reader, depth + 1);
        }
        reader.endArray();
        return duplicate;
      }
      default -> {
        reader.skipValue();
        return false;
      }
    }
  }
}
