package io.tokenbroker.tokens;

import io.tokenbroker.errors.ServiceFailure;
import java.time.Instant;
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

  /**
   * Records, durably, that the recorded token was handed out once more at {@code at} (token reuse):
   * its delivery count goes up by one and its last delivery time is {@code at}.
   *
   * @throws ServiceFailure if the store fails or no record has that jti (the token must then not be
   *     handed out again)
   */
  void recordDelivery(String jti, Instant at);

  /**
   * How many times the token was handed out: 1 for a recorded token never reused, 0 if no record
   * has that jti (strongly consistent read).
   *
   * @throws ServiceFailure if the store fails
   */
  long deliveries(String jti);
}
