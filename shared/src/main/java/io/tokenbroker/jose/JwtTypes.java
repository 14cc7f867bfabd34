package io.tokenbroker.jose;

import com.nimbusds.jose.JOSEObjectType;

/** The JOSE {@code typ} values the broker writes or checks. */
public final class JwtTypes {

  /**
   * RFC 9068 2.1: the {@code typ} of the broker's access tokens. The minter writes it, the verifier
   * requires it, and the client-assertion verifier refuses an assertion that carries it (an access
   * token is never a client assertion, RFC 8725 3.11).
   */
  public static final JOSEObjectType ACCESS_TOKEN = new JOSEObjectType("at+jwt");

  private JwtTypes() {}
}
