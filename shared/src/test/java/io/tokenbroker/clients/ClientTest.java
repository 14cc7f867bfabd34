package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import io.tokenbroker.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy is the constructor's: a Client built in code, not read from JSON, obeys the same rules
 * with the same messages as {@link ClientJsonTest} checks for the JSON form.
 */
class ClientTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/ci";

  /** Every component of a valid client, to change one at a time. */
  private record Parts(
      String clientId,
      String subject,
      Set<String> roles,
      JWKSet keys,
      SortedSet<String> scopes,
      SortedSet<String> defaultScopes,
      SortedSet<String> audiences,
      Duration defaultLifetime,
      Duration maxLifetime) {

    static Parts valid() {
      return new Parts(
          "ci-deployer",
          "ci-deployer",
          Set.of(ROLE),
          new JWKSet(),
          sorted("orders:read", "orders:write"),
          sorted("orders:read"),
          sorted("https://orders.example.com"),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15));
    }

    Client build() {
      return new Client(
          clientId,
          "",
          true,
          subject,
          roles,
          keys,
          scopes,
          defaultScopes,
          audiences,
          defaultLifetime,
          maxLifetime,
          RefreshPolicy.DISABLED,
          false,
          ClientDpop.ALLOWED,
          CertificatePolicy.NONE,
          java.util.List.of(),
          ClientDelegation.NONE,
          ClientMonitoring.DEFAULT,
          0);
    }
  }

  private static SortedSet<String> sorted(String... values) {
    return new TreeSet<>(List.of(values));
  }

  @Test
  void holdsItsRolesNormalized() {
    Parts parts = Parts.valid();
    Client client =
        new Parts(
                parts.clientId(),
                parts.subject(),
                Set.of("arn:aws:iam::123456789012:role/teams/ci"),
                parts.keys(),
                parts.scopes(),
                parts.defaultScopes(),
                parts.audiences(),
                parts.defaultLifetime(),
                parts.maxLifetime())
            .build();

    assertThat(client.iamRoles()).containsExactly(ROLE);
    assertThat(client.withEnabled(false).atVersion(4).iamRoles()).containsExactly(ROLE);
  }

  static Stream<Arguments> brokenRules() {
    return Stream.of(
        broken(
            "client_id with a space",
            p -> with(p, "a b", p.subject(), p.roles(), p.keys(), p.scopes(), p.audiences()),
            "client_id is required"),
        broken(
            "subject with a space",
            p -> with(p, p.clientId(), "a b", p.roles(), p.keys(), p.scopes(), p.audiences()),
            "subject: 1-256 printable characters"),
        broken(
            "IAM user instead of role",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    Set.of("arn:aws:iam::123456789012:user/bob"),
                    p.keys(),
                    p.scopes(),
                    p.audiences()),
            "iam_roles: not an IAM role ARN"),
        broken(
            "no way to authenticate",
            p -> with(p, p.clientId(), p.subject(), Set.of(), p.keys(), p.scopes(), p.audiences()),
            "needs iam_roles, jwks, a tls_client_auth_* name or trust_policies"),
        broken(
            "private key",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    new JWKSet(TestKeys.ec()),
                    p.scopes(),
                    p.audiences()),
            "jwks: public keys only"),
        broken(
            "RSA key with the ROCA weakness",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    new JWKSet(TestKeys.withRocaFingerprint("roca")),
                    p.scopes(),
                    p.audiences()),
            "ROCA"),
        broken(
            "scope with a quote",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    p.keys(),
                    sorted("a\"b", "orders:read"),
                    p.audiences()),
            "scopes: not an RFC 6749 scope token: a\"b"),
        broken(
            "101 scopes",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    p.keys(),
                    new TreeSet<>(IntStream.range(0, 101).mapToObj(i -> "orders:" + i).toList()),
                    p.audiences()),
            "scopes: at most 100 entries"),
        broken(
            "default scope outside scopes",
            p ->
                with(
                    p,
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    p.keys(),
                    sorted("orders:write"),
                    p.audiences()),
            "default_scopes must be a subset of scopes"),
        broken(
            "no audiences",
            p -> with(p, p.clientId(), p.subject(), p.roles(), p.keys(), p.scopes(), sorted()),
            "audiences: at least one audience is required"),
        broken(
            "default lifetime above max",
            p ->
                new Parts(
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    p.keys(),
                    p.scopes(),
                    p.defaultScopes(),
                    p.audiences(),
                    Duration.ofMinutes(15),
                    Duration.ofMinutes(10)),
            "default_lifetime_seconds must not exceed max_lifetime_seconds"),
        broken(
            "max lifetime over a day",
            p ->
                new Parts(
                    p.clientId(),
                    p.subject(),
                    p.roles(),
                    p.keys(),
                    p.scopes(),
                    p.defaultScopes(),
                    p.audiences(),
                    p.defaultLifetime(),
                    Duration.ofHours(25)),
            "max_lifetime_seconds: between 60 and 86400 seconds"));
  }

  private static Parts with(
      Parts p,
      String clientId,
      String subject,
      Set<String> roles,
      JWKSet keys,
      SortedSet<String> scopes,
      SortedSet<String> audiences) {
    return new Parts(
        clientId,
        subject,
        roles,
        keys,
        scopes,
        p.defaultScopes(),
        audiences,
        p.defaultLifetime(),
        p.maxLifetime());
  }

  private static Arguments broken(String name, UnaryOperator<Parts> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenRules")
  void refusesAClientThatBreaksARule(String name, UnaryOperator<Parts> change, String message) {
    Parts parts = change.apply(Parts.valid());

    assertThatThrownBy(parts::build)
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesRefreshLifetimesOutOfBounds() {
    assertThatThrownBy(() -> new RefreshPolicy(true, Duration.ofMinutes(4), Duration.ofMinutes(1)))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessage("refresh_tokens.absolute_lifetime_seconds: between 300 and 2592000 seconds");
    assertThatThrownBy(() -> new RefreshPolicy(true, Duration.ofDays(1), Duration.ofSeconds(59)))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessage("refresh_tokens.idle_lifetime_seconds: between 60 and 2592000 seconds");
    assertThatThrownBy(() -> new RefreshPolicy(true, Duration.ofHours(1), Duration.ofHours(2)))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining("idle lifetime must not exceed the absolute one");
  }
}
