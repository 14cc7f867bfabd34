package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.json.Json;
import io.tokenbroker.json.JsonText;
import io.tokenbroker.leaks.LeakReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * {@code brokerctl report-leak}: an operator reports token values found where they should not be.
 * It calls the revocation function's operator route {@code POST /admin/leaks}, SigV4-signed with
 * the operator's credentials, rather than acting over the tables itself: one implementation decides
 * what is the broker's (the function's issuer, the keys KMS confirms, honeytoken alerts through the
 * function's log, the {@code leak.report} audit entry under the caller API Gateway verified), and
 * an operator needs only execute-api:Invoke on that route, no read of the refresh-token or
 * revocation tables, no KMS. Values are read from a file or stdin, never from the command line
 * (they would stay in the shell's history and the process list).
 */
@Command(
    name = "report-leak",
    description = {
      "Report leaked token values: each broker access token (signature verified) is revoked with"
          + " its refresh family, each broker refresh token's family is revoked; anything else is"
          + " answered false_positive and changes nothing. Recorded in the audit trail (action"
          + " leak.report) with a SHA-256 of each value, never the value.",
      "Values are read one per line from --file, or from stdin; never from the command line."
          + " Calls POST /admin/leaks (operators only: OperatorPrincipalArns)."
    })
final class ReportLeakCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(35);

  @ParentCommand Brokerctl brokerctl;
  @Spec CommandSpec spec;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Read the values from FILE, one per line ('-': stdin, the default).")
  Path file;

  @Option(
      names = "--found-at",
      paramLabel = "WHERE",
      required = true,
      description = "Where the values were found (a URL, a ticket), for the audit trail.")
  String foundAt;

  @Option(
      names = "--source",
      paramLabel = "KIND",
      defaultValue = "operator",
      description = "What kind of place it was (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(
      names = "--api-url",
      paramLabel = "URL",
      description =
          "The broker's API base URL. Default: --stack-name's ApiUrl, else BROKER_API_URL.")
  URI apiUrl;

  /** Anything on the command line beyond the options: refused, and never echoed. */
  @Parameters(hidden = true, arity = "0..*")
  List<String> stray = List.of();

  /** stdin, unless a test gives another. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws IOException {
    if (!stray.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "token values are never read from the command line (shell history, process list):"
              + " give them in --file or on stdin; nothing was sent");
    }
    List<String> values = values();
    if (values.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "no values to report; nothing was sent");
    }
    if (values.size() > LeakReport.MAX_TOKENS) {
      throw new ParameterException(
          spec.commandLine(),
          "at most " + LeakReport.MAX_TOKENS + " values per report; split the input");
    }
    URI endpoint = URI.create(stripSlash(brokerctl.apiUrl(apiUrl).toString()) + "/admin/leaks");
    HttpResponse<String> answer = send(endpoint, body(values));
    PrintWriter out = spec.commandLine().getOut();
    switch (answer.statusCode()) {
      case 200 -> {
        return printed(answer.body(), out);
      }
      case 403 ->
          throw new IllegalStateException(
              "refused (403): POST /admin/leaks admits only the stack's operator roles"
                  + " (OperatorPrincipalArns); nothing was done");
      case 503 ->
          throw new IllegalStateException(
              "the broker is temporarily unavailable (503); run it again: revocations repeat"
                  + " harmlessly");
      default ->
          throw new IllegalStateException(
              "the broker answered " + answer.statusCode() + ": " + description(answer.body()));
    }
  }

  private List<String> values() throws IOException {
    InputStream in =
        file == null || file.toString().equals("-") ? stdin : Files.newInputStream(file);
    List<String> values = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          values.add(line.strip());
        }
      }
    }
    return values;
  }

  private String body(List<String> values) {
    StringBuilder json = new StringBuilder("[");
    for (String value : values) {
      json.append(json.length() == 1 ? "{" : ",{").append("\"token\":");
      JsonText.string(json, value).append(",\"type\":\"operator_report\",\"url\":");
      JsonText.string(json, foundAt).append(",\"source\":");
      JsonText.string(json, source).append('}');
    }
    return json.append(']').toString();
  }

  /** The POST, SigV4-signed (service execute-api) with the operator's credentials and region. */
  private HttpResponse<String> send(URI endpoint, String body) throws IOException {
    AwsSettings aws = AwsSettings.from(brokerctl.env(), ClientTimeouts.background());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(aws.credentials().resolveCredentials())
                        .request(
                            SdkHttpRequest.builder()
                                .method(SdkHttpMethod.POST)
                                .uri(endpoint)
                                .putHeader("Content-Type", "application/json")
                                .build())
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, aws.region().id()))
            .request();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    signed
        .headers()
        .forEach(
            (name, headerValues) -> {
              if (!name.equalsIgnoreCase("Host")) { // the HTTP client sets it
                headerValues.forEach(v -> request.header(name, v));
              }
            });
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted; the report may or may not have been made", e);
    }
  }

  /** One line per value, in order: its label and the SHA-256 the audit trail records. */
  private static int printed(String body, PrintWriter out) {
    List<Object> findings;
    try {
      findings = Json.array(body);
    } catch (ParseException e) {
      throw new IllegalStateException("the broker's answer is not a JSON array");
    }
    int revoked = 0;
    for (Object finding : findings) {
      Map<?, ?> entry = (Map<?, ?>) finding;
      boolean truePositive = "true_positive".equals(entry.get("label"));
      revoked += truePositive ? 1 : 0;
      out.println(
          entry.get("label")
              + "  sha256:"
              + entry.get("token_hash")
              + (truePositive ? "  revoked" : "  not the broker's: nothing done"));
    }
    out.println(
        findings.size()
            + " reported: "
            + revoked
            + " revoked (authorizers refuse them within REVOCATION_CACHE_SECONDS), "
            + (findings.size() - revoked)
            + " not the broker's");
    return 0;
  }

  private static String description(String body) {
    try {
      Object text = Json.object(body).get("error_description");
      return text instanceof String s ? s : "no description";
    } catch (ParseException e) {
      return "no description";
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
