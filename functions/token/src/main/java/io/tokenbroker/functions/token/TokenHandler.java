package io.tokenbroker.functions.token;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.http.HoneytokenAlarm;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.http.HttpRequest;
import io.tokenbroker.adapters.http.HttpResponse;
import io.tokenbroker.adapters.http.MutualTls;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.adapters.telemetry.LoggedSecurityAlerts;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.alerts.AlertKind;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.config.Env;
import io.tokenbroker.config.OperatorConfig;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.oauth.DpopTokenBinding;
import io.tokenbroker.oauth.RefreshService;
import io.tokenbroker.oauth.TokenExchangeService;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.operator.OperatorPrincipals;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.tokens.CertificateBoundTokens;
import io.tokenbroker.tokens.ExchangeRequest;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token endpoint (RFC 6749): client_credentials and refresh_token grants, and token exchange
 * (RFC 8693): federation, down-scoping and delegation. {@code POST /token} authenticates the client
 * by {@code private_key_jwt}; {@code POST /token/iam} sits behind API Gateway's AWS_IAM
 * authorization and authenticates the caller's IAM role. Over mutual TLS, {@code /token} also
 * authenticates a client by its certificate (RFC 8705 2), and a client registered for
 * certificate-bound tokens gets its token bound to the certificate (RFC 8705 3, {@code cnf}).
 */
public final class TokenHandler implements RequestStreamHandler {

  static final String TOKEN_IAM = "/token/iam";
  static final int MAX_BODY_CHARS = 16 * 1024;

  private final ClientAuthentication authenticator;
  private final TokenService tokens;
  private final RefreshService refreshes;
  private final TokenExchangeService exchanges;
  private final DpopTokenBinding dpop;
  private final HttpFunction http;
  private final Telemetry telemetry;
  private final HoneytokenAlarm honeytokens;
  private final Optional<HoneytokenRoute> admin;
  private SnapStartHooks snapStart; // held here: CRaC contexts may hold their resources weakly

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public TokenHandler() {
    TokenWiring wiring =
        TokenWiring.fromEnvironment(
            Env.system(), Clock.systemUTC(), JsonLinesTelemetry.forFunction(Env.system(), "token"));
    this(
        wiring.clientAuthentication(),
        wiring.tokens(),
        wiring.refreshes(),
        wiring.exchanges(),
        wiring.dpop(),
        wiring.handlerTelemetry(),
        Optional.of(
            new HoneytokenRoute(
                wiring.honeytokens(),
                wiring.operatorAudit(),
                OperatorConfig.from(Env.system()).operators())));
    snapStart = wiring.snapStartHooks((in, out) -> handleRequest(in, out, null));
    readKeysAhead(tokens, telemetry);
  }

  /**
   * The key-table read the first token needs, made at init, as the authorizer reads its keys at
   * init: the same one read per container (the first token uses it), counted in Lambda's init phase
   * rather than in the first request. Not on a second thread overlapping the first request: its
   * {@code aws.call} line would then land in that invocation without its ids. Best effort: if it
   * fails, a warning without detail says so (as the authorizer's) and the first request reads the
   * table itself, as before.
   */
  static void readKeysAhead(TokenService tokens, Telemetry telemetry) {
    try {
      tokens.readKeysAhead();
    } catch (RuntimeException e) {
      telemetry.emit(TelemetryEvent.warn("token.keys_not_read_at_init"));
    }
  }

  /** With its dependencies: for tests and the local server ({@link TokenWiring} builds them). */
  public TokenHandler(
      ClientAuthentication authenticator,
      TokenService tokens,
      RefreshService refreshes,
      TokenExchangeService exchanges,
      DpopTokenBinding dpop,
      Telemetry telemetry) {
    this(authenticator, tokens, refreshes, exchanges, dpop, telemetry, Optional.empty());
  }

  /**
   * @param admin {@code POST /admin/honeytokens}, where this function serves it (empty: the route
   *     is refused as an unknown one)
   */
  public TokenHandler(
      ClientAuthentication authenticator,
      TokenService tokens,
      RefreshService refreshes,
      TokenExchangeService exchanges,
      DpopTokenBinding dpop,
      Telemetry telemetry,
      Optional<HoneytokenRoute> admin) {
    this.admin = admin;
    this.authenticator = authenticator;
    this.tokens = tokens;
    this.refreshes = refreshes;
    this.exchanges = exchanges;
    this.dpop = dpop;
    this.http = new HttpFunction(telemetry);
    this.telemetry = telemetry;
    this.honeytokens =
        new HoneytokenAlarm(new LoggedSecurityAlerts(telemetry), telemetry, Clock.systemUTC());
  }

  /** The SnapStart hooks, if Lambda built this handler (else null). */
  SnapStartHooks snapStartHooks() {
    return snapStart;
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    http.serve(
        in,
        out,
        context == null ? null : context.getAwsRequestId(),
        request -> honeytokens.watch(request, this::respond));
  }

