package io.tokenbroker.functions.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.TokenDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** The token function wired from its environment, on real API Gateway events, against moto. */
@ExtendWith(MotoExtension.class)
class TokenHandlerIT {

  private static final String ISSUER =
      "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  private static final String TOKEN_ENDPOINT = ISSUER + "/token";
  private static final ECKey WORKLOAD_KEY = TestKeys.ec();
  private static final RSAKey STRANGER_KEY = TestKeys.rsa();
  private static final RecordingTelemetry TELEMETRY = new RecordingTelemetry();

  private static AwsFixture aws;
  private static TokenHandler handler;
  private static SigningKey signingKey;

  @BeforeAll
  static void setUp(LocalAws local) throws java.io.IOException {
    aws = AwsFixture.provisioned(local);
    signingKey = aws.bootstrapKey();
    var clients = new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
    clients.save(Clients.withKey("workload", WORKLOAD_KEY), 0);
    var refreshing = Clients.withKeys(Clients.json("refreshing"), WORKLOAD_KEY);
    refreshing.put("refresh_tokens", Map.of("enabled", true));
    clients.save(Clients.parse(refreshing), 0);
    clients.save(Clients.withRole("ci-deployer", "arn:aws:iam::123456789012:role/ci-deployer"), 0);
    var certificate = Clients.json("orders-client");
    certificate.put("tls_client_auth_subject_dn", "CN=orders-client,O=Example");
    certificate.put("tls_client_certificate_bound_access_tokens", true);
    clients.save(Clients.parse(certificate), 0);
    var boundRole = Clients.json("bound-ci");
    boundRole.put("iam_roles", java.util.List.of("arn:aws:iam::123456789012:role/bound-ci"));
    boundRole.put("tls_client_certificate_bound_access_tokens", true);
    clients.save(Clients.parse(boundRole), 0);
    Client disabled = clients.save(Clients.withKey("disabled", WORKLOAD_KEY), 0);
    clients.save(disabled.withEnabled(false), disabled.version());
    // The CA that issued the event's client certificate: it vouches for tls_client_auth names.
    String clientCa =
        java.nio.file.Files.readString(
            EventFiles.projectRoot().resolve("events/token/tls-client-auth-ca.pem"));
    handler =
        wired(aws.env(Map.of("ISSUER", ISSUER, "TLS_CLIENT_AUTH_CA_CERTS", clientCa)), TELEMETRY);
  }

