package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.auth.CertificateAuthenticator;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.config.BrokerConfig;
import java.time.Clock;
import java.util.Optional;

/**
 * What the token, revocation and introspection wirings build alike: the client authentication (IAM
 * or assertion, per route) and the synthetic request their SnapStart priming sends.
 */
final class ClientEndpointParts {

  private ClientEndpointParts() {}

  static ClientAuthentication clientAuthentication(
      BrokerAdapters adapters, BrokerConfig config, BrokerTables tables, Clock clock) {
    ClientRepository clients = adapters.clients(tables.clients());
    return new ClientAuthentication(
        new IamAuthenticator(clients),
        new ClientAssertionVerifier(
            clients,
            adapters.assertionReplayGuard(tables.assertions(), config.clockSkew()),
            config.endpoints(),
            clock,
            config.maxAssertionLifetime(),
            config.clockSkew()),
        Optional.of(new CertificateAuthenticator(clients, config.tlsClientAuthCas())),
        config.endpoints().issuerId());
  }

  /**
   * One form POST to {@code path} through {@code handler}, authenticated as a client that does not
   * exist: parsing, client lookup, refusal and its JSON response run; nothing is written, nothing
   * signed.
   *
   * @param form more form fields, encoded, each starting with {@code &}
   */
  static SnapStartHooks.Priming unknownClientPost(
      BrokerConfig config, SnapStartHooks.StreamHandler handler, String path, String form) {
    String audience = config.endpoints().issuerId() + path;
    return SnapStartHooks.request(
        handler, () -> PrimingEvents.post(path, PrimingEvents.clientAssertionForm(audience, form)));
  }
}
