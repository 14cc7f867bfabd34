package io.tokenbroker.auth;

import io.tokenbroker.errors.HoneytokenUse;
import java.util.Map;

/**
 * {@link ClientAuthenticationReason#DECOY_CLIENT} with the decoy client's id, for the alert. Logged
 * as {@code decoy_client}, like the constant.
 */
public record DecoyClientPresented(String clientId) implements HoneytokenUse {

  @Override
  public String logName() {
    return ClientAuthenticationReason.DECOY_CLIENT.logName();
  }

  @Override
  public Map<String, String> evidence() {
    return Map.of("token_kind", "client_credential");
  }
}
