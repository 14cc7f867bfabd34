package io.tokenbroker.leaks;

import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * GitHub's secret-scanning signature on a report: {@code Github-Public-Key-Identifier} names the
 * key, {@code Github-Public-Key-Signature} is the base64 DER ECDSA signature (P-256, SHA-256) of
 * the raw body exactly as sent. Checked before the body is parsed; an unsigned report, an unknown
 * key, a signature that does not verify are refused (401) and nothing is done.
 */
public final class ReportSignature {

  /** GitHub's identifiers are 64 hex characters; this bounds what is looked up and logged. */
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** A DER P-256 signature is at most 72 bytes: 96 base64 characters. */
  private static final int MAX_SIGNATURE_CHARS = 128;

  private final ReporterKeys keys;
  private final Telemetry telemetry;

  public ReportSignature(ReporterKeys keys, Telemetry telemetry) {
    this.keys = keys;
    this.telemetry = telemetry;
  }

  /**
   * The reporter whose key signed {@code body}.
   *
   * @throws RequestRejected 401 if a header is missing or malformed, the key unknown, or the
   *     signature does not verify
   * @throws io.tokenbroker.errors.ServiceFailure (retryable) if the keys cannot be had
   */
  public Reporter verify(
      Optional<String> keyIdentifier, Optional<String> signature, String body, String sourceIp) {
    if (keyIdentifier.isEmpty() || signature.isEmpty()) {
      throw refused(LeakReportReason.REPORT_UNSIGNED, null, sourceIp);
    }
    String id = keyIdentifier.get();
    if (!KEY_ID.matcher(id).matches() || signature.get().length() > MAX_SIGNATURE_CHARS) {
      throw refused(LeakReportReason.REPORT_UNSIGNED, null, sourceIp);
    }
    PublicKey key =
        keys.key(id).orElseThrow(() -> refused(LeakReportReason.REPORT_KEY_UNKNOWN, id, sourceIp));
    if (!verifies(key, signature.get(), body)) {
      throw refused(LeakReportReason.REPORT_BAD_SIGNATURE, id, sourceIp);
    }
    return Reporter.github(id);
  }

  static boolean verifies(PublicKey key, String signatureBase64, String body) {
    if (!(key instanceof ECPublicKey ec)
        || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      return false; // the programme signs with P-256 only
    }
    try {
      byte[] der = Base64.getDecoder().decode(signatureBase64.strip());
      Signature check = Signature.getInstance("SHA256withECDSA");
      check.initVerify(key);
      check.update(body.getBytes(StandardCharsets.UTF_8));
      return check.verify(der);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false; // not base64, not DER: no signature
    }
  }

  private RequestRejected refused(LeakReportReason reason, String keyId, String sourceIp) {
    telemetry.emit(
        TelemetryEvent.warn("leak_report.refused")
            .with("reason", reason.logName())
            .with("key_id", keyId)
            .with("source_ip", sourceIp));
    return new RequestRejected(
        OAuthError.ACCESS_DENIED, 401, reason, "the report's signature is not accepted", Map.of());
  }
}
