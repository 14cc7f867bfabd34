package io.tokenbroker.local;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A form POST as an IAM role makes it to an AWS_IAM route: SigV4 over the body, service
 * execute-api, region us-east-1 (what the local server verifies).
 */
final class SignedPosts {

  private SignedPosts() {}

  /** The signed request, ready for more settings (a timeout) and {@code build()}. */
  static HttpRequest.Builder post(URI uri, SigV4Verifier.LocalIdentity identity, String form) {
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(
                            AwsCredentialsIdentity.create(
                                identity.accessKeyId(), identity.secretAccessKey()))
                        .request(
                            SdkHttpRequest.builder()
                                .method(SdkHttpMethod.POST)
                                .uri(uri)
                                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                                .build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"))
            .request();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host")) { // the HTTP client sets it
                values.forEach(v -> request.header(name, v));
              }
            });
    return request;
  }
}
