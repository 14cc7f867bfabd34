package io.tokenbroker.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The form in which {@code htu} and the request's URL are compared (RFC 9449 4.3 check 9 and its
 * note): query and fragment dropped, then RFC 3986 syntax-based normalization (6.2.2: scheme and
 * host in lower case, percent-encodings in upper case and unreserved characters decoded, dot
 * segments removed) and scheme-based normalization (6.2.3: the default port dropped, an empty path
 * is "/"). Only absolute http and https URLs with a host and no user information have a form.
 */
public final class Htu {

  /**
   * Longer URLs have no form: no endpoint of the broker or its APIs needs one, and it bounds work.
   */
  public static final int MAX_LENGTH = 2048;

  private Htu() {}

  /**
   * The normalized form of {@code url}, or empty if it is not an absolute http(s) URL or is longer
   * than {@link #MAX_LENGTH}.
   */
  public static Optional<String> normalize(String url) {
    if (url.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String withoutQuery = url;
    int cut = indexOfAny(url, '?', '#');
    if (cut >= 0) {
      withoutQuery = url.substring(0, cut);
    }
    URI uri;
    try {
      uri = new URI(withoutQuery);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getScheme() == null || uri.getRawUserInfo() != null || uri.getHost() == null) {
      return Optional.empty();
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort;
    switch (scheme) {
      case "https" -> defaultPort = 443;
      case "http" -> defaultPort = 80;
      default -> {
        return Optional.empty();
      }
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    String path = percentEncodings(uri.getRawPath());
    if (path == null) {
      return Optional.empty();
    }
    path = removeDotSegments(path.isEmpty() ? "/" : path);
    StringBuilder out = new StringBuilder(scheme).append("://").append(host);
    if (port >= 0 && port != defaultPort) {
      out.append(':').append(port);
    }
    return Optional.of(out.append(path).toString());
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == a || c == b) {
        return i;
      }
    }
    return -1;
  }

  /** Unreserved characters decoded, every other percent-encoding in upper case; null if broken. */
  private static String percentEncodings(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 2 >= path.length()) {
        return null;
      }
      int hi = Character.digit(path.charAt(i + 1), 16);
      int lo = Character.digit(path.charAt(i + 2), 16);
      if (hi < 0 || lo < 0 || path.charAt(i + 1) > 'f' || path.charAt(i + 2) > 'f') {
        return null;
      }
      char decoded = (char) (hi * 16 + lo);
      if (isUnreserved(decoded)) {
        out.append(decoded);
      } else {
        out.append('%')
            .append(Character.toUpperCase(path.charAt(i + 1)))
            .append(Character.toUpperCase(path.charAt(i + 2)));
      }
      i += 2;
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** RFC 3986 5.2.4, reading the input by index so that the work is linear in its length. */
  private static String removeDotSegments(String path) {
    if (!path.contains(".")) {
      return path;
    }
    int i = 0;
    int n = path.length();
    StringBuilder out = new StringBuilder(n);
    while (i < n) {
      if (path.startsWith("../", i)) {
        i += 3;
      } else if (path.startsWith("./", i)) {
        i += 2;
      } else if (path.startsWith("/./", i)) {
        i += 2;
      } else if (i + 2 == n && path.startsWith("/.", i)) {
        out.append('/');
        i = n;
      } else if (path.startsWith("/../", i)) {
        i += 3;
        dropLastSegment(out);
      } else if (i + 3 == n && path.startsWith("/..", i)) {
        dropLastSegment(out);
        out.append('/');
        i = n;
      } else if (n - i <= 2 && (path.startsWith("..", i) || n - i == 1 && path.charAt(i) == '.')) {
        i = n;
      } else {
        int next = path.indexOf('/', path.charAt(i) == '/' ? i + 1 : i);
        int end = next < 0 ? n : next;
        out.append(path, i, end);
        i = end;
      }
    }
    return out.toString();
  }

  private static void dropLastSegment(StringBuilder out) {
    int slash = out.lastIndexOf("/");
    out.setLength(Math.max(slash, 0));
  }
}
