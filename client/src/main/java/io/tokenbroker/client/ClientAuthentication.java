package io.tokenbroker.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * How a token request proves who the client is: {@link IamAuthentication} (SigV4, {@code POST
 * /token/iam}), {@link PrivateKeyJwt} (an RFC 7523 assertion, {@code POST /token}) or {@link
 * FederatedCredentials} (a token from the workload's own platform, exchanged at {@code POST
 * /token}, RFC 8693). The broker requires the same authentication for the refresh grant, so every
 * grant of a {@link TokenClient} goes through its one instance.
 *
 * <p>Two seams: {@link #credentialGrant()} is the grant a new token is asked with, {@link #post}
 * authenticates any request. For the first two ways the credential authenticates the request and
 * the grant is {@code client_credentials}; for a federated workload the credential is itself the
 * grant (the outside token as {@code subject_token}) and the request carries no other, so that way
 * replaces the grant, read anew for every attempt, and only names its client in {@link #post}.
 * Exchanges of broker tokens ({@link TokenClient#downscope}, {@link TokenClient#actFor}) are
 * authenticated by {@link #post} like any request; a federated agent's outside token is its actor
 * token instead.
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

  /**
   * The parameters of the grant that gets a new token when no refresh token is held, {@code
   * grant_type} first; the token client adds {@code scope} and {@code audience}. Called for every
   * attempt, retries included, so a credential read from a file or fetched from the platform is
   * fresh each time. By default {@code client_credentials}: {@link #post} carries the credential.
   *
   * @throws java.io.UncheckedIOException when the credential could not be had for a reason worth
   *     trying again (a platform endpoint that failed, a file being replaced): nothing reached the
   *     broker, so the attempt is retried with back-off like a connection that was never made
   */
  default SequencedMap<String, String> credentialGrant() {
    SequencedMap<String, String> grant = new LinkedHashMap<>();
    grant.put("grant_type", "client_credentials");
    return grant;
  }
}
