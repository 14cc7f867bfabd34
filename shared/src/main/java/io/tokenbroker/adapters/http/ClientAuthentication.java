package io.tokenbroker.adapters.http;

import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import java.util.Optional;

/**
 * How the token, revocation and introspection endpoints authenticate their caller from a request:
 * on the endpoint's AWS_IAM route by the caller API Gateway verified, elsewhere by the client
 * assertion in the form. Reads only the parameters the chosen way uses.
 */
public final class ClientAuthentication {

  private final IamAuthenticator iam;
  private final ClientAssertionVerifier assertions;

  public ClientAuthentication(IamAuthenticator iam, ClientAssertionVerifier assertions) {
    this.iam = iam;
    this.assertions = assertions;
  }

  public AuthenticatedClient authenticate(
      Form form, boolean iamRoute, Optional<String> verifiedIamCaller) {
    return iamRoute
        ? iam.authenticate(verifiedIamCaller, form.single("client_id"))
        : assertions.verify(
            form.single("client_assertion_type"),
            form.single("client_assertion"),
            form.single("client_id"));
  }
}
