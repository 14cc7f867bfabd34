package io.tokenbroker.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.json.Json;
import io.tokenbroker.verify.VerifierPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * Asks the broker (RFC 7662, {@code POST <issuer>/introspect}) whether a token is still active, on
 * the routes that cannot wait for it to expire: the broker reads its revocations table, which a
 * JWKS-only service cannot. The service authenticates as a registered client allowed to introspect
 * ({@code "introspection": true}), by {@code private_key_jwt} with a fresh assertion per call.
 */
final class Introspection {

  private static final String ASSERTION_TYPE =
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(60);
  private static final int MAX_BYTES = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String issuer;
  private final URI endpoint;
  private final String clientId;
  private final JWK key;
  private final JWSSigner signer;
  private final RouteRules routes;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param key the client's private key, with its kid and one of {@link VerifierPolicy#SUPPORTED}
   *     as alg
   * @param routes the routes to introspect on ({@code "METHOD /path"}, as route rules)
   */
  Introspection(
      String issuer, String clientId, JWK key, RouteRules routes, Clock clock, Duration timeout) {
    if (!key.isPrivate()
        || key.getKeyID() == null
        || !(key.getAlgorithm() instanceof JWSAlgorithm alg)
        || !VerifierPolicy.SUPPORTED.contains(alg)) {
      throw new IllegalArgumentException(
          "the introspection key must be a private JWK with a kid and alg RS256, ES256 or PS256");
    }
    this.issuer = issuer;
    this.endpoint = URI.create(issuer + "/introspect");
    this.clientId = clientId;
    this.key = key;
    this.signer = signer(key);
    this.routes = routes;
    this.clock = clock;
    this.timeout = timeout;
  }

  boolean appliesTo(String method, String path) {
    return routes.rules().stream().anyMatch(r -> r.matches(method, path));
  }

  /**
   * Whether the broker says this token, which passed every local check, is active (and is the one
   * with this jti).
   *
   * @throws ServiceFailure if the broker cannot be asked (retryable) or refuses to answer us (not
   *     retryable: this service's registration or key is wrong)
   */
  boolean isActive(String token, String jti) {
    String form =
        "token="
            + encode(token)
            + "&client_assertion_type="
            + encode(ASSERTION_TYPE)
            + "&client_assertion="
            + encode(assertion());
    Map<String, Object> answer;
    try {
      answer = Json.object(post(form));
    } catch (ParseException e) {
      throw new ServiceFailure("introspection", "answer is not a JSON object", true, e);
    }
    return Boolean.TRUE.equals(answer.get("active")) && jti.equals(answer.get("jti"));
  }

  /** RFC 7523: iss = sub = our client id, aud the broker's issuer, short-lived, used once. */
  private String assertion() {
    Instant now = clock.instant();
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientId)
            .subject(clientId)
            .audience(issuer)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
            .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder((JWSAlgorithm) key.getAlgorithm())
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new ServiceFailure("introspection", "cannot sign the client assertion", false, e);
    }
    return jwt.serialize();
  }

  private String post(String form) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) endpoint.toURL().openConnection();
      connection.setInstanceFollowRedirects(false);
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
      connection.setRequestProperty("Accept", "application/json");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(form.getBytes(StandardCharsets.UTF_8));
      }
      int status = connection.getResponseCode();
      if (status != 200) {
        // 401/403: our registration or key is wrong; retrying cannot help.
        boolean retryable = status >= 500 || status == 429;
        throw new ServiceFailure(
            "introspection", "POST introspect answered HTTP " + status, retryable, null);
      }
      byte[] body;
      try (InputStream in = connection.getInputStream()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (body.length > MAX_BYTES) {
        throw new ServiceFailure("introspection", "answer too large", false, null);
      }
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ServiceFailure(
          "introspection", "POST introspect failed: " + e.getClass().getSimpleName(), true, e);
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  private static JWSSigner signer(JWK key) {
    try {
      return switch (key) {
        case RSAKey rsa -> new RSASSASigner(rsa);
        case ECKey ec -> new ECDSASigner(ec);
        default -> throw new IllegalArgumentException("the introspection key must be RSA or EC");
      };
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the introspection key cannot sign: " + e.getMessage());
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
