package io.tokenbroker.adapters.federation;

import io.tokenbroker.adapters.federation.AddressRanges.Range;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTPS GET of a small JSON document from a host an outside party names (an issuer, its {@code
 * jwks_uri}), guarded against server-side request forgery: https only; the host resolved once and
 * refused if any of its addresses is not public ({@link AddressRanges}); the connection made to the
 * address that was checked (no second lookup, so no DNS rebinding between check and use), TLS
 * verifying the certificate for the host name (SNI and endpoint identification); connect and read
 * timeouts and a deadline for the whole exchange; a size cap; status 200 and a JSON content type
 * only; a redirect is a failure, never followed.
 *
 * <p>The JDK's HTTP clients resolve the host themselves and cannot be held to a checked address, so
 * this speaks the little HTTP/1.1 it needs over a socket it connected itself: one request, {@code
 * Connection: close}, a body by {@code Content-Length}, chunked, or to the end of the connection.
 * Anything else in the answer is refused.
 */
public final class GuardedHttps {

  /** Host name to addresses: the system resolver, or a test's. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    static Resolver system() {
      return InetAddress::getAllByName;
    }
  }

  /**
   * @param connectTimeout for the TCP connection to one address
   * @param readTimeout for each read (the TLS handshake included)
   * @param maxBytes the largest body accepted
   */
  public record Limits(Duration connectTimeout, Duration readTimeout, int maxBytes) {}

  /**
   * A fetch that was refused or failed. {@link #retryable()}: the same fetch may succeed later
   * (timeouts, refused connections, any status but 200 and a redirect, an answer that is not strict
   * JSON over HTTP/1.1 or too large). Not retryable: trust refusals only (a URL that is not https
   * or carries user info, an address that is not public, a redirect, a certificate the trust
   * refuses). The message names the URL without user info or query, and never carries the body.
   */
  public static final class FetchFailed extends Exception {
    private final boolean retryable;

