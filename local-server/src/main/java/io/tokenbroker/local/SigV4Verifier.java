package io.tokenbroker.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What API Gateway does before an AWS_IAM route reaches its function: checks the request's AWS
 * Signature Version 4 ({@code AWS4-HMAC-SHA256}, service {@code execute-api}) against the secret of
 * the access key it names, and tells who signed. Local identities stand in for IAM; a plain header
 * claiming an identity is never trusted.
 */
final class SigV4Verifier {

  /** A local stand-in for an IAM principal and its access key. */
  record LocalIdentity(
      String accessKeyId,
      String secretAccessKey,
      String callerArn,
      String accountId,
      String userId) {}

  sealed interface Outcome permits Verified, Refused {}

  record Verified(LocalIdentity identity) implements Outcome {}

  /** API Gateway's answer when verification fails. */
  record Refused(int status, String message) implements Outcome {}

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256"
              + " Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request,\\s*"
              + "SignedHeaders=([a-z0-9;_.-]+),\\s*Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final String SERVICE = "execute-api";

  private final Map<String, LocalIdentity> identities;
  private final String region;
  private final Clock clock;

  SigV4Verifier(List<LocalIdentity> identities, String region, Clock clock) {
    this.identities =
        identities.stream()
            .collect(Collectors.toMap(LocalIdentity::accessKeyId, Function.identity()));
    this.region = region;
    this.clock = clock;
  }

  /**
   * @param headers request headers, names in any case
   */
  Outcome verify(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    TreeMap<String, List<String>> lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    lower.putAll(headers);
    List<String> authorization = lower.getOrDefault("authorization", List.of());
    if (authorization.isEmpty()) {
      return new Refused(403, "Missing Authentication Token");
    }
    Matcher auth = AUTHORIZATION.matcher(authorization.getFirst().strip());
    if (authorization.size() != 1 || !auth.matches()) {
      return new Refused(403, "Authorization header is not a valid AWS Signature Version 4");
    }
    LocalIdentity identity = identities.get(auth.group(1));
    if (identity == null) {
      return new Refused(403, "The security token included in the request is invalid.");
    }
    if (!auth.group(3).equals(region) || !auth.group(4).equals(SERVICE)) {
      return new Refused(
          403, "Credential should be scoped to region " + region + " and service " + SERVICE);
    }
    Optional<Instant> signedAt = amzDate(lower);
    if (signedAt.isEmpty()
        || !auth.group(2)
            .equals(AMZ_DATE.format(signedAt.get().atOffset(ZoneOffset.UTC)).substring(0, 8))) {
      return new Refused(403, "Signature date missing or inconsistent with the credential scope");
    }
    if (Duration.between(signedAt.get(), clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
      return new Refused(403, "Signature expired");
    }
    List<String> declaredHash = lower.getOrDefault("x-amz-content-sha256", List.of());
    if (!declaredHash.isEmpty() && !declaredHash.equals(List.of(hex(sha256(body))))) {
      return new Refused(403, "The provided x-amz-content-sha256 header does not match the body");
    }
    List<String> signedHeaders = Arrays.asList(auth.group(5).split(";"));
    if (!signedHeaders.contains("host")
        || !signedHeaders.equals(signedHeaders.stream().sorted().toList())) {
      return new Refused(403, "SignedHeaders must be sorted and include host");
    }

    String canonicalRequest =
        String.join(
            "\n",
            method,
            canonicalPath(rawPath),
            canonicalQuery(rawQuery),
            canonicalHeaders(lower, signedHeaders),
            auth.group(5),
            payloadHash(body));
    String scope = auth.group(2) + "/" + region + "/" + SERVICE + "/aws4_request";
    String stringToSign =
        String.join(
            "\n",
            "AWS4-HMAC-SHA256",
            AMZ_DATE.format(signedAt.get().atOffset(ZoneOffset.UTC)),
            scope,
            hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
    byte[] key = ("AWS4" + identity.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
    for (String part : List.of(auth.group(2), region, SERVICE, "aws4_request")) {
      key = hmac(key, part);
    }
    byte[] expected = hmac(key, stringToSign);
    if (!MessageDigest.isEqual(expected, HexFormat.of().parseHex(auth.group(6)))) {
      return new Refused(
          403,
          "The request signature we calculated does not match the signature you provided. Check"
              + " your AWS Secret Access Key and signing method.");
    }
    return new Verified(identity);
  }

  private static Optional<Instant> amzDate(Map<String, List<String>> headers) {
    List<String> values = headers.getOrDefault("x-amz-date", List.of());
    if (values.size() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          LocalDateTime.parse(values.getFirst(), AMZ_DATE).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Each segment of the (once-encoded) path encoded again, as SigV4 does for all but S3. */
  private static String canonicalPath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    return Arrays.stream(rawPath.split("/", -1))
        .map(SigV4Verifier::encode)
        .collect(Collectors.joining("/"));
  }

  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
  }

  private static String canonicalHeaders(Map<String, List<String>> headers, List<String> signed) {
    StringBuilder canonical = new StringBuilder();
    for (String name : signed) {
      String value =
          headers.getOrDefault(name, List.of()).stream()
              .map(v -> v.strip().replaceAll("\\s+", " "))
              .collect(Collectors.joining(","));
      canonical.append(name).append(':').append(value).append('\n');
    }
    return canonical.toString();
  }

  /**
   * The body's own hash: the signature must cover the body as received. A declared
   * x-amz-content-sha256 that differs (or UNSIGNED-PAYLOAD) fails the signature check.
   */
  private static String payloadHash(byte[] body) {
    return hex(sha256(body));
  }

  /** RFC 3986 percent-encoding of everything but unreserved characters. */
  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  private static String decode(String value) {
    try {
      return java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
