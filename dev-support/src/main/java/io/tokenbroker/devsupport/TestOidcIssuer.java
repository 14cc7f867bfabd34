package io.tokenbroker.devsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An OpenID Connect issuer served by the test itself, standing in for GitHub Actions, GitLab CI or
 * a Kubernetes API server: real HTTPS on 127.0.0.1 (a self-signed certificate for {@code localhost}
 * and {@code 127.0.0.1}), an OpenID configuration, a JWKS of real RSA and EC keys, and JWTs signed
 * with them. The knobs make it misbehave the ways a real issuer, or an attacker posing as one, can:
 * rotated keys, a wrong {@code issuer} in discovery, redirects, oversized or slow answers, 5xx, an
 * outage. Every request is counted per path.
 */
public final class TestOidcIssuer implements AutoCloseable {

  /** The discovery path, relative to the issuer. */
  public static final String DISCOVERY = "/.well-known/openid-configuration";

  /** The JWKS path, relative to the issuer. */
  public static final String JWKS = "/.well-known/jwks";

  /**
   * A second name the TLS certificate holds, which no DNS resolves ({@code .test} is reserved): a
   * client that reaches the issuer under it proves it connected to an address it was given.
   */
  public static final String ALIAS = "issuer.test";

  /** How a path misbehaves. */
  public sealed interface Fault {
    /** This status with a small JSON error body. */
    record Status(int code) implements Fault {}

    /** A 302 to {@code location}. */
    record Redirect(String location) implements Fault {}

    /** A JSON body of {@code bytes} bytes (declared by Content-Length, or chunked). */
    record Oversized(int bytes, boolean chunked) implements Fault {}

    /** The usual answer, after {@code delay}. */
    record Slow(Duration delay) implements Fault {}

    /** The usual body, with this Content-Type. */
    record ContentType(String value) implements Fault {}

    /** The usual answer, chunked (no Content-Length). */
    record Chunked() implements Fault {}
  }

  private final Clock clock;
  private final String basePath;
  private final X509Builder.Issued tls;
  private final SSLContext serverTls;
  private final List<JWK> published = new ArrayList<>();
  private final Map<String, JWK> signingKeys = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile String rsaKid;
  private volatile String ecKid;
  private volatile String discoveryIssuer;
  private volatile String discoveryJwksUri;
  private volatile HttpsServer server;
  private final int port;

