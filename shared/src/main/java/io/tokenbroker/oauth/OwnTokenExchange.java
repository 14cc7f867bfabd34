package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.federation.FederatedAuthentication;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.util.Optional;

/**
 * Exchanges of the broker's own access tokens (RFC 8693): down-scoping by the token's own client,
 * and delegation, where an actor acts for the token's subject and the new token carries the {@code
 * act} chain.
 */
public final class OwnTokenExchange {

  /** A checked exchange of a broker token: the client the new token goes to. */
  public record Checked(AuthenticatedClient client) {}

  /**
   * @param caller the client the request's own credential authenticated, if any
   * @param federation authenticates an actor whose credential is an outside actor token
   */
  public Checked check(
      Optional<AuthenticatedClient> caller,
      Optional<String> clientId,
      ExchangeRequest request,
      FederatedAuthentication federation) {
    throw RequestRejected.invalidRequest(
        ExchangeReason.NOT_SUPPORTED, "a broker access token cannot be exchanged yet");
  }

  public IssuedToken issue(
      Checked checked, TokenRequest request, RequestOrigin origin, Optional<Confirmation> binding) {
    throw new IllegalStateException("check refuses every exchange of a broker token");
  }
}
