package io.tokenbroker.functions.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.kms.KmsKeyManager;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.wiring.DiscoveryWiring;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import io.tokenbroker.json.Json;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.AwsFixture;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.RecordingTelemetry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The discovery function, wired from its environment as in Lambda, against moto. */
@ExtendWith(MotoExtension.class)
class DiscoveryHandlerIT {

  private static final String ISSUER = "https://broker.example.com/prod";

  private static AwsFixture aws;
  private static DiscoveryHandler handler;
  private static SigningKey active;
  private static SigningKey withdrawn;

  @BeforeAll
  static void setUp(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    var keys = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
    var keyManager = new KmsKeyManager(aws.kms, "test");
    active = aws.bootstrapKey();
    withdrawn =
        SigningKey.created(
            keyManager.create(JWSAlgorithm.ES256, "test-creation"),
            KeyState.WITHDRAWN,
            Clock.systemUTC().instant());
    keys.create(withdrawn);
    handler =
        wired(
            aws.env(Map.of("ISSUER", ISSUER, "JWKS_MAX_AGE_SECONDS", "120")),
            new RecordingTelemetry());
  }

  private static Map<String, Object> invoke(Map<String, Object> event) {
    return EventFiles.invoke((in, out) -> handler.handleRequest(in, out, null), event);
  }

