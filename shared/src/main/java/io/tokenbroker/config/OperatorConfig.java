package io.tokenbroker.config;

import io.tokenbroker.errors.ConfigException;
import io.tokenbroker.operator.OperatorPrincipals;

/**
 * Who the operators are, for every function that serves an admin route (the revocation function's
 * {@code /admin/revocations}, the token function's {@code /admin/honeytokens}).
 *
 * @param operators OPERATOR_PRINCIPAL_ARNS: comma-separated IAM role ARNs; unset or empty: nobody
 */
public record OperatorConfig(OperatorPrincipals operators) {

  public static OperatorConfig from(Env env) {
    try {
      return new OperatorConfig(
          OperatorPrincipals.parse(env.optional("OPERATOR_PRINCIPAL_ARNS").orElse("")));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("environment variable OPERATOR_PRINCIPAL_ARNS: " + e.getMessage());
    }
  }
}
