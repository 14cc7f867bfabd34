package io.tokenbroker.adapters.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.federation.GuardedHttps.FetchFailed;
import io.tokenbroker.devsupport.X509Builder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The little HTTP/1.1 the guarded GET speaks, held strict: a TLS server on 127.0.0.1 answers each
 * connection with exactly the bytes a test gives, which no well-behaved server library would send.
 */
class GuardedHttpsWireTest {

  private static final X509Builder.Issued TLS =
      X509Builder.subject("CN=localhost").dns("localhost").selfSigned();
  private static SSLServerSocket server;
  private static volatile byte[] answer = new byte[0];

  @BeforeAll
  static void listen() throws Exception {
    char[] password = "changeit".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "tls", TLS.keys().getPrivate(), password, new Certificate[] {TLS.certificate()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  InputStream in = socket.getInputStream();
                  int state = 0; // read the request up to its blank line
                  while (state < 4) {
                    int b = in.read();
                    if (b < 0) {
                      break;
                    }
                    state = (b == '\r' || b == '\n') ? state + 1 : 0;
                  }
                  OutputStream out = socket.getOutputStream();
                  out.write(answer);
                  out.flush();
                } catch (Exception e) {
                  // the client hung up on a refused answer; next connection
                }
              }
            });
  }

  @AfterAll
  static void close() throws Exception {
    server.close();
  }

  private static String fetch(String raw) throws Exception {
    answer = raw.replace("\n", "\r\n").replace("<LF>", "\n").getBytes(StandardCharsets.ISO_8859_1);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("tls", TLS.certificate());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    GuardedHttps https =
        new GuardedHttps(
            new GuardedHttps.Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 100),
            context,
            true,
            GuardedHttps.Resolver.system());
    return https.get(
        URI.create("https://localhost:" + server.getLocalPort() + "/jwks"),
        System.nanoTime() + Duration.ofSeconds(3).toNanos());
  }

  private static final String JSON = "HTTP/1.1 200 OK\nContent-Type: application/json\n";

  static Stream<Arguments> strictAnswers() {
    return Stream.of(
        Arguments.of("content-length", JSON + "Content-Length: 2\n\n{}"),
        Arguments.of(
            "chunked, with an extension and a trailer",
            JSON + "Transfer-Encoding: chunked\n\n1;x=y\n{\n1\n}\n0\nX-Trailer: 1\n\n"),
        Arguments.of(
            "to the end of the connection",
            "HTTP/1.0 200 OK\nContent-Type: application/json\n\n{}"),
        Arguments.of(
            "a charset parameter",
            "HTTP/1.1 200 OK\nContent-Type: Application/JSON; charset=utf-8\n"
                + "Content-Length: 2\n\n{}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("strictAnswers")
  void readsTheBodyOfAStrictAnswer(String name, String raw) throws Exception {
    assertThat(fetch(raw)).isEqualTo("{}");
  }

  static Stream<Arguments> answersNotStrict() {
    return Stream.of(
        Arguments.of("not HTTP", "SSH-2.0-OpenSSH\n\n", "not an HTTP/1.1 answer"),
        Arguments.of("an HTTP/2 status line", "HTTP/2 200\n\n", "not an HTTP/1.1 answer"),
        Arguments.of(
            "both framings",
            JSON + "Content-Length: 2\nTransfer-Encoding: chunked\n\n2\n{}\n0\n\n",
            "unsupported transfer encoding"),
        Arguments.of(
            "gzip", JSON + "Transfer-Encoding: gzip\n\n{}", "unsupported transfer encoding"),
        Arguments.of(
            "a repeated Content-Length",
            JSON + "Content-Length: 2\nContent-Length: 3\n\n{}",
            "repeated content-length header"),
        Arguments.of(
            "a repeated Content-Type",
            JSON + "Content-Type: text/html\nContent-Length: 2\n\n{}",
            "repeated content-type header"),
        Arguments.of(
            "a signed length", JSON + "Content-Length: -1\n\n{}", "malformed Content-Length"),
        Arguments.of(
            "a malformed chunk size",
            JSON + "Transfer-Encoding: chunked\n\nzz\n{}\n0\n\n",
            "malformed chunk"),
        Arguments.of(
            "a chunk longer than it said",
            JSON + "Transfer-Encoding: chunked\n\n1\n{}\n0\n\n",
            "malformed chunk"),
        Arguments.of(
            "a bare LF",
            "HTTP/1.1 200 OK<LF>Content-Type: application/json<LF><LF>{}",
            "a line not ended by CRLF"),
        Arguments.of(
            "a folded header", JSON + "  ;x=1\nContent-Length: 2\n\n{}", "malformed header"),
        Arguments.of("cut short", JSON + "Content-Length: 50\n\n{}", "body cut short"),
        Arguments.of(
            "no content type",
            "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}",
            "content type is not JSON"),
        Arguments.of(
            "over the cap, to the end of the connection",
            "HTTP/1.0 200 OK\nContent-Type: application/json\n\n{\"a\":\""
                + "x".repeat(100)
                + "\"}",
            "larger than 100 bytes"),
        Arguments.of(
            "over the cap, chunked",
            JSON + "Transfer-Encoding: chunked\n\n65\n" + "x".repeat(101) + "\n0\n\n",
            "larger than 100 bytes"),
        Arguments.of("not UTF-8", JSON + "Content-Length: 3\n\n\"\u00ff\"", "body is not UTF-8"),
        Arguments.of(
            "headers over 16 KB",
            JSON + "X-Big: " + "a".repeat(17_000) + "\nContent-Length: 2\n\n{}",
            "headers too large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answersNotStrict")
  void refusesAnAnswerThatIsNotStrict(String name, String raw, String reason) throws Exception {
    try {
      fetch(raw);
      throw new AssertionError("answered");
    } catch (FetchFailed e) {
      assertThat(e.getMessage()).contains(reason);
      // a broken answer is an issuer's hiccup (503, retried), never a reason to distrust it
      assertThat(e.retryable()).isTrue();
    }
  }

  /**
   * A server that answers the ClientHello with the header of one large TLS record, then drips its
   * bytes, one every 200 ms: each read of the socket is well within the 1 s read timeout, and the
   * TLS layer waits for the whole record; only the fetch's deadline can end it.
   */
  @Test
  void theDeadlineHoldsWhileAServerDripsBytesWithinOneTlsRecord() throws Exception {
    try (java.net.ServerSocket dripping =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (java.net.Socket socket = dripping.accept()) {
                      socket.getInputStream().read(new byte[512]); // the ClientHello, or most
                      OutputStream out = socket.getOutputStream();
                      out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // handshake, 16 KB
                      out.flush();
                      for (int i = 0; i < 50; i++) { // 10 s at most, then the test fails
                        Thread.sleep(200);
                        out.write(0);
                        out.flush();
                      }
                    } catch (Exception e) {
                      // the client hung up: what the deadline is for
                    }
                  });
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, null, null);
      GuardedHttps https =
          new GuardedHttps(
              new GuardedHttps.Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 100),
              context,
              true,
              GuardedHttps.Resolver.system());
      long start = System.nanoTime();

      try {
        https.get(
            URI.create("https://localhost:" + dripping.getLocalPort() + "/jwks"),
            start + Duration.ofMillis(1500).toNanos());
        throw new AssertionError("answered");
      } catch (FetchFailed e) {
        assertThat(e.getMessage()).contains("deadline passed");
        assertThat(e.retryable()).isTrue();
      }

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
      server.interrupt();
    }
  }
}
