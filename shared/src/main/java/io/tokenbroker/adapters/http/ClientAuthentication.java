package io.tokenbroker.adapters.http;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.CertificateAuthenticator;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.identifiers.ClientId;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the token, revocation and introspection endpoints authenticate their caller from a request:
 * on the endpoint's AWS_IAM route by the caller API Gateway verified, elsewhere by the client
 * assertion in the form, or (RFC 8705 section 2) by the mutual TLS client certificate when the form
 * names a {@code client_id} and carries no {@code client_assertion}. Reads only the parameters the
 * chosen way uses.
 *
 * <p>An {@code invalid_client} answer to a caller that authenticated with the {@code Authorization}
 * header carries {@code WWW-Authenticate} naming the scheme it used (RFC 6749 section 5.2): {@code
 * AWS4-HMAC-SHA256} on the AWS_IAM routes, whose SigV4 signature travels in that header; a Basic
 * challenge carries the issuer as its realm, which RFC 7617 section 2 requires.
 */
public final class ClientAuthentication {

  /** The SigV4 scheme, as an AWS_IAM route's callers send it in {@code Authorization}. */
  public static final String SIGV4_SCHEME = "AWS4-HMAC-SHA256";

  /** An RFC 9110 auth-scheme (a token), short: anything else is not echoed back. */
  private static final Pattern SCHEME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

  private final IamAuthenticator iam;
  private final ClientAssertionVerifier assertions;
  private final Optional<CertificateAuthenticator> certificates;
  private final String basicChallenge;

  /** Without certificate authentication. */
  public ClientAuthentication(
      IamAuthenticator iam, ClientAssertionVerifier assertions, String realm) {
    this(iam, assertions, Optional.empty(), realm);
  }

  /**
   * @param certificates mutual TLS client authentication ({@code tls_client_auth}, {@code
   *     self_signed_tls_client_auth}), where the endpoint offers it
   * @param realm the issuer identifier, the realm of a Basic challenge
   */
  public ClientAuthentication(
      IamAuthenticator iam,
      ClientAssertionVerifier assertions,
      Optional<CertificateAuthenticator> certificates,
      String realm) {
    this.iam = iam;
    this.assertions = assertions;
    this.certificates = certificates;
    this.basicChallenge = "Basic realm=" + quoted(realm);
  }

  /**
   * The caller, if the request carries a client credential: always on the AWS_IAM route; elsewhere
   * a client assertion, or a client certificate with the {@code client_id} of a client that
   * registered certificate authentication. Empty for a request that carries none: a token exchange
   * whose subject or actor token is its only credential (RFC 8693 federation), which the exchange
   * authenticates; over the mutual TLS domain, where every caller presents a certificate, that
   * includes a federated client's (its policy may still bind the token to it). A credential that is
   * present must be valid.
   */
  public Optional<AuthenticatedClient> authenticateIfPresent(
      HttpRequest request, Form form, boolean iamRoute) {
    boolean presented =
        iamRoute
            || form.has("client_assertion")
            || form.has("client_assertion_type")
            || (certificates.isPresent()
                && MutualTls.certificate(request).isPresent()
                && form.single("client_id").filter(certificates.get()::registeredFor).isPresent());
    return presented ? Optional.of(authenticate(request, form, iamRoute)) : Optional.empty();
  }

  public AuthenticatedClient authenticate(HttpRequest request, Form form, boolean iamRoute) {
    try {
      if (iamRoute) {
        return iam.authenticate(request.context().iamCallerArn(), form.single("client_id"));
      }
      Optional<X509Certificate> certificate = MutualTls.certificate(request);
      if (certificates.isPresent()
          && certificate.isPresent()
          && !form.has("client_assertion")
          && !form.has("client_assertion_type")
          && form.single("client_id").isPresent()) {
        return certificates.get().authenticate(form.single("client_id").get(), certificate.get());
      }
      return assertions.verify(
          form.single("client_assertion_type"),
          form.single("client_assertion"),
          form.single("client_id"));
    } catch (RequestRejected rejected) {
      if (rejected.error() != OAuthError.INVALID_CLIENT) {
        throw rejected;
      }
      Optional<String> challenge = iamRoute ? Optional.of(SIGV4_SCHEME) : schemeUsed(request);
      throw challenge
          .map(scheme -> rejected.withHeader("WWW-Authenticate", challenge(scheme)))
          .orElse(rejected);
    }
  }

  /**
   * The client id a request names, unverified: its {@code client_id}, else its client assertion's
   * {@code sub} read without checking the signature. Only for evidence after authentication failed;
   * empty if it names none that could be a client's id. Never the IAM caller's ARN.
   */
  public static Optional<String> claimedClientId(Form form) {
    Optional<String> named =
        form.single("client_id")
            .or(
                () ->
                    form.single("client_assertion")
                        .filter(a -> a.length() <= ClientAssertionVerifier.MAX_ASSERTION_LENGTH)
                        .flatMap(ClientAssertionVerifier::unverifiedSubject));
    return named.filter(ClientId::isValid);
  }

  /**
   * The scheme of the request's {@code Authorization} header on a private_key_jwt route, where the
   * broker reads no such header (e.g. {@code Basic} from a library defaulting to
   * client_secret_basic): the challenge must still match what the client tried.
   */
  private static Optional<String> schemeUsed(HttpRequest request) {
    return request
        .singleHeader("Authorization")
        .map(value -> value.strip().split(" ", 2)[0])
        .filter(scheme -> SCHEME.matcher(scheme).matches());
  }

  private String challenge(String scheme) {
    return scheme.equalsIgnoreCase("Basic") ? basicChallenge : scheme;
  }

  /** An RFC 9110 quoted-string: backslash before {@code "} and {@code \\}. */
  static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
