package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.json.Json;
import io.tokenbroker.operator.AuditEntry;
import io.tokenbroker.operator.AuditOutcome;
import io.tokenbroker.operator.OperatorAudit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * {@code brokerctl honeytoken mint|list}: decoy tokens for a decoy client (registered {@code
 * "decoy": true}), whose every use raises an alert. Minting signs with the broker's KMS key, which
 * operators may not use: brokerctl asks the token function's operator route ({@code POST
 * /admin/honeytokens}, SigV4 with the operator's own credentials), which refuses anything but a
 * registered decoy client and records the mint in the audit trail.
 */
@Command(
    name = "honeytoken",
    description =
        "Decoy tokens for a decoy client (\"decoy\": true): minted revoked, every use an alert"
            + " (security.alert honeytoken_used).",
    subcommands = {HoneytokenCommand.Mint.class, HoneytokenCommand.ListMints.class})
final class HoneytokenCommand {

  @ParentCommand Brokerctl brokerctl;

  @Command(
      name = "mint",
      description = {
        "Mint a honeytoken for a registered decoy client, through the token function's operator"
            + " route POST /admin/honeytokens (your role must be in OperatorPrincipalArns and may"
            + " invoke that route).",
        "access: an access token; it alerts only before it expires and while its signing key is"
            + " published. refresh: a refresh token (and its family's access token), alerting for"
            + " --days: the long-lived decoy.",
        "The values are printed once, here, and recorded nowhere else: plant them, keep no copy."
      })
  static final class Mint implements Callable<Integer> {
    @ParentCommand HoneytokenCommand honeytoken;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Option(
        names = "--client",
        required = true,
        paramLabel = "CLIENT_ID",
        description = "The decoy client (registered with \"decoy\": true).")
    String clientId;

    @Option(
        names = "--kind",
        paramLabel = "KIND",
        defaultValue = "access",
        description = "access (default) or refresh.")
    String kind;

    @Option(
        names = "--days",
        paramLabel = "DAYS",
        description = "How long a refresh decoy is kept and alerts: 1-400 days. Default: 90.")
    Integer days;

    @Option(
        names = "--api-url",
        paramLabel = "URL",
        description =
            "The broker's API base URL (the issuer; the local server's http://127.0.0.1:8080)."
                + " Default: the stack's output ApiUrl (--stack-name), else BROKER_API_URL.")
    URI apiUrl;

    @Override
    public Integer call() {
      if (!kind.equals("access") && !kind.equals("refresh")) {
        throw new ParameterException(spec.commandLine(), "--kind must be access or refresh");
      }
      if (days != null && (days < 1 || days > 400)) {
        throw new ParameterException(spec.commandLine(), "--days must be 1-400");
      }
      if (days != null && kind.equals("access")) {
        throw new ParameterException(
            spec.commandLine(),
            "--days is for --kind refresh (an access decoy lives its lifetime)");
      }
      Brokerctl brokerctl = honeytoken.brokerctl;
      URI base = apiUrl(brokerctl);
      StringBuilder form =
          new StringBuilder("client_id=")
              .append(URLEncoder.encode(clientId, StandardCharsets.UTF_8))
              .append("&kind=")
              .append(kind);
      if (days != null) {
        form.append("&lifetime_days=").append(days);
      }
      HttpResponse<String> response =
          post(
              AwsSettings.from(brokerctl.env(), ClientTimeouts.background()),
              URI.create(base.toString().replaceAll("/+$", "") + "/admin/honeytokens"),
              form.toString());
      Map<String, Object> body = json(response.body());
      var out = spec.commandLine().getOut();
      if (response.statusCode() != 200) {
        spec.commandLine()
            .getErr()
            .println(
                "brokerctl: honeytoken not minted: "
                    + response.statusCode()
                    + " "
                    + body.getOrDefault(
                        "error_description", body.getOrDefault("message", "no reason given")));
        return 1;
      }
      if (output.json()) {
        OutputFormat.printJson(out, body);
        return 0;
      }
      for (String field :
          List.of(
              "client_id",
              "kind",
              "jti",
              "sid",
              "expires_at",
              "watched_until",
              "access_token",
              "refresh_token")) {
        if (body.get(field) != null) {
          out.println(field + ": " + body.get(field));
        }
      }
      return 0;
    }

