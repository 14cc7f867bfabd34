package io.tokenbroker.functions.authorizer;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsSettings;
import io.tokenbroker.adapters.aws.ClientTimeouts;
import io.tokenbroker.adapters.dynamodb.DynamoDbKeyRepository;
import io.tokenbroker.adapters.dynamodb.DynamoDbRevocationRepository;
import io.tokenbroker.adapters.jwks.JwksUrlKeySource;
import io.tokenbroker.config.Env;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.revocation.CachedRevocations;
import io.tokenbroker.verify.AccessTokenVerifier;
import io.tokenbroker.verify.CachingKeyResolver;
import io.tokenbroker.verify.KeySource;
import java.time.Clock;

/** The authorizer's real adapters, built once per container. No KMS client: it never signs. */
final class AuthorizerWiring {

  private AuthorizerWiring() {}

  static AccessTokenVerifier verifier(AuthorizerConfig config, Env env, Clock clock) {
    // One attempt per read inside the time budget: a slow store must deny fast, not retry slowly.
    ClientTimeouts budget =
        new ClientTimeouts(config.dependencyTimeout(), config.dependencyTimeout(), 1);
    var dynamoDb = AwsClients.dynamoDb(AwsSettings.from(env, budget));
    KeySource keys;
    if (config.jwksUrl().isPresent()) {
      keys = new JwksUrlKeySource(config.jwksUrl().get(), config.dependencyTimeout());
    } else {
      var table =
          new DynamoDbKeyRepository(
              AwsClients.enhanced(dynamoDb), config.keysTable().orElseThrow());
      keys =
          () ->
              table.findAll().stream()
                  .filter(SigningKey::isPublished)
                  .map(SigningKey::publicJwk)
                  .toList();
    }
    return new AccessTokenVerifier(
        config.policy(),
        new CachingKeyResolver(keys, clock, config.keyCache(), config.keyRefreshMinInterval()),
        new CachedRevocations(
            new DynamoDbRevocationRepository(dynamoDb, config.revocationsTable()),
            clock,
            config.revocationCache(),
            10_000),
        clock);
  }
}
