package io.tokenbroker.tokens;

import io.tokenbroker.errors.ServiceFailure;
import java.util.Optional;

/** Port: the issuance records. */
public interface IssuanceRepository {

  /**
   * Stores the record durably, once per jti. Storing the very same record again (same jti, same
   * token hash: a retried write) is not an error.
   *
   * @throws ServiceFailure if the store fails or the jti exists (the token must then not be
   *     returned)
   */
  void record(Issuance issuance);

  /** The record for a jti (strongly consistent read). */
  Optional<Issuance> find(String jti);
}
