package io.tokenbroker.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.jose.SignatureCheck;
import io.tokenbroker.jose.VerificationKey;
import io.tokenbroker.json.FlatJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a DPoP proof (RFC 9449) against the request it came with, making every check of section
 * 4.3, in this order (each failure its own {@link DpopReason}):
 *
 * <ol>
 *   <li>one {@code DPoP} header holding one compact JWS, within {@link #MAX_PROOF_LENGTH};
 *   <li>the header: {@code typ} exactly {@code dpop+jwt}; {@code alg} one of {@link #ALGORITHMS}
 *       (never {@code none} nor a MAC) and one of the caller's; {@code jwk} a public RSA or EC key
 *       (no private member), fit for {@code alg}; no {@code crit};
 *   <li>the signature, with that key;
 *   <li>the claims {@code jti}, {@code htm}, {@code htu}, {@code iat} present; {@code htm} equal to
 *       the method, {@code htu} to the URL (both normalized, query and fragment ignored: {@link
 *       Htu});
 *   <li>the nonce, when the deployment requires nonces ({@code use_dpop_nonce});
 *   <li>{@code iat} within {@code [now - maxAge - skew, now + skew]};
 *   <li>{@code ath}, when an access token comes with the proof, and the key's thumbprint, when the
 *       caller names the key the proof must have;
 *   <li>single use: the proof is recorded last, so no refused proof costs a write.
 * </ol>
 *
 * Uses the broker's own strict JWS reading ({@link CompactJws}, {@link FlatJson}, {@link
 * SignatureCheck}) rather than a general JWT processor: the authorizer runs this per request.
 */
public final class DpopProofVerifier {

