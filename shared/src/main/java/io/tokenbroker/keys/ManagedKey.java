package io.tokenbroker.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;

/**
 * A key pair held by the key manager: its reference there, and its public half as a JWK whose
 * {@code kid} is its RFC 7638 thumbprint, with {@code use=sig} and {@code alg} set.
 */
public record ManagedKey(String keyReference, JWSAlgorithm algorithm, JWK publicJwk) {

  public ManagedKey {
    if (!publicJwk.getKeyID().equals(thumbprint(publicJwk))) {
      throw new IllegalArgumentException("kid must be the key's RFC 7638 thumbprint");
    }
    if (publicJwk.getKeyUse() != KeyUse.SIGNATURE || !algorithm.equals(publicJwk.getAlgorithm())) {
      throw new IllegalArgumentException("published key must say use=sig and its alg");
    }
  }

  public String kid() {
    return publicJwk.getKeyID();
  }

  static String thumbprint(JWK jwk) {
    try {
      return jwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot compute the key's thumbprint", e);
    }
  }
}
