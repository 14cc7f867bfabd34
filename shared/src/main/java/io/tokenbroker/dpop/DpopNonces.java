package io.tokenbroker.dpop;

import io.tokenbroker.errors.ServiceFailure;

/** Server-provided DPoP nonces (RFC 9449 8): the one to hand out, and which ones are accepted. */
public interface DpopNonces {

  /**
   * The nonce a client should put in its next proofs.
   *
   * @throws ServiceFailure if the nonce cannot be made now
   */
  String current();

  /**
   * Whether a proof carrying {@code nonce} may be accepted now.
   *
   * @throws ServiceFailure if the nonce cannot be checked now
   */
  boolean accepts(String nonce);
}
