package io.tokenbroker.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

/**
 * One API Gateway route: method and resource path, the function behind it, and how API Gateway
 * authorizes callers before the function runs.
 */
record Route(String method, String resource, String function, RequestStreamHandler handler) {}