  /** The proof algorithms the broker accepts, as discovery advertises them. */
  public static final List<JWSAlgorithm> ALGORITHMS =
      List.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS256);

  /** Generous for an RSA-4096 key in the header (about 1.8 KB). */
  public static final int MAX_PROOF_LENGTH = 8192;

  /** RFC 9449 4.2: jti is unique; a longer one only costs the replay store (11.1). */
  public static final int MAX_JTI_LENGTH = 256;

  private static final String DPOP_JWT = "dpop+jwt";
  private static final Set<String> PRIVATE_MEMBERS =
      Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final DpopPolicy policy;
  private final DpopReplayGuard replay;
  private final Clock clock;

  public DpopProofVerifier(DpopPolicy policy, DpopReplayGuard replay, Clock clock) {
    this.policy = policy;
    this.replay = replay;
    this.clock = clock;
  }

  /** The nonce to hand out with a successful answer, when the deployment requires nonces. */
  public Optional<String> currentNonce() {
    return policy.nonces().map(DpopNonces::current);
  }

  /**
   * @return the proof, now used
   * @throws RequestRejected {@code invalid_dpop_proof} or {@code use_dpop_nonce} (with a {@code
   *     DPoP-Nonce} header), with the precise {@link DpopReason}
   * @throws io.tokenbroker.errors.ServiceFailure if the replay store or the nonce key fails
   */
  public DpopProof verify(DpopRequest request) {
    return use(check(request));
  }

  /**
   * A proof that passed every stateless check (nonce included) but is not yet recorded: the token
   * endpoint records it only once the client is authenticated, so no anonymous request writes.
   */
  public record CheckedProof(DpopProof proof, String proofId, Instant lastAcceptable) {}

  /**
   * Every check but single use: nothing is written.
   *
   * @throws RequestRejected as {@link #verify}
   */
  public CheckedProof check(DpopRequest request) {
    String proof = singleProof(request.proofs());
    CompactJws jws;
    try {
      jws = CompactJws.parse(proof, MAX_PROOF_LENGTH);
    } catch (RequestRejected malformed) {
      throw reject(DpopReason.PROOF_MALFORMED);
    }
    Header header = header(jws, request.algorithms());
    if (!SignatureCheck.verifies(header.alg, header.key, jws.signingInput(), jws.signature())) {
      throw reject(DpopReason.BAD_SIGNATURE);
    }
    Claims claims = claims(jws);
    if (!claims.htm.equals(request.method())) {
      throw reject(DpopReason.HTM_MISMATCH);
    }
    Optional<String> htu = Htu.normalize(claims.htu);
    if (htu.isEmpty() || !htu.equals(Htu.normalize(request.url()))) {
      throw reject(DpopReason.HTU_MISMATCH);
    }
    if (policy.nonces().isPresent()) {
      DpopNonces nonces = policy.nonces().get();
      if (claims.nonce == null) {
        throw reject(DpopReason.NONCE_MISSING).withHeader("DPoP-Nonce", nonces.current());
      }
      if (!nonces.accepts(claims.nonce)) {
        throw reject(DpopReason.NONCE_STALE).withHeader("DPoP-Nonce", nonces.current());
      }
    }
    Instant now = clock.instant();
    Instant iat = Instant.ofEpochSecond(claims.iat);
    if (iat.isAfter(now.plus(policy.clockSkew()))) {
      throw reject(DpopReason.IAT_IN_FUTURE);
    }
    Instant lastAcceptable = iat.plus(policy.maxAge()).plus(policy.clockSkew());
    if (now.isAfter(lastAcceptable)) {
      throw reject(DpopReason.IAT_TOO_OLD);
    }
    if (request.accessToken().isPresent()) {
      if (claims.ath == null) {
        throw reject(DpopReason.ATH_MISSING);
      }
      if (!MessageDigest.isEqual(
          ascii(claims.ath), ascii(B64.encodeToString(sha256(request.accessToken().get()))))) {
        throw reject(DpopReason.ATH_MISMATCH);
      }
    }
    String jkt = header.jkt;
    if (request.boundKey().isPresent()
        && !MessageDigest.isEqual(ascii(jkt), ascii(request.boundKey().get()))) {
      throw reject(DpopReason.KEY_MISMATCH);
    }
    String proofId = B64.encodeToString(sha256(jkt + "\n" + htu.get() + "\n" + claims.jti));
    return new CheckedProof(
        new DpopProof(new Confirmation.DpopKey(jkt), claims.jti, iat, header.alg),
        proofId,
        lastAcceptable);
  }

  /**
   * Records a checked proof's single use.
   *
   * @return the proof, now used
   * @throws RequestRejected {@code dpop_proof_replayed} if it was used before
   * @throws io.tokenbroker.errors.ServiceFailure if the replay store fails
   */
  public DpopProof use(CheckedProof checked) {
    if (!replay.firstUse(checked.proofId(), checked.lastAcceptable())) {
      throw reject(DpopReason.PROOF_REPLAYED);
    }
    return checked.proof();
  }

  private static String singleProof(List<String> proofs) {
    if (proofs.isEmpty()) {
      throw reject(DpopReason.PROOF_MISSING);
    }
    if (proofs.size() > 1) {
      throw reject(DpopReason.MULTIPLE_PROOFS);
    }
    String proof = proofs.getFirst();
    if (proof.length() > MAX_PROOF_LENGTH) {
      throw reject(DpopReason.PROOF_TOO_LARGE);
    }
    // A proxy may fold repeated headers into one, comma-separated; token68 has no comma or space.
    if (proof.indexOf(',') >= 0) {
      throw reject(DpopReason.MULTIPLE_PROOFS);
    }
    if (proof.isBlank()) {
      throw reject(DpopReason.PROOF_MISSING);
    }
    return proof;
  }

  private record Header(JWSAlgorithm alg, VerificationKey key, String jkt) {}

  /** A proof key as parsed and judged once: its JCA key and its RFC 7638 thumbprint. */
  private record ProofKey(VerificationKey key, String jkt) {}

  /**
   * Keys seen recently, by their jwk members: a workload signs every proof with one key, so the
   * authorizer parses it, checks its point or modulus and hashes its thumbprint once, not per
   * request. Only keys that passed the private-member check are looked up or kept.
   */
  private static final int MAX_CACHED_KEYS = 1024;

  private final java.util.concurrent.ConcurrentMap<Map<?, ?>, ProofKey> keys =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static ProofKey proofKey(Map<?, ?> jwkMap) {
    Object kty = jwkMap.get("kty");
    if (!"RSA".equals(kty) && !"EC".equals(kty)) {
      throw reject(DpopReason.JWK_MALFORMED);
    }
    JWK jwk;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> json = (Map<String, Object>) jwkMap;
      jwk = JWK.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw reject(DpopReason.JWK_MALFORMED);
    }
    if (jwk.isPrivate()) {
      throw reject(DpopReason.JWK_PRIVATE);
    }
    return new ProofKey(VerificationKey.of(jwk), thumbprint(jwk));
  }

  private Header header(CompactJws jws, List<JWSAlgorithm> callerAlgorithms) {
    Map<String, Object> members = new HashMap<>(8);
    read(jws.headerJson(), members, DpopReason.HEADER_MALFORMED);
    if (members.containsKey("crit")) {
      throw reject(DpopReason.CRIT_NOT_UNDERSTOOD);
    }
    if (!DPOP_JWT.equals(members.get("typ"))) {
      throw reject(DpopReason.TYP_NOT_DPOP_JWT);
    }
    if (!(members.get("alg") instanceof String algName)) {
      throw reject(DpopReason.ALG_MISSING);
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(algName);
    if (!ALGORITHMS.contains(alg)) {
      throw reject(
          "none".equalsIgnoreCase(algName) || JWSAlgorithm.Family.HMAC_SHA.contains(alg)
              ? DpopReason.ALG_NOT_ASYMMETRIC
              : DpopReason.ALG_NOT_ALLOWED);
    }
    if (!callerAlgorithms.contains(alg)) {
      throw reject(DpopReason.ALG_NOT_ALLOWED);
    }
    Object jwkMember = members.get("jwk");
    if (jwkMember == null) {
      throw reject(DpopReason.JWK_MISSING);
    }
    if (!(jwkMember instanceof Map<?, ?> jwkMap)) {
      throw reject(DpopReason.JWK_MALFORMED); // a string, or members other than strings
    }
    for (Object name : jwkMap.keySet()) {
      if (PRIVATE_MEMBERS.contains(name)) {
        throw reject(DpopReason.JWK_PRIVATE);
      }
    }
    ProofKey proofKey = keys.get(jwkMap);
    if (proofKey == null) {
      proofKey = proofKey(jwkMap);
      if (keys.size() >= MAX_CACHED_KEYS) {
        keys.clear(); // crude bound: a flood of new keys costs only their own parsing
      }
      keys.put(jwkMap, proofKey);
    }
    if (!proofKey.key.fitsFor(alg)) {
      throw reject(DpopReason.JWK_UNFIT_FOR_ALG);
    }
    return new Header(alg, proofKey.key, proofKey.jkt);
  }

  private static final class Claims {
    String jti;
    String htm;
    String htu;
    long iat;
    String ath;
    String nonce;
  }

  private static Claims claims(CompactJws jws) {
    Map<String, Object> members = new HashMap<>(8);
    read(jws.payloadJson(), members, DpopReason.CLAIMS_MALFORMED);
    Claims claims = new Claims();
    if (!(members.get("jti") instanceof String jti)
        || jti.isEmpty()
        || jti.length() > MAX_JTI_LENGTH) {
      throw reject(DpopReason.JTI_MISSING);
    }
    claims.jti = jti;
    if (!(members.get("htm") instanceof String htm)) {
      throw reject(DpopReason.HTM_MISSING);
    }
    claims.htm = htm;
    if (!(members.get("htu") instanceof String htu)) {
      throw reject(DpopReason.HTU_MISSING);
    }
    claims.htu = htu;
    switch (members.get("iat")) {
      case Long seconds -> claims.iat = seconds;
      case Double seconds when Double.isFinite(seconds) && Math.abs(seconds) < 1e15 ->
          claims.iat = (long) Math.floor(seconds);
      case null, default -> throw reject(DpopReason.IAT_MISSING);
    }
    claims.ath = members.get("ath") instanceof String ath ? ath : null;
    claims.nonce = members.get("nonce") instanceof String nonce ? nonce : null;
    return claims;
  }

  private static void read(String json, Map<String, Object> into, DpopReason malformed) {
    try {
      FlatJson.read(json, into::put);
    } catch (ParseException e) {
      throw reject(malformed);
    }
  }

  private static String thumbprint(JWK jwk) {
    try {
      return jwk.computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static RequestRejected reject(DpopReason reason) {
    return new RequestRejected(reason.error(), reason, reason.description());
  }
}
