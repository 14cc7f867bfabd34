package io.tokenbroker.leaks;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Port: the public keys a leak reporter signs its reports with, by key identifier (GitHub's {@code
 * Github-Public-Key-Identifier}, its {@code key_identifier}).
 */
@FunctionalInterface
public interface ReporterKeys {

  /**
   * The key, or empty if the reporter has no such key (after at most one refresh per interval, so a
   * stream of made-up identifiers costs no stream of fetches).
   *
   * @throws io.tokenbroker.errors.ServiceFailure (retryable) if the keys could not be had and none
   *     known is fresh enough: the report is answered 503 and the reporter retries
   */
  Optional<PublicKey> key(String keyIdentifier);
}
