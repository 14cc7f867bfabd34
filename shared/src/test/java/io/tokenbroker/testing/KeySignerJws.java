package io.tokenbroker.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.SigningKey;
import java.util.Set;

/**
 * A Nimbus signer over the {@link KeySigner} port, for tests that sign JWS objects of their own.
 */
public final class KeySignerJws {

  private KeySignerJws() {}

  /** Signs as {@code key} through {@code signer}; headers naming another algorithm are refused. */
  public static JWSSigner jwsSigner(KeySigner signer, SigningKey key) {
    return new JWSSigner() {
      private final JCAContext jca = new JCAContext();

      @Override
      public Base64URL sign(JWSHeader header, byte[] signingInput)
          throws com.nimbusds.jose.JOSEException {
        if (!key.algorithm().equals(header.getAlgorithm())) {
          throw new com.nimbusds.jose.JOSEException("this key signs " + key.algorithm() + " only");
        }
        return Base64URL.encode(signer.sign(key, signingInput));
      }

      @Override
      public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(key.algorithm());
      }

      @Override
      public JCAContext getJCAContext() {
        return jca;
      }
    };
  }
}
