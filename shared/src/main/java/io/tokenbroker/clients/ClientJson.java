package io.tokenbroker.clients;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.jose.ClientCertificates;
import io.tokenbroker.jose.PublicJwkMembers;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one JSON form of a client registration, used by the CLI, the local server's clients file and
 * the clients table. It maps JSON to and from {@link Client}, whose constructor enforces the
 * policy; here only what belongs to the document is refused: unknown fields, wrong types, a list
 * that names an entry twice (a set would hide it), and a {@code jwks} that is not a public JWK set
 * of at most {@value Client#MAX_KEYS} entries as written (Nimbus skips keys of unknown type).
 * Absent fields take their defaults here.
 *
 * <pre>{@code
 * {
 *   "client_id": "ci-deployer",
 *   "description": "Deploys from CI",
 *   "enabled": true,
 *   "subject": "ci-deployer",
 *   "iam_roles": ["arn:aws:iam::123456789012:role/ci-deployer"],
 *   "jwks": {"keys": [{"kty": "EC", "crv": "P-256", "kid": "...", "x": "...", "y": "..."}]},
 *   "scopes": ["deploy:read", "deploy:write"],
 *   "default_scopes": ["deploy:read"],
 *   "audiences": ["https://deploy.example.com"],
 *   "default_lifetime_seconds": 300,
 *   "max_lifetime_seconds": 900,
 *   "refresh_tokens": {"enabled": true, "absolute_lifetime_seconds": 86400,
 *                      "idle_lifetime_seconds": 3600},
 *   "introspection": false,
 *   "dpop": "allowed",
 *   "dpop_algorithms": ["ES256", "PS256", "RS256"],
 *   "tls_client_certificate_bound_access_tokens": false,
 *   "tls_client_auth_subject_dn": "CN=ci-deployer,O=Example",
 *   "self_signed_tls_client_auth": false,
 *   "trust_policies": [{"name": "deploy-from-main",
 *                       "issuer": "https://token.actions.githubusercontent.com",
 *                       "audience": "https://broker.example.com",
 *                       "subject": "repo:acme/deployer:ref:refs/heads/main",
 *                       "claims": {"repository_owner_id": "1234567"}}],
 *   "may_act": ["deploy-agent"],
 *   "max_delegation_depth": 1
 * }
 * }</pre>
 *
 * <p>The mutual TLS fields are RFC 8705's client metadata: at most one {@code tls_client_auth_*}
 * name (the one a {@code tls_client_auth} certificate must carry).
 */
public final class ClientJson {

  private static final Set<String> FIELDS =
      Set.of(
          "client_id",
          "description",
          "enabled",
          "subject",
          "iam_roles",
          "jwks",
          "scopes",
          "default_scopes",
          "audiences",
          "default_lifetime_seconds",
          "max_lifetime_seconds",
          "refresh_tokens",
          "introspection",
          "dpop",
          "dpop_algorithms",
          "tls_client_certificate_bound_access_tokens",
          "tls_client_auth_subject_dn",
          "tls_client_auth_san_dns",
          "tls_client_auth_san_uri",
          "tls_client_auth_san_ip",
          "tls_client_auth_san_email",
          "self_signed_tls_client_auth",
          TrustPolicyJson.MEMBER,
          "may_act",
          "max_delegation_depth",
          "decoy",
          "anomaly_response");
  private static final Set<String> REFRESH_FIELDS =
      Set.of("enabled", "absolute_lifetime_seconds", "idle_lifetime_seconds");

  private ClientJson() {}

  /** Parses and validates one registration. */
  public static Client parse(String json) {
    try {
      return fromJson(Json.object(json), 0);
    } catch (ParseException e) {
      throw new InvalidClientPolicy("not a JSON object: " + e.getMessage());
    }
  }

  /** Parses a file of registrations: {@code {"clients": [ ... ]}} or a single one. */
  public static List<Client> parseAll(String json) {
    try {
      Map<String, Object> root = Json.object(json);
      if (!root.containsKey("clients")) {
        return List.of(fromJson(root, 0));
      }
      List<Client> clients = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (Object entry : JsonMembers.getJSONArray(root, "clients")) {
        if (!(entry instanceof Map<?, ?>)) {
          throw new InvalidClientPolicy("clients: every entry must be an object");
        }
        @SuppressWarnings("unchecked")
        Client client = fromJson((Map<String, Object>) entry, 0);
        if (!ids.add(client.clientId())) {
          throw new InvalidClientPolicy("clients: " + client.clientId() + " appears twice");
        }
        clients.add(client);
      }
      return clients;
    } catch (ParseException e) {
      throw new InvalidClientPolicy("not a JSON object: " + e.getMessage());
    }
  }

  /** Reads a registration given as parsed JSON; {@code version} is the stored version. */
  public static Client fromJson(Map<String, Object> json, long version) {
    for (String field : json.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidClientPolicy("unknown field: " + field);
      }
    }
    try {
      String clientId = JsonMembers.getString(json, "client_id");
      String description = JsonMembers.getString(json, "description");
      boolean enabled = !json.containsKey("enabled") || JsonMembers.getBoolean(json, "enabled");
      String subject = JsonMembers.getString(json, "subject");
      List<String> roles = strings(json, "iam_roles");
      JWKSet keys = publicKeys(json);
      List<String> scopes = strings(json, "scopes");
      List<String> defaultScopes = strings(json, "default_scopes");
      List<String> audiences = strings(json, "audiences");
      Duration max = seconds(json, "max_lifetime_seconds", Duration.ofMinutes(15));
      Duration defaultLifetime =
          seconds(
              json,
              "default_lifetime_seconds",
              max.compareTo(Duration.ofMinutes(5)) < 0 ? max : Duration.ofMinutes(5));
      boolean mayIntrospect =
          json.containsKey("introspection") && JsonMembers.getBoolean(json, "introspection");
      ClientDpop dpop = dpop(json);
      CertificatePolicy certificates = certificatePolicy(json);
      if (dpop.required() && certificates.boundTokens()) {
        // A token carries one binding: such a client could never get one.
        throw new InvalidClientPolicy(
            "dpop \"required\" and tls_client_certificate_bound_access_tokens exclude each other");
      }
      if (certificates.selfSigned()) {
        selfSignedCertificates(keys);
      }
      return new Client(
          clientId,
          description == null ? "" : description,
          enabled,
          subject == null ? clientId : subject,
          new LinkedHashSet<>(roles),
          keys,
          new TreeSet<>(scopes),
          new TreeSet<>(defaultScopes),
          new TreeSet<>(audiences),
          defaultLifetime,
          max,
          refreshPolicy(json),
          mayIntrospect,
          dpop,
          certificates,
          TrustPolicyJson.policies(json),
          delegation(json),
          monitoring(json),
          version);
    } catch (ParseException e) {
      throw new InvalidClientPolicy("wrong type: " + e.getMessage());
    }
  }

  /** The registration as JSON (the same form {@link #parse} reads). */
  public static Map<String, Object> toJson(Client client) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", client.clientId());
    json.put("description", client.description());
    json.put("enabled", client.enabled());
    json.put("subject", client.subject());
    json.put("iam_roles", new ArrayList<>(new TreeSet<>(client.iamRoles())));
    json.put("jwks", client.publicKeys().toJSONObject(true));
    json.put("scopes", new ArrayList<>(client.scopes()));
    json.put("default_scopes", new ArrayList<>(client.defaultScopes()));
    json.put("audiences", new ArrayList<>(client.audiences()));
    json.put("default_lifetime_seconds", client.defaultLifetime().toSeconds());
    json.put("max_lifetime_seconds", client.maxLifetime().toSeconds());
    json.put(
        "refresh_tokens",
        Map.of(
            "enabled", client.refresh().enabled(),
            "absolute_lifetime_seconds", client.refresh().absoluteLifetime().toSeconds(),
            "idle_lifetime_seconds", client.refresh().idleLifetime().toSeconds()));
    json.put("introspection", client.mayIntrospect());
    // The DPoP and mutual TLS members only where they differ from their defaults: a record without
    // them reads the same, and stays readable by a release from before them (a rollback of the
    // functions keeps every such client working: earlier readers refuse unknown members).
    if (!client.dpop().equals(ClientDpop.ALLOWED)) {
      json.put("dpop", client.dpop().required() ? "required" : "allowed");
      json.put(
          "dpop_algorithms",
          client.dpop().algorithms().stream()
              .map(com.nimbusds.jose.JWSAlgorithm::getName)
              .toList());
    }
    CertificatePolicy certificates = client.certificates();
    if (certificates.boundTokens()) {
      json.put("tls_client_certificate_bound_access_tokens", true);
    }
    certificates.subject().ifPresent(subject -> json.put(subject.kind().field(), subject.value()));
    if (certificates.selfSigned()) {
      json.put("self_signed_tls_client_auth", true);
    }
    // Likewise: a client without trust policies stays readable by a release from before them.
    if (!client.trustPolicies().isEmpty()) {
      json.put(TrustPolicyJson.MEMBER, TrustPolicyJson.toJson(client.trustPolicies()));
    }
    // Delegation likewise: only where a client uses it.
    if (!client.delegation().mayAct().isEmpty()) {
      json.put("may_act", new ArrayList<>(client.delegation().mayAct()));
    }
    if (client.delegation().maxDepth() != ClientDelegation.NONE.maxDepth()) {
      json.put("max_delegation_depth", client.delegation().maxDepth());
    }
    // Monitoring likewise: only where it differs from an ordinary client's.
    if (client.monitoring().decoy()) {
      json.put("decoy", true);
    }
    if (client.monitoring().anomalyResponse() != ClientMonitoring.DEFAULT.anomalyResponse()) {
      json.put("anomaly_response", client.monitoring().anomalyResponse().jsonName());
    }
    return json;
  }

  public static String toJsonString(Client client) {
    return JSONObjectUtils.toJSONString(toJson(client));
  }

  private static RefreshPolicy refreshPolicy(Map<String, Object> json) throws ParseException {
    if (!json.containsKey("refresh_tokens")) {
      return RefreshPolicy.DISABLED;
    }
    Map<String, Object> refresh = JsonMembers.getJSONObject(json, "refresh_tokens");
    if (refresh == null) {
      throw new InvalidClientPolicy("refresh_tokens must be an object");
    }
    for (String field : refresh.keySet()) {
      if (!REFRESH_FIELDS.contains(field)) {
        throw new InvalidClientPolicy("refresh_tokens: unknown field: " + field);
      }
    }
    boolean enabled = refresh.containsKey("enabled") && JsonMembers.getBoolean(refresh, "enabled");
    Duration absolute = seconds(refresh, "absolute_lifetime_seconds", Duration.ofDays(1));
    Duration idle = seconds(refresh, "idle_lifetime_seconds", min(Duration.ofHours(1), absolute));
    return new RefreshPolicy(enabled, absolute, idle);
  }

  private static ClientMonitoring monitoring(Map<String, Object> json) throws ParseException {
    boolean decoy = json.containsKey("decoy") && JsonMembers.getBoolean(json, "decoy");
    ClientMonitoring.AnomalyResponse response = ClientMonitoring.DEFAULT.anomalyResponse();
    if (json.containsKey("anomaly_response")) {
      String name = JsonMembers.getString(json, "anomaly_response");
      response =
          ClientMonitoring.AnomalyResponse.byJsonName(name == null ? "" : name)
              .orElseThrow(
                  () -> new InvalidClientPolicy("anomaly_response: \"alert\" or \"contain\""));
    }
    return new ClientMonitoring(decoy, response);
  }

  private static ClientDelegation delegation(Map<String, Object> json) throws ParseException {
    long depth =
        json.containsKey("max_delegation_depth")
            ? JsonMembers.getLong(json, "max_delegation_depth")
            : ClientDelegation.NONE.maxDepth();
    if (depth < 0 || depth > ClientDelegation.MAX_DEPTH) {
      throw new InvalidClientPolicy("max_delegation_depth: 0 to " + ClientDelegation.MAX_DEPTH);
    }
    return new ClientDelegation(new TreeSet<>(strings(json, "may_act")), (int) depth);
  }

  private static ClientDpop dpop(Map<String, Object> json) throws ParseException {
    boolean required = false;
    if (json.containsKey("dpop")) {
      String mode = JsonMembers.getString(json, "dpop");
      if (!"required".equals(mode) && !"allowed".equals(mode)) {
        throw new InvalidClientPolicy("dpop: \"required\" or \"allowed\"");
      }
      required = "required".equals(mode);
    }
    if (!json.containsKey("dpop_algorithms")) {
      return new ClientDpop(required, ClientDpop.ALLOWED.algorithms());
    }
    List<String> names = strings(json, "dpop_algorithms");
    return new ClientDpop(
        required, names.stream().map(com.nimbusds.jose.JWSAlgorithm::parse).toList());
  }

  private static CertificatePolicy certificatePolicy(Map<String, Object> json)
      throws ParseException {
    Optional<CertificatePolicy.CertificateSubject> subject = Optional.empty();
    for (CertificatePolicy.CertificateSubject.Kind kind :
        CertificatePolicy.CertificateSubject.Kind.values()) {
      if (json.containsKey(kind.field())) {
        if (subject.isPresent()) {
          throw new InvalidClientPolicy(
              "tls_client_auth: give exactly one of tls_client_auth_subject_dn, _san_dns,"
                  + " _san_uri, _san_ip, _san_email");
        }
        String value = JsonMembers.getString(json, kind.field());
        subject = Optional.of(new CertificatePolicy.CertificateSubject(kind, value));
      }
    }
    return new CertificatePolicy(
        flag(json, "tls_client_certificate_bound_access_tokens"),
        subject,
        flag(json, "self_signed_tls_client_auth"));
  }

  /**
   * A self-signed client's x5c certificate goes into the truststore, where it is a trust anchor:
   * one that is a CA or may sign certificates could issue another client's name (RFC 8705 7.4).
   */
  private static void selfSignedCertificates(JWKSet keys) {
    for (var key : keys.getKeys()) {
      if (key.getX509CertChain() == null || key.getX509CertChain().isEmpty()) {
        // RFC 8705 2.2: the certificates are registered (x5c), not any certificate of the key.
        throw new InvalidClientPolicy(
            "self_signed_tls_client_auth: every jwks key needs x5c, the certificate it presents");
      }
      try {
        if (ClientCertificates.canSign(
            ClientCertificates.fromDer(key.getX509CertChain().getFirst().decode()))) {
          throw new InvalidClientPolicy(
              "self_signed_tls_client_auth: the x5c certificate of key "
                  + key.getKeyID()
                  + " is a CA or may sign certificates (make it with basicConstraints CA:FALSE)");
        }
      } catch (ClientCertificates.Malformed e) {
        throw new InvalidClientPolicy("jwks: an x5c certificate is malformed: " + e.getMessage());
      }
    }
  }

  private static boolean flag(Map<String, Object> json, String field) throws ParseException {
    return json.containsKey(field) && JsonMembers.getBoolean(json, field);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static JWKSet publicKeys(Map<String, Object> json) throws ParseException {
    if (!json.containsKey("jwks")) {
      return new JWKSet();
    }
    Map<String, Object> jwks = JsonMembers.getJSONObject(json, "jwks");
    if (jwks == null) {
      return new JWKSet();
    }
    List<Object> rawKeys = JsonMembers.getJSONArray(jwks, "keys");
    if (rawKeys == null || rawKeys.size() > Client.MAX_KEYS) {
      throw new InvalidClientPolicy(Client.KEYS_RULE);
    }
    for (Object raw : rawKeys) {
      if (raw instanceof Map<?, ?> map
          && (map.containsKey("d") || map.containsKey("p") || map.containsKey("k"))) {
        throw new InvalidClientPolicy(
            "jwks: public keys only (a key holds private or symmetric material)");
      }
    }
    if (rawKeys.isEmpty() && jwks.size() == 1) {
      // What JWKSet.parse makes of {"keys": []}, without its JSONObjectUtils (Nimbus's Gson):
      // every stored record of a client without keys has it.
      return new JWKSet();
    }
    if (jwks.size() == 1) {
      // Keys as clients register them, built without JWKSet.parse and its JSONObjectUtils
      // (Nimbus's Gson): the token function reads one such record per private_key_jwt request.
      Optional<List<com.nimbusds.jose.jwk.JWK>> built = PublicJwkMembers.all(rawKeys);
      if (built.isPresent()) {
        return new JWKSet(built.get());
      }
    }
    try {
      return JWKSet.parse(jwks);
    } catch (ParseException e) {
      throw new InvalidClientPolicy("jwks: not a valid JWK set: " + e.getMessage());
    }
  }

  private static List<String> strings(Map<String, Object> json, String field)
      throws ParseException {
    if (!json.containsKey(field) || json.get(field) == null) {
      return List.of();
    }
    String[] values = JsonMembers.getStringArray(json, field);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(List.of(values)));
    if (distinct.size() != values.length) {
      throw new InvalidClientPolicy(field + ": duplicate entries");
    }
    return distinct;
  }

  private static Duration seconds(Map<String, Object> json, String field, Duration fallback)
      throws ParseException {
    return json.containsKey(field)
        ? Duration.ofSeconds(JsonMembers.getLong(json, field))
        : fallback;
  }
}
