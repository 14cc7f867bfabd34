package io.tokenbroker.cli;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.federation.OutsideTokenVerifier;
import io.tokenbroker.tokens.ExchangeRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code brokerctl trust-policy test}: which of a client's trust policies an outside token meets.
 */
@Command(
    name = "trust-policy",
    description =
        "Trust policies (federation): a client's trust_policies are part of its registration"
            + " (`clients put` reads them, `clients get` prints them; see"
            + " docs/schemas/trust-policy.schema.json).",
    mixinStandardHelpOptions = true,
    subcommands = {TrustPolicyCommand.Test.class})
final class TrustPolicyCommand {

  @ParentCommand Brokerctl brokerctl;

  @Command(
      name = "test",
      description = {
        "Dry run: which of the client's trust policies an outside token (a GitHub Actions or"
            + " GitLab CI ID token, a Kubernetes service-account token) would match, in order,"
            + " or why each one does not. Checks the header and claims as the token endpoint"
            + " does (issuer, alg, audience, exp/iat/nbf and max_token_age_seconds against this"
            + " machine's clock with CLOCK_SKEW_SECONDS, subject, claims).",
        "It does NOT check: the signature (no issuer keys are fetched, so neither kid nor key"
            + " fitness); single use (whether the jti was exchanged before); the rule that a"
            + " subject_token_type of access_token is never accepted from outside. It records"
            + " nothing. A token it says would match can still be refused for those.",
        "A disabled client is named as such: the token endpoint refuses it (invalid_client)"
            + " whatever its policies say.",
        "Exit status 0 when a policy matches and the client is enabled, 1 otherwise."
      })
  static final class Test implements Callable<Integer> {
    @ParentCommand TrustPolicyCommand trustPolicy;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Option(names = "--client", required = true, paramLabel = "CLIENT_ID")
    String clientId;

    @Option(
        names = "--token-file",
        required = true,
        paramLabel = "FILE",
        description = "The outside token (compact JWT), alone in the file.")
    Path tokenFile;

    @Override
    public Integer call() throws IOException {
      Brokerctl brokerctl = trustPolicy.brokerctl;
      Duration skew =
          Brokerctl.brokerLimit(spec, () -> BrokerConfig.clockSkew(brokerctl.brokerSettings()));
      String token = readToken(tokenFile);
      Client client =
          new ClientAdmin(brokerctl.adapters().clients(brokerctl.clientsTable()))
              .get(clientId)
              .orElseThrow(() -> new IllegalArgumentException("no such client: " + clientId));
      if (client.trustPolicies().isEmpty()) {
        throw new IllegalArgumentException(clientId + " has no trust_policies");
      }
      List<OutsideTokenVerifier.Verdict> verdicts =
          OutsideTokenVerifier.dryRun(
              client.trustPolicies(), token, brokerctl.clock.instant(), skew);
      String matched =
          verdicts.stream()
              .filter(v -> v.refusal().isEmpty())
              .map(OutsideTokenVerifier.Verdict::policy)
              .findFirst()
              .orElse(null);
      boolean enabled = client.enabled();
      var out = spec.commandLine().getOut();
      if (output.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", clientId);
        json.put("client_enabled", enabled);
        json.put("matched_policy", matched);
        json.put(
            "policies",
            verdicts.stream()
                .map(
                    v -> {
                      Map<String, Object> row = new LinkedHashMap<>();
                      row.put("name", v.policy());
                      row.put("result", v.refusal().map(r -> r.logName()).orElse("match"));
                      row.put("matched_claims", v.matched());
                      return row;
                    })
                .toList());
        json.put("signature_checked", false);
        OutputFormat.printJson(out, json);
      } else {
        TextTable table = new TextTable("POLICY", "RESULT", "MATCHED_CLAIMS");
        for (var v : verdicts) {
          table.row(
              v.policy(),
              v.refusal().map(r -> r.logName()).orElse("match"),
              v.matched().isEmpty() ? "-" : String.join(" ", pairs(v.matched())));
        }
        table.print(out);
        out.println(
            matched != null
                ? "would match policy " + matched + " (first in order; signature not checked)"
                : "no policy matches");
        if (!enabled) {
          out.println(
              "client "
                  + clientId
                  + " is disabled: the token endpoint refuses it (invalid_client) whatever"
                  + " its policies say");
        }
      }
      return matched != null && enabled ? 0 : 1;
    }

    /** The token, read no further than the longest the token endpoint reads. */
    private static String readToken(Path file) throws IOException {
      byte[] bytes;
      try (var in = Files.newInputStream(file)) {
        bytes = in.readNBytes(ExchangeRequest.MAX_TOKEN_CHARS + 2); // + a line ending
      }
      String token = new String(bytes, StandardCharsets.UTF_8).strip();
      if (bytes.length > ExchangeRequest.MAX_TOKEN_CHARS + 1
          || token.length() > ExchangeRequest.MAX_TOKEN_CHARS) {
        throw new IllegalArgumentException(
            file
                + ": longer than "
                + ExchangeRequest.MAX_TOKEN_CHARS
                + " characters, more than the token endpoint reads: not a token file");
      }
      return token;
    }

    private static List<String> pairs(Map<String, String> matched) {
      return matched.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
  }
}
