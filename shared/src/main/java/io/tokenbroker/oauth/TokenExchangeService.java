package io.tokenbroker.oauth;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.federation.FederatedAuthentication;
import io.tokenbroker.federation.FederationReason;
import io.tokenbroker.federation.OutsideTokenVerifier;
import io.tokenbroker.jose.CompactJws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.json.FlatJson;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.ExchangedFrom;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.text.ParseException;
import java.util.Optional;

/**
 * The token-exchange grant (RFC 8693) at the token endpoint, in two steps so that the endpoint can
 * bind the new token (DPoP, mTLS) to the client once the client is known: {@link #authenticate}
 * decides whom the exchange is for, from the caller's credential and the tokens; {@link #issue}
 * mints and records. A subject token the broker issued itself is down-scoped or delegated ({@link
 * OwnTokenExchange}); any other is an outside token, the credential of a federated workload ({@link
 * FederatedAuthentication}).
 */
public final class TokenExchangeService {

  /** Whom an exchange is for: the client the new token is issued to, and what vouched for it. */
  public sealed interface Parties permits Federated, OwnToken {
    AuthenticatedClient client();
  }

  /** Federation: an outside subject token authenticated the client under a trust policy. */
  public record Federated(FederatedAuthentication.FederatedClient federated) implements Parties {
    @Override
    public AuthenticatedClient client() {
      return federated.client();
    }
  }

  /** Down-scoping or delegation of a broker access token ({@link OwnTokenExchange}). */
  public record OwnToken(OwnTokenExchange.Checked checked) implements Parties {
    @Override
    public AuthenticatedClient client() {
      return checked.client();
    }
  }

  private final String issuer;
  private final FederatedAuthentication federation;
  private final OwnTokenExchange ownTokens;
  private final TokenService tokens;

  /**
   * @param issuer the broker's issuer identifier: a subject token naming it is one of the broker's
   */
  public TokenExchangeService(
      String issuer,
      FederatedAuthentication federation,
      OwnTokenExchange ownTokens,
      TokenService tokens) {
    this.issuer = issuer;
    this.federation = federation;
    this.ownTokens = ownTokens;
    this.tokens = tokens;
  }

  /**
   * @param caller the client the request's own credential authenticated (IAM, client assertion,
   *     certificate), or empty when the subject token is the only credential (federation)
   * @param clientId the request's {@code client_id}: whom a federated workload acts as
   */
  public Parties authenticate(
      Optional<AuthenticatedClient> caller, Optional<String> clientId, ExchangeRequest request) {
    if (issuerOf(request.subjectToken(), "subject_token").equals(issuer)) {
      return new OwnToken(ownTokens.check(caller, clientId, request, federation));
    }
    if (caller.isPresent() || request.actorToken().isPresent()) {
      // An outside subject token is a federated workload's credential; delegation and
      // down-scoping start from a broker token (exchange the outside token first).
      throw RequestRejected.invalidRequest(
          ExchangeReason.NOT_SUPPORTED,
          caller.isPresent()
              ? "an outside subject_token is exchanged without other client authentication"
              : "actor_token needs a broker access token as subject_token");
    }
    String client =
        clientId.orElseThrow(
            () ->
                RequestRejected.invalidRequest(
                    ExchangeReason.CLIENT_ID_REQUIRED,
                    "client_id is required: the client the subject_token authenticates as"));
    if (request.subjectTokenType().equals(ExchangeRequest.ACCESS_TOKEN)) {
      // RFC 8693 3: an outside workload's token is a JWT or an ID token; an access token is for
      // its own audience, never a credential here (the broker's own go the path above).
      throw RequestRejected.invalidRequest(
          FederationReason.TOKEN_TYPE_NOT_ACCEPTED, OutsideTokenVerifier.NOT_ACCEPTABLE);
    }
    return new Federated(federation.authenticate(client, request.subjectToken()));
  }

  /**
   * Mints and records the exchanged token; an outside subject token's single use is spent right
   * before minting, once the grant is decided (the binding was decided before this call).
   *
   * @param binding the key or certificate the caller proved it holds, if the token is to be bound
   */
  public IssuedToken issue(
      Parties parties, TokenRequest request, RequestOrigin origin, Optional<Confirmation> binding) {
    return switch (parties) {
      case Federated federated ->
          tokens.issueExchanged(
              federated.client(),
              request,
              origin,
              binding,
              federated.federated().limits(),
              new ExchangedFrom(
                  Optional.of(federated.federated().identity()),
                  Optional.empty(),
                  Optional.empty()),
              // Spent last, after the grant is decided: a refused request leaves it usable.
              federated.federated().singleUse());
      case OwnToken own -> ownTokens.issue(own.checked(), request, origin, binding);
    };
  }

  /** The unverified {@code iss} of a token: only to choose how to verify it. */
  static String issuerOf(String token, String parameter) {
    try {
      CompactJws jws = CompactJws.parse(token, ExchangeRequest.MAX_TOKEN_CHARS);
      String[] iss = new String[1];
      FlatJson.read(
          jws.payloadJson(),
          (name, value) -> {
            if (name.equals("iss") && value instanceof String s) {
              iss[0] = s;
            }
          });
      if (iss[0] != null) {
        return iss[0];
      }
    } catch (RequestRejected | ParseException notAJwt) {
      // answered below, as one reason
    }
    throw new RequestRejected(
        OAuthError.INVALID_REQUEST,
        ExchangeReason.TOKEN_NOT_A_JWT,
        parameter + " is not a JWT naming its issuer");
  }
}