  private static Map<String, Object> invoke(Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  private static String assertion(Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder> change) {
    return ClientAssertions.sign(
        WORKLOAD_KEY,
        JWSAlgorithm.ES256,
        change.apply(ClientAssertions.claims("workload", TOKEN_ENDPOINT, Instant.now())).build());
  }

  private static String form(String extra, String assertion) {
    return "grant_type=client_credentials&" + ClientAssertions.formParameters(assertion) + extra;
  }

  private static Map<String, Object> privateKeyJwt(String body) {
    Map<String, Object> event = EventFiles.load("token/client-credentials-private-key-jwt.json");
    event.put("body", body);
    return event;
  }

  private static int issuanceCount() {
    return aws.dynamoDb
        .scan(ScanRequest.builder().tableName(aws.tables.issuances()).build())
        .count();
  }

  /** The handler as the local server builds it: its wiring read from {@code env}. */
  private static TokenHandler wired(Env env, Telemetry telemetry) {
    TokenWiring wiring = TokenWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    return new TokenHandler(
        wiring.clientAuthentication(),
        wiring.tokens(),
        wiring.refreshes(),
        wiring.exchanges(),
        wiring.dpop(),
        wiring.handlerTelemetry());
  }

  @Test
  void issuesAVerifiableTokenForAPrivateKeyJwtClientAndRecordsIt() throws Exception {
    Map<String, Object> response =
        invoke(privateKeyJwt(form("&scope=orders%3Awrite", assertion(c -> c))));

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.headers(response))
        .containsEntry("Cache-Control", "no-store")
        .containsEntry("Pragma", "no-cache");
    Map<String, Object> body = EventFiles.body(response);
    assertThat(body)
        .containsEntry("token_type", "Bearer")
        .containsEntry("expires_in", 300L)
        .containsEntry("scope", "orders:write");
    String token = (String) body.get("access_token");
    SignedJWT jwt = SignedJWT.parse(token);
    byte[] kmsPublicKey =
        aws.kms.getPublicKey(r -> r.keyId(signingKey.keyReference())).publicKey().asByteArray();
    assertThat(((AsymmetricJWK) signingKey.publicJwk()).toPublicKey().getEncoded())
        .isEqualTo(kmsPublicKey);
    assertThat(
            jwt.verify(
                new DefaultJWSVerifierFactory()
                    .createJWSVerifier(
                        jwt.getHeader(), ((AsymmetricJWK) signingKey.publicJwk()).toPublicKey())))
        .isTrue();
    assertThat(jwt.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo("workload");

    var record =
        new DynamoDbIssuanceRepository(aws.dynamoDb, aws.tables.issuances())
            .find(jwt.getJWTClaimsSet().getJWTID())
            .orElseThrow();
    assertThat(record.tokenSha256()).isEqualTo(TokenDigest.sha256(token));
    assertThat(record.callerIdentity()).isEqualTo("jwk:" + WORKLOAD_KEY.getKeyID());
    assertThat(record.sourceIp()).isEqualTo("203.0.113.10");
    assertThat(record.userAgent()).isEqualTo("aws-sdk-java/2.57.8");
    assertThat(TELEMETRY.everything())
        .doesNotContain(token)
        .doesNotContain(jwt.getSignature().toString());
  }

  @Test
  void rotatesRefreshTokensAndRevokesTheFamilyOnReuse() throws Exception {
    String refreshingAssertion =
        ClientAssertions.sign(
            WORKLOAD_KEY,
            JWSAlgorithm.ES256,
            ClientAssertions.claims("refreshing", TOKEN_ENDPOINT, Instant.now()).build());
    Map<String, Object> first =
        EventFiles.body(invoke(privateKeyJwt(form("", refreshingAssertion))));
    String refreshToken = (String) first.get("refresh_token");
    assertThat(refreshToken).startsWith("tbr_");

    Map<String, Object> rotated =
        EventFiles.body(
            invoke(
                privateKeyJwt(
                    form("", assertionFor("refreshing"))
                        .replace(
                            "grant_type=client_credentials",
                            "grant_type=refresh_token&refresh_token=" + refreshToken))));
    assertThat(rotated).containsKeys("access_token", "refresh_token");
    assertThat(rotated.get("refresh_token")).isNotEqualTo(refreshToken);

    Map<String, Object> reuse =
        invoke(
            privateKeyJwt(
                form("", assertionFor("refreshing"))
                    .replace(
                        "grant_type=client_credentials",
                        "grant_type=refresh_token&refresh_token=" + refreshToken)));
    assertThat(reuse.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(reuse)).containsEntry("error", "invalid_grant");
    Map<String, Object> afterReuse =
        invoke(
            privateKeyJwt(
                form("", assertionFor("refreshing"))
                    .replace(
                        "grant_type=client_credentials",
                        "grant_type=refresh_token&refresh_token=" + rotated.get("refresh_token"))));
    assertThat(EventFiles.body(afterReuse)).containsEntry("error", "invalid_grant");
  }

  /**
   * The revocations table is the one source of truth for refresh: a family revoked only there (by
   * sid, as an operator's revocation writes it) and every family of a client revoked by watermark
   * are refused with invalid_grant, and nothing is issued.
   */
  @Test
  void refusesARefreshTheRevocationsTableRevokesByFamilyOrByClient() throws Exception {
    var clients = new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
    for (String id : List.of("refresh-by-sid", "refresh-by-watermark")) {
      var json = Clients.withKeys(Clients.json(id), WORKLOAD_KEY);
      json.put("refresh_tokens", Map.of("enabled", true));
      clients.save(Clients.parse(json), 0);
    }
    Map<String, Object> bySid =
        EventFiles.body(invoke(privateKeyJwt(form("", assertionFor("refresh-by-sid")))));
    Map<String, Object> byWatermark =
        EventFiles.body(invoke(privateKeyJwt(form("", assertionFor("refresh-by-watermark")))));
    var revocations =
        new io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository(
            aws.dynamoDb, aws.tables.revocations());
    JWTClaimsSet sidClaims = SignedJWT.parse((String) bySid.get("access_token")).getJWTClaimsSet();
    JWTClaimsSet watermarkClaims =
        SignedJWT.parse((String) byWatermark.get("access_token")).getJWTClaimsSet();
    revocations.revokeFamily(
        sidClaims.getStringClaim("sid"), Instant.now().plusSeconds(90_000), "test");
    revocations.revokeClientTokensBefore(
        "refresh-by-watermark",
        watermarkClaims.getIssueTime().toInstant().plusSeconds(1),
        Instant.now().plus(java.time.Duration.ofDays(31)));
    int issued = issuanceCount();

    for (var grant :
        List.of(
            Map.entry("refresh-by-sid", bySid), Map.entry("refresh-by-watermark", byWatermark))) {
      Map<String, Object> refused =
          invoke(
              privateKeyJwt(
                  form("", assertionFor(grant.getKey()))
                      .replace(
                          "grant_type=client_credentials",
                          "grant_type=refresh_token&refresh_token="
                              + grant.getValue().get("refresh_token"))));
      assertThat(refused.get("statusCode")).as(grant.getKey()).isEqualTo(400L);
      assertThat(EventFiles.body(refused)).containsEntry("error", "invalid_grant");
    }
    assertThat(issuanceCount()).isEqualTo(issued);
  }

  private static String assertionFor(String clientId) {
    return ClientAssertions.sign(
        WORKLOAD_KEY,
        JWSAlgorithm.ES256,
        ClientAssertions.claims(clientId, TOKEN_ENDPOINT, Instant.now()).build());
  }

  @Test
  void issuesATokenToTheClientAnIamRoleIsBoundTo() throws Exception {
    Map<String, Object> response = invoke(EventFiles.load("token/client-credentials-iam.json"));

    assertThat(response.get("statusCode")).isEqualTo(200L);
    JWTClaimsSet claims =
        SignedJWT.parse((String) EventFiles.body(response).get("access_token")).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("ci-deployer");
    assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read");
  }

  /** RFC 8705 2.1 and 3 in API Gateway's event: the certificate authenticates and binds. */
  @Test
  @SuppressWarnings("unchecked")
  void issuesACertificateBoundTokenToAClientThatAuthenticatesWithItsCertificate() throws Exception {
    Map<String, Object> event = EventFiles.load("token/client-credentials-tls-client-auth.json");
    String pem =
        (String)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>) event.get("requestContext")).get("identity"))
                        .get("clientCert"))
                .get("clientCertPem");

    Map<String, Object> response = invoke(event);

    assertThat(response.get("statusCode")).as(String.valueOf(response)).isEqualTo(200L);
    JWTClaimsSet claims =
        SignedJWT.parse((String) EventFiles.body(response).get("access_token")).getJWTClaimsSet();
    assertThat(claims.getJSONObjectClaim("cnf"))
        .isEqualTo(
            Map.of(
                "x5t#S256",
                io.tokenbroker.jose.ClientCertificates.thumbprint(
                    io.tokenbroker.jose.ClientCertificates.parsePem(pem))));
    assertThat(EventFiles.body(response)).containsEntry("token_type", "Bearer");
  }

  @Test
  @SuppressWarnings("unchecked")
  void refusesACertificateBoundClientWithoutMutualTlsAndAMalformedCertificate() {
    int before = issuanceCount();
    Map<String, Object> iam = EventFiles.load("token/client-credentials-iam.json");
    ((Map<String, Object>) ((Map<String, Object>) iam.get("requestContext")).get("identity"))
        .put("userArn", "arn:aws:sts::123456789012:assumed-role/bound-ci/build-1");
    Map<String, Object> withoutTls = invoke(iam);
    assertThat(withoutTls.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.body(withoutTls)).containsEntry("error", "invalid_request");
    assertThat((String) EventFiles.body(withoutTls).get("error_description"))
        .contains("mutual TLS");

    Map<String, Object> event = EventFiles.load("token/client-credentials-tls-client-auth.json");
    Map<String, Object> cert =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) event.get("requestContext")).get("identity"))
                .get("clientCert");
    String pem = (String) cert.get("clientCertPem");
    for (String malformed :
        java.util.List.of(
            pem + pem,
            pem.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----"),
            pem.replace("\n-----END", "AAAA\n-----END"))) {
      cert.put("clientCertPem", malformed);
      Map<String, Object> refused = invoke(event);
      assertThat(refused.get("statusCode")).as(malformed).isEqualTo(400L);
      assertThat(EventFiles.body(refused)).containsEntry("error", "invalid_request");
    }
    assertThat(issuanceCount()).isEqualTo(before);
  }

  @Test
  void readsABase64EncodedBody() {
    Map<String, Object> event = privateKeyJwt(form("", assertion(c -> c)));
    event.put(
        "body",
        Base64.getEncoder()
            .encodeToString(((String) event.get("body")).getBytes(StandardCharsets.UTF_8)));
    event.put("isBase64Encoded", true);

    assertThat(invoke(event).get("statusCode")).isEqualTo(200L);
  }

  @Test
  void refusesAReplayedAssertion() {
    String once = assertion(c -> c);
    assertThat(invoke(privateKeyJwt(form("", once))).get("statusCode")).isEqualTo(200L);
    int before = issuanceCount();

    Map<String, Object> replay = invoke(privateKeyJwt(form("", once)));

    assertThat(replay.get("statusCode")).isEqualTo(401L);
    assertThat(EventFiles.body(replay)).containsEntry("error", "invalid_client");
    assertThat(issuanceCount()).isEqualTo(before);
  }

  record BadRequest(String name, Map<String, Object> event, long status, String error) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> badRequests() {
    Instant now = Instant.now();
    return Stream.of(
        bad(
            "wrong method",
            withMethod(privateKeyJwt(form("", assertion(c -> c))), "GET"),
            405,
            "invalid_request"),
        bad(
            "wrong content type",
            withHeader(
                privateKeyJwt(form("", assertion(c -> c))), "Content-Type", "application/json"),
            400,
            "invalid_request"),
        bad(
            "missing grant_type",
            privateKeyJwt(
                form("", assertion(c -> c)).replace("grant_type=client_credentials&", "")),
            400,
            "invalid_request"),
        bad(
            "duplicate grant_type",
            privateKeyJwt(form("&grant_type=client_credentials", assertion(c -> c))),
            400,
            "invalid_request"),
        bad(
            "unknown grant",
            privateKeyJwt(form("", assertion(c -> c)).replace("client_credentials", "password")),
            400,
            "unsupported_grant_type"),
        bad(
            "malformed form",
            privateKeyJwt(form("&scope=%ZZ", assertion(c -> c))),
            400,
            "invalid_request"),
        bad(
            "oversized body",
            privateKeyJwt(form("&pad=" + "x".repeat(17000), assertion(c -> c))),
            413,
            "invalid_request"),
        bad(
            "no client authentication",
            privateKeyJwt("grant_type=client_credentials"),
            401,
            "invalid_client"),
        bad(
            "unknown client",
            privateKeyJwt(
                form(
                    "",
                    ClientAssertions.sign(
                        WORKLOAD_KEY,
                        JWSAlgorithm.ES256,
                        ClientAssertions.claims("nobody", TOKEN_ENDPOINT, now).build()))),
            401,
            "invalid_client"),
        bad(
            "disabled client",
            privateKeyJwt(
                form(
                    "",
                    ClientAssertions.sign(
                        WORKLOAD_KEY,
                        JWSAlgorithm.ES256,
                        ClientAssertions.claims("disabled", TOKEN_ENDPOINT, now).build()))),
            401,
            "invalid_client"),
        bad(
            "expired assertion",
            privateKeyJwt(
                form("", assertion(c -> c.expirationTime(Date.from(now.minusSeconds(120)))))),
            401,
            "invalid_client"),
        bad(
            "assertion for another audience",
            privateKeyJwt(form("", assertion(c -> c.audience("https://evil.example.com/token")))),
            401,
            "invalid_client"),
        bad(
            "assertion whose aud is an array, even one holding ours",
            privateKeyJwt(form("", assertion(c -> c.audience(List.of(TOKEN_ENDPOINT, ISSUER))))),
            401,
            "invalid_client"),
        bad(
            "assertion signed by another key",
            privateKeyJwt(
                form(
                    "",
                    ClientAssertions.sign(
                        STRANGER_KEY,
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(WORKLOAD_KEY.getKeyID())
                            .build(),
                        ClientAssertions.claims("workload", TOKEN_ENDPOINT, now).build()))),
            401,
            "invalid_client"),
        bad(
            "unsigned assertion",
            privateKeyJwt(
                form(
                    "",
                    new PlainJWT(ClientAssertions.claims("workload", TOKEN_ENDPOINT, now).build())
                        .serialize())),
            401,
            "invalid_client"),
        bad(
            "scope outside policy",
            privateKeyJwt(form("&scope=orders%3Adelete", assertion(c -> c))),
            400,
            "invalid_scope"),
        bad(
            "audience outside policy",
            privateKeyJwt(form("&audience=https%3A%2F%2Fbilling.example.com", assertion(c -> c))),
            400,
            "invalid_target"),
        bad(
            "IAM route without a verified caller",
            withoutIdentity(EventFiles.load("token/client-credentials-iam.json")),
            401,
            "invalid_client"),
        bad(
            "refresh grant without refresh_token",
            privateKeyJwt(
                form("", assertion(c -> c)).replace("client_credentials", "refresh_token")),
            400,
            "invalid_request"),
        bad(
            "refresh grant with a forged refresh_token",
            privateKeyJwt(
                form("&refresh_token=tbr_" + "A".repeat(51), assertion(c -> c))
                    .replace("client_credentials", "refresh_token")),
            400,
            "invalid_grant"));
  }

  private static Arguments bad(String name, Map<String, Object> event, long status, String error) {
    return Arguments.of(new BadRequest(name, event, status, error));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersEveryBadRequestWithAnOAuthErrorAndIssuesNothing(BadRequest bad) {
    int before = issuanceCount();

    Map<String, Object> response = invoke(bad.event());

    assertThat(response.get("statusCode")).isEqualTo(bad.status());
    Map<String, Object> body = EventFiles.body(response);
    assertThat(body).containsEntry("error", bad.error()).containsKey("error_description");
    assertThat(body).doesNotContainKey("access_token");
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "no-store");
    assertThat(issuanceCount()).isEqualTo(before);
  }

  /**
   * RFC 6749 section 5.2: an invalid_client answer to a client that authenticated with the
   * Authorization header carries WWW-Authenticate with the scheme it used; SigV4 on the IAM route.
   */
  @Test
  void challengesWithSigV4WhenAnIamCallerIsNoClient() {
    Map<String, Object> unbound = EventFiles.load("token/client-credentials-iam.json");
    identity(unbound).put("userArn", "arn:aws:sts::123456789012:assumed-role/stranger/s1");

    Map<String, Object> response = invoke(unbound);

    assertThat(response.get("statusCode")).isEqualTo(401L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_client");
    assertThat(EventFiles.headers(response)).containsEntry("WWW-Authenticate", "AWS4-HMAC-SHA256");
  }

  @Test
  void challengesWithTheSchemeAClientTriedOnThePrivateKeyJwtRoute() {
    Map<String, Object> basic =
        withHeader(
            privateKeyJwt("grant_type=client_credentials"),
            "Authorization",
            "basic d29ya2xvYWQ6c2VjcmV0");

    Map<String, Object> response = invoke(basic);

    assertThat(response.get("statusCode")).isEqualTo(401L);
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_client");
    // RFC 7617 section 2: a Basic challenge must name its realm (the scheme is case-insensitive)
    assertThat(EventFiles.headers(response))
        .containsEntry("WWW-Authenticate", "Basic realm=\"" + ISSUER + "\"");
  }

  @Test
  void sendsNoChallengeWhereTheClientUsedNoAuthorizationHeaderOrAuthenticated() {
    Map<String, Object> expired =
        invoke(
            privateKeyJwt(
                form(
                    "",
                    assertion(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))))));
    Map<String, Object> outsidePolicy =
        invoke(
            withBody(
                EventFiles.load("token/client-credentials-iam.json"),
                "grant_type=client_credentials&scope=orders%3Adelete"));

    assertThat(expired.get("statusCode")).isEqualTo(401L);
    assertThat(EventFiles.headers(expired)).doesNotContainKey("WWW-Authenticate");
    assertThat(outsidePolicy.get("statusCode")).isEqualTo(400L);
    assertThat(EventFiles.headers(outsidePolicy)).doesNotContainKey("WWW-Authenticate");
  }

  @Test
  void answersTemporarilyUnavailableWhenAwsIsUnreachable() {
    TokenHandler cutOff =
        wired(
            aws.env(Map.of("ISSUER", ISSUER, "AWS_ENDPOINT_URL", "http://127.0.0.1:9")),
            new RecordingTelemetry());

    Map<String, Object> response =
        EventFiles.invoke(
            (in, out) -> cutOff.handleRequest(in, out, null),
            privateKeyJwt(form("", assertion(c -> c))));

    assertThat(response.get("statusCode")).isEqualTo(503L);
    assertThat(EventFiles.body(response)).containsEntry("error", "temporarily_unavailable");
    assertThat(EventFiles.headers(response)).containsKey("Retry-After");
  }

  private static Map<String, Object> withMethod(Map<String, Object> event, String method) {
    event.put("httpMethod", method);
    return event;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withHeader(
      Map<String, Object> event, String name, String value) {
    ((Map<String, Object>) event.get("multiValueHeaders")).put(name, List.of(value));
    return event;
  }

  private static Map<String, Object> withoutIdentity(Map<String, Object> event) {
    identity(event).put("userArn", null);
    return event;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> identity(Map<String, Object> event) {
    return (Map<String, Object>)
        ((Map<String, Object>) event.get("requestContext")).get("identity");
  }

  private static Map<String, Object> withBody(Map<String, Object> event, String body) {
    event.put("body", body);
    return event;
  }
}
