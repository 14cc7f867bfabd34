package io.tokenbroker.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of the local server's fetches of outside issuers' keys, for local development of
 * federation: the JDK's CAs (real issuers keep working) and the certificates of a PEM file (a test
 * OIDC issuer's self-signed certificate).
 */
final class OutsideIssuerTrust {

  private OutsideIssuerTrust() {}

  static SSLContext context(Path pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (X509Certificate ca : jdkAuthorities()) {
        store.setCertificateEntry("jdk-" + n++, ca);
      }
      Collection<? extends Certificate> given;
      try (InputStream in = Files.newInputStream(pem)) {
        given = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (given.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pem);
      }
      for (Certificate certificate : given) {
        store.setCertificateEntry("issuer-" + n++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read outside issuers' certificates " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "not PEM certificates: " + pem + " (" + e.getMessage() + ")", e);
    }
  }

  private static X509Certificate[] jdkAuthorities() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
