package io.tokenbroker.local;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.tokenbroker.devsupport.X509Builder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The local server's HTTPS listener: what API Gateway's custom domain with mutual TLS does, through
 * the JDK's own TLS. A server certificate for 127.0.0.1 and localhost is generated at each start
 * (written to a PEM file for curl's {@code --cacert}); client certificates are wanted, not
 * required, and a presented one must chain to the truststore (a PEM bundle, as the S3 truststore
 * is), else the handshake fails, as at API Gateway.
 */
final class LocalTls {

  private final HttpsServer server;
  private final X509Certificate certificate;
  private final Path certificateFile;

  private LocalTls(HttpsServer server, X509Certificate certificate, Path certificateFile) {
    this.server = server;
    this.certificate = certificate;
    this.certificateFile = certificateFile;
  }

  static LocalTls listen(LocalBrokerOptions.Https options) throws IOException {
    X509Builder.Issued own =
        X509Builder.subject("CN=token-broker local server")
            .ip("127.0.0.1")
            .dns("localhost")
            .lifetime(Duration.ofDays(30))
            .selfSigned();
    List<X509Certificate> trusted =
        options.truststore().map(LocalTls::readBundle).orElse(List.of());
    SSLContext context = context(own, trusted);
    HttpsServer server =
        HttpsServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setWantClientAuth(true);
            params.setSSLParameters(parameters);
          }
        });
    Path file = Files.createTempFile("token-broker-local-tls-", ".pem");
    Files.writeString(file, own.pem());
    return new LocalTls(server, own.certificate(), file);
  }

  HttpsServer server() {
    return server;
  }

  X509Certificate certificate() {
    return certificate;
  }

  Path certificateFile() {
    return certificateFile;
  }

  void close() {
    server.stop(0);
    try {
      Files.deleteIfExists(certificateFile);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }

  private static SSLContext context(X509Builder.Issued own, List<X509Certificate> trusted) {
    try {
      char[] password = "local".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "server", own.keys().getPrivate(), password, new Certificate[] {own.certificate()});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);

      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        anchors.setCertificateEntry("trusted-" + i, trusted.get(i));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(anchors);

      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the local TLS listener", e);
    }
  }

  /** Every certificate of a PEM bundle; none is refused as a misconfiguration at start. */
  private static List<X509Certificate> readBundle(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("truststore " + file + " holds no PEM certificate");
      }
      return certificates.stream().map(c -> (X509Certificate) c).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read truststore " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("truststore " + file + " is no PEM certificate bundle");
    }
  }
}
