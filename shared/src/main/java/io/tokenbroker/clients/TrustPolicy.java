package io.tokenbroker.clients;

import com.nimbusds.jose.JWSAlgorithm;
import io.tokenbroker.identifiers.Audience;
import io.tokenbroker.identifiers.Scope;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;

/**
 * A trust policy (federation, RFC 8693): which outside tokens authenticate a workload as this
 * client, and what the exchanged token may get. Validated and compiled once, when the client is
 * read: an instance always holds anchored, compiled patterns and claim paths. It lives with {@link
 * Client} (its registration holds it); the verification of outside tokens under it is {@code
 * io.tokenbroker.federation}'s.
 *
 * @param name unique within the client, named in logs and issuance decisions
 * @param issuer the outside issuer, an https URL without query, fragment or user info, compared
 *     exactly with the token's {@code iss}
 * @param audience the value the token's {@code aud} must contain, exactly (required: a platform
 *     token for another audience is refused)
 * @param subject the token's {@code sub}: exact, or an anchored pattern
 * @param claims further conditions, all of which must hold, in their order
 * @param algorithms the signature algorithms accepted from this issuer, from {@link
 *     Client#ASSERTION_ALGORITHMS} (never {@code none} or HMAC)
 * @param maxTokenAge how old (now - {@code iat}) an accepted token may be
 * @param singleUse whether a token's {@code jti}, when it has one, is exchanged at most once
 * @param jwksUri the issuer's JWKS URL when pinned (no discovery), https
 * @param scopes the most scopes an exchanged token may carry (within the client's), or empty for
 *     the client's
 * @param audiences the audiences an exchanged token may name (within the client's), or empty
 * @param maxLifetime the longest an exchanged token may live (at most the client's), or empty
 */
