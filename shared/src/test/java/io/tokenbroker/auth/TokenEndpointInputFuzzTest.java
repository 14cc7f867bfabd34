package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.InMemoryReplayGuard;
import io.tokenbroker.testing.MutableClock;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.testing.TestTokens;
import io.tokenbroker.tokens.TokenRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hostile input at the token endpoint (issue 7): the form body ({@link Form#parse}, {@link
 * TokenRequest#from}) and the client assertion ({@link ClientAuthenticator#withAssertion}), with
 * in-memory repositories. Only {@link RequestRejected} may escape; a client may only be
 * authenticated by an assertion that its registered key really signed.
 *
 * <p>Client {@code fuzz-client} has an EC (P-256) and an RSA key, {@code disabled-client} the same
 * keys but is disabled. The clock stands at epoch 1800000000; the accepted audiences are {@code
 * https://broker.example.com} and {@code https://broker.example.com/token}. Placeholders: {@code
 * $EC_KID}, {@code $RSA_KID} (the client's kids), {@code $ASSERTION} (a fresh valid assertion),
 * {@code $FORGED} (an assertion signed by an attacker's key under the client's EC kid).
 */
class TokenEndpointInputFuzzTest {

  static final String ISSUER = "https://broker.example.com";
  static final String CLIENT = "fuzz-client";
  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  static final ECKey EC = TestKeys.ec();
  static final RSAKey RSA = TestKeys.rsa();
  static final ECKey ATTACKER = new ECKey.Builder(TestKeys.ec()).keyID(EC.getKeyID()).build();
  static final Map<String, String> KIDS =
      Map.of("$EC_KID", EC.getKeyID(), "$RSA_KID", RSA.getKeyID());

  private static final MutableClock CLOCK = new MutableClock(NOW);
  private static final ClientAuthenticator AUTHENTICATOR = authenticator();

  private static ClientAuthenticator authenticator() {
    InMemoryClientRepository clients = new InMemoryClientRepository();
    clients.add(Clients.withKey(CLIENT, EC, RSA));
    clients.add(Clients.withKey("disabled-client", EC, RSA).withEnabled(false));
    return new ClientAuthenticator(
        clients,
        new InMemoryReplayGuard(),
        new BrokerEndpoints(URI.create(ISSUER)),
        CLOCK,
        Duration.ofMinutes(5),
        Duration.ofSeconds(60));
  }

  /**
   * The form body as the token handler reads it: parameters, the token request, then the client's
   * assertion from the same form.
   */
  @FuzzTest(maxDuration = "2m")
  void formBody(byte[] data) {
    Set<String> genuine = new HashSet<>();
    Map<String, String> placeholders = new HashMap<>(KIDS);
    if (data.length > 0 && new String(data, StandardCharsets.UTF_8).indexOf('$') >= 0) {
      String assertion = assertion(EC, JWSAlgorithm.ES256);
      genuine.add(assertion);
      placeholders.put("$ASSERTION", assertion);
      placeholders.put("$FORGED", assertion(ATTACKER, JWSAlgorithm.ES256));
    }
    String body = FuzzInput.substitute(new String(data, StandardCharsets.UTF_8), placeholders);
    try {
      Form form = Form.parse(body);
      TokenRequest request = TokenRequest.from(form);
      assertThat(request.grantType()).isEqualTo(TokenRequest.CLIENT_CREDENTIALS);
      assertThat(request.audiences()).hasSizeLessThanOrEqualTo(10);
      AuthenticatedClient client =
          AUTHENTICATOR.withAssertion(
              form.single("client_assertion_type"),
              form.single("client_assertion"),
              form.single("client_id"));
      assertThat(genuine).as("authenticated by an assertion we did not sign").isNotEmpty();
      assertThat(form.single("client_assertion").orElseThrow()).isIn(genuine);
      assertThat(client.client().clientId()).isEqualTo(CLIENT);
    } catch (RequestRejected expected) {
      // the one allowed failure
    }
  }

  /**
   * The assertion alone. Input ({@link FuzzInput}), by mode: 0, the assertion as given; 1, {@code
   * header \n claims} signed by the client's EC key (ES256); 2, the same by its RSA key (RS256); 3,
   * the same by an attacker's key: must be refused; 4, {@code header \n claims \n signature bytes}
   * as given: must be refused. The mode byte's high bits choose the other parameters: client_id
   * absent, {@code fuzz-client}, {@code disabled-client}, or a wrong assertion type.
   */
  @FuzzTest(maxDuration = "2m")
  void clientAssertion(byte[] data) throws Exception {
    FuzzInput input = FuzzInput.of(data, 5);
    String[] lines = input.lines(3);
    String header = FuzzInput.substitute(lines[0], KIDS);
    String claims = FuzzInput.substitute(lines[1], KIDS);
    String assertion =
        switch (input.mode()) {
          case 1 -> TestTokens.raw(EC, header, claims);
          case 2 -> TestTokens.raw(RSA, header, claims);
          case 3 -> TestTokens.raw(ATTACKER, header, claims);
          case 4 ->
              TestTokens.b64(header)
                  + "."
                  + TestTokens.b64(claims)
                  + "."
                  + Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(lines[2].getBytes(StandardCharsets.UTF_8));
          default -> FuzzInput.substitute(input.text(), KIDS);
        };
    int variant = data.length == 0 ? 0 : (data[0] & 0xFF) / 16 % 4;
    Optional<String> type =
        Optional.of(
            variant == 3
                ? "urn:ietf:params:oauth:grant-type:jwt-bearer"
                : ClientAuthenticator.JWT_BEARER);
    Optional<String> clientId =
        switch (variant) {
          case 1 -> Optional.of(CLIENT);
          case 2 -> Optional.of("disabled-client");
          default -> Optional.empty();
        };
    AuthenticatedClient client;
    try {
      client = AUTHENTICATOR.withAssertion(type, Optional.of(assertion), clientId);
    } catch (RequestRejected expected) {
      return;
    }
    assertThat(input.mode() == 1 || input.mode() == 2 || signedByClient(assertion))
        .as("authenticated by an assertion the client's keys did not sign")
        .isTrue();
    assertThat(client.client().clientId()).isEqualTo(CLIENT);
    assertThat(client.method()).isEqualTo(AuthMethod.PRIVATE_KEY_JWT);
  }

  static String assertion(JWK key, JWSAlgorithm alg) {
    return ClientAssertions.sign(
        key, alg, ClientAssertions.claims(CLIENT, ISSUER + "/token", NOW).build());
  }

  /** An independent check with Nimbus: does one of the client's keys verify the assertion? */
  static boolean signedByClient(String assertion) throws Exception {
    SignedJWT jwt = SignedJWT.parse(assertion);
    JWSHeader header = jwt.getHeader();
    for (JWK key : List.of(EC.toPublicJWK(), RSA.toPublicJWK())) {
      try {
        if (jwt.verify(
            new DefaultJWSVerifierFactory()
                .createJWSVerifier(header, ((AsymmetricJWK) key).toPublicKey()))) {
          return true;
        }
      } catch (com.nimbusds.jose.JOSEException wrongKeyType) {
        // try the next key
      }
    }
    return false;
  }
}
