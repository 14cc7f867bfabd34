package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.testing.Clients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Trust policies in a client registration: read, written back, and every rule that refuses. */
class TrustPolicyTest {

  static Map<String, Object> policy() {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("name", "deploy-from-main");
    policy.put("issuer", "https://token.actions.githubusercontent.com");
    policy.put("audience", "https://broker.example.com");
    policy.put("subject", "repo:acme/deployer:ref:refs/heads/main");
    policy.put(
        "claims",
        new LinkedHashMap<>(
            Map.of(
                "repository_owner_id",
                "1234567",
                "job_workflow_ref",
                Map.of("pattern", "^acme/workflows/\\.github/workflows/deploy\\.yml@.+$"))));
    policy.put("scopes", List.of("orders:write"));
    policy.put("max_lifetime_seconds", 300);
    return policy;
  }

  /** A client whose only way to authenticate is its trust policies. */
  static Map<String, Object> client(List<Map<String, Object>> policies) {
    Map<String, Object> json = Clients.json("deployer");
    json.put("trust_policies", policies);
    return json;
  }

  @Test
  void aClientMayHaveTrustPoliciesAsItsOnlyWayToAuthenticate() {
    Client client = Clients.parse(client(List.of(policy())));

    TrustPolicy policy = client.trustPolicies().getFirst();
    assertThat(policy.issuer()).isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(policy.subject())
        .isEqualTo(new TrustPolicy.Exact("repo:acme/deployer:ref:refs/heads/main"));
    assertThat(policy.claims())
        .extracting(TrustPolicy.ClaimCondition::claim)
        .containsExactlyInAnyOrder("repository_owner_id", "job_workflow_ref");
    assertThat(policy.algorithms()).extracting(a -> a.getName()).containsExactly("RS256");
    assertThat(policy.maxTokenAge()).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.singleUse()).isTrue();
    assertThat(policy.scopes())
        .hasValueSatisfying(s -> assertThat(s).containsExactly("orders:write"));
    assertThat(policy.maxLifetime()).contains(Duration.ofSeconds(300));
  }

  @Test
  void writesThePoliciesBackAsTheyReadAndNothingForAClientWithout() {
    Client client = Clients.parse(client(List.of(policy())));

    Client again = ClientJson.parse(ClientJson.toJsonString(client));

    assertThat(again.trustPolicies()).isEqualTo(client.trustPolicies());
    Map<String, Object> without = Clients.json("plain");
    without.put("iam_roles", List.of("arn:aws:iam::123456789012:role/plain"));
    assertThat(ClientJson.toJson(Clients.parse(without))).doesNotContainKey("trust_policies");
  }

  @Test
  void aPatternSubjectIsAcceptedWithOneExactClaim() {
    Map<String, Object> policy = policy();
    policy.put("subject", Map.of("pattern", "^repo:acme/[a-z-]+:environment:production$"));
    policy.put("claims", Map.of("repository_owner_id", "1234567"));

    assertThat(Clients.parse(client(List.of(policy))).trustPolicies()).hasSize(1);
  }

  @Test
  void aPatternMatchesTheWholeValueOnly() {
    TrustPolicy.ClaimMatch pattern =
        TrustPolicy.ClaimMatch.pattern("subject", "^repo:acme/[a-z]+$");

    assertThat(pattern.matches("repo:acme/app")).isTrue();
    assertThat(pattern.matches("repo:acme/app:x")).isFalse();
    assertThat(pattern.matches("x" + "repo:acme/app")).isFalse();
    assertThat(pattern.matches("repo:acme/" + "a".repeat(TrustPolicy.MAX_VALUE_LENGTH))).isFalse();
  }

  @Test
  void aCatastrophicPatternStopsAtItsBudgetAndMatchesNothing() {
    // Java's engine takes about 9 s for this one on 29 characters (it memoizes ^(a+)+$, not this).
    TrustPolicy.ClaimMatch evil = TrustPolicy.ClaimMatch.pattern("subject", "^(.*a){20}$");
    long start = System.nanoTime();

    assertThat(evil.matches("a".repeat(28) + "!")).isFalse();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    // The budget is far above what a sane pattern needs on the longest value matched.
    String longest =
        "repo:acme/app:ref:refs/heads/" + "b".repeat(TrustPolicy.MAX_VALUE_LENGTH - 29);
    assertThat(
            TrustPolicy.ClaimMatch.pattern("subject", "^repo:[a-z/]+:ref:refs/heads/(.+)+$")
                .matches(longest))
        .isTrue();
  }

  static Stream<Arguments> refusals() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(
        bad(
            "unanchored subject",
            p -> p.put("subject", Map.of("pattern", "repo:acme/.*")),
            "anchored"));
    cases.add(
        bad(
            "subject without $",
            p -> p.put("subject", Map.of("pattern", "^repo:acme/.*")),
            "anchored"));
    cases.add(
        bad(
            "subject ending in an escaped $",
            p -> p.put("subject", Map.of("pattern", "^repo:acme\\$")),
            "anchored"));
    cases.add(
        bad(
            "top-level alternation",
            p -> p.put("subject", Map.of("pattern", "^repo:a$|^repo:b$")),
            "group alternatives"));
    cases.add(
        bad(
            "a pattern that does not compile",
            p -> p.put("subject", Map.of("pattern", "^repo:(acme$")),
            "not a regular expression"));
    cases.add(
        bad(
            "a pattern too long",
            p -> p.put("subject", Map.of("pattern", "^" + "a".repeat(600) + "$")),
            "2-512"));
    cases.add(bad("an exact value too long", p -> p.put("subject", "a".repeat(1025)), "1-1024"));
    cases.add(bad("no subject", p -> p.remove("subject"), "subject is required"));
    cases.add(
        bad(
            "a pattern object with more",
            p -> p.put("subject", Map.of("pattern", "^a$", "flags", "i")),
            "a string (exact)"));
    cases.add(
        bad(
            "unanchored claim",
            p ->
                ((Map<String, Object>) p.get("claims"))
                    .put("ref", Map.of("pattern", "refs/heads/main")),
            "anchored"));
    cases.add(
        bad(
            "an http issuer",
            p -> p.put("issuer", "http://token.actions.githubusercontent.com"),
            "https URL"));
    cases.add(
        bad(
            "an issuer with a query",
            p -> p.put("issuer", "https://issuer.example.com/?x=1"),
            "https URL"));
    cases.add(
        bad(
            "an issuer with user info",
            p -> p.put("issuer", "https://me@issuer.example.com"),
            "https URL"));
    cases.add(
        bad(
            "an http jwks_uri",
            p -> p.put("jwks_uri", "http://issuer.example.com/jwks"),
            "https URL"));
    cases.add(bad("no audience", p -> p.remove("audience"), "audience is required"));
    cases.add(bad("HS256", p -> p.put("algorithms", List.of("HS256")), "algorithms"));
    cases.add(bad("none", p -> p.put("algorithms", List.of("none")), "algorithms"));
    cases.add(bad("no algorithm", p -> p.put("algorithms", List.of()), "algorithms"));
    cases.add(
        bad(
            "an age over a day",
            p -> p.put("max_token_age_seconds", 86401),
            "between 60 and 86400"));
    cases.add(
        bad(
            "a scope the client lacks",
            p -> p.put("scopes", List.of("admin")),
            "subset of the client's scopes"));
    cases.add(
        bad(
            "an audience the client lacks",
            p -> p.put("audiences", List.of("https://else.example.com")),
            "subset of the client's audiences"));
    cases.add(
        bad(
            "a lifetime over the client's",
            p -> p.put("max_lifetime_seconds", 3600),
            "must not exceed"));
    cases.add(bad("an unknown member", p -> p.put("subjects", "x"), "unknown field: subjects"));
    cases.add(
        bad(
            "a bad JSON Pointer",
            p -> ((Map<String, Object>) p.get("claims")).put("/a~2b", "x"),
            "JSON Pointer"));
    cases.add(bad("a bad name", p -> p.put("name", "has space"), "name"));
    cases.add(bad("21 claims", p -> p.put("claims", manyClaims(21)), "at most 20"));
    cases.add(bad("single_use not a boolean", p -> p.put("single_use", "yes"), "wrong type"));
    cases.add(
        bad(
            "a catch-all subject and no claim",
            p -> {
              p.put("subject", Map.of("pattern", "^repo:.*$"));
              p.remove("claims");
            },
            "at least one exact condition"));
    cases.add(
        bad(
            "patterns only",
            p -> {
              p.put("subject", Map.of("pattern", "^.*$"));
              p.put("claims", Map.of("repository_owner", Map.of("pattern", "^acme$")));
            },
            "at least one exact condition"));
    cases.add(
        bad("an upper-case issuer host", p -> p.put("issuer", "https://GitLab.com"), "lower case"));
    cases.add(
        bad(
            "an upper-case issuer scheme",
            p -> p.put("issuer", "HTTPS://gitlab.com"),
            "https URL"));
    cases.add(
        bad(
            "an upper-case jwks_uri host",
            p -> p.put("jwks_uri", "https://Issuer.example.com/jwks"),
            "lower case"));
    return cases.stream();
  }

  static Map<String, Object> manyClaims(int n) {
    Map<String, Object> claims = new LinkedHashMap<>();
    IntStream.range(0, n).forEach(i -> claims.put("c" + i, "v"));
    return claims;
  }

  @SuppressWarnings("unchecked")
  static Arguments bad(String what, Consumer<Map<String, Object>> change, String message) {
    return Arguments.of(what, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAPolicyThatBreaksARule(
      String what, Consumer<Map<String, Object>> change, String message) {
    Map<String, Object> policy = policy();
    change.accept(policy);

    assertThatThrownBy(() -> Clients.parse(client(List.of(policy))))
        .isInstanceOf(InvalidClientPolicy.class)
        .hasMessageContaining("trust_policies")
        .hasMessageContaining(message);
  }

  @Test
  void refusesMoreThanTenPoliciesAndRepeatedNames() {
    List<Map<String, Object>> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      Map<String, Object> p = policy();
      p.put("name", "p" + i);
      eleven.add(p);
    }

    assertThatThrownBy(() -> Clients.parse(client(eleven))).hasMessageContaining("at most 10");
    assertThatThrownBy(() -> Clients.parse(client(List.of(policy(), policy()))))
        .hasMessageContaining("appears twice");
  }

  @Test
  void aClientWithNoWayToAuthenticateIsStillRefused() {
    assertThatThrownBy(() -> Clients.parse(client(List.of())))
        .hasMessageContaining("iam_roles, jwks, a tls_client_auth_* name or trust_policies");
  }
}