  private TestOidcIssuer(Clock clock, String basePath) throws IOException {
    this.clock = clock;
    this.basePath = basePath;
    this.tls =
        X509Builder.subject("CN=localhost,O=Test OIDC issuer")
            .dns("localhost")
            .dns(ALIAS)
            .ip("127.0.0.1")
            .selfSigned();
    this.serverTls = serverContext(tls);
    this.rsaKid = addKey(rsa());
    this.ecKid = addKey(ec(Curve.P_256));
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  /** An issuer at {@code https://localhost:<port>} on the system clock. */
  public static TestOidcIssuer start() {
    return start(Clock.systemUTC(), "");
  }

  /**
   * An issuer at {@code https://localhost:<port><basePath>} (e.g. {@code /id/ABC}, as EKS issuers
   * have a path), minting tokens whose times come from {@code clock}.
   */
  public static TestOidcIssuer start(Clock clock, String basePath) {
    try {
      return new TestOidcIssuer(clock, basePath);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test OIDC issuer", e);
    }
  }

  /** The issuer identifier: {@code https://localhost:<port><basePath>}. */
  public URI issuer() {
    return URI.create("https://localhost:" + port + basePath);
  }

  /** The JWKS URL discovery names. */
  public URI jwksUri() {
    return url(JWKS);
  }

  /** A URL under the issuer. */
  public URI url(String path) {
    return URI.create(issuer() + path);
  }

  public int port() {
    return port;
  }

  /** The TLS certificate (self-signed, for localhost and 127.0.0.1). */
  public X509Certificate certificate() {
    return tls.certificate();
  }

  public String certificatePem() {
    return tls.pem();
  }

  /** A trust store holding only this issuer's TLS certificate. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("test-oidc-issuer", tls.certificate());
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client TLS context that trusts this issuer's certificate and nothing else. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- keys

  /** The kid of the current RSA (RS256) signing key. */
  public String rsaKid() {
    return rsaKid;
  }

  /** The kid of the current EC P-256 (ES256) signing key. */
  public String ecKid() {
    return ecKid;
  }

  /** The public keys the JWKS serves now. */
  public synchronized List<JWK> publishedKeys() {
    return List.copyOf(published);
  }

  /**
   * A new RSA key becomes the current one and is published next to the old ones (as issuers do, so
   * tokens signed before the rotation still verify); returns its kid.
   */
  public String rotate() {
    rsaKid = addKey(rsa());
    return rsaKid;
  }

  /** The key {@code kid} leaves the JWKS (tokens can still be signed with it). */
  public synchronized void retire(String kid) {
    published.removeIf(k -> kid.equals(k.getKeyID()));
  }

  /** Publishes {@code key} as given (public or not), to test what a fetcher keeps. */
  public synchronized void publish(JWK key) {
    published.add(key);
  }

  // ---- knobs

  /** Discovery answers with this {@code issuer} instead of the true one (issuer confusion). */
  public void discoveryIssuer(String value) {
    this.discoveryIssuer = value;
  }

  /**
   * Discovery names this {@code jwks_uri} instead of its own (e.g. {@code http://...}, or a host on
   * a private address).
   */
  public void discoveryJwksUri(String value) {
    this.discoveryJwksUri = value;
  }

  /** {@code path} (relative to the issuer, e.g. {@link #JWKS}) misbehaves as {@code fault}. */
  public void fail(String path, Fault fault) {
    faults.put(path, fault);
  }

  /** Every path answers normally again and discovery names the true issuer and JWKS. */
  public void heal() {
    faults.clear();
    discoveryIssuer = null;
    discoveryJwksUri = null;
  }

  /** An outage: the port refuses connections until {@link #up()}. */
  public synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Back on the same port after {@link #down()}. */
  public synchronized void up() {
    if (server == null) {
      try {
        server = listen(port);
      } catch (IOException e) {
        throw new IllegalStateException("cannot listen again on port " + port, e);
      }
    }
  }

  /** How many requests {@code path} (relative to the issuer) has had. */
  public int requests(String path) {
    AtomicInteger count = requests.get(path);
    return count == null ? 0 : count.get();
  }

  /** The TLS server names (SNI) clients asked for, one entry per request that sent one. */
  public List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  public void resetCounts() {
    requests.clear();
    serverNames.clear();
  }

  @Override
  public void close() {
    down();
    executor.close();
  }

  // ---- tokens

  /** A token from this issuer with only {@code iss}, {@code iat}, {@code nbf}, {@code exp}. */
  public Jwt jwt() {
    Instant now = clock.instant();
    return new Jwt()
        .claim("iss", issuer().toString())
        .claim("iat", now)
        .claim("nbf", now)
        .claim("exp", now.plus(Duration.ofMinutes(5)));
  }

  /**
   * A GitHub Actions ID token for a push to {@code main} of {@code acme/deployer} running the
   * shared {@code acme/workflows} deploy workflow in environment {@code production}. As GitHub
   * issues it: a job with an environment gets the subject {@code repo:OWNER/REPO:environment:NAME}
   * (the ref is then only in the {@code ref} claim); see {@link #githubWithoutEnvironment}.
   */
  public Jwt github(String audience) {
    return jwt()
        .claim("aud", audience)
        .claim("sub", "repo:acme/deployer:environment:production")
        .claim("repository", "acme/deployer")
        .claim("repository_id", "987654321")
        .claim("repository_owner", "acme")
        .claim("repository_owner_id", "1234567")
        .claim("ref", "refs/heads/main")
        .claim("ref_type", "branch")
        .claim("event_name", "push")
        .claim("workflow_ref", "acme/deployer/.github/workflows/ci.yml@refs/heads/main")
        .claim("job_workflow_ref", "acme/workflows/.github/workflows/deploy.yml@refs/heads/main")
        .claim("environment", "production")
        .claim("run_id", "5544332211")
        .claim("jti", UUID.randomUUID().toString());
  }

  /**
   * The same push's token for a job without an environment: subject {@code
   * repo:acme/deployer:ref:refs/heads/main}, no {@code environment} claim.
   */
  public Jwt githubWithoutEnvironment(String audience) {
    return github(audience)
        .without("environment")
        .claim("sub", "repo:acme/deployer:ref:refs/heads/main");
  }

  /**
   * A Kubernetes projected service-account token for {@code system:serviceaccount:payments:api} in
   * a pod of that namespace; valid an hour, as kubelet asks.
   */
  public Jwt kubernetes(String audience) {
    Instant now = clock.instant();
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("name", "api-7c9d8f-x2k4p");
    pod.put("uid", "1f0e3a52-6c1b-4f7e-9a55-0c2b7d4e8f10");
    Map<String, Object> account = new LinkedHashMap<>();
    account.put("name", "api");
    account.put("uid", "8b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d");
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("namespace", "payments");
    kubernetes.put("pod", pod);
    kubernetes.put("serviceaccount", account);
    return jwt()
        .claim("aud", List.of(audience))
        .claim("sub", "system:serviceaccount:payments:api")
        .claim("kubernetes.io", kubernetes)
        .claim("exp", now.plus(Duration.ofHours(1)))
        .claim("jti", UUID.randomUUID().toString());
  }

  /** A token being made: claims and header as the test wants them, then {@link #sign()}. */
  public final class Jwt {
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Map<String, Object> header = new LinkedHashMap<>();
    private String alg = "RS256";
    private String kid;
    private String typ = "JWT";
    private JWK forgedKey;

    private Jwt() {}

    /** Sets a claim; an {@link Instant} becomes seconds since the epoch. */
    public Jwt claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    public Jwt without(String claim) {
      claims.remove(claim);
      return this;
    }

    /** A further header parameter. */
    public Jwt header(String name, Object value) {
      header.put(name, value);
      return this;
    }

    /**
     * The JWS algorithm: {@code RS256}/{@code RS384}/{@code RS512}/{@code PS256} sign with the RSA
     * key, {@code ES256} with the EC key, {@code none} makes an unsigned token.
     */
    public Jwt alg(String value) {
      this.alg = value;
      return this;
    }

    /**
     * The kid in the header, and the key that signs (any key this issuer made, published or not).
     */
    public Jwt kid(String value) {
      this.kid = value;
      return this;
    }

    /** The {@code typ} header, or none for {@code null}. */
    public Jwt typ(String value) {
      this.typ = value;
      return this;
    }

    /** Signed by a key the issuer never published, under the kid it would otherwise carry. */
    public Jwt forged() {
      this.forgedKey = alg.startsWith("ES") ? ec(Curve.P_256) : rsa();
      return this;
    }

    public String sign() {
      JWTClaimsSet.Builder body = new JWTClaimsSet.Builder();
      claims.forEach(
          (name, value) -> body.claim(name, value instanceof Instant i ? Date.from(i) : value));
      if ("none".equals(alg)) {
        return new PlainJWT(body.build()).serialize();
      }
      JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
      String keyId = kid != null ? kid : (alg.startsWith("ES") ? ecKid : rsaKid);
      JWK key = forgedKey != null ? forgedKey : signingKeys.get(keyId);
      if (key == null) {
        throw new IllegalArgumentException("this issuer made no key " + keyId);
      }
      JWSHeader.Builder head = new JWSHeader.Builder(algorithm).keyID(keyId);
      if (typ != null) {
        head.type(new JOSEObjectType(typ));
      }
      header.forEach(head::customParam);
      try {
        JWSSigner signer =
            key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey());
        SignedJWT jwt = new SignedJWT(head.build(), body.build());
        jwt.sign(signer);
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException("cannot sign with " + alg, e);
      }
    }
  }

  // ---- server

  private HttpsServer listen(int onPort) throws IOException {
    HttpsServer https =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    https.setExecutor(executor);
    https.createContext("/", this::answer);
    https.start();
    return https;
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String full = exchange.getRequestURI().getRawPath();
      String path = full.startsWith(basePath) ? full.substring(basePath.length()) : full;
      requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      if (exchange instanceof HttpsExchange https
          && https.getSSLSession() instanceof ExtendedSSLSession session) {
        for (SNIServerName name : session.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            serverNames.add(host.getAsciiName());
          }
        }
      }
      Fault fault = faults.get(path);
      String body =
          switch (path) {
            case DISCOVERY -> discovery();
            case JWKS -> jwks();
            default -> null;
          };
      if (body == null || !"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 404, "application/json", "{\"error\":\"not_found\"}", false);
        return;
      }
      switch (fault) {
        case null -> send(exchange, 200, "application/json", body, false);
        case Fault.Status s ->
            send(exchange, s.code(), "application/json", "{\"error\":\"x\"}", false);
        case Fault.Redirect r -> {
          exchange.getResponseHeaders().set("Location", r.location());
          send(exchange, 302, "text/plain", "", false);
        }
        case Fault.Oversized o ->
            send(exchange, 200, "application/json", padded(o.bytes()), o.chunked());
        case Fault.Slow s -> {
          sleep(s.delay());
          send(exchange, 200, "application/json", body, false);
        }
        case Fault.ContentType c -> send(exchange, 200, c.value(), body, false);
        case Fault.Chunked c -> send(exchange, 200, "application/json; charset=utf-8", body, true);
      }
    }
  }

  private String discovery() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("issuer", discoveryIssuer != null ? discoveryIssuer : issuer().toString());
    document.put("jwks_uri", discoveryJwksUri != null ? discoveryJwksUri : jwksUri().toString());
    document.put("response_types_supported", List.of("id_token"));
    document.put("subject_types_supported", List.of("public"));
    document.put("id_token_signing_alg_values_supported", List.of("RS256", "ES256"));
    return JSONObjectUtils.toJSONString(document);
  }

  private synchronized String jwks() {
    List<Object> keys = new ArrayList<>();
    for (JWK key : published) {
      keys.add(key.toJSONObject());
    }
    return JSONObjectUtils.toJSONString(Map.of("keys", keys));
  }

  private static String padded(int bytes) {
    String start = "{\"keys\":[],\"pad\":\"";
    String end = "\"}";
    return start + "x".repeat(Math.max(0, bytes - start.length() - end.length())) + end;
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, String body, boolean chunked)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized String addKey(JWK key) {
    signingKeys.put(key.getKeyID(), key);
    published.add(key.toPublicJWK());
    return key.getKeyID();
  }

  private static RSAKey rsa() {
    try {
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .keyID("rsa-" + UUID.randomUUID().toString().substring(0, 8))
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey ec(Curve curve) {
    try {
      return new ECKeyGenerator(curve)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .keyID("ec-" + UUID.randomUUID().toString().substring(0, 8))
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
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
      throw new IllegalStateException("cannot make the issuer's TLS context", e);
    }
  }
}
