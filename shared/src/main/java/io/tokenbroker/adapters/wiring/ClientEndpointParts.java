package io.tokenbroker.adapters.wiring;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.http.ClientAuthentication;
import io.tokenbroker.adapters.lifecycle.PrimingEvents;
import io.tokenbroker.adapters.lifecycle.SnapStartHooks;
import io.tokenbroker.auth.ClientAssertionVerifier;
import io.tokenbroker.auth.IamAuthenticator;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.keys.PublishedKeys;
import java.time.Clock;
import java.time.Duration;

/**
 * What the token, revocation and introspection wirings build alike: the client authentication (IAM
 * or assertion, per route), the published keys they read, and the synthetic request their SnapStart
 * priming sends.
 */
final class ClientEndpointParts {

  /**
   * How long the token function signs with a key after the key table stopped showing it ACTIVE (a
   * compromise), at most: it re-confirms the key by one key-row read when its last read is older
   * than this. A bound on tokens every verifier refuses, for at most one read a second.
   */
  static final Duration SIGNING_KEY_CHECK = Duration.ofSeconds(1);

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
            config.clockSkew()));
  }

  static PublishedKeys publishedKeys(
      BrokerAdapters adapters, BrokerConfig config, BrokerTables tables, Clock clock) {
    return new PublishedKeys(
        adapters.keys(tables.keys()), clock, config.keyTableCache(), SIGNING_KEY_CHECK);
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
