package io.tokenbroker.adapters.aws;

import io.tokenbroker.config.Env;
import io.tokenbroker.telemetry.Telemetry;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where and as whom the broker calls AWS: region, optional endpoint override (moto, LocalStack),
 * credentials and timeouts, all chosen explicitly rather than discovered by the SDK's chains.
 */
public record AwsSettings(
    Region region,
    Optional<URI> endpoint,
    AwsCredentialsProvider credentials,
    ClientTimeouts timeouts,
    Optional<Telemetry> callTelemetry) {

  public AwsSettings(
      Region region,
      Optional<URI> endpoint,
      AwsCredentialsProvider credentials,
      ClientTimeouts timeouts) {
    this(region, endpoint, credentials, timeouts, Optional.empty());
  }

  /**
   * These settings with every client timing its calls into {@code telemetry} ({@link
   * CallLatencyInterceptor}): what the functions use.
   */
  public AwsSettings withCallTelemetry(Telemetry telemetry) {
    return new AwsSettings(region, endpoint, credentials, timeouts, Optional.of(telemetry));
  }

  /**
   * Reads AWS_REGION (required), AWS_ENDPOINT_URL (optional: any AWS-compatible endpoint) and the
   * credentials Lambda provides: the container endpoint when set (SnapStart), else the
   * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN variables, else the SDK's default
   * chain (operator tools on a workstation), or only the profile AWS_PROFILE names if set. Lambda
   * sets only the container variables (AWS_CONTAINER_CREDENTIALS_FULL_URI,
   * AWS_CONTAINER_AUTHORIZATION_TOKEN) for SnapStart functions, since key variables would be frozen
   * into the snapshot; the provider is renewable ({@link #renewCredentials}) so that a restored
   * process does not reuse what it fetched before.
   */
  public static AwsSettings from(Env env, ClientTimeouts timeouts) {
    return new AwsSettings(
        Region.of(env.required("AWS_REGION")),
        endpoint(env),
        new RenewableCredentials(() -> credentials(env)),
        timeouts);
  }

  /** AWS_ENDPOINT_URL, if set: any AWS-compatible endpoint (moto, LocalStack). */
  public static Optional<URI> endpoint(Env env) {
    return env.url("AWS_ENDPOINT_URL");
  }

  /** AWS_ACCESS_KEY_ID, if set. */
  public static Optional<String> accessKeyId(Env env) {
    return env.optional("AWS_ACCESS_KEY_ID");
  }

  /**
   * Drops cached credentials: the next AWS call fetches them again. For a process restored from a
   * snapshot (SnapStart), where cached credentials date from before the snapshot.
   */
  public void renewCredentials() {
    if (credentials instanceof RenewableCredentials renewable) {
      renewable.renew();
    }
  }

  private static AwsCredentialsProvider credentials(Env env) {
    if (env.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()) {
      return ContainerCredentialsProvider.builder().build();
    }
    Optional<String> accessKey = accessKeyId(env);
    if (accessKey.isPresent()) {
      String secret = env.required("AWS_SECRET_ACCESS_KEY");
      Optional<String> session = env.optional("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          session.isPresent()
              ? AwsSessionCredentials.create(accessKey.get(), secret, session.get())
              : AwsBasicCredentials.create(accessKey.get(), secret));
    }
    // AWS_PROFILE: an operator tool's chosen profile (functions never set it). That profile alone:
    // the default chain would first take keys from the process's environment or system
    // properties, even when the tool removed them from its own copy of the environment.
    Optional<String> profile = env.optional("AWS_PROFILE");
    if (profile.isPresent()) {
      return ProfileCredentialsProvider.builder().profileName(profile.get()).build();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
