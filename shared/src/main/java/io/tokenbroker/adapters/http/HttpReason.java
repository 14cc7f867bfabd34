package io.tokenbroker.adapters.http;

import io.tokenbroker.errors.RejectionReason;

/**
 * Why a request is refused before any use case sees it: the API Gateway event and its headers
 * ({@link ApiGatewayEvents}, and the authorizer's own header checks), the body and form ({@link
 * HttpFunction}, {@link Form}), a route no function serves. All are {@code invalid_request} except
 * {@link #UNKNOWN_ROUTE} ({@code not_found}); the wrong method is {@link
 * io.tokenbroker.errors.ProtocolReason#METHOD_NOT_ALLOWED}.
 */
public enum HttpReason implements RejectionReason {
  EVENT_TOO_LARGE("event_too_large"),
  EVENT_TOO_DEEP("event_too_deep"),
  MALFORMED_EVENT("malformed_event"),
  TOO_MANY_HEADERS("too_many_headers"),
  HEADER_TOO_LARGE("header_too_large"),
  HEADERS_TOO_LARGE("headers_too_large"),
  BODY_TOO_LARGE("body_too_large"),
  WRONG_CONTENT_TYPE("wrong_content_type"),
  TOO_MANY_PARAMETERS("too_many_parameters"),
  PARAMETER_TOO_LONG("parameter_too_long"),
  DUPLICATE_PARAMETER("duplicate_parameter"),
  MISSING_PARAMETER("missing_parameter"),
  MALFORMED_FORM("malformed_form"),
  /** The mutual TLS client certificate of the request context is no single X.509 certificate. */
  MALFORMED_CLIENT_CERTIFICATE("malformed_client_certificate"),
  UNKNOWN_ROUTE("unknown_route");

  private final String logName;

  HttpReason(String logName) {
    this.logName = logName;
  }

  @Override
  public String logName() {
    return logName;
  }
}
