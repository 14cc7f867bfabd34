package io.tokenbroker.verify;

import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.jose.VerificationKey;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A kid whose published key could not be checked (the key manager failed, rather than refused it)
 * is a retryable dependency failure, not an unknown key: otherwise a KMS outage would turn genuine
 * tokens into "invalid" ones, which the revocation endpoint answers 200 without revoking (RFC 7009)
 * and the authorizer answers 401 instead of its fail-closed 500.
 */
public final class FailClosedOnUncheckedKeys implements KeyResolver {

  private final KeyResolver keys;
  private final Predicate<String> couldNotCheck;

  /**
   * @param couldNotCheck whether the last check of the published key with this kid failed
   */
  public FailClosedOnUncheckedKeys(KeyResolver keys, Predicate<String> couldNotCheck) {
    this.keys = keys;
    this.couldNotCheck = couldNotCheck;
  }

  @Override
  public Optional<VerificationKey> find(String kid) {
    Optional<VerificationKey> key = keys.find(kid);
    if (key.isEmpty() && couldNotCheck.test(kid)) {
      throw new ServiceFailure("kms", "a published key could not be checked yet", true, null);
    }
    return key;
  }
}
