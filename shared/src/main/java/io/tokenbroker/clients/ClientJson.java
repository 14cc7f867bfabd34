package io.tokenbroker.clients;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.Subject;
import io.tokenbroker.jose.WeakRsaKeys;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one JSON form of a client registration, used by the CLI, the local server's clients file and
 * the clients table; every rule a policy must satisfy is checked here, once, when it is read.
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
 *   "introspection": false
 * }
 * }</pre>
 */
public final class ClientJson {

  /** Asymmetric algorithms a client may sign its assertions with. */
  public static final Set<JWSAlgorithm> ASSERTION_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Whether {@code clientId} is one a client can be registered under ({@link ClientId}). */
  public static boolean isClientId(String clientId) {
    return ClientId.isValid(clientId);
  }

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
          "introspection");
  private static final Set<String> REFRESH_FIELDS =
      Set.of("enabled", "absolute_lifetime_seconds", "idle_lifetime_seconds");
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration MAX_LIFETIME = Duration.ofHours(24);

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
      for (Object entry : JSONObjectUtils.getJSONArray(root, "clients")) {
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

  /** Validates a registration given as parsed JSON; {@code version} is the stored version. */
  public static Client fromJson(Map<String, Object> json, long version) {
    for (String field : json.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidClientPolicy("unknown field: " + field);
      }
    }
    try {
      String clientId = JSONObjectUtils.getString(json, "client_id");
      if (!ClientId.isValid(clientId)) {
        throw new InvalidClientPolicy(
            "client_id is required: 1-128 of A-Z a-z 0-9 . _ : -, starting alphanumeric");
      }
      String description = JSONObjectUtils.getString(json, "description");
      if (description != null && description.length() > 256) {
        throw new InvalidClientPolicy("description: at most 256 characters");
      }
      boolean enabled = !json.containsKey("enabled") || JSONObjectUtils.getBoolean(json, "enabled");
      String subject = JSONObjectUtils.getString(json, "subject");
      if (subject != null && !Subject.isValid(subject)) {
        throw new InvalidClientPolicy("subject: 1-256 printable characters without spaces");
      }

      Set<String> roles = new LinkedHashSet<>();
      for (String arn : strings(json, "iam_roles", 20)) {
        roles.add(
            IamPrincipal.normalizeRole(arn)
                .orElseThrow(
                    () ->
                        new InvalidClientPolicy(
                            "iam_roles: not an IAM role ARN (arn:aws:iam::<account>:role/<name>): "
                                + arn)));
      }
      JWKSet keys = publicKeys(json);
      if (roles.isEmpty() && keys.isEmpty()) {
        throw new InvalidClientPolicy(
            "a client needs iam_roles or jwks (at least one way to authenticate)");
      }

      List<String> scopes = strings(json, "scopes", Scope.MAX_PER_CLIENT);
      if (scopes.isEmpty()) {
        throw new InvalidClientPolicy("scopes: at least one scope is required");
      }
      for (String scope : scopes) {
        if (!Scope.isValid(scope)) {
          throw new InvalidClientPolicy("scopes: not an RFC 6749 scope token: " + scope);
        }
      }
      List<String> defaultScopes = strings(json, "default_scopes", Scope.MAX_PER_CLIENT);
      if (!scopes.containsAll(defaultScopes)) {
        throw new InvalidClientPolicy("default_scopes must be a subset of scopes");
      }
      List<String> audiences = strings(json, "audiences", 20);
      if (audiences.isEmpty()) {
        throw new InvalidClientPolicy("audiences: at least one audience is required");
      }
      for (String audience : audiences) {
        if (!Audience.isValid(audience)) {
          throw new InvalidClientPolicy("audiences: 1-256 printable characters: " + audience);
        }
      }

      Duration max = seconds(json, "max_lifetime_seconds", Duration.ofMinutes(15));
      Duration defaultLifetime =
          seconds(
              json,
              "default_lifetime_seconds",
              max.compareTo(Duration.ofMinutes(5)) < 0 ? max : Duration.ofMinutes(5));
      if (defaultLifetime.compareTo(max) > 0) {
        throw new InvalidClientPolicy(
            "default_lifetime_seconds must not exceed max_lifetime_seconds");
      }
      boolean mayIntrospect =
          json.containsKey("introspection") && JSONObjectUtils.getBoolean(json, "introspection");
      return new Client(
          clientId,
          description == null ? "" : description,
          enabled,
          subject == null ? clientId : subject,
          roles,
          keys,
          new TreeSet<>(scopes),
          new TreeSet<>(defaultScopes),
          new TreeSet<>(audiences),
          defaultLifetime,
          max,
          refreshPolicy(json),
          mayIntrospect,
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
    return json;
  }

  public static String toJsonString(Client client) {
    return JSONObjectUtils.toJSONString(toJson(client));
  }

  private static RefreshPolicy refreshPolicy(Map<String, Object> json) throws ParseException {
    if (!json.containsKey("refresh_tokens")) {
      return RefreshPolicy.DISABLED;
    }
    Map<String, Object> refresh = JSONObjectUtils.getJSONObject(json, "refresh_tokens");
    if (refresh == null) {
      throw new InvalidClientPolicy("refresh_tokens must be an object");
    }
    for (String field : refresh.keySet()) {
      if (!REFRESH_FIELDS.contains(field)) {
        throw new InvalidClientPolicy("refresh_tokens: unknown field: " + field);
      }
    }
    boolean enabled =
        refresh.containsKey("enabled") && JSONObjectUtils.getBoolean(refresh, "enabled");
    Duration absolute =
        bounded(
            refresh,
            "absolute_lifetime_seconds",
            Duration.ofDays(1),
            Duration.ofMinutes(5),
            RefreshPolicy.MAX_ABSOLUTE_LIFETIME);
    Duration idle =
        bounded(
            refresh,
            "idle_lifetime_seconds",
            min(Duration.ofHours(1), absolute),
            Duration.ofMinutes(1),
            RefreshPolicy.MAX_ABSOLUTE_LIFETIME);
    return new RefreshPolicy(enabled, absolute, idle);
  }

  private static Duration bounded(
      Map<String, Object> json, String field, Duration fallback, Duration min, Duration max)
      throws ParseException {
    if (!json.containsKey(field)) {
      return fallback;
    }
    Duration value = Duration.ofSeconds(JSONObjectUtils.getLong(json, field));
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidClientPolicy(
          "refresh_tokens."
              + field
              + ": between "
              + min.toSeconds()
              + " and "
              + max.toSeconds()
              + " seconds");
    }
    return value;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static JWKSet publicKeys(Map<String, Object> json) throws ParseException {
    if (!json.containsKey("jwks")) {
      return new JWKSet();
    }
    Map<String, Object> jwks = JSONObjectUtils.getJSONObject(json, "jwks");
    if (jwks == null) {
      return new JWKSet();
    }
    List<Object> rawKeys = JSONObjectUtils.getJSONArray(jwks, "keys");
    if (rawKeys == null || rawKeys.size() > 10) {
      throw new InvalidClientPolicy("jwks: a \"keys\" array of at most 10 keys is required");
    }
    for (Object raw : rawKeys) {
      if (raw instanceof Map<?, ?> map
          && (map.containsKey("d") || map.containsKey("p") || map.containsKey("k"))) {
        throw new InvalidClientPolicy(
            "jwks: public keys only (a key holds private or symmetric material)");
      }
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(jwks);
    } catch (ParseException e) {
      throw new InvalidClientPolicy("jwks: not a valid JWK set: " + e.getMessage());
    }
    Set<String> kids = new HashSet<>();
    for (JWK key : keys.getKeys()) {
      checkKey(key);
      if (key.getKeyID() == null || !kids.add(key.getKeyID())) {
        throw new InvalidClientPolicy("jwks: every key needs a kid, unique within the set");
      }
    }
    return keys;
  }

  private static void checkKey(JWK key) {
    if (key.isPrivate()) {
      throw new InvalidClientPolicy("jwks: public keys only");
    }
    if (key.getKeyUse() != null && key.getKeyUse() != KeyUse.SIGNATURE) {
      throw new InvalidClientPolicy("jwks: use must be sig");
    }
    if (key.getAlgorithm() != null
        && !ASSERTION_ALGORITHMS.contains(JWSAlgorithm.parse(key.getAlgorithm().getName()))) {
      throw new InvalidClientPolicy("jwks: alg must be one of " + ASSERTION_ALGORITHMS);
    }
    switch (key) {
      case RSAKey rsa when WeakRsaKeys.hasRocaFingerprint(rsa) ->
          throw new InvalidClientPolicy(
              "jwks: this RSA key has the ROCA weakness (CVE-2017-15361): generate a new one");
      case RSAKey rsa when rsa.size() >= 2048 -> {}
      case RSAKey rsa -> throw new InvalidClientPolicy("jwks: RSA keys need at least 2048 bits");
      case ECKey ec when Set.of(Curve.P_256, Curve.P_384, Curve.P_521).contains(ec.getCurve()) -> {}
      default ->
          throw new InvalidClientPolicy("jwks: keys must be RSA (>= 2048) or EC P-256/384/521");
    }
    try {
      // The JDK's own checks (e.g. an RSA public exponent of 1) at registration, not at first use.
      ((AsymmetricJWK) key).toPublicKey();
    } catch (JOSEException unusable) {
      throw new InvalidClientPolicy("jwks: not a usable public key: " + key.getKeyID());
    }
  }

  private static List<String> strings(Map<String, Object> json, String field, int max)
      throws ParseException {
    if (!json.containsKey(field) || json.get(field) == null) {
      return List.of();
    }
    String[] values = JSONObjectUtils.getStringArray(json, field);
    if (values.length > max) {
      throw new InvalidClientPolicy(field + ": at most " + max + " entries");
    }
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(List.of(values)));
    if (distinct.size() != values.length) {
      throw new InvalidClientPolicy(field + ": duplicate entries");
    }
    return distinct;
  }

  private static Duration seconds(Map<String, Object> json, String field, Duration fallback)
      throws ParseException {
    if (!json.containsKey(field)) {
      return fallback;
    }
    long seconds = JSONObjectUtils.getLong(json, field);
    Duration value = Duration.ofSeconds(seconds);
    if (value.compareTo(MIN_LIFETIME) < 0 || value.compareTo(MAX_LIFETIME) > 0) {
      throw new InvalidClientPolicy(field + ": between 60 and 86400 seconds");
    }
    return value;
  }
}
