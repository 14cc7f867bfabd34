package io.tokenbroker.oauth;

import io.tokenbroker.errors.HoneytokenUse;
import io.tokenbroker.verify.AccessTokenReason;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoy refresh token was presented: its family is recorded as a honeytoken. Refused as any
 * revoked family ({@code invalid_grant}); logged as {@code honeytoken_used}.
 *
 * @param clientId the decoy's client
 * @param familyId its refresh family
 * @param presentedBy the client that presented it (authenticated)
 */
public record HoneytokenFamilyPresented(String clientId, String familyId, String presentedBy)
    implements HoneytokenUse {

  @Override
  public String logName() {
    return AccessTokenReason.HONEYTOKEN_USED.logName();
  }

  @Override
  public Map<String, String> evidence() {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("token_kind", "refresh_token");
    evidence.put("sid", familyId);
    evidence.put("presented_by", presentedBy);
    return evidence;
  }
}
