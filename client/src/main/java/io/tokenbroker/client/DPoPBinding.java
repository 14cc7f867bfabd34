package io.tokenbroker.client;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A {@link TokenClient}'s DPoP key and the nonces resource servers gave it (RFC 9449 section 9),
 * one per origin: a nonce is used only at the server that issued it. Shared by every token of the
 * client, thread-safe.
 */
final class DPoPBinding {

  // Enough for the APIs one workload calls; past it, the oldest knowledge is simply dropped.
  private static final int MAX_ORIGINS = 256;
  // RFC 9449 7.1: the DPoP challenge's error parameter, quoted or not.
  private static final Pattern USE_NONCE =
      Pattern.compile("(?i)(?:^|[\\s,])error\\s*=\\s*\"?use_dpop_nonce\"?");
  private static final Pattern DPOP_SCHEME = Pattern.compile("(?i)(?:^|,)\\s*DPoP(?:\\s|,|$)");

  private final DPoPKey key;
  private final Map<String, String> resourceNonces = new ConcurrentHashMap<>();

  DPoPBinding(DPoPKey key) {
    this.key = key;
  }

  DPoPKey key() {
    return key;
  }

  /** A proof for a request to a resource server with {@code accessToken}, with its nonce if any. */
  String proof(String method, URI url, String accessToken) {
    DPoPKey.htu(url); // refuses a URL that is no origin's before it is looked up
    return proof(method, url, accessToken, Optional.ofNullable(resourceNonces.get(origin(url))));
  }

  /** A proof with this very nonce: the retry of a challenge, whatever other calls learned since. */
  String proof(String method, URI url, String accessToken, Optional<String> nonce) {
    return key.proof(method, url, nonce, Optional.of(accessToken));
  }

  /**
   * Takes note of a resource server's answer: its {@code DPoP-Nonce}, if any, is the one to use at
   * that origin from now on. True when the answer is the RFC 9449 section 9 challenge ({@code
   * WWW-Authenticate: DPoP error="use_dpop_nonce"}) and came with a nonce: the request is worth
   * sending once more with a new proof. The RFC's challenge is a 401; API Gateway can only send it
   * with a Deny, which its ACCESS_DENIED gateway response makes a 403 (the broker's own APIs), so
   * both are taken.
   */
  boolean answered(URI url, int status, HttpHeaders headers) {
    return challenge(url, status, headers).isPresent();
  }

  /** As {@link #answered}, giving the challenge's own nonce to retry with. */
  Optional<String> challenge(URI url, int status, HttpHeaders headers) {
    Optional<String> nonce = headers.firstValue("DPoP-Nonce").filter(DPoPKey::validNonce);
    nonce.ifPresent(n -> remember(url, n));
    return (status == 401 || status == 403)
            && useNonceChallenge(headers.allValues("WWW-Authenticate"))
        ? nonce
        : Optional.empty();
  }

  private void remember(URI url, String nonce) {
    if (resourceNonces.size() >= MAX_ORIGINS) {
      resourceNonces.clear();
    }
    resourceNonces.put(origin(url), nonce);
  }

  private static boolean useNonceChallenge(List<String> challenges) {
    for (String challenge : challenges) {
      var scheme = DPOP_SCHEME.matcher(challenge);
      if (scheme.find() && USE_NONCE.matcher(challenge.substring(scheme.end())).find()) {
        return true;
      }
    }
    return false;
  }

  /** scheme://host:port, the unit a server's nonce is good for. */
  private static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  @Override
  public String toString() {
    return "DPoPBinding[" + key + "]";
  }
}
