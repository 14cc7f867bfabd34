package io.tokenbroker.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

/**
 * One API Gateway route: method and resource path, the function behind it, and how API Gateway
 * authorizes callers before the function runs.
 */
record Route(
    String method, String resource, String function, RequestStreamHandler handler, Access access) {

  /** API Gateway's authorization of a route. */
  enum Access {
    /** Anyone may call; the function authenticates if it needs to. */
    NONE,
    /** AWS_IAM: a valid SigV4 signature is required; the function learns who signed. */
    AWS_IAM
  }
}
