package io.tokenbroker.tokens;

import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a token will carry: the request checked against the client's policy. Least privilege: a
 * scope or audience outside the policy is refused outright, never narrowed or widened silently.
 *
 * @param scopes granted scopes
 * @param audiences the token's audiences
 * @param lifetime min(asked or the client's default, the client's maximum, the broker's maximum)
 */
public record Grant(SortedSet<String> scopes, List<String> audiences, Duration lifetime) {

  public static Grant decide(Client client, TokenRequest request, Duration brokerMaxLifetime) {
    SortedSet<String> scopes = new TreeSet<>(request.scopes().orElse(client.defaultScopes()));
    if (scopes.isEmpty()) {
      throw new RequestRejected(
          OAuthError.INVALID_SCOPE,
          TokenRequestReason.SCOPE_REQUIRED,
          "scope is required for this client");
    }
    if (!client.scopes().containsAll(scopes)) {
      throw new RequestRejected(
          OAuthError.INVALID_SCOPE,
          TokenRequestReason.SCOPE_NOT_ALLOWED,
          "scope not allowed for this client");
    }

    List<String> audiences = request.audiences();
    if (audiences.isEmpty()) {
      if (client.audiences().size() != 1) {
        throw new RequestRejected(
            OAuthError.INVALID_TARGET,
            TokenRequestReason.AUDIENCE_REQUIRED,
            "audience (or resource) is required for this client");
      }
      audiences = List.of(client.audiences().first());
    }
    if (!client.audiences().containsAll(Set.copyOf(audiences))) {
      throw new RequestRejected(
          OAuthError.INVALID_TARGET,
          TokenRequestReason.AUDIENCE_NOT_ALLOWED,
          "audience not allowed for this client");
    }

    Duration lifetime = request.lifetime().orElse(client.defaultLifetime());
    lifetime = min(min(lifetime, client.maxLifetime()), brokerMaxLifetime);
    return new Grant(scopes, List.copyOf(audiences), lifetime);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
