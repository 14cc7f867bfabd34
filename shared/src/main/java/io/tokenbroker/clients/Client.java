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
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.ClientId;
import io.tokenbroker.identifiers.Scope;
import io.tokenbroker.identifiers.Subject;
import io.tokenbroker.jose.WeakRsaKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A registered workload and the policy its tokens obey. The constructor enforces every rule of the
 * registration policy (with {@link RefreshPolicy} for its part) and throws {@link
 * InvalidClientPolicy} naming the field, as the registration JSON ({@link ClientJson}) spells it,
 * and the rule; so an instance is always valid, however it was built.
 *
 * @param clientId the OAuth client id ({@link ClientId}), also the default token subject
 * @param description free text for operators, at most 256 characters
 * @param enabled a disabled client is refused as if unknown
 * @param subject the {@code sub} claim of its tokens ({@link Subject})
 * @param iamRoles IAM role ARNs (at most 20) that authenticate as this client; held normalized
 *     ({@link IamPrincipal#normalizeRole})
 * @param publicKeys keys (at most 10) that authenticate its {@code private_key_jwt} assertions
 * @param scopes the scopes it may request: 1-100 {@link Scope}s
 * @param defaultScopes what it gets when it asks for none (a subset of {@code scopes})
 * @param audiences the audiences (resource identifiers) its tokens may name: 1-20 {@link Audience}s
 * @param defaultLifetime lifetime of its tokens when it asks for none
 * @param maxLifetime the longest lifetime it may ask for (both 60 s to 24 h)
 * @param refresh whether it gets refresh tokens, and their lifetimes
 * @param mayIntrospect whether it may call the introspection endpoint (a resource server)
 * @param dpop whether its token requests must carry DPoP proofs, and with which algorithms
 * @param certificates its mutual TLS registration (RFC 8705): certificate-bound tokens, and
 *     authentication by certificate
 * @param trustPolicies which outside tokens (federation, RFC 8693) authenticate a workload as this
 *     client, in the order they are tried (at most {@value TrustPolicy#MAX_PER_CLIENT}); their caps
 *     lie within this client's scopes, audiences and lifetime
 * @param delegation which clients may act for its tokens, and how deep a chain may be
 * @param monitoring whether it is a decoy (honeytokens), and what the anomaly detector does about
 *     it
 * @param version optimistic-locking version of the stored record
 */
public record Client(
    String clientId,
    String description,
    boolean enabled,
    String subject,
    Set<String> iamRoles,
    JWKSet publicKeys,
    SortedSet<String> scopes,
    SortedSet<String> defaultScopes,
    SortedSet<String> audiences,
    Duration defaultLifetime,
    Duration maxLifetime,
    RefreshPolicy refresh,
    boolean mayIntrospect,
    ClientDpop dpop,
    CertificatePolicy certificates,
    List<TrustPolicy> trustPolicies,
    ClientDelegation delegation,
    ClientMonitoring monitoring,
    long version) {

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

  /** The most keys a client may register. */
  public static final int MAX_KEYS = 10;

  /**
   * The refusal of more than {@link #MAX_KEYS} keys; ClientJson says it of the array as written.
   */
  static final String KEYS_RULE =
      "jwks: a \"keys\" array of at most " + MAX_KEYS + " keys is required";

  private static final int MAX_DESCRIPTION_LENGTH = 256;
  private static final int MAX_IAM_ROLES = 20;
  private static final int MAX_AUDIENCES = 20;
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration MAX_LIFETIME = Duration.ofHours(24);

  /** The checks run in the order of the registration's fields; the first broken rule is named. */
  public Client {
    if (!ClientId.isValid(clientId)) {
      throw new InvalidClientPolicy(
          "client_id is required: 1-128 of A-Z a-z 0-9 . _ : -, starting alphanumeric");
    }
    Objects.requireNonNull(description, "description");
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidClientPolicy("description: at most 256 characters");
    }
    if (!Subject.isValid(subject)) {
      throw new InvalidClientPolicy("subject: 1-256 printable characters without spaces");
    }
    iamRoles = normalizedRoles(iamRoles);
    checkKeys(publicKeys);
    Objects.requireNonNull(certificates, "certificates");
    trustPolicies = List.copyOf(trustPolicies);
    if (iamRoles.isEmpty()
        && publicKeys.isEmpty()
        && certificates.subject().isEmpty()
        && trustPolicies.isEmpty()) {
      throw new InvalidClientPolicy(
          "a client needs iam_roles, jwks, a tls_client_auth_* name or trust_policies (at least"
              + " one way to authenticate)");
    }
    if (certificates.selfSigned() && publicKeys.isEmpty()) {
      throw new InvalidClientPolicy(
          "self_signed_tls_client_auth needs jwks: the keys (or x5c certificates) it presents");
    }

    atMost("scopes", scopes, Scope.MAX_PER_CLIENT);
    if (scopes.isEmpty()) {
      throw new InvalidClientPolicy("scopes: at least one scope is required");
    }
    for (String scope : scopes) {
      if (!Scope.isValid(scope)) {
        throw new InvalidClientPolicy("scopes: not an RFC 6749 scope token: " + scope);
      }
    }
    atMost("default_scopes", defaultScopes, Scope.MAX_PER_CLIENT);
    if (!scopes.containsAll(defaultScopes)) {
      throw new InvalidClientPolicy("default_scopes must be a subset of scopes");
    }
    atMost("audiences", audiences, MAX_AUDIENCES);
    if (audiences.isEmpty()) {
      throw new InvalidClientPolicy("audiences: at least one audience is required");
    }
    for (String audience : audiences) {
      if (!Audience.isValid(audience)) {
        throw new InvalidClientPolicy("audiences: 1-256 printable characters: " + audience);
      }
    }

    lifetime("max_lifetime_seconds", maxLifetime);
    lifetime("default_lifetime_seconds", defaultLifetime);
    if (defaultLifetime.compareTo(maxLifetime) > 0) {
      throw new InvalidClientPolicy(
          "default_lifetime_seconds must not exceed max_lifetime_seconds");
    }
    Objects.requireNonNull(refresh, "refresh");
    Objects.requireNonNull(dpop, "dpop");
    checkTrustPolicies(trustPolicies, scopes, audiences, maxLifetime);
    Objects.requireNonNull(delegation, "delegation");
    Objects.requireNonNull(monitoring, "monitoring");
    if (delegation.allowsActor(clientId)) {
      throw new InvalidClientPolicy("may_act: a client does not act for itself (use down-scoping)");
    }

    scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
    defaultScopes = Collections.unmodifiableSortedSet(new TreeSet<>(defaultScopes));
    audiences = Collections.unmodifiableSortedSet(new TreeSet<>(audiences));
  }

  /** This client with enabled set as given. */
  public Client withEnabled(boolean value) {
    return new Client(
        clientId,
        description,
        value,
        subject,
        iamRoles,
        publicKeys,
        scopes,
        defaultScopes,
        audiences,
        defaultLifetime,
        maxLifetime,
        refresh,
        mayIntrospect,
        dpop,
        certificates,
        trustPolicies,
        delegation,
        monitoring,
        version);
  }

  /** This client at another version (the store sets it). */
  public Client atVersion(long newVersion) {
    return new Client(
        clientId,
        description,
        enabled,
        subject,
        iamRoles,
        publicKeys,
        scopes,
        defaultScopes,
        audiences,
        defaultLifetime,
        maxLifetime,
        refresh,
        mayIntrospect,
        dpop,
        certificates,
        trustPolicies,
        delegation,
        monitoring,
        newVersion);
  }

  /** The roles as given (at most 20), each an IAM role ARN, normalized. */
  private static Set<String> normalizedRoles(Set<String> arns) {
    atMost("iam_roles", arns, MAX_IAM_ROLES);
    Set<String> roles = new LinkedHashSet<>();
    for (String arn : arns) {
      roles.add(
          IamPrincipal.normalizeRole(arn)
              .orElseThrow(
                  () ->
                      new InvalidClientPolicy(
                          "iam_roles: not an IAM role ARN (arn:aws:iam::<account>:role/<name>): "
                              + arn)));
    }
    return Set.copyOf(roles);
  }

  private static void checkKeys(JWKSet keys) {
    if (keys.getKeys().size() > MAX_KEYS) {
      throw new InvalidClientPolicy(KEYS_RULE);
    }
    Set<String> kids = new HashSet<>();
    for (JWK key : keys.getKeys()) {
      checkKey(key);
      if (key.getKeyID() == null || !kids.add(key.getKeyID())) {
        throw new InvalidClientPolicy("jwks: every key needs a kid, unique within the set");
      }
    }
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

  /** At most ten, names unique, each one's caps within the client's own. */
  private static void checkTrustPolicies(
      List<TrustPolicy> policies,
      SortedSet<String> scopes,
      SortedSet<String> audiences,
      Duration maxLifetime) {
    if (policies.size() > TrustPolicy.MAX_PER_CLIENT) {
      throw new InvalidClientPolicy(
          "trust_policies: at most " + TrustPolicy.MAX_PER_CLIENT + " policies per client");
    }
    Set<String> names = new HashSet<>();
    for (TrustPolicy policy : policies) {
      String at = "trust_policies[" + policy.name() + "]: ";
      if (!names.add(policy.name())) {
        throw new InvalidClientPolicy(at + "the name appears twice");
      }
      if (policy.scopes().isPresent() && !scopes.containsAll(policy.scopes().get())) {
        throw new InvalidClientPolicy(at + "scopes must be a subset of the client's scopes");
      }
      if (policy.audiences().isPresent() && !audiences.containsAll(policy.audiences().get())) {
        throw new InvalidClientPolicy(at + "audiences must be a subset of the client's audiences");
      }
      if (policy.maxLifetime().filter(l -> l.compareTo(maxLifetime) > 0).isPresent()) {
        throw new InvalidClientPolicy(
            at + "max_lifetime_seconds must not exceed the client's max_lifetime_seconds");
      }
    }
  }

  private static void atMost(String field, Collection<String> values, int max) {
    if (values.size() > max) {
      throw new InvalidClientPolicy(field + ": at most " + max + " entries");
    }
  }

  private static void lifetime(String field, Duration value) {
    if (value.compareTo(MIN_LIFETIME) < 0 || value.compareTo(MAX_LIFETIME) > 0) {
      throw new InvalidClientPolicy(field + ": between 60 and 86400 seconds");
    }
  }
}
