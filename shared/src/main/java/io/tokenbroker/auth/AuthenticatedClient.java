package io.tokenbroker.auth;

import io.tokenbroker.clients.Client;

/**
 * A client whose identity has been proven.
 *
 * @param client its registration
 * @param method how it proved it
 * @param callerIdentity what proved it: the IAM caller's role, or the kid of the assertion key
 */
public record AuthenticatedClient(Client client, AuthMethod method, String callerIdentity) {}
