package io.tokenbroker.functions.revocation;

import io.tokenbroker.config.Env;
import io.tokenbroker.config.OperatorConfig;
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
    return new RevocationConfig(OperatorConfig.from(env).operators()); // shared with /token
  }
}
