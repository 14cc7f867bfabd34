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
 * @param presentedBy the client that presented it, or that the request claimed to be ({@code none}
 *     if it named none)
 * @param presenterVerified whether that client authenticated: false where the request's client
 *     authentication failed and {@code presentedBy} is only what it claimed
 */
public record HoneytokenFamilyPresented(
    String clientId, String familyId, String presentedBy, boolean presenterVerified)
    implements HoneytokenUse {

  /** Presented by a client that authenticated. */
  public HoneytokenFamilyPresented(String clientId, String familyId, String presentedBy) {
    this(clientId, familyId, presentedBy, true);
  }

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
    evidence.put("presented_by_credential", presenterVerified ? "verified" : "unverified");
    return evidence;
  }
}
