package io.tokenbroker.identifiers;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A set of scopes, and the one reader of RFC 6749 3.3's scope list: {@link Scope} tokens separated
 * by single spaces (no empty, leading or trailing token). The list is read in one pass over the
 * characters, token by token: one regex with a repeated group over the whole list recurses once per
 * token in java.util.regex and overflowed the stack on a list of about 2,000 tokens. A set iterates
 * in the order its scopes were first read and prints as the same space-separated list.
 */
public final class ScopeSet {

  private final Set<String> values;

  private ScopeSet(Set<String> values) {
    this.values = Collections.unmodifiableSet(values);
  }

  /**
   * A scope parameter as a client sends it: any number of scopes, a repeat counts once. Empty when
   * the text is not a scope list.
   */
  public static Optional<ScopeSet> parse(String text) {
    return Optional.ofNullable(read(text, Integer.MAX_VALUE, false)).map(ScopeSet::new);
  }

  /**
   * A scope claim as the broker mints it: a set written once each, so at most {@link
   * Scope#MAX_PER_CLIENT} scopes (a client's most) and none twice. Empty for anything else.
   */
  public static Optional<ScopeSet> parseMinted(String text) {
    return Optional.ofNullable(read(text, Scope.MAX_PER_CLIENT, true)).map(ScopeSet::new);
  }

  /**
   * The scopes of a list (a route map's, say): empty unless every element is a {@link Scope}
   * string; a repeat counts once.
   */
  public static Optional<ScopeSet> of(Collection<?> scopes) {
    Set<String> values = new LinkedHashSet<>();
    for (Object scope : scopes) {
      if (!(scope instanceof String text) || !Scope.isValid(text)) {
        return Optional.empty();
      }
      values.add(text);
    }
    return Optional.of(new ScopeSet(values));
  }

  /**
   * Whether {@code text} is a scope list of at most {@link Scope#MAX_PER_CLIENT} tokens; repeats
   * are allowed here ({@link #parseMinted} refuses them).
   */
  static boolean isList(String text) {
    return read(text, Scope.MAX_PER_CLIENT, false) != null;
  }

  /** The scopes, in the order first read. */
  public Set<String> values() {
    return values;
  }

  /**
   * The scopes of a space-separated list, or null if it is not one, has more than {@code max}
   * tokens, or (when {@code refuseRepeats}) names a scope twice. Stops at the first fault.
   */
  private static Set<String> read(String text, int max, boolean refuseRepeats) {
    Set<String> scopes = new LinkedHashSet<>();
    int tokens = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        if (i == start || (!scopes.add(text.substring(start, i)) && refuseRepeats)) {
          return null;
        }
        start = i + 1;
      } else if (!Scope.isScopeChar(text.charAt(i)) || i - start >= Scope.MAX_LENGTH) {
        return null;
      } else if (i == start && ++tokens > max) {
        return null;
      }
    }
    return scopes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScopeSet that && values.equals(that.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The scopes as RFC 6749 writes them: separated by single spaces. */
  @Override
  public String toString() {
    return String.join(" ", values);
  }
}
