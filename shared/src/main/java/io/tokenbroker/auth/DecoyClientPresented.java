package io.tokenbroker.auth;

import io.tokenbroker.errors.HoneytokenUse;
import java.util.Map;

/**
 * {@link ClientAuthenticationReason#DECOY_CLIENT} with the decoy client's id, for the alert. Logged
 * as {@code decoy_client}, like the constant.
 *
 * @param credentialVerified whether the request's credential is the decoy's own (its registered key
 *     signed the assertion, its IAM role called): {@code credential=verified} in the alert; else
 *     someone only named the decoy's client id, which is no secret ({@code unverified})
 */
public record DecoyClientPresented(String clientId, boolean credentialVerified)
    implements HoneytokenUse {

  @Override
  public String logName() {
    return ClientAuthenticationReason.DECOY_CLIENT.logName();
  }

  @Override
  public Map<String, String> evidence() {
    return Map.of(
        "token_kind",
        "client_credential",
        "credential",
        credentialVerified ? "verified" : "unverified");
  }
}
