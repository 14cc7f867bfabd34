package io.tokenbroker.functions.authorizer;

import java.util.Optional;

/**
 * An API Gateway authorizer event, whichever shape it came in: REST API REQUEST or TOKEN authorizer
 * (answered with an IAM policy), or HTTP API payload 2.0 (answered with a simple response), as
 * {@link AuthorizerEvent} reads it.
 *
 * @param shape which answer API Gateway expects
 * @param bearerToken the token from the Authorization header, if exactly one well-formed Bearer
 *     credential was sent
 * @param method the request's HTTP method
 * @param path the request path, without stage
 * @param arnBase {@code arn:aws:execute-api:<region>:<account>:<api>/<stage>/}: the API's resources
 *     in IAM policy terms
 * @param clientCertPem the client certificate of a mutual TLS request, as API Gateway passes it
 *     ({@code requestContext.identity.clientCert.clientCertPem} for REST, {@code
 *     requestContext.authentication.clientCert.clientCertPem} for HTTP APIs); a TOKEN authorizer's
 *     event carries none
 * @param dpop what a DPoP check needs, if the Authorization header used the DPoP scheme
 * @param sourceIp the caller's address as API Gateway saw it (REST: {@code
 *     requestContext.identity.sourceIp}, HTTP API: {@code requestContext.http.sourceIp}); for the
 *     log only, never decided on; a TOKEN authorizer's event carries none
 * @param userAgent the caller's User-Agent (REST: the header, if sent exactly once; HTTP API:
 *     {@code requestContext.http.userAgent}); for the log only
 * @param requestId API Gateway's request id ({@code requestContext.requestId}, REQUEST and HTTP API
 *     events; a TOKEN event carries none): the {@code correlation_id} of the decision's lines
 */
record AuthorizerRequest(
    Shape shape,
    Optional<String> bearerToken,
    String method,
    String path,
    String arnBase,
    Optional<String> clientCertPem,
    Optional<Dpop> dpop,
    Optional<String> sourceIp,
    Optional<String> userAgent,
    Optional<String> requestId) {

  /** Without a client certificate, nor a DPoP proof. */
  AuthorizerRequest(
      Shape shape, Optional<String> bearerToken, String method, String path, String arnBase) {
    this(shape, bearerToken, method, path, arnBase, Optional.empty(), Optional.empty());
  }

  /** Without the request's origin. */
  AuthorizerRequest(
      Shape shape,
      Optional<String> bearerToken,
      String method,
      String path,
      String arnBase,
      Optional<String> clientCertPem,
      Optional<Dpop> dpop) {
    this(
        shape,
        bearerToken,
        method,
        path,
        arnBase,
        clientCertPem,
        dpop,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * A request made with {@code Authorization: DPoP <token>} (RFC 9449 7.1): what its proof is
   * checked against. Read only for that scheme, so a Bearer request costs nothing more.
   *
   * @param token the access token after the scheme
   * @param proof the {@code DPoP} header's value, if it was sent exactly once
   * @param proofRepeated the {@code DPoP} header was sent more than once (RFC 9449 4.3 step 1:
   *     refused)
   * @param url the URL the client used, without query: {@code https://} then API Gateway's {@code
   *     requestContext.domainName} then the path as the client sent it (REST: {@code
   *     requestContext.path}, HTTP API: {@code rawPath}; both keep a custom domain's base path and
   *     a named stage); empty if the event lacks either (a TOKEN authorizer's event)
   */
  record Dpop(String token, Optional<String> proof, boolean proofRepeated, Optional<String> url) {}

  enum Shape {
    REST_POLICY,
    HTTP_SIMPLE
  }

  /** An event that is none of the shapes, or lacks what each needs. */
  static final class Malformed extends RuntimeException {
    Malformed() {
      super("malformed authorizer event", null, false, false);
    }
  }

  /** RFC 6750 2.1: {@code Bearer <token>}, scheme case-insensitive, nothing after the token. */
  static Optional<String> bearer(String credential) {
    return token(credential, "Bearer");
  }

  private static Optional<String> token(String credential, String scheme) {
    int space = credential.indexOf(' ');
    if (space != scheme.length() || !credential.regionMatches(true, 0, scheme, 0, space)) {
      return Optional.empty();
    }
    String token = credential.substring(space + 1).stripLeading();
    return token.isEmpty() || token.contains(" ") ? Optional.empty() : Optional.of(token);
  }

  /** RFC 9449 7.1: {@code DPoP <token>}, scheme case-insensitive, nothing after the token. */
  static Optional<String> dpopToken(String credential) {
    return token(credential, "DPoP");
  }

  /**
   * {@link #bearer(String)} of {@code text[start, end)}, none if {@code noComma} and it holds a
   * comma: the same rule read in place, copying only the token.
   */
  static Optional<String> bearer(char[] text, int start, int end, boolean noComma) {
    if (noComma && indexOf(text, start, end, ',') >= 0) {
      return Optional.empty();
    }
    if (indexOf(text, start, end, ' ') != start + 6 || !isBearer(text, start)) {
      return Optional.empty();
    }
    int token = start + 7;
    while (token < end && Character.isWhitespace(text[token])) {
      token++; // stripLeading: no supplementary character is whitespace, no lone surrogate either
    }
    return token == end || indexOf(text, token, end, ' ') >= 0
        ? Optional.empty()
        : Optional.of(new String(text, token, end - token));
  }

  private static int indexOf(char[] text, int start, int end, char c) {
    for (int i = start; i < end; i++) {
      if (text[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The six characters equal "Bearer" as {@code String.regionMatches(true, ...)} compares. */
  private static boolean isBearer(char[] text, int start) {
    for (int i = 0; i < 6; i++) {
      char c = text[start + i];
      char b = "Bearer".charAt(i);
      char upper = Character.toUpperCase(c);
      char bUpper = Character.toUpperCase(b);
      if (c != b
          && upper != bUpper
          && Character.toLowerCase(upper) != Character.toLowerCase(bUpper)) {
        return false;
      }
    }
    return true;
  }

  /** {@code arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>}. */
  record Arn(String base, String method, String path) {
    /**
     * What {@code arn.split(":", 6)} and then {@code split("/", 4)} of the sixth part gave before,
     * from the separators' positions: six parts, the first {@code arn}, the third {@code
     * execute-api}, at least two slashes after the fifth colon.
     */
    static Arn parse(String arn) {
      int colon = -1;
      int[] colons = new int[5];
      for (int i = 0; i < 5; i++) {
        colon = arn.indexOf(':', colon + 1);
        if (colon < 0) {
          throw new Malformed();
        }
        colons[i] = colon;
      }
      if (colons[0] != 3
          || !arn.startsWith("arn")
          || colons[2] - colons[1] != 1 + "execute-api".length()
          || !arn.startsWith("execute-api", colons[1] + 1)) {
        throw new Malformed();
      }
      int api = arn.indexOf('/', colons[4] + 1);
      int stage = api < 0 ? -1 : arn.indexOf('/', api + 1);
      if (stage < 0) {
        throw new Malformed();
      }
      int method = arn.indexOf('/', stage + 1);
      return new Arn(
          arn.substring(0, stage + 1),
          method < 0 ? arn.substring(stage + 1) : arn.substring(stage + 1, method),
          method < 0 ? "/" : arn.substring(method));
    }
  }
}
