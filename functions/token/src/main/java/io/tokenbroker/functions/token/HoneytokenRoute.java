package io.tokenbroker.functions.token;

import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.http.HttpFunction;
import io.tokenbroker.adapters.http.HttpRequest;
import io.tokenbroker.adapters.http.HttpResponse;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.oauth.HoneytokenMinter;
import io.tokenbroker.oauth.HoneytokenReason;
import io.tokenbroker.operator.AuditTrail;
import io.tokenbroker.operator.OperatorPrincipals;
import io.tokenbroker.tokens.RequestOrigin;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /admin/honeytokens} (AWS_IAM, operator roles only: OPERATOR_PRINCIPAL_ARNS, enforced
 * by the API's resource policy and again here): mints a honeytoken for a registered decoy client.
 * On the token function because minting signs with KMS, which operators themselves may not. The
 * form: {@code client_id}, {@code kind} ({@code access}, the default, or {@code refresh}), {@code
 * lifetime_days} (a refresh decoy's, default 90, at most 400). Recorded in the audit trail as
 * {@code honeytoken.mint} with the jti and family, never a token; the values are in the answer
 * only.
 */
public final class HoneytokenRoute {

  static final String ROUTE = "/admin/honeytokens";

  private final HoneytokenMinter minter;
  private final AuditTrail audit;
  private final OperatorPrincipals operators;

  public HoneytokenRoute(HoneytokenMinter minter, AuditTrail audit, OperatorPrincipals operators) {
    this.minter = minter;
    this.audit = audit;
    this.operators = operators;
  }

  HttpResponse mint(HttpRequest request) {
    operators.check(request.context().iamCallerArn()); // before anything is read
    String caller = request.context().iamCallerArn().orElseThrow();
    Form form = HttpFunction.postedForm(request, TokenHandler.MAX_BODY_CHARS);
    String clientId = form.required("client_id");
    HoneytokenMinter.Kind kind = HoneytokenMinter.Kind.parse(form.single("kind").orElse("access"));
    Duration lifetime = lifetime(form);
    RequestOrigin origin =
        new RequestOrigin(request.context().sourceIp(), request.context().userAgent());
    HoneytokenMinter.Minted minted =
        audit.perform(
            caller,
            "honeytoken.mint",
            clientId,
            () -> minter.mint(clientId, kind, lifetime, caller, origin),
            done ->
                "kind "
                    + kind.name().toLowerCase(Locale.ROOT)
                    + " jti "
                    + done.jti()
                    + done.familyId().map(sid -> " sid " + sid).orElse("")
                    + " watched until "
                    + done.watchedUntil());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client_id", minted.clientId());
    body.put("kind", kind.name().toLowerCase(Locale.ROOT));
    body.put("access_token", minted.accessToken());
    body.put("jti", minted.jti());
    body.put("expires_at", minted.accessExpiresAt().toString());
    minted.refreshToken().ifPresent(token -> body.put("refresh_token", token));
    minted.familyId().ifPresent(sid -> body.put("sid", sid));
    body.put("watched_until", minted.watchedUntil().toString());
    return HttpResponse.json(200, body, "no-store");
  }

  private static Duration lifetime(Form form) {
    String days = form.single("lifetime_days").orElse("");
    if (days.isEmpty()) {
      return HoneytokenMinter.DEFAULT_REFRESH_LIFETIME;
    }
    if (!days.matches("[0-9]{1,3}")) {
      throw RequestRejected.invalidRequest(
          HoneytokenReason.HONEYTOKEN_LIFETIME_OUT_OF_RANGE,
          "lifetime_days must be a whole number of days, 1 to "
              + HoneytokenMinter.MAX_REFRESH_LIFETIME.toDays());
    }
    return Duration.ofDays(Long.parseLong(days));
  }
}
