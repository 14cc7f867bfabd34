package io.tokenbroker.errors;

/**
 * The key manager refused to sign with a key itself (disabled, pending deletion, gone, or no longer
 * this function's to use), rather than failing: the key was withdrawn, typically by a compromise.
 * Not retryable with the same key; whoever signs should re-read which key is ACTIVE and sign with
 * that one.
 */
public final class SigningKeyRefused extends ServiceFailure {

  public SigningKeyRefused(String dependency, String message, Throwable cause) {
    super(dependency, message, false, cause);
  }
}
