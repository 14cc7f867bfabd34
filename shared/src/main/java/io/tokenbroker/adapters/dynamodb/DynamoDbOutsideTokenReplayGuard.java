package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.federation.OutsideTokenReplayGuard;
import java.time.Instant;

/**
 * Single use of outside tokens (federation) in the client-assertion table, as DPoP proofs do
 * ({@link DynamoDbDpopReplayGuard}): the item's id is {@code #fed#<token id>}, which no assertion's
 * id ({@code <client>#<jti>}, a client id begins with a letter or digit) nor proof's ({@code
 * #dpop#...}) can equal. Each item lives until the token's exp plus the clock skew, when the token
 * is refused as expired anyway.
 */
public final class DynamoDbOutsideTokenReplayGuard implements OutsideTokenReplayGuard {

  /** What every outside token's id begins with in the table. */
  public static final String PREFIX = "#fed";

  private final DynamoDbAssertionReplayGuard table;

  public DynamoDbOutsideTokenReplayGuard(DynamoDbAssertionReplayGuard table) {
    this.table = table;
  }

  @Override
  public boolean firstUse(String tokenId, Instant keepUntil) {
    return table.firstUse(PREFIX, tokenId, keepUntil);
  }
}
