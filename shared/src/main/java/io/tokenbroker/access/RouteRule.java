package io.tokenbroker.access;

import java.util.Set;
import java.util.SortedSet;

/**
 * One rule of an API's access map: requests whose method and path match need every one of {@code
 * scopes}. Patterns use IAM resource-ARN wildcard semantics, so that the authorizer's decision and
 * the IAM policy it hands API Gateway say the same thing: {@code *} matches any run of characters,
 * slashes included; everything else matches itself.
 *
 * @param method an HTTP method, or {@code *} for any
 * @param pathPattern a path starting with {@code /}, possibly with {@code *}
 * @param scopes the scopes a token needs (empty: any valid token)
 * @param delegation whether the token must, may or must not be delegated (carry {@code act})
 */
public record RouteRule(
    String method, String pathPattern, SortedSet<String> scopes, Delegation delegation) {

  /** What a rule asks of a token's {@code act} chain (RFC 8693 4.1). */
  public enum Delegation {
    /** Any token (the default). */
    ALLOWED,
    /** Only a token an actor acts with for its subject. */
    REQUIRED,
    /** Only a token its subject uses itself. */
    FORBIDDEN;

    boolean admits(boolean delegated) {
      return switch (this) {
        case ALLOWED -> true;
        case REQUIRED -> delegated;
        case FORBIDDEN -> !delegated;
      };
    }
  }

  /** A rule that allows delegated and plain tokens alike. */
  public RouteRule(String method, String pathPattern, SortedSet<String> scopes) {
    this(method, pathPattern, scopes, Delegation.ALLOWED);
  }

  public boolean matches(String requestMethod, String path) {
    return (method.equals("*") || method.equals(requestMethod)) && Glob.matches(pathPattern, path);
  }

  /** Whether a token with these scopes, delegated or not, is granted this rule. */
  public boolean grantedBy(Set<String> tokenScopes, boolean delegated) {
    return tokenScopes.containsAll(scopes) && delegation.admits(delegated);
  }

  /** The IAM wildcard match: {@code *} is any run of characters; no other metacharacters. */
  static final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String text) {
      int p = 0;
      int t = 0;
      int star = -1;
      int resume = 0;
      while (t < text.length()) {
        if (p < pattern.length() && pattern.charAt(p) == '*') {
          star = p++;
          resume = t;
        } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
          p++;
          t++;
        } else if (star >= 0) {
          p = star + 1;
          t = ++resume;
        } else {
          return false;
        }
      }
      while (p < pattern.length() && pattern.charAt(p) == '*') {
        p++;
      }
      return p == pattern.length();
    }
  }
}