  @ParameterizedTest
  @ValueSource(strings = {"discovery/get-jwks.json", "discovery/get-jwks-http-api.json"})
  void publishesTheKeyKmsHoldsWithItsThumbprintAsKid(String eventFile) throws Exception {
    Map<String, Object> response = invoke(EventFiles.load(eventFile));

    assertThat(response.get("statusCode")).isEqualTo(200L);
    assertThat(EventFiles.headers(response)).containsEntry("Cache-Control", "public, max-age=120");
    JWKSet jwks = JWKSet.parse((String) response.get("body"));
    assertThat(jwks.getKeys()).extracting(JWK::getKeyID).containsExactly(active.kid());
    JWK published = jwks.getKeys().getFirst();
    assertThat(published.isPrivate()).isFalse();
    assertThat(published.computeThumbprint().toString()).isEqualTo(published.getKeyID());
    assertThat(published.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    byte[] kmsPublicKey =
        aws.kms.getPublicKey(r -> r.keyId(active.keyReference())).publicKey().asByteArray();
    assertThat(((AsymmetricJWK) published).toPublicKey().getEncoded()).isEqualTo(kmsPublicKey);
  }

  /** A record as someone with write access to the key table (and no KMS key) could write it. */
  private static SigningKey forged(String keyReference, JWK publicJwk) {
    return new SigningKey(
        publicJwk.getKeyID(),
        keyReference,
        (JWSAlgorithm) publicJwk.getAlgorithm(),
        publicJwk,
        KeyState.PENDING,
        Clock.systemUTC().instant(),
        null,
        null,
        null,
        1);
  }

  /**
   * The handler as the local server builds it: its wiring read from {@code env}; the hooks that
   * wiring registers are kept in {@link #HOOKS}.
   */
  private static DiscoveryHandler wired(Env env, Telemetry telemetry) {
    DiscoveryWiring wiring = DiscoveryWiring.fromEnvironment(env, Clock.systemUTC(), telemetry);
    DiscoveryHandler handler = new DiscoveryHandler(wiring.discovery(), wiring.handlerTelemetry());
    HOOKS.put(handler, wiring.snapStartHooks((in, out) -> handler.handleRequest(in, out, null)));
    return handler;
  }

  /** The SnapStart hooks each wiring registered for its handler, as Lambda's handler keeps them. */
  private static final java.util.Map<Object, SnapStartHooks> HOOKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static SnapStartHooks hooks(Object handler) {
    return HOOKS.get(handler);
  }

  @Test
  void leavesOutKeyRecordsKmsDoesNotConfirm() throws Exception {
    var keys = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
    var genuine = new KmsKeyManager(aws.kms, "test").create(JWSAlgorithm.RS256, "c");
    String arn = aws.kms.describeKey(r -> r.keyId(genuine.keyReference())).keyMetadata().arn();
    List<SigningKey> forgeries =
        List.of(
            forged(
                active.keyReference(),
                io.tokenbroker.testing.TestKeys.generate(JWSAlgorithm.RS256).toPublicJWK()),
            forged(arn, genuine.publicJwk()));
    forgeries.forEach(keys::create);
    RecordingTelemetry telemetry = new RecordingTelemetry();
    DiscoveryHandler fresh =
        wired(aws.env(Map.of("ISSUER", ISSUER, "KEY_TABLE_CACHE_SECONDS", "0")), telemetry);
    try {
      Map<String, Object> response =
          EventFiles.invoke(
              (in, out) -> fresh.handleRequest(in, out, null),
              EventFiles.load("discovery/get-jwks.json"));

      assertThat(response.get("statusCode")).isEqualTo(200L);
      assertThat(JWKSet.parse((String) response.get("body")).getKeys())
          .extracting(JWK::getKeyID)
          .containsExactly(active.kid());
      assertThat(telemetry.named("keys.unverified_key"))
          .extracting(e -> e.fields().get("kid"))
          .containsExactlyInAnyOrderElementsOf(forgeries.stream().map(SigningKey::kid).toList());
      assertThat(telemetry.everything()).doesNotContain("arn:aws:kms");
    } finally {
      forgeries.forEach(
          k -> keys.update(k.moveTo(KeyState.WITHDRAWN, Clock.systemUTC().instant())));
    }
  }

  @Test
  void leavesWithdrawnKeysOut() throws Exception {
    JWKSet jwks =
        JWKSet.parse((String) invoke(EventFiles.load("discovery/get-jwks.json")).get("body"));

    assertThat(jwks.getKeyByKeyId(withdrawn.kid())).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "discovery/get-oauth-authorization-server.json",
        "discovery/get-openid-configuration.json"
      })
  @SuppressWarnings("unchecked")
  void servesRfc8414MetadataForTheConfiguredIssuer(String eventFile) {
    Map<String, Object> metadata = EventFiles.body(invoke(EventFiles.load(eventFile)));

    assertThat(metadata)
        .containsEntry("issuer", ISSUER)
        .containsEntry("token_endpoint", ISSUER + "/token")
        .containsEntry("jwks_uri", ISSUER + "/.well-known/jwks.json")
        .containsEntry("revocation_endpoint", ISSUER + "/revoke")
        .containsEntry("introspection_endpoint", ISSUER + "/introspect")
        .containsEntry("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
    assertThat((List<Object>) metadata.get("grant_types_supported"))
        .contains("client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange");
    assertThat((List<Object>) metadata.get("access_token_signing_alg_values_supported"))
        .contains("RS256");
  }

  /**
   * What Spring Security's {@code issuer-uri} and other OpenID clients parse: Nimbus's OIDC
   * metadata reader refuses a document without the members OpenID Connect Discovery requires.
   */
  @Test
  void servesAnOpenIdConfigurationThatOpenIdClientLibrariesAccept() throws Exception {
    String body =
        (String) invoke(EventFiles.load("discovery/get-openid-configuration.json")).get("body");

    OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(body);

    assertThat(metadata.getIssuer().getValue()).isEqualTo(ISSUER);
    assertThat(metadata.getJWKSetURI()).hasToString(ISSUER + "/.well-known/jwks.json");
    assertThat(metadata.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);
    // RFC 9449 5.1, as the Nimbus SDK's DPoP clients read it.
    assertThat(metadata.getDPoPJWSAlgs())
        .containsExactly(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS256);
    // The RFC 8414 document stays as it was: OAuth clients read it, and it claims nothing of OIDC.
    assertThat(
            EventFiles.body(
                invoke(EventFiles.load("discovery/get-oauth-authorization-server.json"))))
        .doesNotContainKeys("subject_types_supported", "id_token_signing_alg_values_supported");
  }

  /**
   * scopes_supported comes from the deployment's PUBLISHED_SCOPES (scopes are per client policy;
   * the broker has no list of its own), in the RFC 8414 document only: OIDC Discovery section 3
   * says a server listing scopes_supported must support the openid scope, which the broker does
   * not. Unset, the optional member is left out rather than announced empty.
   */
  @Test
  void listsThePublishedScopesAsScopesSupportedAndLeavesTheMemberOutWhenUnset() throws Exception {
    DiscoveryHandler publishing =
        wired(
            aws.env(Map.of("ISSUER", ISSUER, "PUBLISHED_SCOPES", "orders:read orders:write")),
            new RecordingTelemetry());

    String openId =
        (String)
            EventFiles.invoke(
                    (in, out) -> publishing.handleRequest(in, out, null),
                    EventFiles.load("discovery/get-openid-configuration.json"))
                .get("body");
    Map<String, Object> oauth =
        EventFiles.body(
            EventFiles.invoke(
                (in, out) -> publishing.handleRequest(in, out, null),
                EventFiles.load("discovery/get-oauth-authorization-server.json")));

    assertThat(OIDCProviderMetadata.parse(openId).getScopes()).isNull();
    assertThat(Json.object(openId)).doesNotContainKey("scopes_supported");
    assertThat(oauth).containsEntry("scopes_supported", List.of("orders:read", "orders:write"));
    assertThat(EventFiles.body(invoke(EventFiles.load("discovery/get-openid-configuration.json"))))
        .doesNotContainKey("scopes_supported");
  }

  @Test
  void refusesToStartWithPublishedScopesThatAreNoScopeList() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                wired(
                    aws.env(
                        Map.of("ISSUER", ISSUER, "PUBLISHED_SCOPES", "orders:read  orders:write")),
                    new RecordingTelemetry()))
        .hasMessageContaining("PUBLISHED_SCOPES");
  }

  @Test
  void refusesOtherMethodsWith405() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("httpMethod", "DELETE");

    Map<String, Object> response = invoke(event);

    assertThat(response.get("statusCode")).isEqualTo(405L);
    assertThat(EventFiles.headers(response)).containsEntry("Allow", "GET");
    assertThat(EventFiles.body(response)).containsEntry("error", "invalid_request");
  }

  @Test
  void answersUnknownRoutesWith404() {
    Map<String, Object> event = EventFiles.load("discovery/get-jwks.json");
    event.put("resource", "/.well-known/other");

    assertThat(invoke(event).get("statusCode")).isEqualTo(404L);
  }

  @Test
  void snapStartPrimingReadsOnlyAndAKeyPublishedBeforeTheRestoreIsServedRightAfterIt()
      throws Exception {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    DiscoveryHandler restored =
        wired(aws.env(Map.of("ISSUER", ISSUER, "KEY_TABLE_CACHE_SECONDS", "600")), telemetry);
    var before = aws.itemCounts();

    hooks(restored).beforeCheckpoint(null);

    assertThat(aws.itemCounts()).isEqualTo(before);
    assertThat(telemetry.events())
        .extracting(io.tokenbroker.telemetry.TelemetryEvent::name)
        .containsExactly("snapstart.primed");

    var keys = new DynamoDbKeyRepository(aws.dynamoDb, aws.tables.keys());
    SigningKey pending =
        SigningKey.created(
            new KmsKeyManager(aws.kms, "test").create(JWSAlgorithm.RS256, "test-creation"),
            KeyState.PENDING,
            Clock.systemUTC().instant());
    keys.create(pending);
    try {
      hooks(restored).afterRestore(null);

      Map<String, Object> response =
          EventFiles.invoke(
              (in, out) -> restored.handleRequest(in, out, null),
              EventFiles.load("discovery/get-jwks.json"));
      assertThat(JWKSet.parse((String) response.get("body")).getKeys())
          .extracting(JWK::getKeyID)
          .contains(pending.kid());
    } finally {
      keys.write(
          java.util.List.of(),
          java.util.List.of(pending.moveTo(KeyState.WITHDRAWN, Clock.systemUTC().instant())));
    }
  }
}
