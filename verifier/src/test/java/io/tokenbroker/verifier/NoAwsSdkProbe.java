package io.tokenbroker.verifier;

import java.util.function.Function;

/**
 * Runs inside {@link NoAwsSdkIT}'s class loader, which holds only this library's runtime classpath:
 * builds a verifier as a service would and decides one request. Uses nothing but the library and
 * the JDK.
 */
public final class NoAwsSdkProbe implements Function<String[], String> {

  /**
   * @param args issuer, audience, Authorization header
   * @return the decision, as text
   */
  @Override
  public String apply(String[] args) {
    TokenVerifier verifier =
        TokenVerifier.builder()
            .issuer(args[0])
            .audience(args[1])
            .route("GET /orders/*", "demo:read")
            .build();
    return switch (verifier.verify("GET", "/orders/1", args[2])) {
      case Decision.Allowed allowed -> "allowed " + allowed.principal().clientId();
      case Decision.Refused refused -> "refused " + refused.reason();
    };
  }
}