    FetchFailed(String message, boolean retryable, Throwable cause) {
      super(message, cause, false, false);
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final Set<String> JSON_TYPES =
      Set.of("application/json", "application/jwk-set+json");

  private final Limits limits;
  private final SSLContext tls;
  private final boolean allowLoopback;
  private final Resolver resolver;

  /**
   * @param tls whose trust decides which certificates are accepted (the JDK's CAs in production)
   * @param allowLoopback whether loopback addresses may be fetched from: local development only
   */
  public GuardedHttps(Limits limits, SSLContext tls, boolean allowLoopback, Resolver resolver) {
    this.limits = limits;
    this.tls = tls;
    this.allowLoopback = allowLoopback;
    this.resolver = resolver;
  }

  /** The URL as it may be logged: scheme, host, port and path; never user info or query. */
  public static String loggable(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /**
   * The body of {@code uri}, which must answer 200 with a JSON content type before {@code
   * deadlineNanos} ({@link System#nanoTime()}).
   */
  public String get(URI uri, long deadlineNanos) throws FetchFailed {
    String where = checkUrl(uri);
    String host = uri.getHost();
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? 443 : uri.getPort();
    List<InetAddress> addresses = resolve(host, where, deadlineNanos);
    Watchdog watchdog = new Watchdog(deadlineNanos);
    try (Socket socket = watchdog.guard(connect(addresses, port, where, deadlineNanos));
        SSLSocket ssl = handshake(socket, host, port, where, deadlineNanos)) {
      String target = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        target += "?" + uri.getRawQuery();
      }
      String hostHeader =
          (host.contains(":") ? "[" + host + "]" : host) + (port == 443 ? "" : ":" + port);
      OutputStream out = ssl.getOutputStream();
      out.write(
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + hostHeader
                  + "\r\nAccept: application/json\r\nUser-Agent: token-broker\r\n"
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new Answer(ssl, where, deadlineNanos).read();
    } catch (IllegalArgumentException e) {
      // a port out of range, a name TLS cannot carry: nothing a retry changes
      throw new FetchFailed(where + ": not a usable host and port", false, null);
    } catch (IOException | FetchFailed e) {
      if (watchdog.fired()) {
        // the socket closed under a read the timeouts could not end (a drip within a record)
        throw new FetchFailed(where + ": deadline passed", true, null);
      }
      throw failure(e, where);
    } finally {
      watchdog.cancel();
    }
  }

  private static FetchFailed failure(Exception e, String where) {
    return switch (e) {
      case FetchFailed failed -> failed;
      case SocketTimeoutException timeout -> new FetchFailed(where + ": timed out", true, null);
      case SSLException tls -> {
        // a certificate the trust refuses stays refused; a handshake cut short may pass next time
        boolean certificate = false;
        for (Throwable c = tls; c != null && !certificate; c = c.getCause()) {
          certificate = c instanceof CertificateException;
        }
        yield new FetchFailed(
            where
                + ": TLS failed ("
                + (certificate ? "certificate refused" : tls.getClass().getSimpleName())
                + ")",
            !certificate,
            tls);
      }
      default -> new FetchFailed(where + ": " + e.getClass().getSimpleName(), true, e);
    };
  }

  /**
   * Closes the socket at the deadline, whatever it is blocked in: the read timeout restarts with
   * every byte, so a server dripping bytes inside one TLS record (or the handshake) would outlast
   * it. A virtual thread per fetch, ended as soon as the fetch is.
   */
  private static final class Watchdog {
    private final long deadlineNanos;
    private volatile boolean fired;
    private Thread thread;

    Watchdog(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    Socket guard(Socket socket) {
      thread =
          Thread.ofVirtual()
              .name("issuer-fetch-deadline")
              .start(
                  () -> {
                    try {
                      for (long left = deadlineNanos - System.nanoTime();
                          left > 0;
                          left = deadlineNanos - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.sleep(left);
                      }
                      fired = true;
                      closeQuietly(socket);
                    } catch (InterruptedException finished) {
                      // the fetch ended in time
                    }
                  });
      return socket;
    }

    boolean fired() {
      return fired;
    }

    void cancel() {
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  private static String checkUrl(URI uri) throws FetchFailed {
    if (uri.getHost() == null || uri.getRawPath() == null) {
      throw new FetchFailed("not an absolute URL with a host", false, null);
    }
    String where = loggable(uri);
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      throw new FetchFailed(where + ": only https is fetched", false, null);
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new FetchFailed(where + ": a URL with user info or a fragment is refused", false, null);
    }
    return where;
  }

  private List<InetAddress> resolve(String host, String where, long deadlineNanos)
      throws FetchFailed {
    // The lookup has no timeout of its own: it runs on a virtual thread the deadline bounds.
    FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> resolver.resolve(host));
    Thread.ofVirtual().start(lookup);
    InetAddress[] resolved;
    try {
      resolved = lookup.get(remaining(deadlineNanos, where), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw new FetchFailed(where + ": name lookup timed out", true, null);
    } catch (ExecutionException e) {
      throw new FetchFailed(where + ": host does not resolve", true, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchFailed(where + ": interrupted", true, e);
    }
    if (resolved == null || resolved.length == 0) {
      throw new FetchFailed(where + ": host does not resolve", true, null);
    }
    for (InetAddress address : resolved) {
      Range range = AddressRanges.classify(address);
      boolean allowed = range == Range.PUBLIC || (allowLoopback && range == Range.LOOPBACK);
      if (!allowed) {
        throw new FetchFailed(
            where
                + ": host resolves to "
                + address.getHostAddress()
                + ", a "
                + range.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " address; refused",
            false,
            null);
      }
    }
    return List.of(resolved);
  }

  private Socket connect(List<InetAddress> addresses, int port, String where, long deadlineNanos)
      throws FetchFailed {
    IOException last = null;
    for (InetAddress address : addresses) {
      long timeout = Math.min(limits.connectTimeout().toNanos(), remaining(deadlineNanos, where));
      Socket socket = new Socket();
      try {
        // An InetSocketAddress of an InetAddress: connected as checked, never looked up again.
        socket.connect(
            new InetSocketAddress(address, port),
            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout)));
        return socket;
      } catch (IOException e) {
        last = e;
        closeQuietly(socket);
      }
    }
    boolean timedOut = last instanceof SocketTimeoutException;
    throw new FetchFailed(
        where + (timedOut ? ": connect timed out" : ": cannot connect"), true, null);
  }

  private SSLSocket handshake(Socket socket, String host, int port, String where, long deadline)
      throws IOException, FetchFailed {
    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    if (!isAddressLiteral(host)) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout(readTimeout(deadline, where));
    ssl.startHandshake();
    return ssl;
  }

  private int readTimeout(long deadlineNanos, String where) throws FetchFailed {
    long nanos = Math.min(limits.readTimeout().toNanos(), remaining(deadlineNanos, where));
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  private static long remaining(long deadlineNanos, String where) throws FetchFailed {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new FetchFailed(where + ": deadline passed", true, null);
    }
    return left;
  }

  private static boolean isAddressLiteral(String host) {
    try {
      InetAddress.ofLiteral(host);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing was sent on it
    }
  }

  /** The answer to the one request, read strictly and within the limits. */
  private final class Answer {
    private final SSLSocket socket;
    private final InputStream in;
    private final String where;
    private final long deadline;
    private int headerBytes;

    Answer(SSLSocket socket, String where, long deadline) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.where = where;
      this.deadline = deadline;
    }

    String read() throws IOException, FetchFailed {
      String statusLine = headerLine();
      if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
        throw new FetchFailed(where + ": not an HTTP/1.1 answer", true, null);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = headers();
      if (status >= 300 && status < 400) {
        throw new FetchFailed(
            where + ": answered a redirect (HTTP " + status + "), which is not followed",
            false, // a trust refusal: the keys are never had from elsewhere
            null);
      }
      if (status != 200) {
        // 4xx included: an issuer redeploying answers 404 for a while; it is not distrusted.
        throw new FetchFailed(where + ": answered HTTP " + status, true, null);
      }
      String type = headers.getOrDefault("content-type", "");
      String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!JSON_TYPES.contains(mediaType)) {
        throw new FetchFailed(where + ": content type is not JSON", true, null);
      }
      String encoding = headers.get("transfer-encoding");
      String length = headers.get("content-length");
      byte[] body;
      if (encoding != null) {
        if (length != null || !encoding.strip().equalsIgnoreCase("chunked")) {
          throw new FetchFailed(where + ": unsupported transfer encoding", true, null);
        }
        body = chunked();
      } else if (length != null) {
        if (!length.strip().matches("[0-9]{1,10}")) {
          throw new FetchFailed(where + ": malformed Content-Length", true, null);
        }
        long declared = Long.parseLong(length.strip());
        if (declared > limits.maxBytes()) {
          throw tooLarge();
        }
        body = exactly((int) declared);
      } else {
        body = toEnd();
      }
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(body))
            .toString();
      } catch (CharacterCodingException e) {
        throw new FetchFailed(where + ": body is not UTF-8", true, null);
      }
    }

