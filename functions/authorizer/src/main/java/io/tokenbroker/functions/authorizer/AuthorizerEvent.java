package io.tokenbroker.functions.authorizer;

import io.tokenbroker.adapters.http.BoundedEventReader;
import io.tokenbroker.adapters.http.HeaderLimits;
import io.tokenbroker.adapters.http.HttpReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an authorizer event in one pass over its text and keeps only what {@link AuthorizerRequest}
 * needs, without building the event as maps (issue 13). As strict as the read it replaced ({@link
 * BoundedEventReader#readJson}: Gson in strict mode, then the shape checks over its maps):
 *
 * <ul>
 *   <li>RFC 8259 JSON, nothing but whitespace after the object (one U+FEFF before it, as Gson
 *       skips); raw control characters in strings, escapes other than JSON's, upper-case literals,
 *       leading zeros, numbers Gson would make an infinite double or of 1,024 characters and more
 *       are refused, as Gson refused them; a backslash-u escape is the UTF-16 unit it names, lone
 *       surrogates included, as Gson took it.
 *   <li>Nesting deeper than {@link Json#MAX_DEPTH} is {@code event_too_deep}, also where the text
 *       is malformed too, as the bracket count before the parse made it.
 *   <li>The header limits ({@link HeaderLimits}) on each header map, then on a TOKEN authorizer's
 *       token, once the whole text is known to be JSON; the shape checks as before.
 * </ul>
 *
 * Stricter in two places, both {@code malformed_event}: a member name twice in one object is
 * refused at every level, names compared after unescaping (Gson refused it at the top level only
 * and kept the last of nested ones); and a top-level array (Gson read {@code [["name", value],
 * ...]} as an object). {@code AuthorizerEventDifferentialFuzzTest} holds it to the old read.
 */
final class AuthorizerEvent {

  /** Objects with more members than this check duplicate names in a set, not pairwise. */
  private static final int PAIRWISE_NAMES = 32;

  private static final String AUTHORIZATION = "authorization";
  private static final String DPOP = "dpop";
  private static final String USER_AGENT = "user-agent";

  /** Gson reads a number in its 1024-character buffer and refuses one that does not fit. */
  private static final int MAX_NUMBER_CHARS = 1024;

  /** The text is not JSON, or names a member twice; which one does not matter to the caller. */
  private static final class Syntax extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Syntax INSTANCE = new Syntax();

    private Syntax() {
      super("malformed event JSON", null, false, false);
    }
  }

  private static final class TooDeep extends Exception {
    private static final long serialVersionUID = 1L;
    private static final TooDeep INSTANCE = new TooDeep();

    private TooDeep() {
      super("event nested too deeply", null, false, false);
    }
  }

  /** Counts for one header map, as {@link HeaderLimits#requireWithinLimits} counts them. */
  private static final class HeaderCount {
    int fields;
    long chars;
    boolean valueTooLarge;

    /** The last member named Authorization in any case: -1 none, 0 not a list, 1 a list. */
    int authorizationKind = -1;

    int authorizationListSize;

    /** Span of the member's string value (or its list's first string element); start -1 if not. */
    int valueStart = -1;

    int valueEnd;
    boolean valueEscaped;

    /** The same for the last member named DPoP in any case (RFC 9449 7.1's proof header). */
    int dpopKind = -1;

    /** Members named DPoP in any case: more than one is a repeated header (RFC 9449 4.3). */
    int dpopMembers;

    int dpopListSize;
    int dpopStart = -1;
    int dpopEnd;
    boolean dpopEscaped;

    /** The same for the last member named User-Agent in any case (logged, never decided on). */
    int userAgentKind = -1;

    int userAgentListSize;
    int userAgentStart = -1;
    int userAgentEnd;
    boolean userAgentEscaped;

    void requireWithinLimits() {
      if (valueTooLarge) {
        throw RequestRejected.invalidRequest(
            HttpReason.HEADER_TOO_LARGE, "request header too large");
      }
      if (fields > HeaderLimits.MAX_FIELDS) {
        throw RequestRejected.invalidRequest(
            HttpReason.TOO_MANY_HEADERS, "too many request headers");
      }
      if (chars > HeaderLimits.MAX_CHARS) {
        throw RequestRejected.invalidRequest(
            HttpReason.HEADERS_TOO_LARGE, "request headers too large");
      }
    }
  }

  /**
   * The event's bytes and characters and the name stack, per thread, kept while small: a warm
   * decision then allocates none of them (they were 40% of a decision's allocation). Larger ones
   * are made for the event and dropped.
   */
  private static final class Buffers {
    private static final int KEPT = 64 * 1024;
    private static final int KEPT_NAMES = 1024;

    byte[] bytes = new byte[BoundedEventReader.FIRST_READ_BYTES];
    char[] chars = new char[BoundedEventReader.FIRST_READ_BYTES];
    int[] nameHash = new int[64];
    int[] nameStart = new int[64];
    int[] nameEnd = new int[64];
    int[] nameLength = new int[64];
    boolean[] nameEscaped = new boolean[64];

    /** Widens ASCII bytes with the JDK's vectorized loop; stops at the first other byte. */
    private final CharsetDecoder asciiDecoder = StandardCharsets.US_ASCII.newDecoder();

    private ByteBuffer byteView = ByteBuffer.wrap(bytes);
    private CharBuffer charView = CharBuffer.wrap(chars);

    /** How many of {@code bytes[0, length)} are ASCII, copied as chars into {@code chars}. */
    int widenAscii(byte[] bytes, int length, char[] chars) {
      ByteBuffer in = byteView.array() == bytes ? byteView : ByteBuffer.wrap(bytes);
      CharBuffer out = charView.array() == chars ? charView : CharBuffer.wrap(chars);
      in.clear().limit(length);
      out.clear();
      asciiDecoder.reset().decode(in, out, true);
      if (bytes.length <= KEPT) {
        byteView = in;
      }
      if (chars.length <= KEPT) {
        charView = out;
      }
      return in.position();
    }

    void keep(byte[] used, char[] usedChars) {
      if (used.length <= KEPT) {
        bytes = used;
      }
      if (usedChars.length <= KEPT) {
        chars = usedChars;
      }
    }

    /** The event's name stack, grown. */
    void keep(AuthorizerEvent event) {
      if (event.nameHash.length <= KEPT_NAMES) {
        nameHash = event.nameHash;
        nameStart = event.nameStart;
        nameEnd = event.nameEnd;
        nameLength = event.nameLength;
        nameEscaped = event.nameEscaped;
      }
    }
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private final char[] text; // the event's characters are text[0, length)
  private final int length;

  /**
   * The event's bytes when every one is ASCII (then {@code ascii[i] == text[i]}), else null: a
   * string's plain run is then found eight bytes at a time ({@link #plainRun}).
   */
  private final byte[] ascii;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private int pos;
  private int depth;

  // The string just scanned: its raw span between the quotes, decoded length, hash (names only).
  private int strStart;
  private int strEnd;
  private int strLength;
  private int strHash;
  private boolean strEscaped;

  // Member names of the open objects, innermost last: hash, raw span, escaped, decoded length.
  private int names;
  private final Buffers buffers; // where the name stack comes from, and goes back to if it grew
  private int[] nameHash;
  private int[] nameStart;
  private int[] nameEnd;
  private int[] nameLength;
  private boolean[] nameEscaped;
  private Object[] nameSets; // made for the first object of more than PAIRWISE_NAMES members

  // What the event says, as far as AuthorizerRequest asks.
  private boolean version2;
  private String methodArn;
  private String type;
  private String authorizationToken;
  private String routeArn;
  private String rawPath;
  private boolean contextIsObject;
  private boolean httpIsObject;
  private String httpMethod;
  private String stage = "null";
  // requestContext.domainName and (REST) requestContext.path: spans, decoded for DPoP only.
  private int domainStart = -1;
  private int domainEnd;
  private boolean domainEscaped;
  private int contextPathStart = -1;
  private int contextPathEnd;
  private boolean contextPathEscaped;
  private HeaderCount headers;
  private HeaderCount multiValueHeaders;
  // clientCert.clientCertPem under requestContext.identity (REST) or .authentication (HTTP API).
  private String identityClientCertPem;
  private String authenticationClientCertPem;
  // Where the request came from, for the log: requestContext.identity.sourceIp (REST), or
  // requestContext.http.sourceIp and .userAgent (HTTP API).
  private String identitySourceIp;
  private String httpSourceIp;
  private String httpUserAgent;
  // requestContext.requestId: API Gateway's request id, the lines' correlation_id.
  private String contextRequestId;

  private AuthorizerEvent(char[] text, int length, byte[] ascii, Buffers buffers) {
    this.text = text;
    this.length = length;
    this.ascii = ascii;
    this.buffers = buffers;
    nameHash = buffers.nameHash;
    nameStart = buffers.nameStart;
    nameEnd = buffers.nameEnd;
    nameLength = buffers.nameLength;
    nameEscaped = buffers.nameEscaped;
  }

  /**
   * @throws AuthorizerRequest.Malformed if the event is none of the shapes
   * @throws RequestRejected {@code invalid_request}: the event is too large, too deep, not one JSON
   *     object, or its headers exceed the limits
   */
  static AuthorizerRequest read(InputStream in) throws IOException {
    Buffers buffers = BUFFERS.get();
    BoundedEventReader.Bytes event = BoundedEventReader.readBytes(in, buffers.bytes);
    byte[] bytes = event.array();
    int length = event.length();
    char[] chars = buffers.chars.length >= length ? buffers.chars : new char[length];
    boolean allAscii = buffers.widenAscii(bytes, length, chars) == length;
    if (!allAscii) {
      // Not all ASCII: decoded exactly as BoundedEventReader.readText decodes (malformed replaced).
      String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
      length = text.length();
      text.getChars(0, length, chars, 0);
    }
    buffers.keep(bytes, chars);
    return parse(chars, length, allAscii ? bytes : null, buffers);
  }

  /** {@link #read} of the event's text (each string scanned a character at a time). */
  static AuthorizerRequest parse(String text) {
    return parse(text.toCharArray(), text.length(), null, BUFFERS.get());
  }

  private static AuthorizerRequest parse(char[] text, int length, byte[] ascii, Buffers buffers) {
    AuthorizerEvent event = new AuthorizerEvent(text, length, ascii, buffers);
    try {
      event.document();
    } catch (TooDeep e) {
      throw tooDeep();
    } catch (Syntax e) {
      try {
        // Deep nesting after the error still makes it event_too_deep, as the count before made it.
        Json.requireDepthWithinLimit(new String(text, 0, length));
      } catch (Json.TooDeep deep) {
        throw tooDeep();
      }
      throw RequestRejected.invalidRequest(HttpReason.MALFORMED_EVENT, "malformed request event");
    }
    return event.request();
  }

  private static RequestRejected tooDeep() {
    return RequestRejected.invalidRequest(HttpReason.EVENT_TOO_DEEP, "request nested too deeply");
  }

  // ---- The request, from what was read: the rules the map-based read applied (now the tests'
  // LegacyAuthorizerRequest).

  private AuthorizerRequest request() {
    if (headers != null) {
      headers.requireWithinLimits();
    }
    if (multiValueHeaders != null) {
      multiValueHeaders.requireWithinLimits();
    }
    if (authorizationToken != null && authorizationToken.length() > HeaderLimits.MAX_VALUE_CHARS) {
      throw RequestRejected.invalidRequest(HttpReason.HEADER_TOO_LARGE, "request header too large");
    }
    if (version2) {
      return httpApi();
    }
    if (methodArn == null) {
      throw new AuthorizerRequest.Malformed();
    }
    AuthorizerRequest.Arn arn = AuthorizerRequest.Arn.parse(methodArn);
    Optional<String> token;
    boolean requestType = "REQUEST".equals(type);
    if ("TOKEN".equals(type)) {
      token = Optional.ofNullable(authorizationToken).flatMap(AuthorizerRequest::bearer);
    } else if (requestType) {
      token = bearerToken(false);
    } else {
      throw new AuthorizerRequest.Malformed();
    }
    return new AuthorizerRequest(
        AuthorizerRequest.Shape.REST_POLICY,
        token,
        arn.method(),
        arn.path(),
        arn.base(),
        Optional.ofNullable(identityClientCertPem),
        // Only a request without a Bearer token can be a DPoP one: decoded for that scheme alone.
        token.isPresent()
            ? Optional.empty()
            : dpop(
                "TOKEN".equals(type)
                    ? Optional.ofNullable(authorizationToken)
                    : authorizationHeader(false),
                false,
                contextPathStart,
                contextPathEnd,
                contextPathEscaped),
        // A TOKEN authorizer's event says nothing of the request's origin.
        requestType ? Optional.ofNullable(identitySourceIp) : Optional.empty(),
        requestType ? userAgentHeader() : Optional.empty(),
        requestType ? Optional.ofNullable(contextRequestId) : Optional.empty());
  }

  private AuthorizerRequest httpApi() {
    if (routeArn == null
        || !contextIsObject
        || !httpIsObject
        || httpMethod == null
        || rawPath == null) {
      throw new AuthorizerRequest.Malformed();
    }
    AuthorizerRequest.Arn arn = AuthorizerRequest.Arn.parse(routeArn);
    String path =
        !"$default".equals(stage) && rawPath.startsWith("/" + stage + "/")
            ? rawPath.substring(stage.length() + 1)
            : rawPath;
    // HTTP APIs join repeated headers with commas; a comma can never be part of a JWS.
    Optional<String> token = bearerToken(true);
    return new AuthorizerRequest(
        AuthorizerRequest.Shape.HTTP_SIMPLE,
        token,
        httpMethod.toUpperCase(Locale.ROOT),
        path,
        arn.base(),
        Optional.ofNullable(authenticationClientCertPem),
        token.isPresent() ? Optional.empty() : dpop(authorizationHeader(true), true, -1, 0, false),
        Optional.ofNullable(httpSourceIp),
        Optional.ofNullable(httpUserAgent),
        Optional.ofNullable(contextRequestId));
  }

  /**
   * The DPoP parts, if the credential is {@code DPoP <token>}: nothing else is decoded for a Bearer
   * request. The path is REST's {@code requestContext.path} span, or (HTTP API, {@code
   * contextPathStart} -1) {@code rawPath}.
   */
  private Optional<AuthorizerRequest.Dpop> dpop(
      Optional<String> credential,
      boolean httpApi,
      int contextPathStart,
      int contextPathEnd,
      boolean contextPathEscaped) {
    Optional<String> token = credential.flatMap(AuthorizerRequest::dpopToken);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> proof = Optional.empty();
    boolean repeated = false;
    if (multiValueHeaders != null && multiValueHeaders.dpopMembers > 1
        || headers != null && headers.dpopMembers > 1) {
      repeated = true; // "DPoP" and "dpop" are one header name sent twice
    } else if (multiValueHeaders != null && multiValueHeaders.dpopKind == 1) {
      if (multiValueHeaders.dpopListSize == 1) {
        proof = Optional.ofNullable(dpopValue(multiValueHeaders));
      } else {
        repeated = multiValueHeaders.dpopListSize > 1;
      }
    } else if (headers != null && headers.dpopKind == 0) {
      proof = Optional.ofNullable(dpopValue(headers));
    }
    if (httpApi && proof.filter(p -> p.contains(",")).isPresent()) {
      proof = Optional.empty(); // HTTP APIs join repeated headers with commas; a JWS has none
      repeated = true;
    }
    String host = domainStart < 0 ? null : decode(domainStart, domainEnd, domainEscaped);
    String requestPath =
        httpApi
            ? rawPath
            : contextPathStart < 0
                ? null
                : decode(contextPathStart, contextPathEnd, contextPathEscaped);
    Optional<String> url =
        host == null || requestPath == null
            ? Optional.empty()
            : Optional.of("https://" + host + requestPath);
    return Optional.of(new AuthorizerRequest.Dpop(token.get(), proof, repeated, url));
  }

  private String dpopValue(HeaderCount count) {
    return count.dpopStart < 0 ? null : decode(count.dpopStart, count.dpopEnd, count.dpopEscaped);
  }

  /**
   * The bearer token ({@link AuthorizerRequest#bearer}) of the Authorization header's value if it
   * was sent exactly once, none if {@code noComma} and the value holds a comma. A value without
   * escapes is read where it is in the text: only the token is copied, not the whole value first.
   */
  private Optional<String> bearerToken(boolean noComma) {
    HeaderCount count = authorizationValue();
    if (count == null || count.valueStart < 0) {
      return Optional.empty();
    }
    if (count.valueEscaped) {
      String value = decode(count.valueStart, count.valueEnd, true);
      return noComma && value.contains(",") ? Optional.empty() : AuthorizerRequest.bearer(value);
    }
    return AuthorizerRequest.bearer(text, count.valueStart, count.valueEnd, noComma);
  }

  /**
   * The Authorization header's value if it was sent exactly once, decoded (for the DPoP scheme
   * only: a Bearer token is read in place), none if {@code noComma} and it holds a comma.
   */
  private Optional<String> authorizationHeader(boolean noComma) {
    HeaderCount count = authorizationValue();
    if (count == null || count.valueStart < 0) {
      return Optional.empty();
    }
    String value = decode(count.valueStart, count.valueEnd, count.valueEscaped);
    return noComma && value.contains(",") ? Optional.empty() : Optional.of(value);
  }

  /**
   * The User-Agent header's value if it was sent exactly once (a REST API's event; the rule that
   * picks the Authorization header), decoded.
   */
  private Optional<String> userAgentHeader() {
    HeaderCount count;
    if (multiValueHeaders != null && multiValueHeaders.userAgentKind == 1) {
      count = multiValueHeaders.userAgentListSize == 1 ? multiValueHeaders : null;
    } else {
      count = headers == null || headers.userAgentKind != 0 ? null : headers;
    }
    return count == null || count.userAgentStart < 0
        ? Optional.empty()
        : Optional.of(decode(count.userAgentStart, count.userAgentEnd, count.userAgentEscaped));
  }

  /** The map whose Authorization value counts, if it was sent exactly once; else null. */
  private HeaderCount authorizationValue() {
    if (multiValueHeaders != null && multiValueHeaders.authorizationKind == 1) {
      return multiValueHeaders.authorizationListSize == 1 ? multiValueHeaders : null;
    }
    // A single-valued header counts only as a string; a list there is no value.
    return headers == null || headers.authorizationKind != 0 ? null : headers;
  }

  // ---- The event's members.

  private void document() throws Syntax, TooDeep {
    if (length > 0 && text[0] == '\uFEFF') {
      pos = 1; // Gson skips one byte order mark at the very start
    }
    skipWhitespace();
    if (pos >= length || text[pos] != '{') {
      throw Syntax.INSTANCE;
    }
    pos++;
    enter();
    int first = names;
    if (!emptyContainer('}')) {
      do {
        int member = memberName(first);
        topLevelValue(member);
      } while (nextMember('}'));
    }
    leave(first);
    skipWhitespace();
    if (pos != length) {
      throw Syntax.INSTANCE;
    }
  }

  private void topLevelValue(int member) throws Syntax, TooDeep {
    if (nameIs(member, "headers")) {
      headers = headerMap();
    } else if (nameIs(member, "multiValueHeaders")) {
      multiValueHeaders = headerMap();
    } else if (nameIs(member, "requestContext")) {
      requestContext();
    } else if (nameIs(member, "version")) {
      version2 = "2.0".equals(stringOrSkip());
    } else if (nameIs(member, "methodArn")) {
      methodArn = stringOrSkip();
    } else if (nameIs(member, "type")) {
      type = stringOrSkip();
    } else if (nameIs(member, "authorizationToken")) {
      authorizationToken = stringOrSkip();
    } else if (nameIs(member, "routeArn")) {
      routeArn = stringOrSkip();
    } else if (nameIs(member, "rawPath")) {
      rawPath = stringOrSkip();
    } else {
      skipValue();
    }
  }

  private void requestContext() throws Syntax, TooDeep {
    if (peekValue() != '{') {
      skipValue();
      return;
    }
    contextIsObject = true;
    pos++;
    enter();
    int first = names;
    if (!emptyContainer('}')) {
      do {
        int member = memberName(first);
        if (nameIs(member, "http")) {
          http();
        } else if (nameIs(member, "stage")) {
          stage = valueText();
        } else if (nameIs(member, "requestId")) {
          contextRequestId = stringOrSkip();
        } else if (nameIs(member, "identity")) {
          identity();
        } else if (nameIs(member, "authentication")) {
          authenticationClientCertPem = clientCertPem(authenticationClientCertPem);
        } else if (nameIs(member, "domainName")) {
          if (peekValue() == '"') {
            pos++;
            scanString(false);
            domainStart = strStart;
            domainEnd = strEnd;
            domainEscaped = strEscaped;
          } else {
            skipValue();
          }
        } else if (nameIs(member, "path")) {
          if (peekValue() == '"') {
            pos++;
            scanString(false);
            contextPathStart = strStart;
            contextPathEnd = strEnd;
            contextPathEscaped = strEscaped;
          } else {
            skipValue();
          }
        } else {
          skipValue();
        }
      } while (nextMember('}'));
    }
    leave(first);
  }

  /** REST's {@code requestContext.identity}: the client certificate and the source IP. */
  private void identity() throws Syntax, TooDeep {
    identityClientCertPem = clientCertPem(identityClientCertPem, true);
  }

  /**
   * {@code clientCert.clientCertPem} of the object at {@code pos}, where API Gateway puts the
   * certificate of a mutual TLS connection; {@code previous} if there is none. With {@code
   * identity}, its {@code sourceIp} too.
   */
  private String clientCertPem(String previous) throws Syntax, TooDeep {
    return clientCertPem(previous, false);
  }

  private String clientCertPem(String previous, boolean identity) throws Syntax, TooDeep {
    String pem = previous;
    if (peekValue() != '{') {
      skipValue();
      return pem;
    }
    pos++;
    enter();
    int first = names;
    if (!emptyContainer('}')) {
      do {
        int member = memberName(first);
        if (identity && nameIs(member, "sourceIp")) {
          identitySourceIp = stringOrSkip();
        } else if (nameIs(member, "clientCert") && peekValue() == '{') {
          pos++;
          enter();
          int inner = names;
          if (!emptyContainer('}')) {
            do {
              int field = memberName(inner);
              if (nameIs(field, "clientCertPem")) {
                pem = stringOrSkip();
              } else {
                skipValue();
              }
            } while (nextMember('}'));
          }
          leave(inner);
        } else {
          skipValue();
        }
      } while (nextMember('}'));
    }
    leave(first);
    return pem;
  }

  private void http() throws Syntax, TooDeep {
    if (peekValue() != '{') {
      skipValue();
      return;
    }
    httpIsObject = true;
    pos++;
    enter();
    int first = names;
    if (!emptyContainer('}')) {
      do {
        int member = memberName(first);
        if (nameIs(member, "method")) {
          httpMethod = stringOrSkip();
        } else if (nameIs(member, "sourceIp")) {
          httpSourceIp = stringOrSkip();
        } else if (nameIs(member, "userAgent")) {
          httpUserAgent = stringOrSkip();
        } else {
          skipValue();
        }
      } while (nextMember('}'));
    }
    leave(first);
  }

  /**
   * A header map's counts: each string value, or each string in a list value, is a field of the
   * name's length plus its own; anything else counts nothing. Null if the value is no object.
   */
  private HeaderCount headerMap() throws Syntax, TooDeep {
    if (peekValue() != '{') {
      skipValue();
      return null;
    }
    HeaderCount count = new HeaderCount();
    pos++;
    enter();
    int first = names;
    if (!emptyContainer('}')) {
      do {
        int member = memberName(first);
        int nameLength = this.nameLength[member];
        boolean authorization = isAuthorization(member);
        boolean dpop = !authorization && isDpop(member);
        boolean userAgent = !authorization && !dpop && isUserAgent(member);
        if (dpop) {
          count.dpopMembers++;
        }
        char c = peekValue();
        if (c == '"') {
          pos++;
          scanString(false);
          countField(count, nameLength, strLength);
          if (authorization) {
            count.authorizationKind = 0;
            keepValue(count);
          } else if (dpop) {
            count.dpopKind = 0;
            keepDpop(count);
          } else if (userAgent) {
            count.userAgentKind = 0;
            keepUserAgent(count);
          }
        } else if (c == '[') {
          pos++;
          enter();
          int size = 0;
          if (authorization) {
            count.authorizationKind = 1;
            count.valueStart = -1;
          } else if (dpop) {
            count.dpopKind = 1;
            count.dpopStart = -1;
          } else if (userAgent) {
            count.userAgentKind = 1;
            count.userAgentStart = -1;
          }
          if (!emptyContainer(']')) {
            do {
              if (peekValue() == '"') {
                pos++;
                scanString(false);
                countField(count, nameLength, strLength);
                if (size == 0) {
                  if (authorization) {
                    keepValue(count);
                  } else if (dpop) {
                    keepDpop(count);
                  } else if (userAgent) {
                    keepUserAgent(count);
                  }
                }
              } else {
                skipValue();
              }
              size++;
            } while (nextMember(']'));
          }
          depth--;
          if (authorization) {
            count.authorizationListSize = size;
          } else if (dpop) {
            count.dpopListSize = size;
          } else if (userAgent) {
            count.userAgentListSize = size;
          }
        } else {
          skipValue();
          if (authorization) {
            count.authorizationKind = 0;
            count.valueStart = -1;
          } else if (dpop) {
            count.dpopKind = 0;
            count.dpopStart = -1;
          } else if (userAgent) {
            count.userAgentKind = 0;
            count.userAgentStart = -1;
          }
        }
      } while (nextMember('}'));
    }
    leave(first);
    return count;
  }

  private static void countField(HeaderCount count, int nameLength, int valueLength) {
    count.fields++;
    if (valueLength > HeaderLimits.MAX_VALUE_CHARS) {
      count.valueTooLarge = true;
    }
    count.chars += nameLength + valueLength;
  }

  private void keepValue(HeaderCount count) {
    count.valueStart = strStart;
    count.valueEnd = strEnd;
    count.valueEscaped = strEscaped;
  }

  private void keepUserAgent(HeaderCount count) {
    count.userAgentStart = strStart;
    count.userAgentEnd = strEnd;
    count.userAgentEscaped = strEscaped;
  }

  private void keepDpop(HeaderCount count) {
    count.dpopStart = strStart;
    count.dpopEnd = strEnd;
    count.dpopEscaped = strEscaped;
  }

  /** The value as a string if it is one; any other value is read and null. */
  private String stringOrSkip() throws Syntax, TooDeep {
    if (peekValue() != '"') {
      skipValue();
      return null;
    }
    pos++;
    scanString(false);
    return decode(strStart, strEnd, strEscaped);
  }

  /**
   * {@code String.valueOf} of the value as Gson gave it (Long or Double, Boolean, null, a map, a
   * list): what the HTTP API path rule compared a stage with.
   */
  private String valueText() throws Syntax, TooDeep {
    StringBuilder out = new StringBuilder();
    appendValue(out);
    return out.toString();
  }

  private void appendValue(StringBuilder out) throws Syntax, TooDeep {
    char c = peekValue();
    switch (c) {
      case '"' -> {
        pos++;
        scanString(false);
        out.append(decode(strStart, strEnd, strEscaped));
      }
      case '{' -> {
        pos++;
        enter();
        int first = names;
        out.append('{');
        if (!emptyContainer('}')) {
          do {
            int member = memberName(first);
            if (member > first) {
              out.append(", ");
            }
            out.append(decode(nameStart[member], nameEnd[member], nameEscaped[member])).append('=');
            appendValue(out);
          } while (nextMember('}'));
        }
        leave(first);
        out.append('}');
      }
      case '[' -> {
        pos++;
        enter();
        out.append('[');
        if (!emptyContainer(']')) {
          boolean more = false;
          do {
            if (more) {
              out.append(", ");
            }
            more = true;
            appendValue(out);
          } while (nextMember(']'));
        }
        depth--;
        out.append(']');
      }
      default -> {
        int start = pos;
        skipValue();
        String literal = string(start, pos);
        if (c == 't' || c == 'f' || c == 'n') {
          out.append(literal);
        } else {
          out.append(number(literal));
        }
      }
    }
  }

  /** The number as Gson's LONG_OR_DOUBLE policy made it. */
  private static Object number(String literal) {
    try {
      return Long.parseLong(literal);
    } catch (NumberFormatException notALong) {
      return Double.valueOf(literal);
    }
  }

  // ---- Any value, validated and skipped.

  private void skipValue() throws Syntax, TooDeep {
    char c = peekValue();
    switch (c) {
      case '"' -> {
        pos++;
        scanString(false);
      }
      case '{' -> {
        pos++;
        enter();
        int first = names;
        if (!emptyContainer('}')) {
          do {
            memberName(first);
            skipValue();
          } while (nextMember('}'));
        }
        leave(first);
      }
      case '[' -> {
        pos++;
        enter();
        if (!emptyContainer(']')) {
          do {
            skipValue();
          } while (nextMember(']'));
        }
        depth--;
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> skipNumber();
    }
  }

  private void literal(String word) throws Syntax {
    if (!startsWith(word, pos)) {
      throw Syntax.INSTANCE;
    }
    pos += word.length();
  }

  /**
   * RFC 8259 number; one Gson would make an infinite double, or of {@link #MAX_NUMBER_CHARS} or
   * more, or whose integer part {@link #integerPart} refuses, is refused, as Gson refuses it.
   */
  private void skipNumber() throws Syntax {
    int start = pos;
    if (pos < length && text[pos] == '-') {
      pos++;
    }
    integerPart();
    boolean plain = true;
    if (pos < length && text[pos] == '.') {
      pos++;
      plain = false;
      if (!digits()) {
        throw Syntax.INSTANCE;
      }
    }
    if (pos < length && (text[pos] == 'e' || text[pos] == 'E')) {
      pos++;
      plain = false;
      if (pos < length && (text[pos] == '+' || text[pos] == '-')) {
        pos++;
      }
      if (!digits()) {
        throw Syntax.INSTANCE;
      }
    }
    if (pos - start >= MAX_NUMBER_CHARS) {
      throw Syntax.INSTANCE;
    }
    // 300 digits and no exponent cannot reach Double.MAX_VALUE (about 1.8e308).
    if ((!plain || pos - start > 300)
        && Double.isInfinite(Double.parseDouble(string(start, pos)))) {
      throw Syntax.INSTANCE;
    }
  }

  /**
   * The integer part as Gson reads it: digits accumulated into a long (wrapping, as Gson's does
   * once the number no longer fits), and a digit after an accumulated 0 refused. That refuses a
   * leading zero, and also a long integer whose wrapped accumulator comes to 0, e.g. 1 followed by
   * 64 zeros and one more digit: Gson refused those, so this does too.
   */
  private void integerPart() throws Syntax {
    int start = pos;
    long value = 0;
    while (pos < length && text[pos] >= '0' && text[pos] <= '9') {
      if (pos > start && value == 0) {
        throw Syntax.INSTANCE;
      }
      value = value * 10 - (text[pos++] - '0');
    }
    if (pos == start) {
      throw Syntax.INSTANCE;
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < length && text[pos] >= '0' && text[pos] <= '9') {
      pos++;
    }
    return pos > start;
  }

  // ---- Structure.

  private void enter() throws TooDeep {
    if (++depth > Json.MAX_DEPTH) {
      throw TooDeep.INSTANCE;
    }
  }

  /** Closes an object: its names leave the stack. */
  private void leave(int first) {
    if (nameSets != null) {
      nameSets[depth] = null;
    }
    names = first;
    depth--;
  }

  /** After an opening bracket: true (and past it) if the container closes at once. */
  private boolean emptyContainer(char close) throws Syntax {
    skipWhitespace();
    if (pos < length && text[pos] == close) {
      pos++;
      return true;
    }
    return false;
  }

  /** After a member or element: true past a comma, false past the closing bracket. */
  private boolean nextMember(char close) throws Syntax {
    skipWhitespace();
    if (pos < length) {
      char c = text[pos++];
      if (c == ',') {
        return true;
      }
      if (c == close) {
        return false;
      }
    }
    throw Syntax.INSTANCE;
  }

  /** The first character of the next value (whitespace skipped, not consumed). */
  private char peekValue() throws Syntax {
    skipWhitespace();
    if (pos >= length) {
      throw Syntax.INSTANCE;
    }
    return text[pos];
  }

  private void skipWhitespace() {
    while (pos < length) {
      char c = text[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  /**
   * A member's name and the colon after it; refused if the object (whose names start at {@code
   * first} on the stack) already has it. Returns its index on the stack.
   */
  private int memberName(int first) throws Syntax {
    skipWhitespace();
    if (pos >= length || text[pos] != '"') {
      throw Syntax.INSTANCE;
    }
    pos++;
    scanString(true);
    requireNewName(first);
    int member = push();
    skipWhitespace();
    if (pos >= length || text[pos] != ':') {
      throw Syntax.INSTANCE;
    }
    pos++;
    return member;
  }

  @SuppressWarnings("unchecked")
  private void requireNewName(int first) throws Syntax {
    int count = names - first;
    if (count < PAIRWISE_NAMES) {
      for (int i = first; i < names; i++) {
        if (nameHash[i] == strHash
            && nameLength[i] == strLength
            && sameName(i, strStart, strEnd, strEscaped)) {
          throw Syntax.INSTANCE;
        }
      }
      return;
    }
    // Many members (no API Gateway object has so many): a set, so that checking stays linear.
    if (nameSets == null) {
      nameSets = new Object[Json.MAX_DEPTH + 1];
    }
    HashSet<String> set = (HashSet<String>) nameSets[depth];
    if (set == null) {
      set = new HashSet<>();
      for (int i = first; i < names; i++) {
        set.add(decode(nameStart[i], nameEnd[i], nameEscaped[i]));
      }
      nameSets[depth] = set;
    }
    if (!set.add(decode(strStart, strEnd, strEscaped))) {
      throw Syntax.INSTANCE;
    }
  }

  private boolean sameName(int i, int start, int end, boolean escaped) {
    if (!escaped && !nameEscaped[i]) {
      return end - start == nameEnd[i] - nameStart[i]
          && Arrays.equals(text, nameStart[i], nameEnd[i], text, start, end);
    }
    return decode(nameStart[i], nameEnd[i], nameEscaped[i]).equals(decode(start, end, escaped));
  }

  private int push() {
    if (names == nameHash.length) {
      int size = names * 2;
      nameHash = Arrays.copyOf(nameHash, size);
      nameStart = Arrays.copyOf(nameStart, size);
      nameEnd = Arrays.copyOf(nameEnd, size);
      nameLength = Arrays.copyOf(nameLength, size);
      nameEscaped = Arrays.copyOf(nameEscaped, size);
      buffers.keep(this);
    }
    nameHash[names] = strHash;
    nameStart[names] = strStart;
    nameEnd[names] = strEnd;
    nameLength[names] = strLength;
    nameEscaped[names] = strEscaped;
    return names++;
  }

  private boolean nameIs(int member, String name) {
    if (!nameEscaped[member]) {
      return nameEnd[member] - nameStart[member] == name.length()
          && startsWith(name, nameStart[member]);
    }
    return nameLength[member] == name.length()
        && decode(nameStart[member], nameEnd[member], true).equals(name);
  }

  /** Equal to "authorization" ignoring case as {@code String.CASE_INSENSITIVE_ORDER} compares. */
  private boolean isAuthorization(int member) {
    if (nameLength[member] != AUTHORIZATION.length()) {
      return false;
    }
    String name =
        nameEscaped[member]
            ? decode(nameStart[member], nameEnd[member], true)
            : string(nameStart[member], nameEnd[member]);
    return String.CASE_INSENSITIVE_ORDER.compare(name, AUTHORIZATION) == 0;
  }

  /**
   * Equal to "dpop" ignoring case as {@code String.CASE_INSENSITIVE_ORDER} compares (so does {@code
   * regionMatches}); without a copy of the name, as four-letter headers (Host) are common.
   */
  private boolean isDpop(int member) {
    if (nameLength[member] != DPOP.length()) {
      return false;
    }
    return nameEscaped[member]
        ? String.CASE_INSENSITIVE_ORDER.compare(
                decode(nameStart[member], nameEnd[member], true), DPOP)
            == 0
        : regionMatchesIgnoreCase(nameStart[member], DPOP);
  }

  /** Equal to "user-agent" ignoring case, as {@link #isDpop} compares. */
  private boolean isUserAgent(int member) {
    if (nameLength[member] != USER_AGENT.length()) {
      return false;
    }
    return nameEscaped[member]
        ? String.CASE_INSENSITIVE_ORDER.compare(
                decode(nameStart[member], nameEnd[member], true), USER_AGENT)
            == 0
        : regionMatchesIgnoreCase(nameStart[member], USER_AGENT);
  }

  /** {@code String.regionMatches(true, ...)} of the text at {@code start} against {@code word}. */
  private boolean regionMatchesIgnoreCase(int start, String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = text[start + i];
      char w = word.charAt(i);
      if (c == w) {
        continue;
      }
      char cu = Character.toUpperCase(c);
      char wu = Character.toUpperCase(w);
      if (cu != wu && Character.toLowerCase(cu) != Character.toLowerCase(wu)) {
        return false;
      }
    }
    return true;
  }

  // ---- Strings.

  /**
   * Scans a string whose opening quote is behind {@code pos}, up to and past its closing quote:
   * sets its raw span, decoded length, whether it has escapes, and (for names) the decoded text's
   * {@code String.hashCode}.
   */
  private void scanString(boolean hash) throws Syntax {
    // The position in a local: most of an event's characters are in its strings, and a field
    // written per character keeps the loop from running at the speed of the array.
    char[] text = this.text;
    boolean runs = !hash && ascii != null;
    int end = length;
    int start = pos;
    int at = start;
    int decoded = 0;
    int h = 0;
    boolean escaped = false;
    int charwise = at; // up to here, one character at a time (the eight a run stopped at)
    while (true) {
      if (runs && at >= charwise) {
        int run = plainRun(at, end);
        at += run;
        decoded += run;
        charwise = at + 8;
      }
      if (at >= end) {
        throw Syntax.INSTANCE;
      }
      char c = text[at++];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        escaped = true;
        pos = at;
        c = escape();
        at = pos;
      } else if (c < 0x20) {
        throw Syntax.INSTANCE; // Gson's strict mode refuses raw control characters
      }
      decoded++;
      if (hash) {
        h = 31 * h + c;
      }
    }
    pos = at;
    strStart = start;
    strEnd = at - 1;
    strLength = decoded;
    strHash = h;
    strEscaped = escaped;
  }

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * How many characters from {@code at} are, eight at a time, none of a quote, a backslash or a
   * control character (each one character of the string as it is), read from {@link #ascii}: a
   * multiple of eight, stopping before the eight that hold one of them or run past {@code end}. The
   * tests are exact for ASCII bytes (high bit clear): a byte is zero after an XOR with the quote or
   * the backslash, or below 0x20, exactly when the subtraction sets its high bit while its
   * complement's is set.
   */
  private int plainRun(int from, int end) {
    byte[] bytes = ascii;
    int at = from;
    while (at <= end - 8) {
      long x = (long) LONGS.get(bytes, at);
      long quote = x ^ 0x2222222222222222L;
      long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
      long special =
          ((quote - ONES) & ~quote)
              | ((backslash - ONES) & ~backslash)
              | ((x - 0x2020202020202020L) & ~x);
      if ((special & HIGH_BITS) != 0) {
        break;
      }
      at += 8;
    }
    return at - from;
  }

  /** The character an escape (its backslash behind {@code pos}) stands for; past the escape. */
  private char escape() throws Syntax {
    if (pos >= length) {
      throw Syntax.INSTANCE;
    }
    char c = text[pos++];
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> {
        if (pos + 4 > length) {
          throw Syntax.INSTANCE;
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
          value = value * 16 + hexDigit(text[pos++]);
        }
        yield (char) value;
      }
      default -> throw Syntax.INSTANCE;
    };
  }

  /** ASCII hex digits only, as Gson reads them ({@code Character.digit} takes other scripts'). */
  private static int hexDigit(char c) throws Syntax {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw Syntax.INSTANCE;
  }

  private String string(int start, int end) {
    return new String(text, start, end - start);
  }

  /** Whether {@code word} is in the text at {@code at}. */
  private boolean startsWith(String word, int at) {
    if (at < 0 || at > length - word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (text[at + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The text of an already validated string's raw span. */
  private String decode(int start, int end, boolean escaped) {
    if (!escaped) {
      return string(start, end);
    }
    StringBuilder out = new StringBuilder(end - start);
    int saved = pos;
    pos = start;
    try {
      while (pos < end) {
        char c = text[pos++];
        out.append(c == '\\' ? escape() : c);
      }
    } catch (Syntax impossible) {
      throw new IllegalStateException(impossible);
    } finally {
      pos = saved;
    }
    return out.toString();
  }
}
