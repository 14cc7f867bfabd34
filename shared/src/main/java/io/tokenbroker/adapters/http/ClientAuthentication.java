package io.tokenbroker.adapters.http;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAuthenticator;
import java.util.Optional;

/**
 * How the token, revocation and introspection endpoints authenticate their caller from a request:
 * on the endpoint's AWS_IAM route by the caller API Gateway verified, elsewhere by the client
 * assertion in the form. Reads only the parameters the chosen way uses.
 */
public final class ClientAuthentication {

  private ClientAuthentication() {}

  public static AuthenticatedClient authenticate(
      ClientAuthenticator authenticator,
      Form form,
      boolean iamRoute,
      Optional<String> verifiedIamCaller) {
    return iamRoute
        ? authenticator.withIam(verifiedIamCaller, form.single("client_id"))
        : authenticator.withAssertion(
            form.single("client_assertion_type"),
            form.single("client_assertion"),
            form.single("client_id"));
  }
}
