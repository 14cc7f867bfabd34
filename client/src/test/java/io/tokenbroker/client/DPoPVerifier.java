package io.tokenbroker.client;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPTokenRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InMemoryDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * The oracle for the library's proofs: Nimbus OAuth 2.0 SDK's RFC 9449 verifiers (signature, typ,
 * alg, public jwk, htm, htu, iat, jti once, ath, cnf.jkt, nonce), never the library's own code.
 */
final class DPoPVerifier {

  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
  private static final long SKEW_SECONDS = 60;

  private final InMemoryDPoPSingleUseChecker used = new InMemoryDPoPSingleUseChecker(120, 120);

  /** A token request's proof, checked for {@code POST endpoint}: the thumbprint it binds to. */
  String tokenRequest(String proof, URI endpoint, Optional<String> nonce) throws Exception {
    JWKThumbprintConfirmation cnf =
        new DPoPTokenRequestVerifier(ALGORITHMS, endpoint, SKEW_SECONDS, SKEW_SECONDS, used)
            .verify(
                new DPoPIssuer("client"),
                SignedJWT.parse(proof),
                nonce.map(Nonce::new).orElse(null));
    return cnf.getValue().toString();
  }

  /** A resource request's proof, checked against the request, the token and its {@code jkt}. */
  void resourceRequest(
      String proof, String method, URI url, String token, String jkt, Optional<String> nonce)
      throws Exception {
    new DPoPProtectedResourceRequestVerifier(ALGORITHMS, SKEW_SECONDS, SKEW_SECONDS, used)
        .verify(
            method,
            url,
            new DPoPIssuer("client"),
            SignedJWT.parse(proof),
            new DPoPAccessToken(token),
            new JWKThumbprintConfirmation(new Base64URL(jkt)),
            nonce.map(Nonce::new).orElse(null));
  }
}
