package io.tokenbroker.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The workload's IAM role as its identity: {@code POST /token/iam} signed with SigV4 (service
 * {@code execute-api}), the way API Gateway's AWS_IAM authorization checks it. The broker maps the
 * role to the client it is bound to; no secret of the broker's is needed.
 */
public final class IamAuthentication implements ClientAuthentication {

  private static final String SERVICE = "execute-api";

  private final AwsCredentialsProvider credentials;
  private final Supplier<Region> region;
  private final Optional<String> clientId;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  private IamAuthentication(
      AwsCredentialsProvider credentials, Supplier<Region> region, Optional<String> clientId) {
    this.credentials = credentials;
    this.region = region;
    this.clientId = clientId;
  }

  /**
   * The SDK's default credentials chain (environment, system properties, web identity, profile,
   * container and instance roles: what Lambda, ECS and EC2 provide) and region chain ({@code
   * AWS_REGION}, profile, instance metadata), both read on first use.
   *
   * <p>Web identity (EKS with IRSA, CI jobs with OIDC federation) works only with {@code
   * software.amazon.awssdk:sts} and an SDK HTTP client (e.g. {@code url-connection-client}) on the
   * classpath; this library does not bring them, and without them the chain skips that provider.
   */
  public static IamAuthentication defaultChain() {
    DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build();
    return new IamAuthentication(provider, memoized(), Optional.empty());
  }

  /** Given credentials (resolved for every request, so rotating ones work) and region. */
  public static IamAuthentication with(AwsCredentialsProvider credentials, Region region) {
    return new IamAuthentication(credentials, () -> region, Optional.empty());
  }

  /**
   * The same, naming the client in the request ({@code client_id}); the broker checks that the role
   * is bound to it. Without it the broker uses the role's client.
   */
  public IamAuthentication forClient(String clientId) {
    return new IamAuthentication(credentials, region, Optional.of(clientId));
  }

  private static Supplier<Region> memoized() {
    return new Supplier<>() {
      private volatile Region region;

      @Override
      public Region get() {
        Region r = region;
        if (r == null) {
          r = new DefaultAwsRegionProviderChain().getRegion();
          region = r;
        }
        return r;
      }
    };
  }

  @Override
  public String tokenPath() {
    return "/token/iam";
  }

  @Override
  public HttpRequest.Builder post(URI endpoint, String issuer, Map<String, String> parameters) {
    Map<String, String> form = new LinkedHashMap<>(parameters);
    clientId.ifPresent(id -> form.put("client_id", id));
    byte[] body = Forms.encode(form).getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest signed;
    try {
      signed = sign(endpoint, body);
    } catch (RuntimeException e) {
      // No credentials or region found by the chains (their message says where they looked).
      throw new TokenUnavailable("cannot sign with SigV4: " + e.getMessage(), e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Host")) { // signed, but java.net.http sets it itself
                values.forEach(v -> request.header(name, v));
              }
            });
    return request;
  }

  private SdkHttpRequest sign(URI endpoint, byte[] body) {
    return signer
        .sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(
                        SdkHttpRequest.builder()
                            .method(SdkHttpMethod.POST)
                            .uri(endpoint)
                            .putHeader("Content-Type", Forms.CONTENT_TYPE)
                            .build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region.get().id()))
        .request();
  }

  @Override
  public String toString() {
    return "IamAuthentication[sigv4 "
        + SERVICE
        + clientId.map(id -> ", client " + id).orElse("")
        + "]";
  }
}
