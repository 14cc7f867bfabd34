package io.tokenbroker.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.clients.ClientRepository;
import io.tokenbroker.discovery.BrokerEndpoints;
import io.tokenbroker.keys.KeyRepository;
import io.tokenbroker.keys.KeySigner;
import io.tokenbroker.keys.KeyState;
import io.tokenbroker.keys.ManagedKey;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.oauth.TokenService;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenRecord;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.revocation.RevocationStore;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.testing.EventFiles;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.Issuance;
import io.tokenbroker.tokens.IssuanceRepository;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.verify.RevocationStatus;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the benchmarks and the harness share: the broker's real domain objects wired to in-memory
 * ports (keys generated in the JVM, real crypto). Key pairs and the sample events from {@code
 * events/} come from shared's test fixtures ({@link TestKeys}, {@link EventFiles}), as in the
 * tests.
 */
public final class BenchFixtures {

  public static final String ISSUER = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";
  public static final String AUDIENCE = "https://orders.example.com";
  public static final String ROLE = "arn:aws:iam::123456789012:role/ci-deployer";
  public static final String ROUTES =
      "{\"GET /orders/*\": [\"orders:read\"], \"POST /orders\": [\"orders:write\"]}";

  private BenchFixtures() {}

  public static PrivateKey privateKey(JWK key) {
    try {
      return switch (key) {
        case RSAKey rsa -> rsa.toPrivateKey();
        case ECKey ec -> ec.toPrivateKey();
        default -> throw new IllegalArgumentException("unexpected key type " + key.getKeyType());
      };
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ACTIVE key record for a locally held key pair. */
  public static SigningKey activeKey(JWK key) {
    ManagedKey managed =
        new ManagedKey(
            "local-" + UUID.randomUUID(), (JWSAlgorithm) key.getAlgorithm(), key.toPublicJWK());
    return SigningKey.created(managed, KeyState.ACTIVE, Instant.now());
  }

  /**
   * A KeySigner that signs in the JVM with the key's private half, built once: the local stand-in
   * for KMS's Sign (which in the function is a network round trip, not measured here).
   */
  public static KeySigner localSigner(JWK key) {
    PrivateKey privateKey = privateKey(key);
    return (signingKey, signingInput) -> {
      JWSSigner signer =
          switch (privateKey) {
            case java.security.interfaces.RSAPrivateKey rsa -> new RSASSASigner(rsa);
            case java.security.interfaces.ECPrivateKey ec -> ecdsa(ec);
            default -> throw new IllegalStateException("unexpected key");
          };
      try {
        return signer.sign(new JWSHeader(signingKey.algorithm()), signingInput).decode();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static JWSSigner ecdsa(java.security.interfaces.ECPrivateKey key) {
    try {
      return new ECDSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key table in memory: a fixed list of records. */
  public static KeyRepository keyTable(SigningKey... keys) {
    return new KeyRepository() {
      @Override
      public List<SigningKey> findAll() {
        return List.of(keys);
      }

      @Override
      public Optional<SigningKey> find(String kid) {
        return findAll().stream().filter(k -> k.kid().equals(kid)).findFirst();
      }

      @Override
      public void create(SigningKey key) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public void update(SigningKey updated) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public void write(List<SigningKey> created, List<SigningKey> updated) {
        throw new UnsupportedOperationException("read-only");
      }
    };
  }

  /**
   * Issuance records in memory, once per jti as the DynamoDB adapter's conditional write does;
   * bounded, so that millions of benchmark operations do not fill the heap.
   */
  public static final class InMemoryIssuances implements IssuanceRepository {
    private final Map<String, Issuance> records = new ConcurrentHashMap<>();

    @Override
    public void record(Issuance issuance) {
      if (records.size() >= 10_000) {
        records.clear();
      }
      if (records.putIfAbsent(issuance.jti(), issuance) != null) {
        throw new IllegalStateException("jti recorded twice");
      }
    }

    @Override
    public Optional<Issuance> find(String jti) {
      return Optional.ofNullable(records.get(jti));
    }

    private final Map<String, Long> deliveries = new ConcurrentHashMap<>();

    @Override
    public void recordDelivery(String jti, Instant at) {
      if (!records.containsKey(jti)) {
        throw new IllegalStateException("delivery of an unrecorded jti");
      }
      deliveries.merge(jti, 2L, (count, one) -> count + 1);
    }

    @Override
    public long deliveries(String jti) {
      return records.containsKey(jti) ? deliveries.getOrDefault(jti, 1L) : 0;
    }
  }

  /**
   * The bench clients do not take refresh tokens (as most workloads), so the token path never
   * reaches this store; a call would be a wrong measurement, hence the failure.
   */
  public static final RefreshTokenStore NO_REFRESH_TOKENS =
      new RefreshTokenStore() {
        @Override
        public void startFamily(
            RefreshFamily family, RefreshTokenRecord first, Issuance accessToken) {
          throw new UnsupportedOperationException("bench clients take no refresh tokens");
        }

        @Override
        public Optional<RefreshTokenRecord> find(String hash) {
          throw new UnsupportedOperationException("bench clients take no refresh tokens");
        }

        @Override
        public Optional<RefreshFamily> family(String familyId) {
          throw new UnsupportedOperationException("bench clients take no refresh tokens");
        }

        @Override
        public void rotate(
            RefreshFamily family,
            RefreshTokenRecord used,
            RefreshTokenRecord next,
            Issuance accessToken) {
          throw new UnsupportedOperationException("bench clients take no refresh tokens");
        }
      };

  /** A revocation table with nothing in it: the authorizer's common case. */
  public static final RevocationStore NO_REVOCATIONS =
      new RevocationStore() {
        @Override
        public RevocationStatus status(
            String jti,
            String clientId,
            String kid,
            Optional<String> familyId,
            List<io.tokenbroker.jose.Ancestor> lineage) {
          return RevocationStatus.NONE;
        }

        @Override
        public RevocationStatus familyStatus(String clientId, String familyId) {
          return RevocationStatus.NONE;
        }
      };

  /** Registered clients in memory. */
  public static ClientRepository clientTable(Client... clients) {
    return new ClientRepository() {
      @Override
      public Optional<Client> find(String clientId) {
        return List.of(clients).stream().filter(c -> c.clientId().equals(clientId)).findFirst();
      }

      @Override
      public Optional<String> clientIdForRole(String role) {
        return List.of(clients).stream()
            .filter(c -> c.iamRoles().contains(role))
            .map(Client::clientId)
            .findFirst();
      }

      @Override
      public Client save(Client client, long expectedVersion) {
        throw new UnsupportedOperationException("read-only");
      }

      @Override
      public List<Client> list() {
        return List.of(clients);
      }
    };
  }

  /**
   * The production telemetry (JSON lines with EMF), writing to nowhere: its formatting cost is
   * measured, the pipe to CloudWatch is not.
   */
  public static Telemetry telemetry(String function) {
    return new JsonLinesTelemetry(
        new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8),
        Clock.systemUTC(),
        function,
        new io.tokenbroker.config.TelemetryConfig(
            java.util.Optional.of("bench-stack"),
            io.tokenbroker.telemetry.TelemetryEvent.Level.INFO));
  }

  /**
   * What Lambda hands an invocation: a context with its request id, and (Java runtime) the X-Ray
   * trace header as a system property; so every line carries the invocation's ids, as in Lambda.
   */
  public static com.amazonaws.services.lambda.runtime.Context lambdaContext() {
    System.setProperty(
        "com.amazonaws.xray.traceHeader",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    return LAMBDA_CONTEXT;
  }

  private static final com.amazonaws.services.lambda.runtime.Context LAMBDA_CONTEXT =
      (com.amazonaws.services.lambda.runtime.Context)
          java.lang.reflect.Proxy.newProxyInstance(
              BenchFixtures.class.getClassLoader(),
              new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getAwsRequestId" -> "8f5e4f4e-0b9c-4c5e-9d1e-1d2f3a4b5c6d";
                    case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 1024;
                    default -> null;
                  });

  /** The IAM-bound client of the sample events ({@code ci-deployer}), allowed up to an hour. */
  public static Client iamClient() {
    return ClientJson.parse(
        """
        {"client_id": "ci-deployer", "iam_roles": ["%s"],
         "scopes": ["orders:read", "orders:write"], "default_scopes": ["orders:read"],
         "audiences": ["%s"], "default_lifetime_seconds": 300, "max_lifetime_seconds": 3600}
        """
            .formatted(ROLE, AUDIENCE));
  }

  /** A client that authenticates with {@code private_key_jwt} using {@code key}. */
  public static Client keyClient(String clientId, JWK key) {
    return ClientJson.parse(
        """
        {"client_id": "%s", "jwks": {"keys": [%s]},
         "scopes": ["orders:read", "orders:write"], "default_scopes": ["orders:read"],
         "audiences": ["%s"]}
        """
            .formatted(clientId, key.toPublicJWK().toJSONString(), AUDIENCE));
  }

  /** The token service wired to a local signer and in-memory key table and issuance records. */
  public static TokenService tokenService(JWK key, Telemetry telemetry) {
    return new TokenService(
        new AccessTokenMinter(
            new PublishedKeys(keyTable(activeKey(key)), Clock.systemUTC(), Duration.ofSeconds(30)),
            localSigner(key),
            new BrokerEndpoints(URI.create(ISSUER)),
            Clock.systemUTC(),
            new SecureRandom()),
        new InMemoryIssuances(),
        NO_REFRESH_TOKENS,
        Duration.ofHours(1),
        Duration.ofDays(90),
        new SecureRandom(),
        telemetry);
  }

  /** A token request as the IAM sample event makes it, asking for {@code lifetime}. */
  public static TokenRequest tokenRequest(Duration lifetime) {
    return TokenRequest.from(
        Form.parse(
            "grant_type=client_credentials&scope=orders%3Aread&expires_in="
                + lifetime.toSeconds()));
  }

  public static AuthenticatedClient iamCaller() {
    return new AuthenticatedClient(iamClient(), AuthMethod.AWS_IAM, ROLE);
  }

  /** The REST REQUEST authorizer sample event, carrying {@code token} as its bearer token. */
  @SuppressWarnings("unchecked")
  public static byte[] authorizerEvent(String token) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request.json");
    ((Map<String, Object>) event.get("headers")).put("Authorization", "Bearer " + token);
    ((Map<String, Object>) event.get("multiValueHeaders"))
        .put("Authorization", List.of("Bearer " + token));
    return JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The REST REQUEST authorizer sample of a custom domain with a base path, carrying {@code DPoP
   * <token>} and {@code proof} (for GET https://api.example.com/shop/orders/42).
   */
  @SuppressWarnings("unchecked")
  public static byte[] dpopAuthorizerEvent(String token, String proof) {
    Map<String, Object> event = EventFiles.load("authorizer/rest-request-custom-domain-dpop.json");
    Map<String, Object> headers = (Map<String, Object>) event.get("headers");
    Map<String, Object> multi = (Map<String, Object>) event.get("multiValueHeaders");
    headers.put("Authorization", "DPoP " + token);
    multi.put("Authorization", List.of("DPoP " + token));
    headers.put("DPoP", proof);
    multi.put("DPoP", List.of(proof));
    return JSONObjectUtils.toJSONString(event).getBytes(StandardCharsets.UTF_8);
  }
}
