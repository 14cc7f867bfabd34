package io.tokenbroker.cli;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.config.Env;
import io.tokenbroker.json.Json;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The training run of brokerctl's AOT cache (JEP 483/514), run by the build ({@code mvn package})
 * in two steps, {@code -XX:AOTMode=record} then {@code -XX:AOTMode=create} (see the pom): the
 * commands an operator runs most, over the same classes and code paths as a real call, so that the
 * cache holds them loaded, linked and profiled. The build has no AWS, so the commands talk to a
 * loopback endpoint that keeps DynamoDB items in memory, written through the broker's own
 * repositories (the rows have their real layout). It keeps only what this run needs:
 * PutItem/TransactWriteItems store, GetItem finds, Scan returns a table's items unfiltered (the
 * training writes no rows a filter would drop). Never used at run time.
 *
 * <p>Fails (exit 1, saying which command) if a command does not succeed: a cache trained on an
 * error path would load, but miss the paths a real call takes.
 */
final class AotTraining {

  private static final String PREFIX = "training-";

  /** Items by table, in write order. */
  private final Map<String, List<Map<String, Object>>> tables = new ConcurrentHashMap<>();

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("brokerctl-training");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AotTraining dynamoDb = new AotTraining();
    server.createContext("/", dynamoDb::handle);
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      seed(endpoint, work);
      List<String> table = List.of("--endpoint-url", endpoint, "--table-prefix", PREFIX);
      run(table, "keys", "list");
      run(table, "clients", "list");
      run(table, "clients", "get", "training-app");
      // --output json's writer too (`audit` is not trained: it Queries, which this endpoint lacks).
      run(table, "clients", "list", "--output", "json");
      run(table, "keys", "list", "--output", "json");
      run(List.of(), "--help");
      run(List.of(), "keys", "--help");
      run(List.of(), "keygen", "--alg", "ES256", "--out", work.resolve("key.json").toString());
      run(
          List.of(),
          "assertion",
          "--key",
          work.resolve("key.json").toString(),
          "--client-id",
          "training-app",
          "--audience",
          "http://127.0.0.1/token");
      // A workload with curl makes one proof per request: its start-up counts most.
      run(
          List.of(),
          "dpop-proof",
          "--key",
          work.resolve("key.json").toString(),
          "--method",
          "POST",
          "--url",
          "http://127.0.0.1/token");
      usageError(table, "clients", "list", "--no-such-option");
    } finally {
      server.stop(0);
      try (var files = Files.list(work)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(work);
    }
  }

  /** A signing key and a client, written through the repositories brokerctl reads them with. */
  private static void seed(String endpoint, Path work) throws Exception {
    BrokerAdapters adapters =
        BrokerAdapters.from(
            Env.of(
                Map.of(
                    "AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL", endpoint,
                    "AWS_ACCESS_KEY_ID", "training",
                    "AWS_SECRET_ACCESS_KEY", "training")),
            ClientTimeouts.background());
    RSAKey rsa = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
    Instant now = Instant.now();
    adapters
        .keys(PREFIX + "keys")
        .create(
            new SigningKey(
                rsa.getKeyID(),
                "training",
                JWSAlgorithm.RS256,
                rsa.toPublicJWK(),
                KeyState.ACTIVE,
                now,
                now,
                null,
                null,
                1));
    var clientKey = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    new ClientAdmin(adapters.clients(PREFIX + "clients"))
        .put(
            ClientJson.fromJson(
                new LinkedHashMap<>(
                    Map.of(
                        "client_id", "training-app",
                        "scopes", List.of("demo:read", "demo:write"),
                        "audiences", List.of("http://127.0.0.1/demo"),
                        "jwks", Map.of("keys", List.of(clientKey.toPublicJWK().toJSONObject())))),
                0));
  }

  private static void run(List<String> options, String... command) {
    int exit = execute(options, command);
    if (exit != 0) {
      throw new IllegalStateException(
          "training: brokerctl " + String.join(" ", command) + " exited " + exit);
    }
  }

  private static void usageError(List<String> options, String... command) {
    int exit = execute(options, command);
    if (exit != 2) {
      throw new IllegalStateException(
          "training: brokerctl " + String.join(" ", command) + " exited " + exit + ", not 2");
    }
  }

  private static int execute(List<String> options, String... command) {
    List<String> args = new ArrayList<>(options);
    args.addAll(List.of(command));
    StringWriter err = new StringWriter();
    var cli = Brokerctl.commandLine(new Brokerctl(Map.of()));
    cli.setOut(new PrintWriter(Writer.nullWriter()));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args.toArray(String[]::new));
    if (exit != 0 && exit != 2) {
      System.err.print(err);
    }
    return exit;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String operation =
          String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"))
              .replace("DynamoDB_20120810.", "");
      Map<String, Object> request;
      try {
        request =
            Json.object(
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      } catch (ParseException e) {
        throw new IOException(e);
      }
      Map<String, Object> response =
          switch (operation) {
            case "PutItem" -> put(request);
            case "TransactWriteItems" -> transactWrite(request);
            case "GetItem" -> get(request);
            case "Scan" -> scan(request);
            default -> null;
          };
      byte[] body =
          JSONObjectUtils.toJSONString(
                  response != null
                      ? response
                      : Map.of(
                          "__type",
                          "com.amazonaws.dynamodb.v20120810#UnknownOperationException",
                          "message",
                          "training endpoint: " + operation))
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      exchange.sendResponseHeaders(response != null ? 200 : 400, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> put(Map<String, Object> request) {
    tables
        .computeIfAbsent((String) request.get("TableName"), t -> new CopyOnWriteArrayList<>())
        .add((Map<String, Object>) request.get("Item"));
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> transactWrite(Map<String, Object> request) {
    for (Object item : (List<Object>) request.get("TransactItems")) {
      if (((Map<String, Object>) item).get("Put") instanceof Map<?, ?> put) {
        put((Map<String, Object>) put);
      }
    }
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> get(Map<String, Object> request) {
    Map<String, Object> key = (Map<String, Object>) request.get("Key");
    return tables.getOrDefault((String) request.get("TableName"), List.of()).stream()
        .filter(item -> item.entrySet().containsAll(key.entrySet()))
        .findFirst()
        .<Map<String, Object>>map(item -> Map.of("Item", item))
        .orElse(Map.of());
  }

  private Map<String, Object> scan(Map<String, Object> request) {
    List<Map<String, Object>> items =
        tables.getOrDefault((String) request.get("TableName"), List.of());
    return Map.of("Items", items, "Count", items.size(), "ScannedCount", items.size());
  }
}
