package io.tokenbroker.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What API Gateway (REST API) does with a REQUEST Lambda authorizer whose identity source is the
 * Authorization header: no header, 401 without calling it; an "Unauthorized" error, 401; any other
 * error or a malformed answer, 500; an IAM policy that does not allow this method ARN (explicit
 * Deny wins), 403; else the request goes on with the authorizer's context. Answers are cached per
 * header value for the configured TTL and reused for every route, as API Gateway does (which is why
 * the authorizer refuses DPoP-bound tokens when told of a TTL: template.yaml). The 401 and 403
 * carry the headers template.yaml's gateway responses give them ({@link #UNAUTHORIZED_CHALLENGE},
 * and for a Deny the authorizer context's {@code www_authenticate} and {@code dpop_nonce}).
 */
final class LambdaAuthorizerEmulator {

  /** The outcome for one request. */
  sealed interface Decision permits Allowed, Refused {}

  /** Go on; {@code context} becomes requestContext.authorizer. */
  record Allowed(Map<String, Object> context) implements Decision {}

  /** Refused with a gateway response: its status, message and headers. */
  record Refused(int status, String message, Map<String, String> headers) implements Decision {
    Refused(int status, String message) {
      this(status, message, Map.of());
    }
  }

  /** template.yaml's UNAUTHORIZED gateway response: static, nothing per request can reach it. */
  static final String UNAUTHORIZED_CHALLENGE = "Bearer, DPoP algs=\"ES256 RS256 PS256\"";

  private static Refused unauthorized() {
    return new Refused(401, "Unauthorized", Map.of("WWW-Authenticate", UNAUTHORIZED_CHALLENGE));
  }

  private record Cached(Map<String, Object> answer, Instant until) {}

  private final RequestStreamHandler authorizer;
  private final Duration cacheTtl;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  LambdaAuthorizerEmulator(RequestStreamHandler authorizer, Duration cacheTtl, Clock clock) {
    this.authorizer = authorizer;
    this.cacheTtl = cacheTtl;
    this.clock = clock;
  }

  Decision decide(
      Map<String, Object> requestEvent, Optional<String> authorization, String methodArn) {
    if (authorization.isEmpty()) {
      return unauthorized();
    }
    Map<String, Object> answer;
    Cached cached = cache.get(authorization.get());
    if (cached != null && clock.instant().isBefore(cached.until())) {
      answer = cached.answer();
    } else {
      Map<String, Object> event = new java.util.LinkedHashMap<>(requestEvent);
      event.put("type", "REQUEST");
      event.put("methodArn", methodArn);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        authorizer.handleRequest(
            new ByteArrayInputStream(
                com.nimbusds.jose.util.JSONObjectUtils.toJSONString(event)
                    .getBytes(StandardCharsets.UTF_8)),
            out,
            new LocalLambdaContext(UUID.randomUUID().toString(), "authorizer"));
        answer = Json.object(out.toString(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        return "Unauthorized".equals(e.getMessage()) ? unauthorized() : new Refused(500, null);
      } catch (java.io.IOException | ParseException e) {
        return new Refused(500, null);
      }
      if (!cacheTtl.isZero()) {
        cache.put(authorization.get(), new Cached(answer, clock.instant().plus(cacheTtl)));
      }
    }
    return evaluate(answer, methodArn);
  }

  /** IAM evaluation of the answer's policy for one method ARN: explicit Deny, then Allow. */
  @SuppressWarnings("unchecked")
  static Decision evaluate(Map<String, Object> answer, String methodArn) {
    if (!(answer.get("policyDocument") instanceof Map<?, ?> policy)
        || !(policy.get("Statement") instanceof List<?> statements)) {
      return new Refused(500, null);
    }
    boolean allowed = false;
    for (Object s : statements) {
      Map<String, Object> statement = (Map<String, Object>) s;
      List<Object> resources =
          statement.get("Resource") instanceof List<?> list
              ? (List<Object>) list
              : List.of(String.valueOf(statement.get("Resource")));
      boolean matches = resources.stream().anyMatch(r -> glob(String.valueOf(r), methodArn));
      if (matches && "Deny".equals(statement.get("Effect"))) {
        return new Refused(
            403,
            "User is not authorized to access this resource with an explicit deny",
            accessDeniedHeaders(answer));
      }
      allowed |= matches && "Allow".equals(statement.get("Effect"));
    }
    if (!allowed) {
      return new Refused(403, "User is not authorized to access this resource");
    }
    Map<String, Object> context = new java.util.LinkedHashMap<>();
    if (answer.get("context") instanceof Map<?, ?> values) {
      values.forEach((k, v) -> context.put(String.valueOf(k), v));
    }
    context.put("principalId", answer.get("principalId"));
    return new Allowed(context);
  }

  /**
   * template.yaml's ACCESS_DENIED gateway response: WWW-Authenticate and DPoP-Nonce from the
   * authorizer's context, where it set them.
   */
  private static Map<String, String> accessDeniedHeaders(Map<String, Object> answer) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (answer.get("context") instanceof Map<?, ?> context) {
      if (context.get("www_authenticate") instanceof String challenge) {
        headers.put("WWW-Authenticate", challenge);
      }
      if (context.get("dpop_nonce") instanceof String nonce) {
        headers.put("DPoP-Nonce", nonce);
      }
    }
    return headers;
  }

  /** IAM resource wildcards: {@code *} is any run of characters, {@code ?} any one. */
  static boolean glob(String pattern, String text) {
    return text.matches(
        java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
  }
}
