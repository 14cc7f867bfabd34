package io.tokenbroker.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A workload's identity token from its own platform as its only credential: each new token is asked
 * with the token-exchange grant (RFC 8693) at {@code POST /token}, the outside token as {@code
 * subject_token} and the client it acts as in {@code client_id}; the broker checks the token
 * against that client's trust policies. No secret of the broker's is ever held: the platform's
 * token is short-lived and bound to this workload.
 *
 * <p>The outside token is read or fetched anew for every attempt (a retry after 429 or 503
 * included), never cached here: a Kubernetes projected token file is rotated by the kubelet, and a
 * GitHub Actions token's {@code jti} may be accepted once only. The broker issues no refresh token
 * for an exchange; {@link TokenClient} renews ahead of expiry with a new exchange, and keeps its
 * cache, single flight and back-off as for any credential.
 *
 * <p>Renewal sends the source's token as it is then. A source that hands out a new token each time
 * (GitHub Actions) or rotates it well within a trust policy's limits (a Kubernetes projected token
 * of 600 s to an hour, with {@code single_use: false}) renews for as long as it runs. A source that
 * reuses one token for long (a GitLab job's one ID token per job; an IRSA-style file, reused for up
 * to 24 hours) sends the same token again: under a policy's defaults, {@code single_use: true} and
 * {@code max_token_age_seconds} 900, that renewal is refused ({@code invalid_request}: a replay, or
 * too old). Such sources need a policy with {@code single_use: false} and a {@code
 * max_token_age_seconds} at least as long as the token is used. Sources:
 *
 * <ul>
 *   <li>{@link #fromFile}: a token file, re-read on every exchange: a Kubernetes projected
 *       service-account token ({@link #kubernetes}), or a file an environment variable names
 *       ({@link #fromFileNamedBy}, e.g. {@code AWS_WEB_IDENTITY_TOKEN_FILE});
 *   <li>{@link #githubActions}: a new ID token per exchange from GitHub's ID-token endpoint, for
 *       the broker's audience (the job needs {@code permissions: id-token: write});
 *   <li>{@link #gitlabCi}: the ID token GitLab puts in the variable the job's {@code id_tokens:}
 *       names;
 *   <li>{@link #fromSupplier}: any other source.
 * </ul>
 *
 * <p>Whatever the source gives must look like a JWT (three base64url parts, at most 8 KiB), or it
 * is not sent: a wrong path never sends a key file to the broker. No token, nor GitHub's request
 * token, is put in a message, a log line or {@link #toString()}. In a delegation ({@link
 * TokenClient#actFor}) the outside token is the actor token; down-scoping needs a credential that
 * authenticates the request, which this is not ({@link TokenClient#downscope}).
 */
public final class FederatedCredentials implements ClientAuthentication {

  /** RFC 8693 3: any JWT (a Kubernetes service-account token, a cloud workload token). */
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  /** RFC 8693 3: an OpenID Connect ID token (GitHub Actions, GitLab CI). */
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

  /** Where examples/kubernetes-projected-token.yaml mounts the pod's token for the broker. */
  public static final Path KUBERNETES_TOKEN_FILE = Path.of("/var/run/secrets/tokens/broker");

  /** The longest subject token the broker reads. */
  static final int MAX_TOKEN_CHARS = 8 * 1024;

  private static final Pattern COMPACT_JWS =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  private static final Duration GITHUB_TIMEOUT = Duration.ofSeconds(10);

  /** Where the outside token comes from; its toString says so, without the token. */
  private interface Source {
    /**
     * The token to exchange now.
     *
     * @throws UncheckedIOException for a failure worth trying again with back-off
     */
    String token();
  }

  private final String clientId;
  private final String tokenType;
  private final Source source;
  private final String description;

  private FederatedCredentials(
      String clientId, String tokenType, Source source, String description) {
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("clientId: the client whose trust policy names the token");
    }
    if (!tokenType.equals(JWT) && !tokenType.equals(ID_TOKEN)) {
      throw new IllegalArgumentException("tokenType must be " + JWT + " or " + ID_TOKEN);
    }
    this.clientId = clientId;
    this.tokenType = tokenType;
    this.source = source;
    this.description = description;
  }

  /**
   * The token in {@code file}, read anew for every exchange (a Kubernetes projected token, which
   * the kubelet replaces before it expires; any file a platform keeps fresh), as a {@code jwt}.
   */
  public static FederatedCredentials fromFile(String clientId, Path file) {
    Objects.requireNonNull(file, "file");
    return new FederatedCredentials(clientId, JWT, () -> readFile(file), "token file " + file);
  }

  /**
   * A Kubernetes projected service-account token at {@link #KUBERNETES_TOKEN_FILE}, as
   * examples/kubernetes-projected-token.yaml mounts it (its {@code audience} the broker's).
   */
  public static FederatedCredentials kubernetes(String clientId) {
    return fromFile(clientId, KUBERNETES_TOKEN_FILE);
  }

  /**
   * The token file named by the environment variable {@code variable}, e.g. {@code
   * AWS_WEB_IDENTITY_TOKEN_FILE} (EKS pod identity webhook, IRSA), read anew for every exchange.
   *
   * <p>Such a file is reused for up to 24 hours (an IRSA token lives 24 hours and is replaced only
   * late in its life): each renewal exchanges the same token, older every time. The client's trust
   * policy needs {@code single_use: false} (by default a token's {@code jti} is accepted once, so
   * the first renewal would be refused as a replay) and a {@code max_token_age_seconds} at least
   * the file's lifetime, e.g. 86400 (by default 900: a token older than 15 minutes is refused as
   * too old).
   *
   * @throws IllegalStateException if the variable is not set
   */
  public static FederatedCredentials fromFileNamedBy(String clientId, String variable) {
    return fromFileNamedBy(clientId, variable, System::getenv);
  }

  static FederatedCredentials fromFileNamedBy(
      String clientId, String variable, Function<String, String> env) {
    return fromFile(clientId, Path.of(required(env, variable, "set it to the token file's path")));
  }

  /**
   * GitHub Actions: for every exchange a new ID token for {@code audience} (the audience the
   * client's trust policy requires, usually the broker's issuer URL), from the job's ID-token
   * endpoint ({@code ACTIONS_ID_TOKEN_REQUEST_URL} with {@code &audience=} appended, the bearer
   * {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN}); both are set only for a job with {@code permissions:
   * id-token: write}. The endpoint's failures (5xx, 429, unreachable) are retried with the client's
   * back-off; a 4xx is not.
   *
   * @throws IllegalStateException if the job has no ID-token endpoint
   */
  public static FederatedCredentials githubActions(String clientId, String audience) {
    return githubActions(clientId, audience, System::getenv, defaultHttp());
  }

  /** As {@link #githubActions(String, String)}, through {@code http} (a proxy, a trust store). */
  public static FederatedCredentials githubActions(
      String clientId, String audience, HttpClient http) {
    return githubActions(clientId, audience, System::getenv, http);
  }

  static FederatedCredentials githubActions(
      String clientId, String audience, Function<String, String> env, HttpClient http) {
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("audience: the one the client's trust policy requires");
    }
    String hint = "the job needs `permissions: id-token: write`";
    String url = required(env, "ACTIONS_ID_TOKEN_REQUEST_URL", hint);
    String bearer = required(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", hint);
    URI endpoint;
    try {
      endpoint =
          URI.create(
              url
                  + (url.contains("?") ? "&" : "?")
                  + "audience="
                  + URLEncoder.encode(audience, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL");
    }
    // Its bearer token must not travel in clear (http only to this machine: tests, a local runner).
    if (!"https".equalsIgnoreCase(endpoint.getScheme()) && !onThisMachine(endpoint)) {
      throw new IllegalStateException("ACTIONS_ID_TOKEN_REQUEST_URL must be https");
    }
    GitHubIdTokens tokens = new GitHubIdTokens(endpoint, bearer, Objects.requireNonNull(http));
    return new FederatedCredentials(
        clientId, ID_TOKEN, tokens::fetch, "GitHub Actions ID token for audience " + audience);
  }

  /**
   * GitLab CI: the ID token in the environment variable {@code variable}, the name the job's {@code
   * id_tokens:} gives it (with {@code aud:} the audience the client's trust policy requires).
   *
   * <p>A job has one such token for its whole run, so each renewal exchanges the same token again.
   * By default a trust policy accepts a token's {@code jti} once ({@code single_use: true}) and
   * refuses a token older than 900 s ({@code max_token_age_seconds}): with those, the first token
   * works and its renewal is refused. For a job that needs tokens for longer than one token's
   * lifetime, give the client's trust policy {@code single_use: false} and a {@code
   * max_token_age_seconds} at least the job's duration.
   *
   * @throws IllegalStateException if the variable is not set
   */
  public static FederatedCredentials gitlabCi(String clientId, String variable) {
    return gitlabCi(clientId, variable, System::getenv);
  }

  static FederatedCredentials gitlabCi(
      String clientId, String variable, Function<String, String> env) {
    String hint = "declare it under the job's id_tokens: with the broker's aud";
    required(env, variable, hint);
    return new FederatedCredentials(
        clientId,
        ID_TOKEN,
        () -> checked(required(env, variable, hint), variable),
        "GitLab CI ID token from $" + variable);
  }

  /**
   * Any source: {@code token} gives the outside token to exchange, called for every attempt; it may
   * throw {@link UncheckedIOException} for a failure worth retrying with back-off.
   *
   * @param tokenType {@link #JWT} or {@link #ID_TOKEN}
   */
  public static FederatedCredentials fromSupplier(
      String clientId, Supplier<String> token, String tokenType) {
    Objects.requireNonNull(token, "token");
    return new FederatedCredentials(
        clientId, tokenType, () -> checked(token.get(), "the supplier"), "supplied token");
  }

  /** The same source, presented as another token type ({@link #JWT} or {@link #ID_TOKEN}). */
  public FederatedCredentials withTokenType(String tokenType) {
    return new FederatedCredentials(clientId, tokenType, source, description);
  }

  /** The client the outside token authenticates as. */
  public String clientId() {
    return clientId;
  }

  /** The {@code subject_token_type} it is sent as. */
  public String tokenType() {
    return tokenType;
  }

  @Override
  public String tokenPath() {
    return "/token";
  }

  /** The token exchange of the outside token, read or fetched now. */
  @Override
  public SequencedMap<String, String> credentialGrant() {
    SequencedMap<String, String> grant = new LinkedHashMap<>();
    grant.put("grant_type", TokenEndpoint.TOKEN_EXCHANGE);
    grant.put("subject_token", source.token());
    grant.put("subject_token_type", tokenType);
    grant.put("requested_token_type", TokenEndpoint.ACCESS_TOKEN_TYPE);
    return grant;
  }

  /**
   * The outside token, read or fetched now, as the actor of a delegation ({@link
   * TokenClient#actFor}): the broker authenticates the acting client by it.
   */
  Map<String, String> actorToken() {
    return Map.of("actor_token", source.token(), "actor_token_type", tokenType);
  }

  /** Names the client: the subject token is the credential, there is no other. */
  @Override
  public HttpRequest.Builder post(URI endpoint, String issuer, Map<String, String> parameters) {
    Map<String, String> form = new LinkedHashMap<>(parameters);
    form.put("client_id", clientId);
    return HttpRequest.newBuilder(endpoint)
        .header("Content-Type", Forms.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(Forms.encode(form)));
  }

  @Override
  public String toString() {
    return "FederatedCredentials[client " + clientId + ", " + description + "]";
  }

  private static String required(Function<String, String> env, String variable, String hint) {
    String value = env.apply(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(variable + " is not set: " + hint);
    }
    return value;
  }

  private static String readFile(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_TOKEN_CHARS + 64);
    } catch (NoSuchFileException | AccessDeniedException e) {
      // A setting to fix, not a moment to wait out.
      throw new TokenUnavailable(
          "the token file "
              + file
              + (e instanceof NoSuchFileException ? " does not exist" : " cannot be read: denied"),
          null);
    } catch (IOException e) {
      // The kubelet replacing it, a file system hiccup: worth another attempt.
      throw new UncheckedIOException(
          new IOException(
              "the token file "
                  + file
                  + " could not be read ("
                  + e.getClass().getSimpleName()
                  + ")"));
    }
    return checked(new String(bytes, StandardCharsets.US_ASCII), "the token file " + file);
  }

  /** The token, whitespace around it dropped, if it looks like a JWT; else refused, unshown. */
  private static String checked(String token, String from) {
    String t = token == null ? "" : token.strip();
    if (t.isEmpty()) {
      throw new TokenUnavailable(from + " gave no token", null);
    }
    if (t.length() > MAX_TOKEN_CHARS || !COMPACT_JWS.matcher(t).matches()) {
      throw new TokenUnavailable(
          from + " gave something that is not a JWT of at most " + MAX_TOKEN_CHARS + " characters",
          null);
    }
    return t;
  }

  private static boolean onThisMachine(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return uri.getRawUserInfo() == null
        && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  private static HttpClient defaultHttp() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** GitHub Actions' ID-token endpoint: a GET per token, its answer {@code {"value": "..."}}. */
  private record GitHubIdTokens(URI endpoint, String bearer, HttpClient http) {

    private static final String WHAT = "GitHub Actions' ID-token endpoint";

    String fetch() {
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(endpoint)
                    .GET()
                    .timeout(GITHUB_TIMEOUT)
                    .header("Authorization", "Bearer " + bearer)
                    .header("Accept", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(
            new IOException(WHAT + " could not be reached (" + e.getClass().getSimpleName() + ")"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TokenUnavailable("interrupted while asking GitHub for an ID token", e);
      }
      int status = response.statusCode();
      if (status == 429 || status >= 500) {
        throw new UncheckedIOException(new IOException(WHAT + " answered " + status));
      }
      if (status != 200) {
        throw new TokenUnavailable(
            WHAT
                + " answered "
                + status
                + (status == 401 || status == 403
                    ? ": does the job have `permissions: id-token: write`?"
                    : ""),
            null);
      }
      Object value;
      try {
        value = JSONObjectUtils.parse(response.body()).get("value");
      } catch (ParseException e) {
        throw new TokenUnavailable(WHAT + " answered something that is not JSON", null);
      }
      if (!(value instanceof String token)) {
        throw new TokenUnavailable(WHAT + "'s answer has no value", null);
      }
      return checked(token, WHAT);
    }

    @Override
    public String toString() {
      return "GitHubIdTokens[" + endpoint.getHost() + "]";
    }
  }
}
