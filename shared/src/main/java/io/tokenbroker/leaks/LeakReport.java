package io.tokenbroker.leaks;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of a leak report, GitHub's secret-scanning format (also the operators'): a JSON array of
 * objects {@code {"token", "type", "url", "source"}}, {@code token} a non-empty string, the others
 * strings if present; other members are ignored (the reporter may add some). Bounded: at most
 * {@link #MAX_TOKENS} values and {@link #MAX_BODY_CHARS} characters, so one report stays far inside
 * the function's time (each value costs a few reads and writes).
 */
public final class LeakReport {

  /** The most values one report may carry; a longer report is refused whole (413). */
  public static final int MAX_TOKENS = 100;

  /** The longest body: {@link #MAX_TOKENS} access tokens of 8 KB and their URLs fit. */
  public static final int MAX_BODY_CHARS = 1024 * 1024;

  private LeakReport() {}

  /**
   * @throws RequestRejected {@code invalid_request}: not such an array (400), too many values or
   *     too long (413); nothing of it is acted on
   */
  public static List<ReportedToken> parse(String body) {
    if (body.length() > MAX_BODY_CHARS) {
      throw tooLarge(LeakReportReason.REPORT_TOO_LARGE, "report too large");
    }
    List<Object> entries;
    try {
      entries = Json.array(body);
    } catch (ParseException e) {
      throw malformed("the report is not a JSON array");
    }
    if (entries.isEmpty()) {
      throw RequestRejected.invalidRequest(LeakReportReason.REPORT_EMPTY, "the report is empty");
    }
    if (entries.size() > MAX_TOKENS) {
      throw tooLarge(
          LeakReportReason.REPORT_TOO_MANY_TOKENS,
          "at most " + MAX_TOKENS + " tokens per report; send the rest in another");
    }
    List<ReportedToken> tokens = new ArrayList<>(entries.size());
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> match)
          || !(match.get("token") instanceof String token)
          || token.isEmpty()) {
        throw malformed("each entry must be an object with a non-empty string token");
      }
      tokens.add(
          new ReportedToken(token, text(match, "type"), text(match, "url"), text(match, "source")));
    }
    return List.copyOf(tokens);
  }

  private static String text(Map<?, ?> match, String name) {
    Object value = match.get(name);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw malformed(name + " must be a string");
    }
    return s;
  }

  private static RequestRejected malformed(String description) {
    return RequestRejected.invalidRequest(LeakReportReason.REPORT_MALFORMED, description);
  }

  private static RequestRejected tooLarge(LeakReportReason reason, String description) {
    return new RequestRejected(OAuthError.INVALID_REQUEST, 413, reason, description, Map.of());
  }
}
