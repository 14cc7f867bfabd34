package io.tokenbroker.devsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A stand-in for GitHub secret scanning, for tests and local development: it publishes its P-256
 * public keys at {@code https://localhost:<port>/meta/public_keys/secret_scanning} in GitHub's
 * format ({@code {"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}}) over TLS with a
 * self-signed certificate ({@link #certificatePem()}, {@link #clientContext()}), and signs report
 * bodies as GitHub does: ECDSA P-256 SHA-256 over the raw body, DER, base64, sent in {@code
 * Github-Public-Key-Signature} beside {@code Github-Public-Key-Identifier}.
 */
public final class TestSecretScanner implements AutoCloseable {

  public static final String KEYS_PATH = "/meta/public_keys/secret_scanning";

  /**
   * One signing key: its identifier (hex SHA-256 of its SubjectPublicKeyInfo, as GitHub's look).
   */
  public record ScanningKey(String identifier, KeyPair keys, boolean current) {}

  private final X509Builder.Issued tls;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<ScanningKey> published = new ArrayList<>();
  private final AtomicInteger keyRequests = new AtomicInteger();
  private final HttpsServer server;

  private TestSecretScanner() throws IOException {
    this.tls =
        X509Builder.subject("CN=localhost,O=Test secret scanner")
            .dns("localhost")
            .ip("127.0.0.1")
            .selfSigned();
    published.add(newKey(true));
    this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
    server.setExecutor(executor);
    server.createContext("/", this::answer);
    server.start();
  }

  /**
   * For local development: {@code TestSecretScanner CERT_PEM_OUT BROKER_URL} starts the scanner,
   * writes its TLS certificate to CERT_PEM_OUT, prints the local server's options that trust it,
   * then reports each line read from stdin (a token value) to BROKER_URL's {@code /leaks/github},
   * signed, and prints the broker's answer.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println(
          "usage: TestSecretScanner CERT_PEM_OUT BROKER_URL  (token values on stdin)");
      System.exit(2);
    }
    TestSecretScanner scanner = start();
    java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), scanner.certificatePem());
    System.out.println(
        "local server options: --leak-reporter-keys-url "
            + scanner.keysUrl()
            + " --trust-reporter-certs "
            + args[0]);
    URI endpoint = URI.create(args[1].replaceAll("/+$", "") + "/leaks/github");
    try (var in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          HttpResponse<String> answer =
              report(endpoint, scanner.currentKey(), body(List.of(line.strip())));
          System.out.println(answer.statusCode() + " " + answer.body());
        }
      }
    }
    scanner.close();
  }

  public static TestSecretScanner start() {
    try {
      return new TestSecretScanner();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test secret scanner", e);
    }
  }

  /** Where its keys are published: LEAK_REPORTER_KEYS_URL. */
  public URI keysUrl() {
    return URI.create("https://localhost:" + server.getAddress().getPort() + KEYS_PATH);
  }

  /** Its TLS certificate (self-signed, localhost and 127.0.0.1), PEM: what the broker trusts. */
  public String certificatePem() {
    return tls.pem();
  }

  /** A client TLS context that trusts this scanner's certificate and nothing else. */
  public SSLContext clientContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("test-secret-scanner", tls.certificate());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current signing key. */
  public synchronized ScanningKey currentKey() {
    return published.stream().filter(ScanningKey::current).findFirst().orElseThrow();
  }

  /** A new current key, published beside the old one (no longer current), as GitHub rotates. */
  public synchronized ScanningKey rotate() {
    List<ScanningKey> old = List.copyOf(published);
    published.clear();
    old.forEach(k -> published.add(new ScanningKey(k.identifier(), k.keys(), false)));
    ScanningKey fresh = newKey(true);
    published.add(fresh);
    return fresh;
  }

  /** A key this scanner never publishes: what a forger holds. */
  public static ScanningKey unpublishedKey() {
    return newKey(false);
  }

  /** How often its keys were fetched. */
  public int keyRequests() {
    return keyRequests.get();
  }

  /** The {@code Github-Public-Key-Signature} of {@code body} by {@code key}. */
  public static String sign(ScanningKey key, String body) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key.keys().getPrivate());
      signer.update(body.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A report body as GitHub sends it: {@code [{"token","type","url","source"}, ...]}, one entry per
   * token, type {@code token_broker_token}, url and source made up.
   */
  public static String body(List<String> tokens) {
    StringBuilder json = new StringBuilder("[");
    for (String token : tokens) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append("{\"token\":\"")
          .append(token.replace("\\", "\\\\").replace("\"", "\\\""))
          .append("\",\"type\":\"token_broker_token\",")
          .append("\"url\":\"https://github.com/octo-org/leaky/blob/abc123/.env\",")
          .append("\"source\":\"content\"}");
    }
    return json.append(']').toString();
  }

  /**
   * POSTs {@code body}, signed by {@code key}, to {@code endpoint} (the broker's {@code
   * /leaks/github}), as GitHub does.
   */
  public static HttpResponse<String> report(URI endpoint, ScanningKey key, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/json")
            .header("Github-Public-Key-Identifier", key.identifier())
            .header("Github-Public-Key-Signature", sign(key, body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private synchronized String document() {
    StringBuilder json = new StringBuilder("{\"public_keys\":[");
    for (int i = 0; i < published.size(); i++) {
      ScanningKey key = published.get(i);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("key_identifier", key.identifier());
      entry.put("key", pem(key));
      entry.put("is_current", key.current());
      json.append(i == 0 ? "" : ",")
          .append(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(entry));
    }
    return json.append("]}").toString();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean keys =
          exchange.getRequestURI().getRawPath().equals(KEYS_PATH)
              && exchange.getRequestMethod().equals("GET");
      if (keys) {
        keyRequests.incrementAndGet();
      }
      byte[] body =
          (keys ? document() : "{\"message\":\"Not Found\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(keys ? 200 : 404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static ScanningKey newKey(boolean current) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      String id =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
      return new ScanningKey(id, pair, current);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(ScanningKey key) {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.keys().getPublic().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
  }

  private static SSLContext serverContext(X509Builder.Issued tls) {
    try {
      char[] password = "changeit".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "tls", tls.keys().getPrivate(), password, new Certificate[] {tls.certificate()});
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make the scanner's TLS context", e);
    }
  }
}
