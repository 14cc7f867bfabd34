package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.tokens.TokenRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} body, parsed strictly: malformed percent-escapes,
 * invalid UTF-8, too many or too long parameters, and repeats of single-valued parameters are
 * rejected with {@code invalid_request}. Parameters without a value count as omitted (RFC 6749
 * 3.2).
 */
public final class Form implements TokenRequest.Parameters {

  public static final String MEDIA_TYPE = "application/x-www-form-urlencoded";
  public static final int MAX_PARAMETERS = 32;
  public static final int MAX_NAME_LENGTH = 64;
  public static final int MAX_VALUE_LENGTH = 8192;

  private final Map<String, List<String>> parameters;

  private Form(Map<String, List<String>> parameters) {
    this.parameters = parameters;
  }

  /** The form in a request, after checking its media type. */
  public static Form of(HttpRequest request) {
    List<String> contentTypes = request.headerValues("Content-Type");
    if (contentTypes.size() != 1 || !isForm(contentTypes.getFirst())) {
      throw RequestRejected.invalidRequest(
          HttpReason.WRONG_CONTENT_TYPE, "Content-Type must be " + MEDIA_TYPE);
    }
    return parse(request.body());
  }

  public static Form parse(String body) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return new Form(parameters);
    }
    String[] pairs = body.split("&", -1);
    if (pairs.length > MAX_PARAMETERS) {
      throw RequestRejected.invalidRequest(HttpReason.TOO_MANY_PARAMETERS, "too many parameters");
    }
    for (String pair : pairs) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || value.length() > MAX_VALUE_LENGTH) {
        throw RequestRejected.invalidRequest(HttpReason.PARAMETER_TOO_LONG, "parameter too long");
      }
      if (!value.isEmpty()) {
        parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    return new Form(parameters);
  }

  /** A parameter that may appear at most once. */
  @Override
  public Optional<String> single(String name) {
    List<String> values = parameters.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw RequestRejected.invalidRequest(
          HttpReason.DUPLICATE_PARAMETER, "parameter must not be repeated: " + name);
    }
    return values.stream().findFirst();
  }

  /** A parameter that must appear exactly once. */
  @Override
  public String required(String name) {
    return single(name)
        .orElseThrow(
            () ->
                RequestRejected.invalidRequest(
                    HttpReason.MISSING_PARAMETER, "missing parameter: " + name));
  }

  /** Every value of a parameter that may repeat. */
  @Override
  public List<String> all(String name) {
    return List.copyOf(parameters.getOrDefault(name, List.of()));
  }

  public boolean has(String name) {
    return parameters.containsKey(name);
  }

  private static boolean isForm(String contentType) {
    String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mediaType.equals(MEDIA_TYPE);
  }

  /** Percent-decoding with '+' as space; anything malformed is rejected, never guessed. */
  private static String decode(String encoded) {
    ByteBuffer bytes = ByteBuffer.allocate(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '+') {
        bytes.put((byte) ' ');
      } else if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw malformed();
        }
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw malformed();
        }
        bytes.put((byte) (high * 16 + low));
        i += 2;
      } else if (c > 0x7E || c < 0x20) {
        throw malformed();
      } else {
        bytes.put((byte) c);
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed();
    }
  }

  private static RequestRejected malformed() {
    return RequestRejected.invalidRequest(HttpReason.MALFORMED_FORM, "malformed form encoding");
  }
}