public record TrustPolicy(
    String name,
    String issuer,
    String audience,
    ClaimMatch subject,
    List<ClaimCondition> claims,
    List<JWSAlgorithm> algorithms,
    Duration maxTokenAge,
    boolean singleUse,
    Optional<URI> jwksUri,
    Optional<SortedSet<String>> scopes,
    Optional<SortedSet<String>> audiences,
    Optional<Duration> maxLifetime) {

  /** The most policies one client may have. */
  public static final int MAX_PER_CLIENT = 10;

  /** The most claim conditions one policy may have. */
  public static final int MAX_CLAIMS = 20;

  /** The longest pattern, in characters. */
  public static final int MAX_PATTERN_LENGTH = 512;

  /**
   * The longest exact value, and the longest claim value ever matched: a longer value in a token
   * matches nothing (no pattern runs over large input).
   */
  public static final int MAX_VALUE_LENGTH = 1024;

  /** The longest claim name or JSON Pointer. */
  public static final int MAX_CLAIM_NAME_LENGTH = 256;

  private static final int MAX_NAME_LENGTH = 64;
  private static final int MAX_URL_LENGTH = 512;
  public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofMinutes(15);
  public static final List<JWSAlgorithm> DEFAULT_ALGORITHMS = List.of(JWSAlgorithm.RS256);
  private static final Duration MIN_SECONDS = Duration.ofSeconds(60);
  private static final Duration MAX_SECONDS = Duration.ofHours(24);

  public TrustPolicy {
    if (name == null
        || name.isEmpty()
        || name.length() > MAX_NAME_LENGTH
        || !name.chars().allMatch(c -> isAsciiAlnum(c) || c == '-' || c == '_' || c == '.')) {
      throw invalid(name, "name: 1-64 of A-Z a-z 0-9 - _ .");
    }
    String at = name;
    checkHttps(at, "issuer", issuer);
    if (audience == null || !Audience.isValid(audience)) {
      throw invalid(at, "audience is required: 1-256 printable characters without spaces");
    }
    Objects.requireNonNull(subject, "subject");
    claims = List.copyOf(claims);
    if (claims.size() > MAX_CLAIMS) {
      throw invalid(at, "claims: at most " + MAX_CLAIMS + " conditions");
    }
    Set<String> claimNames = new HashSet<>();
    for (ClaimCondition claim : claims) {
      if (!claimNames.add(claim.claim())) {
        throw invalid(at, "claims: " + claim.claim() + " appears twice");
      }
    }
    if (!(subject instanceof Exact) && claims.stream().noneMatch(c -> c.match() instanceof Exact)) {
      // Patterns alone (^repo:.*$) can match every workload on a shared issuer (all of GitHub).
      throw invalid(
          at,
          "at least one exact condition is required: an exact subject, or an exact claim that"
              + " names the owner (repository_owner_id, namespace_id, /kubernetes.io/namespace);"
              + " patterns alone could match any workload of the issuer");
    }
    algorithms = List.copyOf(algorithms);
    if (algorithms.isEmpty() || new HashSet<>(algorithms).size() != algorithms.size()) {
      throw invalid(at, "algorithms: one or more, no duplicates");
    }
    for (JWSAlgorithm alg : algorithms) {
      if (!Client.ASSERTION_ALGORITHMS.contains(alg)) {
        throw invalid(
            at,
            "algorithms: each one of RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512: "
                + alg.getName());
      }
    }
    seconds(at, "max_token_age_seconds", maxTokenAge);
    Objects.requireNonNull(jwksUri, "jwks_uri");
    jwksUri.ifPresent(uri -> checkHttps(at, "jwks_uri", uri.toString()));
    scopes = scopes.map(values -> frozen(at, "scopes", values, Scope.MAX_PER_CLIENT));
    scopes.ifPresent(
        values -> {
          for (String scope : values) {
            if (!Scope.isValid(scope)) {
              throw invalid(at, "scopes: not an RFC 6749 scope token: " + scope);
            }
          }
        });
    audiences = audiences.map(values -> frozen(at, "audiences", values, 20));
    audiences.ifPresent(
        values -> {
          for (String value : values) {
            if (!Audience.isValid(value)) {
              throw invalid(at, "audiences: 1-256 printable characters: " + value);
            }
          }
        });
    Objects.requireNonNull(maxLifetime, "max_lifetime_seconds");
    maxLifetime.ifPresent(value -> seconds(at, "max_lifetime_seconds", value));
  }

  /** How a claim's value (or the subject) must look: exactly a value, or a whole pattern. */
  public sealed interface ClaimMatch permits Exact, Pattern {

    /**
     * Whether {@code value} matches: never for a value longer than {@link #MAX_VALUE_LENGTH}, nor
     * for one whose pattern match exceeds its step budget (catastrophic backtracking).
     */
    boolean matches(String value);

    /** Exact: {@code "value"}. */
    static ClaimMatch exact(String field, String value) {
      return new Exact(field, value);
    }

    /** {@code {"pattern": "^...$"}}, anchored, compiled once. */
    static ClaimMatch pattern(String field, String source) {
      return new Pattern(field, source);
    }
  }

  /** The value, character for character. */
  public record Exact(String value) implements ClaimMatch {

    public Exact {
      if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
        throw new InvalidClientPolicy(
            "trust_policies: a value is 1-" + MAX_VALUE_LENGTH + " characters");
      }
    }

    Exact(String field, String value) {
      this(checkedValue(field, value));
    }

    @Override
    public boolean matches(String candidate) {
      return candidate.length() <= MAX_VALUE_LENGTH && value.equals(candidate);
    }

    private static String checkedValue(String field, String value) {
      if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
        throw new InvalidClientPolicy(field + ": a value is 1-" + MAX_VALUE_LENGTH + " characters");
      }
      return value;
    }
  }

  /**
   * A Java regular expression matched against the whole value. It must be anchored ({@code ^}
   * first, {@code $} last) so that it reads the same to an operator used to search semantics (where
   * an unanchored {@code repo:acme/app} also matches {@code repo:evil/repo:acme/app}), and have no
   * top-level alternation ({@code ^a|b$} is {@code (^a)|(b$)} to a searching engine: write {@code
   * ^(a|b)$}).
   */
  public record Pattern(String source, java.util.regex.Pattern compiled) implements ClaimMatch {

    /** Steps (characters read) one match may take: thousands for any sane pattern. */
    static final int STEP_BUDGET = 200_000;

    public Pattern {
      Objects.requireNonNull(compiled, "compiled");
    }

    Pattern(String field, String source) {
      this(source, compile(field, source));
    }

    @Override
    public boolean matches(String candidate) {
      if (candidate.length() > MAX_VALUE_LENGTH) {
        return false;
      }
      try {
        return compiled.matcher(new BudgetedChars(candidate, new int[] {STEP_BUDGET})).matches();
      } catch (BudgetExceeded tooCostly) {
        return false;
      }
    }

    private static java.util.regex.Pattern compile(String field, String source) {
      if (source == null || source.length() < 2 || source.length() > MAX_PATTERN_LENGTH) {
        throw new InvalidClientPolicy(
            field + ": a pattern is 2-" + MAX_PATTERN_LENGTH + " characters");
      }
      if (source.charAt(0) != '^' || !endsWithAnchor(source)) {
        throw new InvalidClientPolicy(
            field
                + ": a pattern must be anchored, ^ first and $ last (an unanchored pattern"
                + " matches inside longer values): "
                + source);
      }
      if (hasTopLevelAlternation(source)) {
        throw new InvalidClientPolicy(
            field + ": group alternatives inside the anchors, as ^(a|b)$: " + source);
      }
      try {
        return java.util.regex.Pattern.compile(source);
      } catch (PatternSyntaxException e) {
        throw new InvalidClientPolicy(field + ": not a regular expression: " + e.getDescription());
      }
    }

    /** The last {@code $} is not escaped: preceded by an even number of backslashes. */
    private static boolean endsWithAnchor(String source) {
      if (source.charAt(source.length() - 1) != '$') {
        return false;
      }
      int backslashes = 0;
      for (int i = source.length() - 2; i >= 0 && source.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      return backslashes % 2 == 0;
    }

    /** A {@code |} outside every group, character class and escape. */
    private static boolean hasTopLevelAlternation(String source) {
      int depth = 0;
      boolean inClass = false;
      boolean quoted = false; // \Q ... \E
      for (int i = 0; i < source.length(); i++) {
        char c = source.charAt(i);
        if (quoted) {
          if (c == '\\' && i + 1 < source.length() && source.charAt(i + 1) == 'E') {
            quoted = false;
            i++;
          }
          continue;
        }
        if (c == '\\') {
          if (i + 1 < source.length() && source.charAt(i + 1) == 'Q') {
            quoted = true;
          }
          i++;
        } else if (inClass) {
          inClass = c != ']';
        } else if (c == '[') {
          inClass = true;
          if (i + 1 < source.length() && source.charAt(i + 1) == ']') {
            i++; // a ] first in a class is a literal
          }
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        } else if (c == '|' && depth == 0) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Pattern p && p.source.equals(source);
    }

    @Override
    public int hashCode() {
      return source.hashCode();
    }
  }

  /**
   * One condition on a claim of the token.
   *
   * @param claim as written: a top-level claim name, or a JSON Pointer (RFC 6901) starting with
   *     {@code /} into nested claims ({@code /kubernetes.io/namespace})
   * @param path the pointer's reference tokens, unescaped; one token for a top-level name
   * @param match what the value must be
   */
  public record ClaimCondition(String claim, List<String> path, ClaimMatch match) {

    public ClaimCondition {
      path = List.copyOf(path);
      Objects.requireNonNull(match, "match");
    }

    /** A condition on {@code claim} (a name or a JSON Pointer). */
    public static ClaimCondition of(String claim, ClaimMatch match) {
      return new ClaimCondition(claim, path(claim), match);
    }

    private static List<String> path(String claim) {
      if (claim == null || claim.isEmpty() || claim.length() > MAX_CLAIM_NAME_LENGTH) {
        throw new InvalidClientPolicy(
            "trust_policies: a claim name is 1-" + MAX_CLAIM_NAME_LENGTH + " characters");
      }
      if (!claim.startsWith("/")) {
        return List.of(claim);
      }
      List<String> tokens = new ArrayList<>();
      for (String raw : claim.substring(1).split("/", -1)) {
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
          char c = raw.charAt(i);
          if (c != '~') {
            token.append(c);
          } else if (i + 1 < raw.length()
              && (raw.charAt(i + 1) == '0' || raw.charAt(i + 1) == '1')) {
            token.append(raw.charAt(++i) == '0' ? '~' : '/');
          } else {
            throw new InvalidClientPolicy(
                "trust_policies: not a JSON Pointer (RFC 6901: ~ is ~0 or ~1): " + claim);
          }
        }
        if (token.isEmpty()) {
          throw new InvalidClientPolicy(
              "trust_policies: a JSON Pointer with an empty name: " + claim);
        }
        tokens.add(token.toString());
      }
      return tokens;
    }
  }

  private static void checkHttps(String policy, String field, String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_URL_LENGTH) {
      throw invalid(policy, field + " is required: an https URL");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw invalid(policy, field + ": not a URL: " + value);
    }
    if (!"https".equals(uri.getScheme())
        || uri.getRawAuthority() == null
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(
          policy, field + ": an https URL with a host, no user info, query or fragment: " + value);
    }
    if (!uri.getRawAuthority().equals(uri.getRawAuthority().toLowerCase(java.util.Locale.ROOT))) {
      // The token's iss is compared exactly, and keys are cached by the exact string: one
      // spelling per issuer, the one issuers use (RFC 3986 6.2.2.1: lower case).
      throw invalid(policy, field + ": write the host in lower case: " + value);
    }
  }

  private static SortedSet<String> frozen(
      String policy, String field, SortedSet<String> values, int max) {
    if (values.isEmpty() || values.size() > max) {
      throw invalid(policy, field + ": 1-" + max + " entries when given");
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(values));
  }

  private static void seconds(String policy, String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.compareTo(MIN_SECONDS) < 0 || value.compareTo(MAX_SECONDS) > 0) {
      throw invalid(policy, field + ": between 60 and 86400 seconds");
    }
  }

  private static boolean isAsciiAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static InvalidClientPolicy invalid(String policy, String rule) {
    return new InvalidClientPolicy(
        "trust_policies" + (policy == null ? "" : "[" + policy + "]") + ": " + rule);
  }

  /** Thrown by {@link BudgetedChars} when a match has read its budget. */
  private static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /**
   * A value whose characters may be read a bounded number of times: a backtracking pattern reads
   * them again at every step, so the budget bounds its work.
   */
  private record BudgetedChars(String value, int[] left) implements CharSequence {

    @Override
    public char charAt(int index) {
      if (--left[0] < 0) {
        throw new BudgetExceeded();
      }
      return value.charAt(index);
    }

    @Override
    public int length() {
      return value.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BudgetedChars(value.substring(start, end), left);
    }

    @Override
    public String toString() {
      return value;
    }
  }
}