  private HttpResponse respond(HttpRequest request) {
    if (request.route().equals(HoneytokenRoute.ROUTE)) {
      if (admin.isEmpty()) {
        OperatorPrincipals.none().check(request.context().iamCallerArn()); // nobody is admitted
      }
      return admin.get().mint(request);
    }
    Form form = HttpFunction.postedForm(request, MAX_BODY_CHARS);
    TokenRequest tokenRequest = TokenRequest.from(form);
    boolean iamRoute = request.route().equals(TOKEN_IAM);
    // Stateless first (a use_dpop_nonce answer spends no assertion); the proof is recorded as used
    // in bind, once the client is authenticated, so an anonymous request writes nothing.
    Optional<DpopProofVerifier.CheckedProof> proof =
        dpop.check(request.headerValues("DPoP"), request.method(), iamRoute);
    if (tokenRequest.exchange().isPresent()) {
      return exchange(request, form, tokenRequest, iamRoute, proof);
    }
    AuthenticatedClient client;
    try {
      client = authenticator.authenticate(request, form, iamRoute);
    } catch (RequestRejected failed) {
      if (tokenRequest.grantType().equals(TokenRequest.REFRESH_TOKEN)) {
        watchUnauthenticatedRefresh(request, form, tokenRequest);
      }
      throw failed;
    }
    Optional<Confirmation> binding =
        CertificateBoundTokens.oneBinding(
            dpop.bind(client.client(), proof),
            CertificateBoundTokens.binding(client.client(), MutualTls.certificate(request)));
    // Before issuing: nothing may fail once a refresh token is rotated.
    Optional<String> nextNonce = proof.isPresent() ? dpop.nextNonce() : Optional.empty();
    RequestOrigin origin =
        new RequestOrigin(request.context().sourceIp(), request.context().userAgent());
    IssuedToken token =
        tokenRequest.grantType().equals(TokenRequest.REFRESH_TOKEN)
            ? refreshes.refresh(client, tokenRequest, origin, binding)
            : tokens.issue(client, tokenRequest, origin, binding);
    return answer(token, Optional.empty(), nextNonce);
  }

  /**
   * A refresh grant that failed client authentication may still carry a decoy refresh token (the
   * likeliest use by one who found only its value): alert, and leave the refusal as it is. A failed
   * lookup costs the alert, never the answer.
   */
  private void watchUnauthenticatedRefresh(
      HttpRequest request, Form form, TokenRequest tokenRequest) {
    try {
      refreshes
          .decoyPresentedUnauthenticated(
              tokenRequest, ClientAuthentication.claimedClientId(form).orElse("none"))
          .ifPresent(use -> honeytokens.raise(request, use));
    } catch (RuntimeException lookupFailed) {
      telemetry.emit(
          TelemetryEvent.error("security.alert_failed")
              .with("alert", AlertKind.HONEYTOKEN_USED.eventName())
              .with("exception", lookupFailed.getClass().getName())
              .count("SecurityAlertFailures"));
    }
  }

  /**
   * RFC 8693: the request's own credential, if it carries one, else the subject token, says whom
   * the exchange is for; the new token is then bound like any other to the client's key or
   * certificate.
   */
  private HttpResponse exchange(
      HttpRequest request,
      Form form,
      TokenRequest tokenRequest,
      boolean iamRoute,
      Optional<DpopProofVerifier.CheckedProof> proof) {
    Optional<AuthenticatedClient> caller =
        authenticator.authenticateIfPresent(request, form, iamRoute);
    TokenExchangeService.Parties parties =
        exchanges.authenticate(caller, form.single("client_id"), tokenRequest.exchange().get());
    Optional<Confirmation> binding =
        CertificateBoundTokens.oneBinding(
            dpop.bind(parties.client().client(), proof),
            CertificateBoundTokens.binding(
                parties.client().client(), MutualTls.certificate(request)));
    Optional<String> nextNonce = proof.isPresent() ? dpop.nextNonce() : Optional.empty();
    RequestOrigin origin =
        new RequestOrigin(request.context().sourceIp(), request.context().userAgent());
    IssuedToken token = exchanges.issue(parties, tokenRequest, origin, binding);
    return answer(token, Optional.of(ExchangeRequest.ACCESS_TOKEN), nextNonce);
  }

  /** RFC 6749 5.1, with RFC 8693 2.2.1's {@code issued_token_type} for an exchange. */
  private static HttpResponse answer(
      IssuedToken token, Optional<String> issuedTokenType, Optional<String> nextNonce) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token.accessToken());
    issuedTokenType.ifPresent(type -> body.put("issued_token_type", type));
    body.put("token_type", token.tokenType());
    body.put("expires_in", token.expiresInSeconds());
    body.put("scope", token.scope());
    token.refreshToken().ifPresent(refresh -> body.put("refresh_token", refresh));
    HttpResponse response =
        HttpResponse.json(200, body, "no-store").withHeader("Pragma", "no-cache");
    // RFC 9449 8.2: the next nonce rides on the success, sparing the client a round trip.
    return nextNonce.map(nonce -> response.withHeader("DPoP-Nonce", nonce)).orElse(response);
  }
}
