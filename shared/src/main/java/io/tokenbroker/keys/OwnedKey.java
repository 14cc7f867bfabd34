package io.tokenbroker.keys;

import java.time.Instant;
import java.util.Optional;

/**
 * A key in the key manager that carries this broker's tag. The tag alone does not make it the
 * broker's: anyone allowed to tag keys can put it on any key.
 *
 * @param pendingDeletion already scheduled for deletion
 * @param creationId the creation id the broker gave the key when it created it, if it carries one
 */
public record OwnedKey(
    String keyReference, Instant createdAt, boolean pendingDeletion, Optional<String> creationId) {}
