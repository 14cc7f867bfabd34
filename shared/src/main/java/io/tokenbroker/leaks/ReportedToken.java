package io.tokenbroker.leaks;

import java.util.Objects;

/**
 * One value a reporter found, as reported (unverified): GitHub's secret-scanning match.
 *
 * @param token the value found; never logged, never stored (only its SHA-256)
 * @param type the reporter's name for the pattern that matched (echoed as {@code token_type})
 * @param url where it was found, possibly empty
 * @param source what kind of place it was found in (GitHub: {@code content}, {@code commit}, ...),
 *     possibly empty
 */
public record ReportedToken(String token, String type, String url, String source) {

  public ReportedToken {
    Objects.requireNonNull(token, "token");
    type = type == null ? "" : type;
    url = url == null ? "" : url;
    source = source == null ? "" : source;
  }
}
