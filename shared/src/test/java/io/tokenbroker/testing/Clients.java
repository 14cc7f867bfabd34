package io.tokenbroker.testing;

import com.nimbusds.jose.jwk.JWK;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Client registrations for tests, built through the same JSON form operators use. */
public final class Clients {

  private Clients() {}

  /** A registration JSON with sensible defaults; tweak entries, then {@link #parse}. */
  public static Map<String, Object> json(String clientId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", clientId);
    json.put("scopes", List.of("orders:read", "orders:write"));
    json.put("default_scopes", List.of("orders:read"));
    json.put("audiences", List.of("https://orders.example.com"));
    return json;
  }

  public static Map<String, Object> withKeys(Map<String, Object> json, JWK... keys) {
    json.put(
        "jwks",
        Map.of(
            "keys",
            java.util.Arrays.stream(keys).map(k -> k.toPublicJWK().toJSONObject()).toList()));
    return json;
  }

  public static Client parse(Map<String, Object> json) {
    return ClientJson.fromJson(json, 0);
  }

  /** A client that authenticates with the given key pair(s). */
  public static Client withKey(String clientId, JWK... keys) {
    return parse(withKeys(json(clientId), keys));
  }

  /** A client bound to an IAM role. */
  public static Client withRole(String clientId, String roleArn) {
    Map<String, Object> json = json(clientId);
    json.put("iam_roles", List.of(roleArn));
    return parse(json);
  }
}
