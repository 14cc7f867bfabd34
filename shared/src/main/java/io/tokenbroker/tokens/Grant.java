package io.tokenbroker.tokens;

import io.tokenbroker.clients.Client;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    return decide(client, request, brokerMaxLifetime, GrantLimits.NONE);
  }

  /**
   * The grant under the client's policy and an exchange's caps: a scope or audience outside either
   * is refused; a request naming none gets the caps' defaults within the client's.
   */
  public static Grant decide(
      Client client, TokenRequest request, Duration brokerMaxLifetime, GrantLimits limits) {
    Set<String> asked =
        request.scopes().isPresent()
            ? request.scopes().get()
            : limits
                .defaultScopes()
                .orElseGet(() -> within(client.defaultScopes(), limits.scopes()));
    SortedSet<String> scopes = new TreeSet<>(asked);
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
    if (limits.scopes().isPresent() && !limits.scopes().get().containsAll(scopes)) {
      throw new RequestRejected(
          OAuthError.INVALID_SCOPE,
          TokenRequestReason.SCOPE_NOT_ALLOWED,
          "scope not allowed for this exchange");
    }

    List<String> audiences = request.audiences();
    if (audiences.isEmpty()) {
      SortedSet<String> candidates = within(client.audiences(), limits.audiences());
      if (candidates.size() != 1) {
        throw new RequestRejected(
            OAuthError.INVALID_TARGET,
            TokenRequestReason.AUDIENCE_REQUIRED,
            "audience (or resource) is required for this client");
      }
      audiences = List.of(candidates.first());
    }
    if (!client.audiences().containsAll(Set.copyOf(audiences))) {
      throw new RequestRejected(
          OAuthError.INVALID_TARGET,
          TokenRequestReason.AUDIENCE_NOT_ALLOWED,
          "audience not allowed for this client");
    }
    if (limits.audiences().isPresent() && !limits.audiences().get().containsAll(audiences)) {
      throw new RequestRejected(
          OAuthError.INVALID_TARGET,
          TokenRequestReason.AUDIENCE_NOT_ALLOWED,
          "audience not allowed for this exchange");
    }

    Duration lifetime = request.lifetime().orElse(client.defaultLifetime());
    lifetime = min(min(lifetime, client.maxLifetime()), brokerMaxLifetime);
    if (limits.maxLifetime().isPresent()) {
      lifetime = min(lifetime, limits.maxLifetime().get());
    }
    return new Grant(scopes, List.copyOf(audiences), lifetime);
  }

  /** {@code values} within {@code cap}, or all of them when there is no cap. */
  private static SortedSet<String> within(
      SortedSet<String> values, Optional<SortedSet<String>> cap) {
    SortedSet<String> kept = new TreeSet<>(values);
    cap.ifPresent(kept::retainAll);
    return kept;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
