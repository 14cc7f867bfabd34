package io.tokenbroker.functions.authorizer;

import io.tokenbroker.access.RouteRule;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.verify.VerifiedToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the authorizer answers API Gateway.
 *
 * <p>REST APIs cache the answer per token and reuse it for every route of the API for the cache
 * TTL, so the IAM policy allows exactly the resources the token's scopes are granted, across the
 * whole API, not just the route that was asked about. HTTP APIs get a yes or no for this route.
 */
final class AuthorizerResponses {

  private AuthorizerResponses() {}

  static Map<String, Object> allow(
      AuthorizerRequest request, VerifiedToken token, RouteRules routes) {
    return switch (request.shape()) {
      case REST_POLICY -> policy(request, token, routes.grantedTo(token.scopes()));
      case HTTP_SIMPLE ->
          simple(routes.permits(token.scopes(), request.method(), request.path()), context(token));
    };
  }

  /** The HTTP API answer for a token that is not valid: no. */
  static Map<String, Object> refuse() {
    return simple(false, Map.of());
  }

  private static Map<String, Object> policy(
      AuthorizerRequest request, VerifiedToken token, List<RouteRule> granted) {
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("Action", "execute-api:Invoke");
    if (granted.isEmpty()) {
      statement.put("Effect", "Deny");
      statement.put("Resource", request.arnBase() + "*");
    } else {
      statement.put("Effect", "Allow");
      statement.put(
          "Resource",
          granted.stream()
              .map(r -> request.arnBase() + r.method() + r.pathPattern())
              .distinct()
              .toList());
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("principalId", token.subject());
    response.put(
        "policyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(statement)));
    response.put("context", context(token));
    return response;
  }

  private static Map<String, Object> simple(boolean authorized, Map<String, Object> context) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("isAuthorized", authorized);
    response.put("context", context);
    return response;
  }

  /** Passed to the integration as $context.authorizer.*: who, which client, which scopes. */
  private static Map<String, Object> context(VerifiedToken token) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("sub", token.subject());
    context.put("client_id", token.clientId());
    context.put("scope", String.join(" ", token.scopes()));
    context.put("jti", token.jti());
    return context;
  }
}
