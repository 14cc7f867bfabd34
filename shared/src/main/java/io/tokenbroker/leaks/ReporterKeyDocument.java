package io.tokenbroker.leaks;

import io.tokenbroker.json.Json;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GitHub's secret-scanning key document ({@code GET
 * https://api.github.com/meta/public_keys/secret_scanning}): {@code {"public_keys":
 * [{"key_identifier", "key" (a PEM SubjectPublicKeyInfo), "is_current"}]}}. Kept: P-256 keys with
 * an identifier; a key that cannot be read is skipped alone, an identifier two entries share is
 * dropped (which would be meant?). {@code is_current} is ignored: a report signed by a key the
 * document still lists is genuine, current or not.
 */
public final class ReporterKeyDocument {

  private ReporterKeyDocument() {}

  /**
   * @throws ParseException if the text is not such a document
   */
  public static Map<String, PublicKey> parse(String json) throws ParseException {
    if (!(Json.object(json).get("public_keys") instanceof List<?> entries)) {
      throw new ParseException("no public_keys array", 0);
    }
    Map<String, PublicKey> keys = new HashMap<>();
    Set<String> shared = new HashSet<>();
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> key
          && key.get("key_identifier") instanceof String id
          && !id.isEmpty()
          && key.get("key") instanceof String pem) {
        PublicKey parsed = p256(pem);
        if (parsed != null && keys.put(id, parsed) != null) {
          shared.add(id);
        }
      }
    }
    shared.forEach(keys::remove);
    return Map.copyOf(keys);
  }

  private static PublicKey p256(String pem) {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
      return key instanceof ECPublicKey ec
              && ec.getParams().getCurve().getField().getFieldSize() == 256
          ? key
          : null;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }
}