    private Map<String, String> headers() throws IOException, FetchFailed {
      Map<String, String> headers = new HashMap<>();
      for (String line = headerLine(); !line.isEmpty(); line = headerLine()) {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
          throw new FetchFailed(where + ": malformed header", true, null);
        }
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        boolean framing =
            Set.of("content-length", "transfer-encoding", "content-type").contains(name);
        if (headers.putIfAbsent(name, value) != null && framing) {
          throw new FetchFailed(where + ": repeated " + name + " header", true, null);
        }
      }
      return headers;
    }

    private byte[] chunked() throws IOException, FetchFailed {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = headerLine().split(";", 2)[0].strip();
        if (!sizeLine.matches("[0-9a-fA-F]{1,8}")) {
          throw new FetchFailed(where + ": malformed chunk", true, null);
        }
        long size = Long.parseLong(sizeLine, 16);
        if (size == 0) {
          while (!headerLine().isEmpty()) {
            // trailers: read and ignored, within the header budget
          }
          return body.toByteArray();
        }
        if (body.size() + size > limits.maxBytes()) {
          throw tooLarge();
        }
        body.writeBytes(exactly((int) size));
        if (!headerLine().isEmpty()) {
          throw new FetchFailed(where + ": malformed chunk", true, null);
        }
      }
    }

    private byte[] exactly(int count) throws IOException, FetchFailed {
      byte[] bytes = new byte[count];
      int filled = 0;
      while (filled < count) {
        int n = timedRead(bytes, filled, count - filled);
        if (n < 0) {
          throw new FetchFailed(where + ": body cut short", true, null);
        }
        filled += n;
      }
      return bytes;
    }

    private byte[] toEnd() throws IOException, FetchFailed {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n = timedRead(buffer, 0, buffer.length);
          n >= 0;
          n = timedRead(buffer, 0, buffer.length)) {
        if (body.size() + n > limits.maxBytes()) {
          throw tooLarge();
        }
        body.write(buffer, 0, n);
      }
      return body.toByteArray();
    }

    /** A line ended by CRLF, counted against the header budget. */
    private String headerLine() throws IOException, FetchFailed {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] one = new byte[1];
      while (true) {
        if (++headerBytes > MAX_HEADER_BYTES) {
          throw new FetchFailed(where + ": headers too large", true, null);
        }
        if (timedRead(one, 0, 1) < 0) {
          throw new FetchFailed(where + ": answer cut short", true, null);
        }
        if (one[0] == '\n') {
          byte[] bytes = line.toByteArray();
          if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
            throw new FetchFailed(where + ": a line not ended by CRLF", true, null);
          }
          return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
        }
        line.write(one[0]);
      }
    }

    /** A read that also keeps the deadline: a slow drip of bytes cannot outlast it. */
    private int timedRead(byte[] buffer, int offset, int length) throws IOException, FetchFailed {
      socket.setSoTimeout(readTimeout(deadline, where));
      return in.read(buffer, offset, length);
    }

    private FetchFailed tooLarge() {
      return new FetchFailed(
          where + ": answer larger than " + limits.maxBytes() + " bytes", true, null);
    }
  }
}
