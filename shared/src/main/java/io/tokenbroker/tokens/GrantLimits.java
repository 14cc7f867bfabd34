package io.tokenbroker.tokens;

import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Caps a token exchange (RFC 8693) puts on the grant, on top of the client's own policy: a trust
 * policy's scopes, audiences and lifetime (federation), or the exchanged token's (down-scoping and
 * delegation may only narrow). An empty cap caps nothing.
 *
 * @param scopes the most a token may carry; requested scopes outside it are refused
 * @param defaultScopes what a request naming no scope gets (the caller sets it within the caps)
 * @param audiences the audiences a token may name
 * @param maxLifetime the longest the token may live (e.g. the exchanged token's remaining life)
 */
public record GrantLimits(
    Optional<SortedSet<String>> scopes,
    Optional<SortedSet<String>> defaultScopes,
    Optional<SortedSet<String>> audiences,
    Optional<Duration> maxLifetime) {

  public static final GrantLimits NONE =
      new GrantLimits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public GrantLimits {
    scopes = scopes.map(GrantLimits::frozen);
    defaultScopes = defaultScopes.map(GrantLimits::frozen);
    audiences = audiences.map(GrantLimits::frozen);
  }

  private static SortedSet<String> frozen(SortedSet<String> values) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(values));
  }
}
