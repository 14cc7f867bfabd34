package io.tokenbroker.adapters.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * A credentials provider that can be replaced under the clients built with it. Providers cache what
 * they fetched ({@code ContainerCredentialsProvider} until shortly before expiry); a process
 * restored from a snapshot (Lambda SnapStart) must not sign with credentials fetched before the
 * snapshot, so {@link #renew()} drops the provider and its cache, and the next call fetches anew.
 */
public final class RenewableCredentials implements AwsCredentialsProvider, SdkAutoCloseable {

  private final Supplier<AwsCredentialsProvider> providers;
  private volatile AwsCredentialsProvider current;

  public RenewableCredentials(Supplier<AwsCredentialsProvider> providers) {
    this.providers = providers;
    this.current = providers.get();
  }

  @Override
  public AwsCredentials resolveCredentials() {
    return current.resolveCredentials();
  }

  /** A new provider, with nothing cached; the old one is closed. */
  public void renew() {
    AwsCredentialsProvider old = current;
    current = providers.get();
    IoUtils.closeIfCloseable(old, null);
  }

  @Override
  public void close() {
    IoUtils.closeIfCloseable(current, null);
  }

  @Override
  public String toString() {
    return "RenewableCredentials(" + current + ")";
  }
}
