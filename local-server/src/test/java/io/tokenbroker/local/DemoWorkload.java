package io.tokenbroker.local;

import java.net.URI;
import java.net.http.HttpRequest;

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

  /** A form POST signed as the demo role (SigV4, execute-api), ready for {@code build()}. */
  public static HttpRequest.Builder signedPost(URI uri, String form) {
    return SignedPosts.post(uri, LocalDemo.IDENTITY, form);
  }
}
