package io.tokenbroker.functions.authorizer;

import io.tokenbroker.access.RouteRule;
import io.tokenbroker.access.RouteRules;
import io.tokenbroker.dpop.DpopProofVerifier;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.JsonText;
import io.tokenbroker.verify.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the authorizer answers API Gateway, as the JSON bytes it writes.
 *
 * <p>REST APIs cache the answer per token and reuse it for every route of the API for the cache
 * TTL, so the IAM policy allows exactly the resources the token's scopes are granted, across the
 * whole API, not just the route that was asked about. HTTP APIs get a yes or no for this route.
 *
 * <p>A REST answer depends on the API's ARN prefix, the token's scope set and whether it is
 * delegated, and otherwise only on the token's sub, client_id, jti and act chain: the policy
 * document and the scope context are written once per (prefix, scope set, delegated), kept in a
 * bounded cache, and only those strings are spliced in, escaped ({@link JsonText}).
 */
final class AuthorizerResponses {

  /** Distinct (ARN prefix, scope set) pairs kept; beyond that, answers are written afresh. */
  static final int MAX_CACHED = 256;

  /** The proof algorithms a challenge names (RFC 9449 7.1 {@code algs}). */
  static final String DPOP_ALGORITHMS =
      String.join(" ", DpopProofVerifier.ALGORITHMS.stream().map(a -> a.getName()).toList());

  private static final byte[] REFUSED =
      "{\"isAuthorized\":false,\"context\":{}}".getBytes(StandardCharsets.UTF_8);

  private final RouteRules routes;
  private final ConcurrentHashMap<Key, Parts> parts = new ConcurrentHashMap<>();

  AuthorizerResponses(RouteRules routes) {
    this.routes = routes;
  }

