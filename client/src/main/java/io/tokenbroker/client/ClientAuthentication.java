package io.tokenbroker.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * How a token request proves who the client is: {@link IamAuthentication} (SigV4, {@code POST
 * /token/iam}) or {@link PrivateKeyJwt} (an RFC 7523 assertion, {@code POST /token}). The broker
 * requires the same authentication for the refresh grant, so every grant of a {@link TokenClient}
 * goes through its one instance.
 *
 * <p>It builds the whole request, body included, so that a way that signs the body (SigV4) fits
 * here. A DPoP proof ({@link TokenClient.Builder#dpop()}) is added to what it builds, for every way
 * alike. Implementations must be thread-safe and must never log or put in an exception message what
 * they add (an assertion, a signature).
 */
public interface ClientAuthentication {

  /** The broker route this way is served on, relative to its base URL: "/token" or "/token/iam". */
  String tokenPath();

  /**
   * The POST of {@code parameters} as a form to {@code endpoint}, authenticated. Called for every
   * attempt, retries included: an assertion works once and a signature carries its time.
   *
   * @param endpoint where the request goes
   * @param issuer the broker's issuer, which an assertion names as its audience
   * @param parameters the grant's parameters, in order
   */
  HttpRequest.Builder post(URI endpoint, String issuer, Map<String, String> parameters);
}
