package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.tokenbroker.devsupport.X509Builder;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientJsonTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/ci";

  private static Map<String, Object> valid() {
    Map<String, Object> json = Clients.json("ci-deployer");
    json.put("iam_roles", List.of(ROLE));
    return json;
  }

  @Test
  void readsAFullRegistration() {
    Map<String, Object> json = Clients.withKeys(valid(), TestKeys.ec());
    json.put("iam_roles", List.of("arn:aws:iam::123456789012:role/teams/ci"));
    json.put("default_lifetime_seconds", 120);
    json.put("max_lifetime_seconds", 600);
    json.put("subject", "spiffe://example/ci");

    Client client = ClientJson.fromJson(json, 3);

    assertThat(client.clientId()).isEqualTo("ci-deployer");
    assertThat(client.enabled()).isTrue();
    assertThat(client.subject()).isEqualTo("spiffe://example/ci");
    assertThat(client.iamRoles()).containsExactly(ROLE);
    assertThat(client.publicKeys().getKeys()).hasSize(1);
    assertThat(client.scopes()).containsExactly("orders:read", "orders:write");
    assertThat(client.defaultLifetime()).isEqualTo(Duration.ofSeconds(120));
    assertThat(client.maxLifetime()).isEqualTo(Duration.ofSeconds(600));
    assertThat(client.version()).isEqualTo(3);
  }

  @Test
  void defaultsToShortLifetimesAndTheClientIdAsSubject() {
    Client client = ClientJson.fromJson(valid(), 0);

    assertThat(client.subject()).isEqualTo("ci-deployer");
    assertThat(client.defaultLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(client.maxLifetime()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void allowsDpopWithEveryBrokerAlgorithmByDefault() {
    Client client = ClientJson.fromJson(valid(), 0);

    assertThat(client.dpop().required()).isFalse();
    assertThat(client.dpop().algorithms())
        .extracting(com.nimbusds.jose.JWSAlgorithm::getName)
        .containsExactly("ES256", "PS256", "RS256");
  }

  @Test
  void readsAndWritesARequiredDpopPolicy() {
    Map<String, Object> json = valid();
    json.put("dpop", "required");
    json.put("dpop_algorithms", List.of("ES256"));

    Client client = ClientJson.fromJson(json, 0);

    assertThat(client.dpop().required()).isTrue();
    assertThat(client.dpop().algorithms()).containsExactly(com.nimbusds.jose.JWSAlgorithm.ES256);
    assertThat(ClientJson.parse(ClientJson.toJsonString(client))).isEqualTo(client);
    assertThat(ClientJson.toJson(client))
        .containsEntry("dpop", "required")
        .containsEntry("dpop_algorithms", List.of("ES256"));
  }

  /**
   * A release from before DPoP and mutual TLS refuses unknown members: a client that uses neither
   * is written without them, so rolling the functions back keeps reading it.
   */
  @Test
  void writesTheDpopAndMutualTlsMembersOnlyWhereTheyDifferFromTheDefaults() {
    Map<String, Object> written = ClientJson.toJson(ClientJson.fromJson(valid(), 0));

    assertThat(written.keySet())
        .doesNotContain(
            "dpop",
            "dpop_algorithms",
            "tls_client_certificate_bound_access_tokens",
            "self_signed_tls_client_auth")
        .noneMatch(name -> name.startsWith("tls_client_auth_"));
    Map<String, Object> narrowed = valid();
    narrowed.put("dpop_algorithms", List.of("ES256"));
    assertThat(ClientJson.toJson(ClientJson.fromJson(narrowed, 0)))
        .containsEntry("dpop", "allowed")
        .containsEntry("dpop_algorithms", List.of("ES256"));
  }

  @Test
  void readsAndWritesAClientsMonitoringOnlyWhereItDiffersFromAnOrdinaryClients() {
    assertThat(ClientJson.fromJson(valid(), 0).monitoring()).isEqualTo(ClientMonitoring.DEFAULT);
    assertThat(ClientJson.toJson(ClientJson.fromJson(valid(), 0)))
        .doesNotContainKeys("decoy", "anomaly_response");

    Map<String, Object> watched = valid();
    watched.put("decoy", true);
    watched.put("anomaly_response", "contain");
    Client client = ClientJson.fromJson(watched, 0);

    assertThat(client.monitoring())
        .isEqualTo(new ClientMonitoring(true, ClientMonitoring.AnomalyResponse.CONTAIN));
    assertThat(ClientJson.toJson(client))
        .containsEntry("decoy", true)
        .containsEntry("anomaly_response", "contain");
    assertThat(ClientJson.parse(ClientJson.toJsonString(client))).isEqualTo(client);
  }

  @Test
  void writesWhatItReads() {
    Client client = ClientJson.fromJson(Clients.withKeys(valid(), TestKeys.rsa()), 0);

    assertThat(ClientJson.parse(ClientJson.toJsonString(client))).isEqualTo(client);
  }

  @Test
  void readsAndWritesTheMutualTlsRegistration() {
    Map<String, Object> json = valid();
    json.remove("iam_roles");
    json.put("tls_client_auth_san_ip", "2001:db8::1");
    json.put("tls_client_certificate_bound_access_tokens", true);

    Client client = ClientJson.fromJson(json, 0);

    assertThat(client.certificates())
        .isEqualTo(
            new CertificatePolicy(
                true,
                Optional.of(
                    new CertificatePolicy.CertificateSubject(
                        CertificatePolicy.CertificateSubject.Kind.SAN_IP, "2001:db8::1")),
                false));
    assertThat(ClientJson.parse(ClientJson.toJsonString(client))).isEqualTo(client);
    assertThat(ClientJson.fromJson(valid(), 0).certificates()).isEqualTo(CertificatePolicy.NONE);
  }

  @Test
  void readsAFileOfClients() {
    String file =
        """
        {"clients": [
          {"client_id": "a", "iam_roles": ["arn:aws:iam::123456789012:role/a"],
           "scopes": ["s"], "audiences": ["https://x"]},
          {"client_id": "b", "iam_roles": ["arn:aws:iam::123456789012:role/b"],
           "scopes": ["s"], "audiences": ["https://x"]}
        ]}
        """;

    assertThat(ClientJson.parseAll(file)).extracting(Client::clientId).containsExactly("a", "b");
  }

  static Stream<Arguments> invalidRegistrations() throws Exception {
    JWK rsa1024 = new RSAKeyGenerator(1024, true).keyIDFromThumbprint(true).generate();
    JWK symmetric = new OctetSequenceKeyGenerator(256).keyID("k").generate();
    var ca = X509Builder.subject("CN=self").ca().selfSigned().certificate();
    JWK caKey =
        new com.nimbusds.jose.jwk.ECKey.Builder(
                com.nimbusds.jose.jwk.Curve.P_256,
                (java.security.interfaces.ECPublicKey) ca.getPublicKey())
            .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(ca.getEncoded())))
            .keyID("ca")
            .build();
    return Stream.of(
        invalid("missing client_id", j -> j.remove("client_id"), "client_id"),
        invalid("client_id with a space", j -> j.put("client_id", "a b"), "client_id"),
        invalid("unknown field", j -> j.put("scope", "typo"), "unknown field: scope"),
        invalid(
            "no way to authenticate",
            j -> j.remove("iam_roles"),
            "needs iam_roles, jwks, a tls_client_auth_* name or trust_policies"),
        invalid(
            "two tls_client_auth names",
            j -> {
              j.put("tls_client_auth_subject_dn", "CN=ci");
              j.put("tls_client_auth_san_dns", "ci.example.com");
            },
            "exactly one of tls_client_auth_subject_dn"),
        invalid(
            "subject DN that is no DN",
            j -> j.put("tls_client_auth_subject_dn", "ci deployer"),
            "not an RFC 4514 distinguished name"),
        invalid(
            "subject DN with a non-ASCII look-alike",
            j -> j.put("tls_client_auth_subject_dn", "CN=\uFF43i,O=Example"),
            "printable ASCII only"),
        invalid(
            "SAN IP in the JDK's short IPv4 form",
            j -> j.put("tls_client_auth_san_ip", "10.1"),
            "not an IPv4 dotted quad or an RFC 5952 IPv6 address"),
        invalid(
            "SAN IP, IPv4-mapped IPv6",
            j -> j.put("tls_client_auth_san_ip", "::ffff:10.0.0.1"),
            "not an IPv4 dotted quad or an RFC 5952 IPv6 address"),
        invalid(
            "SAN IP, IPv6 not in RFC 5952 form",
            j -> j.put("tls_client_auth_san_ip", "2001:0db8::1"),
            "not an IPv4 dotted quad or an RFC 5952 IPv6 address"),
        invalid(
            "SAN IP that is a host name",
            j -> j.put("tls_client_auth_san_ip", "ci.example.com"),
            "not an IPv4 dotted quad or an RFC 5952 IPv6 address"),
        invalid(
            "SAN DNS with a space",
            j -> j.put("tls_client_auth_san_dns", "ci example.com"),
            "no spaces"),
        invalid(
            "empty SAN URI",
            j -> j.put("tls_client_auth_san_uri", ""),
            "tls_client_auth_san_uri: 1-1024 characters"),
        invalid(
            "self-signed certificates without jwks",
            j -> j.put("self_signed_tls_client_auth", true),
            "self_signed_tls_client_auth needs jwks"),
        invalid(
            "self-signed certificate that is a CA (RFC 8705 7.4)",
            j -> {
              j.put("jwks", Map.of("keys", List.of(caKey.toJSONObject())));
              j.put("self_signed_tls_client_auth", true);
            },
            "is a CA or may sign certificates"),
        invalid(
            "self-signed with a key without its certificate (RFC 8705 2.2)",
            j -> {
              j.put("jwks", Map.of("keys", List.of(TestKeys.ec().toPublicJWK().toJSONObject())));
              j.put("self_signed_tls_client_auth", true);
            },
            "every jwks key needs x5c"),
        invalid(
            "bound tokens as a string",
            j -> j.put("tls_client_certificate_bound_access_tokens", "true"),
            "wrong type"),
        invalid(
            "IAM user instead of role",
            j -> j.put("iam_roles", List.of("arn:aws:iam::123456789012:user/bob")),
            "not an IAM role ARN"),
        invalid("no scopes", j -> j.put("scopes", List.of()), "at least one scope"),
        invalid("scope with quote", j -> j.put("scopes", List.of("a\"b")), "scope token"),
        invalid(
            "default scope outside scopes",
            j -> j.put("default_scopes", List.of("admin")),
            "subset of scopes"),
        invalid("no audiences", j -> j.put("audiences", List.of()), "at least one audience"),
        invalid("duplicate scopes", j -> j.put("scopes", List.of("a", "a")), "duplicate entries"),
        invalid(
            "lifetime under a minute",
            j -> j.put("max_lifetime_seconds", 30),
            "between 60 and 86400"),
        invalid(
            "default above max",
            j -> {
              j.put("default_lifetime_seconds", 900);
              j.put("max_lifetime_seconds", 600);
            },
            "must not exceed"),
        invalid(
            "private key in jwks",
            j -> j.put("jwks", Map.of("keys", List.of(TestKeys.ec().toJSONObject()))),
            "public keys only"),
        invalid(
            "symmetric key in jwks",
            j -> j.put("jwks", Map.of("keys", List.of(symmetric.toJSONObject()))),
            "public keys only"),
        invalid(
            "RSA key under 2048 bits",
            j -> j.put("jwks", Map.of("keys", List.of(rsa1024.toPublicJWK().toJSONObject()))),
            "at least 2048 bits"),
        invalid(
            "RSA key with the ROCA weakness",
            j ->
                j.put(
                    "jwks",
                    Map.of("keys", List.of(TestKeys.withRocaFingerprint("roca").toJSONObject()))),
            "ROCA"),
        invalid(
            "RSA public exponent 1",
            j -> {
              Map<String, Object> key =
                  new java.util.HashMap<>(TestKeys.rsa().toPublicJWK().toJSONObject());
              key.put("e", "AQ");
              j.put("jwks", Map.of("keys", List.of(key)));
            },
            "not a usable public key"),
        invalid(
            "key without kid",
            j ->
                j.put(
                    "jwks",
                    Map.of(
                        "keys",
                        List.of(
                            new com.nimbusds.jose.jwk.ECKey.Builder(TestKeys.ec().toPublicJWK())
                                .keyID(null)
                                .build()
                                .toJSONObject()))),
            "needs a kid"),
        invalid("enabled not a boolean", j -> j.put("enabled", "yes"), "wrong type"),
        invalid("dpop neither required nor allowed", j -> j.put("dpop", "always"), "dpop:"),
        invalid("dpop not a string", j -> j.put("dpop", true), "wrong type"),
        invalid(
            "dpop algorithm the broker refuses",
            j -> j.put("dpop_algorithms", List.of("HS256")),
            "dpop_algorithms: each one of ES256, PS256, RS256: HS256"),
        invalid(
            "no dpop algorithm",
            j -> j.put("dpop_algorithms", List.of()),
            "dpop_algorithms: at least one"),
        invalid(
            "dpop algorithm twice",
            j -> j.put("dpop_algorithms", List.of("ES256", "ES256")),
            "dpop_algorithms: duplicate"),
        invalid(
            "dpop required and certificate-bound tokens",
            j -> {
              j.put("dpop", "required");
              j.put("tls_client_certificate_bound_access_tokens", true);
            },
            "exclude each other"),
        invalid(
            "anomaly response unknown",
            j -> j.put("anomaly_response", "ignore"),
            "anomaly_response: \"alert\" or \"contain\""),
        invalid("anomaly response not a string", j -> j.put("anomaly_response", 1), "wrong type"),
        invalid("decoy not a boolean", j -> j.put("decoy", "yes"), "wrong type"));
  }

  private static Arguments invalid(
      String name, Consumer<Map<String, Object>> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRegistrations")
  void refusesARegistrationThatBreaksARule(
      String name, Consumer<Map<String, Object>> change, String message) {
    Map<String, Object> json = valid();
    change.accept(json);

    assertThatThrownBy(() -> ClientJson.fromJson(json, 0))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining(message);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "[]", "", "{", "\"x\""})
  void refusesADocumentThatIsNotAnObject(String text) {
    assertThatThrownBy(() -> ClientJson.parse(text)).isInstanceOf(InvalidClientPolicy.class);
    assertThatThrownBy(() -> ClientJson.parseAll(text)).isInstanceOf(InvalidClientPolicy.class);
  }

  @Test
  void refusesTheSameClientTwiceInAFile() {
    String one =
        "{\"client_id\":\"a\",\"iam_roles\":[\""
            + ROLE
            + "\"],\"scopes\":[\"s\"],\"audiences\":[\"x\"]}";

    assertThatThrownBy(() -> ClientJson.parseAll("{\"clients\":[" + one + "," + one + "]}"))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining("appears twice");
  }
}
