package io.tokenbroker.testing;

import io.tokenbroker.adapters.dynamodb.DynamoDbClientRepository;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.adapters.wiring.IntrospectionWiring;
import io.tokenbroker.adapters.wiring.TokenWiring;
import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.auth.AuthenticatedClient;
import io.tokenbroker.clients.Client;
import io.tokenbroker.config.Env;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.jose.Confirmation;
import io.tokenbroker.tokens.IssuedToken;
import io.tokenbroker.tokens.RequestOrigin;
import io.tokenbroker.tokens.TokenRequest;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * A whole broker on a test class's AWS endpoint: tables, an ACTIVE KMS key, the real services wired
 * from the environment a function would see; plus a way to register clients and issue tokens as the
 * token endpoint would.
 */
public final class MotoBroker {

  public static final String ISSUER = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod";

  public final AwsFixture aws;
  public final Env env;
  public final TokenWiring tokens;
  public final IntrospectionWiring introspection;
  public final DynamoDbClientRepository clients;

  public MotoBroker(LocalAws local) {
    aws = AwsFixture.provisioned(local);
    aws.bootstrapKey();
    env = aws.env(Map.of("ISSUER", ISSUER));
    tokens = TokenWiring.fromEnvironment(env, Clock.systemUTC(), new RecordingTelemetry());
    introspection =
        IntrospectionWiring.fromEnvironment(env, Clock.systemUTC(), new RecordingTelemetry());
    clients = new DynamoDbClientRepository(aws.dynamoDb, aws.tables.clients());
  }

  public Client register(Client client) {
    return clients.save(client, 0);
  }

  public IssuedToken issue(Client client, String form) {
    return issue(client, form, Optional.empty());
  }

  /** A token bound to {@code binding} (its {@code cnf}), as after a checked DPoP proof or mTLS. */
  public IssuedToken issue(Client client, String form, Optional<Confirmation> binding) {
    return tokens
        .tokens()
        .issue(
            new AuthenticatedClient(client, AuthMethod.AWS_IAM, "test"),
            TokenRequest.from(Form.parse("grant_type=client_credentials" + form)),
            new RequestOrigin("203.0.113.1", "test"),
            binding);
  }
}
