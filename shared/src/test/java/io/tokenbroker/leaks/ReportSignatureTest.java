package io.tokenbroker.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.devsupport.TestSecretScanner;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.testing.RecordingTelemetry;
import java.security.KeyPairGenerator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GitHub's signature scheme, checked with keys and signatures the JDK made here. */
class ReportSignatureTest {

  private static final String BODY =
      "[{\"source\":\"commit\",\"token\":\"some_token\",\"type\":\"some_type\",\"url\":\"https://example.com/base-repo-url/\"}]";

  private final TestSecretScanner.ScanningKey key = TestSecretScanner.unpublishedKey();
  private final RecordingTelemetry telemetry = new RecordingTelemetry();
  private final ReportSignature signature =
      new ReportSignature(
          id -> Optional.ofNullable(Map.of(key.identifier(), key.keys().getPublic()).get(id)),
          telemetry);

  @Test
  void acceptsTheRawBodySignedByAKnownKey() {
    Reporter reporter =
        signature.verify(
            Optional.of(key.identifier()),
            Optional.of(TestSecretScanner.sign(key, BODY)),
            BODY,
            "192.0.2.1");

    assertThat(reporter).isEqualTo(Reporter.github(key.identifier()));
  }

  @Test
  void refusesAnyChangeToTheBodyEvenWhitespace() {
    String signed = TestSecretScanner.sign(key, BODY);

    assertThatThrownBy(
            () ->
                signature.verify(
                    Optional.of(key.identifier()), Optional.of(signed), BODY + "\n", "192.0.2.1"))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("report_bad_signature");
              assertThat(e.status()).isEqualTo(401);
            });
  }

  @Test
  void refusesMissingHeadersUnknownKeysForeignSignaturesAndGarbage() {
    TestSecretScanner.ScanningKey other = TestSecretScanner.unpublishedKey();
    String good = TestSecretScanner.sign(key, BODY);

    assertThat(reason(Optional.empty(), Optional.of(good))).isEqualTo("report_unsigned");
    assertThat(reason(Optional.of(key.identifier()), Optional.empty()))
        .isEqualTo("report_unsigned");
    assertThat(reason(Optional.of("bad id with spaces"), Optional.of(good)))
        .isEqualTo("report_unsigned");
    assertThat(reason(Optional.of(other.identifier()), Optional.of(good)))
        .isEqualTo("report_key_unknown");
    assertThat(
            reason(Optional.of(key.identifier()), Optional.of(TestSecretScanner.sign(other, BODY))))
        .isEqualTo("report_bad_signature");
    assertThat(reason(Optional.of(key.identifier()), Optional.of("not base64!")))
        .isEqualTo("report_bad_signature");
    assertThat(telemetry.named("leak_report.refused")).hasSize(6);
  }

  @Test
  void aKeyThatIsNotP256NeverVerifies() throws Exception {
    var p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    var pair = p384.generateKeyPair();
    var sig = java.security.Signature.getInstance("SHA256withECDSA");
    sig.initSign(pair.getPrivate());
    sig.update(BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String b64 = java.util.Base64.getEncoder().encodeToString(sig.sign());

    assertThat(ReportSignature.verifies(pair.getPublic(), b64, BODY)).isFalse();
  }

  private String reason(Optional<String> keyId, Optional<String> sig) {
    try {
      signature.verify(keyId, sig, BODY, "192.0.2.1");
      return "accepted";
    } catch (RequestRejected e) {
      return e.reason();
    }
  }
}
