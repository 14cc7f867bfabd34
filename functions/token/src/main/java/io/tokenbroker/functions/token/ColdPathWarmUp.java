package io.tokenbroker.functions.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.jose.JwtTypes;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads and runs, on a second thread while Lambda's init builds the AWS clients, the code a first
 * request runs that needs no AWS call: Nimbus's JSON (its shaded Gson, built when {@code
 * JSONObjectUtils} is first used: about 160 classes and reflection), the client record's read and
 * its JWK set, an assertion's parse and an ES256 and RS256 verify (of a made-up signature, with
 * keys made for this and used for nothing else), the access token's header and claims. Only CPU:
 * no network, no clock or random value kept, nothing written. Best effort: a failure here is
 * ignored (the request then does the same work itself, as before).
 *
 * <p>It shortens a cold start only where a second CPU is free during init: on this machine's two
 * CPUs, yes; in Lambda, a function gets CPU in proportion to its memory (one vCPU at 1,769 MB), so
 * at the token function's 512 MB the two threads share a fraction of one and this saves little
 * wall time there. With SnapStart (the published versions) it runs before the snapshot, like the
 * priming.
 */
final class ColdPathWarmUp {

  /** A P-256 and an RSA 2048 public key made for this class; their private halves are gone. */
  private static final String CLIENT =
      """
      {"client_id":"warm-up","subject":"warm-up","scopes":["warm"],"audiences":["warm"],
       "jwks":{"keys":[
        {"kty":"EC","crv":"P-256","kid":"warm-ec","x":"4xkUIWSPScTf8IpZJMq9XBVPGTGQ-PL7R_amQARby8g",
         "y":"WA4CqRA8RJ_X8fJRebhUpHJiVPQwjD7KAYjp6H7ILuY"},
        {"kty":"RSA","e":"AQAB","kid":"warm-rsa","n":"1QMlQCWAbTU8g3DXKPIIGsOIsTfM3t1OaudbcCMuRYcs0XX7dEq4Jl3ZL8Qemg0rM_It59ffbpOR-6C-xmG4Mqi84rAwOZ-DoTfYl9HifGjMtJW_xee9iwHDW9ZvcAFWPM2qRDaZSpY7pOuqehKhBBFJ-gAlUHP229hvwInGdXc7Pnxpn0FqkfDR0E6qdv8g7ClThtyJG-Hn86oz6Gpy2SM35FFQFgAxFz8h9MVH8zcQ7pXtyvcWXpbvzSOF6x_zOVUewKD9PB4KjeYIhRVi8jwOfffCp477rkQ6HIpWxVvpui43gL9Qm79fbDqkgobnooE3qzoXlO3z-mN7DEUoTQ"}]}}
      """;

  private ColdPathWarmUp() {}

  /** Starts the warm-up on a daemon thread (it never holds up the process's exit). */
  static Thread start() {
    return Thread.ofPlatform().daemon().name("cold-path-warm-up").start(ColdPathWarmUp::runQuietly);
  }

  private static void runQuietly() {
    try {
      run();
    } catch (Exception | LinkageError ignored) {
      // best effort: the request path does the same work if this did not
    }
  }

  /** The work itself; visible for the test that holds it to "no failure, nothing kept". */
  static void run() throws Exception {
    Client client = ClientJson.parse(CLIENT);
    Date now = new Date(0);
    // The access token's header and claims, as AccessTokenMinter writes them.
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("https://warm-up.invalid")
            .subject("warm-up")
            .claim("client_id", "warm-up")
            .claim("scope", "warm")
            .issueTime(now)
            .notBeforeTime(now)
            .expirationTime(now)
            .jwtID("warm-up")
            .audience("warm")
            .build();
    for (JWK key : client.publicKeys().getKeys()) {
      JWSAlgorithm alg = key.getKeyType().getValue().equals("EC") ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
      SignedJWT token =
          new SignedJWT(
              new JWSHeader.Builder(alg).type(JwtTypes.ACCESS_TOKEN).keyID(key.getKeyID()).build(),
              claims);
      String signingInput = new String(token.getSigningInput(), StandardCharsets.US_ASCII);
      // An assertion with a made-up signature: parsed and checked as the verifier does; it fails.
      byte[] signature = new byte[alg == JWSAlgorithm.ES256 ? 64 : 256];
      signature[0] = 1;
      SignedJWT parsed =
          (SignedJWT) JWTParser.parse(signingInput + "." + Base64URL.encode(signature));
      parsed.getJWTClaimsSet();
      parsed.getPayload().toJSONObject();
      parsed.verify(
          new DefaultJWSVerifierFactory()
              .createJWSVerifier(parsed.getHeader(), ((AsymmetricJWK) key).toPublicKey()));
    }
    // An answer's JSON, as HttpResponse writes it.
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", "warm");
    answer.put("expires_in", 1L);
    answer.put("scopes", List.of("warm"));
    JSONObjectUtils.toJSONString(answer);
  }
}
