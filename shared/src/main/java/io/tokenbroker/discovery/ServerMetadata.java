package io.tokenbroker.discovery;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.dpop.DpopProofVerifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 8414 authorization server metadata: what the broker serves and how, derived from its
 * endpoints and the algorithms it is configured with. {@code scopes} are the scopes the deployment
 * chose to publish (scopes are per client policy, the broker has no list of its own): listed as
 * {@code scopes_supported} when there are any, left out (the member is optional) when none. {@code
 * mtlsEndpoints}, where a mutual TLS domain is configured, adds RFC 8705's members: {@code
 * tls_client_certificate_bound_access_tokens}, {@code mtls_endpoint_aliases} and the two
 * certificate ways of client authentication.
 */
public record ServerMetadata(
    BrokerEndpoints endpoints,
    List<String> scopes,
    List<String> grantTypes,
    List<String> clientAuthMethods,
    List<String> clientAssertionAlgorithms,
    List<String> accessTokenAlgorithms,
    List<String> dpopAlgorithms,
    Optional<BrokerEndpoints> mtlsEndpoints) {

  /** Without mutual TLS. */
  public ServerMetadata(
      BrokerEndpoints endpoints,
      List<String> scopes,
      List<String> grantTypes,
      List<String> clientAuthMethods,
      List<String> clientAssertionAlgorithms,
      List<String> accessTokenAlgorithms,
      List<String> dpopAlgorithms) {
    this(
        endpoints,
        scopes,
        grantTypes,
        clientAuthMethods,
        clientAssertionAlgorithms,
        accessTokenAlgorithms,
        dpopAlgorithms,
        Optional.empty());
  }

  /** This metadata with the mutual TLS endpoints, if any: RFC 8705's members and methods. */
  public ServerMetadata withMutualTls(Optional<BrokerEndpoints> mtls) {
    if (mtls.isEmpty()) {
      return this;
    }
    List<String> methods = new java.util.ArrayList<>(clientAuthMethods);
    methods.add("tls_client_auth");
    methods.add("self_signed_tls_client_auth");
    return new ServerMetadata(
        endpoints,
        scopes,
        grantTypes,
        methods,
        clientAssertionAlgorithms,
        accessTokenAlgorithms,
        dpopAlgorithms,
        mtls);
  }

  public ServerMetadata {
    dpopAlgorithms = List.copyOf(dpopAlgorithms);
    scopes = List.copyOf(scopes);
    grantTypes = List.copyOf(grantTypes);
    clientAuthMethods = List.copyOf(clientAuthMethods);
    clientAssertionAlgorithms = List.copyOf(clientAssertionAlgorithms);
    accessTokenAlgorithms = List.copyOf(accessTokenAlgorithms);
  }

  /** What this broker supports, at {@code endpoints}, announcing {@code publishedScopes}. */
  public static ServerMetadata forBroker(BrokerEndpoints endpoints, List<String> publishedScopes) {
    return new ServerMetadata(
        endpoints,
        publishedScopes,
        // RFC 8414 2 with RFC 8693's grant: token exchange (TokenRequest.TOKEN_EXCHANGE).
        List.of(
            "client_credentials",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:token-exchange"),
        List.of("private_key_jwt"),
        List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"),
        List.of("RS256", "ES256"),
        DpopProofVerifier.ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());
  }

  /** The metadata document, members in RFC 8414 order. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("issuer", endpoints.issuerId());
    json.put("token_endpoint", endpoints.token().toString());
    json.put("jwks_uri", endpoints.jwks().toString());
    if (!scopes.isEmpty()) {
      json.put("scopes_supported", scopes);
    }
    json.put("response_types_supported", List.of());
    json.put("grant_types_supported", grantTypes);
    json.put("token_endpoint_auth_methods_supported", clientAuthMethods);
    json.put("token_endpoint_auth_signing_alg_values_supported", clientAssertionAlgorithms);
    json.put("revocation_endpoint", endpoints.revocation().toString());
    json.put("revocation_endpoint_auth_methods_supported", clientAuthMethods);
    json.put("revocation_endpoint_auth_signing_alg_values_supported", clientAssertionAlgorithms);
    json.put("introspection_endpoint", endpoints.introspection().toString());
    json.put("introspection_endpoint_auth_methods_supported", clientAuthMethods);
    json.put("introspection_endpoint_auth_signing_alg_values_supported", clientAssertionAlgorithms);
    // RFC 9449 5.1: the token endpoint binds tokens to DPoP proofs of these algorithms.
    json.put("dpop_signing_alg_values_supported", dpopAlgorithms);
    // Not registered by RFC 8414, but what verifiers of our access tokens need to know.
    json.put("access_token_signing_alg_values_supported", accessTokenAlgorithms);
    mtlsEndpoints.ifPresent(
        mtls -> {
          json.put("tls_client_certificate_bound_access_tokens", true);
          Map<String, Object> aliases = new LinkedHashMap<>();
          aliases.put("token_endpoint", mtls.token().toString());
          aliases.put("revocation_endpoint", mtls.revocation().toString());
          aliases.put("introspection_endpoint", mtls.introspection().toString());
          json.put("mtls_endpoint_aliases", aliases);
        });
    return json;
  }

  /**
   * The same document at {@code /.well-known/openid-configuration}, with the members OpenID Connect
   * Discovery 1.0 (section 3) requires, so that libraries resolving an issuer through it (Spring
   * Security's {@code issuer-uri}, Nimbus's {@code OIDCProviderMetadata}) accept it. The broker
   * issues no ID tokens: subjects are public (a workload's {@code sub} is the same for every API),
   * and the ID-token algorithms named are the ones it signs with, which include the RS256 the
   * specification requires. No {@code scopes_supported} here: OIDC Discovery section 3 says a
   * server listing it must support the {@code openid} scope, which the broker does not.
   */
  public Map<String, Object> toOpenIdConfiguration() {
    Map<String, Object> json = toJson();
    json.remove("scopes_supported");
    json.put("subject_types_supported", List.of("public"));
    json.put("id_token_signing_alg_values_supported", accessTokenAlgorithms);
    return json;
  }
}
