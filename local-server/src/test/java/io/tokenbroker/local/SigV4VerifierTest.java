package io.tokenbroker.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The local SigV4 check agrees with the AWS SDK's own signer, and refuses what API Gateway would.
 */
class SigV4VerifierTest {

  private static final SigV4Verifier.LocalIdentity IDENTITY =
      new SigV4Verifier.LocalIdentity(
          "AKIATESTKEY000000001",
          "test-secret",
          "arn:aws:sts::000000000000:assumed-role/app/session",
          "000000000000",
          "AROATEST:session");
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final SigV4Verifier verifier = new SigV4Verifier(List.of(IDENTITY), "us-east-1", clock);

  private record Signed(SdkHttpRequest request, byte[] body) {}

  private static Signed sign(String secret, String service, String path, String body) {
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create("http://127.0.0.1:8080" + path))
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .build();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(IDENTITY.accessKeyId(), secret))
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(
                            AwsV4HttpSigner.SIGNING_CLOCK,
                            java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC)));
    return new Signed(signed.request(), bytes);
  }

  private SigV4Verifier.Outcome verify(Signed signed, byte[] body) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    signed.request().headers().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
    headers.put("Host", List.of(signed.request().host() + ":" + signed.request().port()));
    return verifier.verify(
        "POST",
        signed.request().encodedPath(),
        signed.request().encodedQueryParameters().orElse(null),
        headers,
        body);
  }

  @Test
  void acceptsWhatTheAwsSdkSigns() {
    Signed signed =
        sign("test-secret", "execute-api", "/token/iam", "grant_type=client_credentials");

    assertThat(verify(signed, signed.body())).isEqualTo(new SigV4Verifier.Verified(IDENTITY));
  }

  @Test
  void refusesATamperedBody() {
    Signed signed = sign("test-secret", "execute-api", "/token/iam", "scope=read");

    assertThat(verify(signed, "scope=admin".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            SigV4Verifier.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
  }

  @Test
  void refusesATamperedBodyEvenWithoutADeclaredHash() {
    Signed signed = sign("test-secret", "execute-api", "/token/iam", "scope=read");
    SdkHttpRequest withoutHash =
        signed.request().toBuilder().removeHeader("x-amz-content-sha256").build();

    assertThat(
            verify(
                new Signed(withoutHash, signed.body()),
                "scope=admin".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SigV4Verifier.Refused.class);
  }

  @Test
  void refusesTheWrongSecret() {
    Signed signed = sign("not-the-secret", "execute-api", "/token/iam", "");

    assertThat(verify(signed, signed.body())).isInstanceOf(SigV4Verifier.Refused.class);
  }

  @Test
  void refusesASignatureForAnotherService() {
    Signed signed = sign("test-secret", "s3", "/token/iam", "");

    assertThat(verify(signed, signed.body())).isInstanceOf(SigV4Verifier.Refused.class);
  }

  @Test
  void refusesAnOldSignature() {
    Signed signed = sign("test-secret", "execute-api", "/token/iam", "");
    clock.advance(Duration.ofMinutes(6));

    assertThat(verify(signed, signed.body()))
        .isEqualTo(new SigV4Verifier.Refused(403, "Signature expired"));
  }

  @Test
  void refusesAnUnknownAccessKey() {
    SigV4Verifier other = new SigV4Verifier(List.of(), "us-east-1", clock);
    Signed signed = sign("test-secret", "execute-api", "/token/iam", "");
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    signed.request().headers().forEach((k, v) -> headers.put(k, v));

    assertThat(other.verify("POST", "/token/iam", null, headers, signed.body()))
        .isEqualTo(
            new SigV4Verifier.Refused(
                403, "The security token included in the request is invalid."));
  }

  @Test
  void refusesARequestWithoutSignature() {
    assertThat(verifier.verify("POST", "/token/iam", null, Map.of(), new byte[0]))
        .isEqualTo(new SigV4Verifier.Refused(403, "Missing Authentication Token"));
  }
}
