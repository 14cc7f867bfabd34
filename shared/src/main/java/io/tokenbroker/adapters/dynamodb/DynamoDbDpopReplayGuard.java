package io.tokenbroker.adapters.dynamodb;

import io.tokenbroker.dpop.DpopReplayGuard;
import java.time.Instant;

/**
 * Single use of DPoP proofs in the client-assertion table, which already has the shape needed (a
 * conditional put of an id that fails if it exists, a TTL): the item's id is {@code #dpop#<proof
 * id>}. A client id begins with a letter or digit, so no assertion's id ({@code <client>#<jti>})
 * can equal a proof's. Reusing the table reuses its conditional put, its lost-answer handling and
 * the roles' PutItem on it; each item lives until the proof's last acceptable instant plus the
 * clock skew (DynamoDB's TTL sweep may lag; the proof is refused as too old before then anyway).
 */
public final class DynamoDbDpopReplayGuard implements DpopReplayGuard {

  /** What every proof's id begins with in the table. */
  public static final String PREFIX = "#dpop";

  private final DynamoDbAssertionReplayGuard table;

  public DynamoDbDpopReplayGuard(DynamoDbAssertionReplayGuard table) {
    this.table = table;
  }

  @Override
  public boolean firstUse(String proofId, Instant keepUntil) {
    return table.firstUse(PREFIX, proofId, keepUntil);
  }
}
