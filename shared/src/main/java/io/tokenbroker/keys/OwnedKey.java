package io.tokenbroker.keys;

import java.time.Instant;

/**
 * A key in the key manager that carries this broker's tag.
 *
 * @param pendingDeletion already scheduled for deletion
 */
public record OwnedKey(String keyReference, Instant createdAt, boolean pendingDeletion) {}
