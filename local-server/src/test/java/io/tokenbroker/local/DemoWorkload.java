package io.tokenbroker.local;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * The local server's demo workload (IAM role local-workload) as a test outside this package uses
 * it: its client id, the demo API's audience, and its SigV4-signed form POSTs. For system-tests'
 * LocalLoadIT, through this module's test-jar; the local server's own classes stay package-private.
 */
public final class DemoWorkload {

  /** The demo client, bound to the demo role; it gets refresh tokens and may introspect. */
  public static final String CLIENT_ID = LocalDemo.CLIENT_ID;

  private DemoWorkload() {}

  /** The demo API's identifier: the local server's own /demo routes. */
  public static String audience(URI issuer) {
    return LocalDemo.audience(issuer);
  }

  /** The demo role's credentials as a CI runner exports them (README's curl example's keys). */
  public static Map<String, String> awsEnvironment() {
    return environment(LocalDemo.IDENTITY);
  }

  /** The demo operator's credentials: a role the local server knows that is bound to no client. */
  public static Map<String, String> operatorAwsEnvironment() {
    return environment(LocalDemo.OPERATOR);
  }

  private static Map<String, String> environment(SigV4Verifier.LocalIdentity identity) {
    return Map.of(
        "AWS_ACCESS_KEY_ID", identity.accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", identity.secretAccessKey(),
        "AWS_REGION", "us-east-1");
  }

  /** A form POST signed as the demo role (SigV4, execute-api), ready for {@code build()}. */
  public static HttpRequest.Builder signedPost(URI uri, String form) {
    return SignedPosts.post(uri, LocalDemo.IDENTITY, form);
  }
}
