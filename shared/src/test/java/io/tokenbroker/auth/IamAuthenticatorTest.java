package io.tokenbroker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.testing.TestKeys;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IamAuthenticatorTest {

  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private IamAuthenticator authenticator;

  @BeforeEach
  void setUp() {
    clients.add(Clients.withKey("workload", TestKeys.rsa()));
    clients.add(Clients.withRole("ci", "arn:aws:iam::123456789012:role/ci"));
    authenticator = new IamAuthenticator(clients);
  }

  @Test
  void mapsAnAssumedRoleSessionToTheClientItsRoleIsBoundTo() {
    AuthenticatedClient client =
        authenticator.authenticate(
            Optional.of("arn:aws:sts::123456789012:assumed-role/ci/build-77"), Optional.empty());

    assertThat(client.client().clientId()).isEqualTo("ci");
    assertThat(client.method()).isEqualTo(AuthMethod.AWS_IAM);
    assertThat(client.callerIdentity()).isEqualTo("arn:aws:iam::123456789012:role/ci");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:sts::123456789012:assumed-role/other/session",
        "arn:aws:iam::123456789012:user/ci",
        "arn:aws:sts::999999999999:assumed-role/ci/session"
      })
  void refusesAnIamCallerWhoseRoleIsNotBound(String caller) {
    assertThatThrownBy(() -> authenticator.authenticate(Optional.of(caller), Optional.empty()))
        .isInstanceOf(RequestRejected.class)
        .satisfies(e -> assertThat(((RequestRejected) e).status()).isEqualTo(401));
  }

  @Test
  void refusesAnIamCallerNamingAClientItsRoleIsNotBoundTo() {
    assertThatThrownBy(
            () ->
                authenticator.authenticate(
                    Optional.of("arn:aws:sts::123456789012:assumed-role/ci/session"),
                    Optional.of("workload")))
        .satisfies(e -> assertThat(((RequestRejected) e).reason()).isEqualTo("iam_role_not_bound"));
  }

  @Test
  void refusesTheIamRouteWithoutAVerifiedCaller() {
    assertThatThrownBy(() -> authenticator.authenticate(Optional.empty(), Optional.of("ci")))
        .satisfies(
            e -> assertThat(((RequestRejected) e).reason()).isEqualTo("iam_identity_missing"));
  }

  private static void assertRefused(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.error().code()).isEqualTo("invalid_client");
              assertThat(e.status()).isEqualTo(401);
            });
  }

  @Test
  void looksUpOnlyClientIdsAClientCanBeRegisteredUnder() {
    Optional<String> ciCaller = Optional.of("arn:aws:sts::123456789012:assumed-role/ci/s1");

    // DynamoDB refuses keys over 2048 bytes; such an id must never reach it.
    assertRefused(
        () -> authenticator.authenticate(ciCaller, Optional.of("c".repeat(3000))),
        "client_id_malformed");
    assertRefused(
        () -> authenticator.authenticate(ciCaller, Optional.of("ci ")), "client_id_malformed");
    assertThat(authenticator.authenticate(ciCaller, Optional.of("ci")).client().clientId())
        .isEqualTo("ci");
  }
}
