package io.tokenbroker.verify;

import io.tokenbroker.errors.HoneytokenUse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AccessTokenReason#HONEYTOKEN_USED} with what the verifier learnt of the decoy once its
 * signature and claims checked out: the jti and client, for the alert (the token itself is never
 * kept). Logged as {@code honeytoken_used}, like the constant.
 *
 * @param jti the decoy's jti
 * @param clientId the decoy's client
 * @param sessionId its refresh family, if it has one
 */
public record HoneytokenPresented(String jti, String clientId, Optional<String> sessionId)
    implements HoneytokenUse {

  @Override
  public String logName() {
    return AccessTokenReason.HONEYTOKEN_USED.logName();
  }

  @Override
  public Map<String, String> evidence() {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("token_kind", "access_token");
    evidence.put("jti", jti);
    sessionId.ifPresent(sid -> evidence.put("sid", sid));
    return evidence;
  }
}