  /** The invariant parts of a REST answer, each ready to be appended, as text and as bytes. */
  private record Parts(
      String policyAndSub, String scope, byte[] policyAndSubBytes, byte[] scopeBytes) {
    Parts(String policyAndSub, String scope) {
      this(
          policyAndSub,
          scope,
          policyAndSub.getBytes(StandardCharsets.UTF_8),
          scope.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Key(String arnBase, SortedSet<String> scopes, boolean delegated) {}

  byte[] allow(AuthorizerRequest request, VerifiedToken token) {
    return allow(request.shape(), request.arnBase(), request.method(), request.path(), token);
  }

  /**
   * The answer's bytes, written straight into a buffer kept per thread when every string spliced in
   * is ASCII (a token's sub, client_id, jti and act are, as the broker mints them); else the UTF-8
   * of {@link #allowText}, which they equal byte for byte (issue 13: no builder, string and
   * encoding per answer).
   */
  byte[] allow(
      AuthorizerRequest.Shape shape,
      String arnBase,
      String method,
      String path,
      VerifiedToken token) {
    AsciiJson out = AsciiJson.start();
    boolean ascii =
        switch (shape) {
          case REST_POLICY -> {
            Parts invariant = parts(arnBase, token.scopes(), token.actor().isPresent());
            yield out.raw(PRINCIPAL)
                && out.string(token.subject())
                && out.raw(invariant.policyAndSubBytes())
                && context(out, token, invariant.scopeBytes())
                && out.raw(CLOSE);
          }
          case HTTP_SIMPLE ->
              out.raw(
                      routes.permits(token.scopes(), token.actor().isPresent(), method, path)
                          ? AUTHORIZED
                          : NOT_AUTHORIZED)
                  && context(
                      out, token, scopeMember(token.scopes()).getBytes(StandardCharsets.UTF_8))
                  && out.raw(CLOSE);
        };
    return ascii
        ? out.toByteArray()
        : allowText(shape, arnBase, method, path, token).getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] PRINCIPAL = ascii("{\"principalId\":");
  private static final byte[] AUTHORIZED = ascii("{\"isAuthorized\":true,\"context\":{\"sub\":");
  private static final byte[] NOT_AUTHORIZED =
      ascii("{\"isAuthorized\":false,\"context\":{\"sub\":");
  private static final byte[] CLOSE = ascii("}");
  private static final byte[] CLIENT_ID = ascii(",\"client_id\":");
  private static final byte[] JTI = ascii(",\"jti\":");
  private static final byte[] DELEGATION_DEPTH = ascii(",\"delegation_depth\":");
  private static final byte[] ACT = ascii(",\"act\":");
  private static final byte[] ACTOR_SUB = ascii(",\"actor_sub\":");
  private static final byte[] ACTOR_CLIENT_ID = ascii(",\"actor_client_id\":");

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@link #context(StringBuilder, VerifiedToken, String)} as bytes; false at a non-ASCII one. */
  private static boolean context(AsciiJson out, VerifiedToken token, byte[] scope) {
    boolean ascii =
        out.string(token.subject())
            && out.raw(CLIENT_ID)
            && out.string(token.clientId())
            && out.raw(scope)
            && out.raw(JTI)
            && out.string(token.jti())
            && out.raw(DELEGATION_DEPTH)
            && out.number(token.delegationDepth());
    if (ascii && token.actor().isPresent()) {
      io.tokenbroker.jose.Actor act = token.actor().get();
      ascii =
          out.raw(ACT)
              && out.string(act.toJson())
              && out.raw(ACTOR_SUB)
              && out.string(act.subject())
              && (act.clientId().isEmpty()
                  || out.raw(ACTOR_CLIENT_ID) && out.string(act.clientId().get()));
    }
    return ascii && out.raw(CLOSE);
  }

  /** The answer as text: the writer before issue 13, and still the one for non-ASCII strings. */
  String allowText(
      AuthorizerRequest.Shape shape,
      String arnBase,
      String method,
      String path,
      VerifiedToken token) {
    StringBuilder out = new StringBuilder(640);
    return switch (shape) {
      case REST_POLICY -> {
        Parts invariant = parts(arnBase, token.scopes(), token.actor().isPresent());
        out.append("{\"principalId\":");
        JsonText.string(out, token.subject()).append(invariant.policyAndSub());
        yield context(out, token, invariant.scope()).append('}').toString();
      }
      case HTTP_SIMPLE -> {
        out.append("{\"isAuthorized\":")
            .append(routes.permits(token.scopes(), token.actor().isPresent(), method, path))
            .append(",\"context\":{\"sub\":");
        yield context(out, token, scopeMember(token.scopes())).append('}').toString();
      }
    };
  }

  /**
   * A REST API's answer to a DPoP proof without a current server nonce (RFC 9449 9): a Deny (403)
   * whose context holds the challenge and the nonce, which template.yaml's ACCESS_DENIED gateway
   * response turns into the WWW-Authenticate and DPoP-Nonce headers.
   */
  static byte[] nonceChallenge(AuthorizerRequest request, RequestRejected rejected) {
    StringBuilder out =
        new StringBuilder(512)
            .append("{\"principalId\":\"dpop\",\"policyDocument\":{\"Version\":\"2012-10-17\",")
            .append("\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Deny\",")
            .append("\"Resource\":");
    JsonText.string(out, request.arnBase() + "*").append("}]},\"context\":{\"www_authenticate\":");
    JsonText.string(
        out,
        "DPoP error=\""
            + rejected.error().code()
            + "\", error_description=\""
            + rejected.description()
            + "\", algs=\""
            + DPOP_ALGORITHMS
            + "\"");
    String nonce = rejected.headers().get("DPoP-Nonce");
    if (nonce != null) {
      JsonText.string(out.append(",\"dpop_nonce\":"), nonce);
    }
    return out.append("}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** How many (ARN prefix, scope set) pairs are kept. */
  int cached() {
    return parts.size();
  }

  /** The HTTP API answer for a token that is not valid: no. */
  static byte[] refuse() {
    return REFUSED.clone();
  }

  /**
   * Passed to the integration as $context.authorizer.*: who, which client, which scopes, and the
   * delegation chain ({@code delegation_depth}, and for a delegated token {@code act} as compact
   * JSON, {@code actor_sub}, {@code actor_client_id}: API Gateway passes strings, numbers and
   * booleans only); {@code out} ends with {@code "context":{"sub":}.
   */
  private static StringBuilder context(StringBuilder out, VerifiedToken token, String scope) {
    JsonText.string(out, token.subject()).append(",\"client_id\":");
    JsonText.string(out, token.clientId()).append(scope).append(",\"jti\":");
    JsonText.string(out, token.jti()).append(",\"delegation_depth\":");
    out.append(token.delegationDepth());
    token
        .actor()
        .ifPresent(
            act -> {
              JsonText.string(out.append(",\"act\":"), act.toJson());
              JsonText.string(out.append(",\"actor_sub\":"), act.subject());
              act.clientId()
                  .ifPresent(id -> JsonText.string(out.append(",\"actor_client_id\":"), id));
            });
    return out.append('}');
  }

  private Parts parts(String arnBase, SortedSet<String> scopes, boolean delegated) {
    Key key = new Key(arnBase, scopes, delegated);
    Parts cached = parts.get(key);
    if (cached != null) {
      return cached;
    }
    Parts fresh = write(arnBase, scopes, delegated);
    if (parts.size() < MAX_CACHED) {
      parts.putIfAbsent(
          new Key(arnBase, Collections.unmodifiableSortedSet(new TreeSet<>(scopes)), delegated),
          fresh);
    }
    return fresh;
  }

  /** Everything after the principal's value up to the context's sub value, and the scope member. */
  private Parts write(String arnBase, SortedSet<String> scopes, boolean delegated) {
    StringBuilder policy =
        new StringBuilder(256)
            .append(",\"policyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{")
            .append("\"Action\":\"execute-api:Invoke\",");
    Set<String> resources = new LinkedHashSet<>();
    for (RouteRule rule : routes.grantedTo(scopes, delegated)) {
      resources.add(arnBase + rule.method() + rule.pathPattern());
    }
    if (resources.isEmpty()) {
      policy.append("\"Effect\":\"Deny\",\"Resource\":");
      JsonText.string(policy, arnBase + "*");
    } else {
      policy.append("\"Effect\":\"Allow\",\"Resource\":[");
      boolean first = true;
      for (String resource : resources) {
        if (!first) {
          policy.append(',');
        }
        first = false;
        JsonText.string(policy, resource);
      }
      policy.append(']');
    }
    policy.append("}]},\"context\":{\"sub\":");
    return new Parts(policy.toString(), scopeMember(scopes));
  }

  private static String scopeMember(SortedSet<String> scopes) {
    return JsonText.string(new StringBuilder(",\"scope\":"), String.join(" ", scopes)).toString();
  }
}
