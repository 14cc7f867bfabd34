package io.tokenbroker.functions.token;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbAssertionReplayGuard;
import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbIssuanceRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.kms.KmsKeySigner;
import io.tokenbroker.adapters.telemetry.JsonLinesTelemetry;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.auth.ClientAuthenticator;
import io.tokenbroker.config.Env;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.http.Form;
import io.tokenbroker.http.HttpFunction;
import io.tokenbroker.http.HttpRequest;
import io.tokenbroker.http.HttpResponse;
import io.tokenbroker.keys.PublishedKeys;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.AccessTokenMinter;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.TokenRequest;
import io.tokenbroker.tokens.TokenService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * The token endpoint (RFC 6749 4.4, client credentials). {@code POST /token} authenticates the
 * client by {@code private_key_jwt}; {@code POST /token/iam} sits behind API Gateway's AWS_IAM
 * authorization and authenticates the caller's IAM role.
 */
public final class TokenHandler implements RequestStreamHandler {

  static final String TOKEN = "/token";
  static final String TOKEN_IAM = "/token/iam";
  private static final int MAX_BODY_CHARS = 16 * 1024;

  private final ClientAuthenticator authenticator;
  private final TokenService tokens;
  private final HttpFunction http;

  /** Lambda's entry: wires real clients from the environment, once per container. */
  public TokenHandler() {
    this(Env.system(), new JsonLinesTelemetry(System.out, Clock.systemUTC(), "token"));
  }

  /** Wires real clients from {@code env} (the local server's way in). */
  public TokenHandler(Env env, Telemetry telemetry) {
    this(TokenWiring.create(TokenConfig.from(env), env, telemetry), telemetry);
  }

  private TokenHandler(TokenWiring wiring, Telemetry telemetry) {
    this(wiring.authenticator(), wiring.tokens(), telemetry);
  }

  public TokenHandler(ClientAuthenticator authenticator, TokenService tokens, Telemetry telemetry) {
    this.authenticator = authenticator;
    this.tokens = tokens;
    this.http = new HttpFunction(telemetry);
  }

  @Override
  public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
    http.serve(in, out, this::respond);
  }

  private HttpResponse respond(HttpRequest request) {
    if (!request.method().equals("POST")) {
      throw RequestRejected.methodNotAllowed("POST");
    }
    if (request.body().length() > MAX_BODY_CHARS) {
      throw new RequestRejected(
          OAuthError.INVALID_REQUEST, 413, "body_too_large", "request body too large", Map.of());
    }
    Form form = Form.of(request);
    TokenRequest tokenRequest = TokenRequest.from(form);
    AuthenticatedClient client =
        switch (request.route()) {
          case TOKEN_IAM ->
              authenticator.withIam(request.context().iamCallerArn(), form.single("client_id"));
          case TOKEN ->
              authenticator.withAssertion(
                  form.single("client_assertion_type"),
                  form.single("client_assertion"),
                  form.single("client_id"));
          default -> throw new RequestRejected(OAuthError.NOT_FOUND, "unknown_route", "not found");
        };
    IssuedToken token =
        tokens.issue(
            client,
            tokenRequest,
            new TokenService.Origin(request.context().sourceIp(), request.context().userAgent()));
    return HttpResponse.json(
            200,
            Map.of(
                "access_token", token.accessToken(),
                "token_type", "Bearer",
                "expires_in", token.expiresInSeconds(),
                "scope", token.scope()),
            "no-store")
        .withHeader("Pragma", "no-cache");
  }

  /** The real adapters behind the handler, built once per container. */
  private record TokenWiring(ClientAuthenticator authenticator, TokenService tokens) {

    static TokenWiring create(TokenConfig config, Env env, Telemetry telemetry) {
      AwsSettings aws = AwsSettings.from(env, ClientTimeouts.requestPath());
      var dynamoDb = AwsClients.dynamoDb(aws);
      var keys =
          new PublishedKeys(
              new DynamoDbKeyRepository(AwsClients.enhanced(dynamoDb), config.keysTable()),
              Clock.systemUTC(),
              config.keyTableCache());
      var authenticator =
          new ClientAuthenticator(
              new DynamoDbClientRepository(dynamoDb, config.clientsTable()),
              new DynamoDbAssertionReplayGuard(
                  dynamoDb, config.assertionsTable(), config.clockSkew()),
              config.endpoints(),
              Clock.systemUTC(),
              config.maxAssertionLifetime(),
              config.clockSkew());
      var minter =
          new AccessTokenMinter(
              keys,
              new KmsKeySigner(AwsClients.kms(aws)),
              config.endpoints(),
              Clock.systemUTC(),
              new SecureRandom());
      var tokens =
          new TokenService(
              minter,
              new DynamoDbIssuanceRepository(dynamoDb, config.issuancesTable()),
              config.maxTokenLifetime(),
              config.issuanceRetention(),
              telemetry);
      return new TokenWiring(authenticator, tokens);
    }
  }
}