    private URI apiUrl(Brokerctl brokerctl) {
      if (apiUrl != null) {
        return apiUrl;
      }
      if (brokerctl.stackName != null) {
        String url =
            StackOutputs.of(
                    AwsSettings.from(brokerctl.env(), ClientTimeouts.background()),
                    brokerctl.stackName)
                .get("ApiUrl");
        if (url == null) {
          throw new ParameterException(
              spec.commandLine(), "stack " + brokerctl.stackName + " has no output ApiUrl");
        }
        return URI.create(url);
      }
      return Optional.ofNullable(brokerctl.environment.get("BROKER_API_URL"))
          .filter(v -> !v.isBlank())
          .map(URI::create)
          .orElseThrow(
              () ->
                  new ParameterException(
                      spec.commandLine(),
                      "which broker? give --api-url, --stack-name or set BROKER_API_URL"));
    }

    /** The form, SigV4-signed for execute-api with the operator's credentials, as AWS_IAM wants. */
    private static HttpResponse<String> post(AwsSettings aws, URI uri, String form) {
      byte[] body = form.getBytes(StandardCharsets.UTF_8);
      SdkHttpRequest signed =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(aws.credentials().resolveIdentity().join())
                          .request(
                              SdkHttpRequest.builder()
                                  .method(SdkHttpMethod.POST)
                                  .uri(uri)
                                  .putHeader("Content-Type", "application/x-www-form-urlencoded")
                                  .build())
                          .payload(
                              ContentStreamProvider.fromInputStream(new ByteArrayInputStream(body)))
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                          .putProperty(AwsV4HttpSigner.REGION_NAME, aws.region().id()))
              .request();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      signed
          .headers()
          .forEach(
              (name, values) -> {
                if (!name.equalsIgnoreCase("Host")) { // the HTTP client sets it
                  values.forEach(v -> request.header(name, v));
                }
              });
      try (HttpClient http =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot reach " + uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private static Map<String, Object> json(String body) {
      try {
        return Json.object(body);
      } catch (ParseException | RuntimeException notJson) {
        return Map.of();
      }
    }
  }

  @Command(
      name = "list",
      description =
          "The honeytokens minted, newest first, from the audit trail (action honeytoken.mint):"
              + " when, by whom, for which decoy client, the jti and family. Never the values.")
  static final class ListMints implements Callable<Integer> {
    @ParentCommand HoneytokenCommand honeytoken;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Override
    public Integer call() {
      Brokerctl brokerctl = honeytoken.brokerctl;
      List<AuditEntry> mints =
          brokerctl
              .adapters()
              .operatorAudit(brokerctl.auditTable(), Clock.systemUTC())
              // The whole retention, a page at a time: an old decoy is listed however many
              // newer entries (leak reports, revocations) the trail holds.
              .recentMatching(
                  OperatorAudit.MAX_LIMIT,
                  Optional.empty(),
                  e -> e.action().equals("honeytoken.mint") && e.outcome() == AuditOutcome.DONE);
      var out = spec.commandLine().getOut();
      if (output.json()) {
        OutputFormat.printJson(
            out,
            Map.of(
                "honeytokens",
                mints.stream()
                    .map(
                        e -> {
                          Map<String, Object> json = new LinkedHashMap<>();
                          json.put("at", e.at().toString());
                          json.put("operator", e.actor());
                          json.put("client_id", e.target());
                          json.put("detail", e.detail());
                          return json;
                        })
                    .toList()));
        return 0;
      }
      TextTable table = new TextTable("TIME", "OPERATOR", "CLIENT", "DETAIL");
      for (AuditEntry e : mints) {
        table.row(e.at(), e.actor(), e.target(), e.detail());
      }
      table.print(out);
      return 0;
    }
  }
}
