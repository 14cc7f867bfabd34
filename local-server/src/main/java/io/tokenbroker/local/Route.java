package io.tokenbroker.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

/**
 * One API Gateway route: method ({@code *} for ANY) and resource path (a trailing {@code /{proxy+}}
 * matches any deeper path), the function behind it, and how API Gateway authorizes callers before
 * the function runs.
 */
record Route(
    String method, String resource, String function, RequestStreamHandler handler, Access access) {

  /** API Gateway's authorization of a route. */
  enum Access {
    /** Anyone may call; the function authenticates if it needs to. */
    NONE,
    /** AWS_IAM: a valid SigV4 signature is required; the function learns who signed. */
    AWS_IAM,
    /** The Lambda authorizer decides (REQUEST type, identity source: the Authorization header). */
    AUTHORIZER
  }

  private static final String PROXY = "/{proxy+}";

  boolean matches(String requestMethod, String path) {
    boolean method = this.method.equals("*") || this.method.equals(requestMethod);
    if (resource.endsWith(PROXY)) {
      String prefix = resource.substring(0, resource.length() - PROXY.length()) + "/";
      return method && path.startsWith(prefix) && path.length() > prefix.length();
    }
    return method && resource.equals(path);
  }
}
