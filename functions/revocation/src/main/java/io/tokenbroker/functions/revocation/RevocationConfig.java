package io.tokenbroker.functions.revocation;

import io.tokenbroker.config.Env;
import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.operator.OperatorPrincipals;

/**
 * The revocation function's own settings, read once at init (the shared ones are {@link
 * io.tokenbroker.config.BrokerConfig}'s).
 *
 * @param operators OPERATOR_PRINCIPAL_ARNS: comma-separated IAM role ARNs that may use {@code POST
 *     /admin/revocations}; unset or empty: nobody may
 */
public record RevocationConfig(OperatorPrincipals operators) {

  public static RevocationConfig from(Env env) {
    try {
      return new RevocationConfig(
          OperatorPrincipals.parse(env.optional("OPERATOR_PRINCIPAL_ARNS").orElse("")));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("environment variable OPERATOR_PRINCIPAL_ARNS: " + e.getMessage());
    }
  }
}
