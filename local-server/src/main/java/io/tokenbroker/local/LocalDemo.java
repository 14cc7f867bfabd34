package io.tokenbroker.local;

import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientJson;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local server sets up so that it can be tried at once: an IAM identity (a stand-in for an
 * assumed role's access key, loopback only) and the client that role is bound to; and an operator
 * identity, the only one the admin route admits (the demo workload is refused there, as any
 * workload is in AWS).
 */
final class LocalDemo {

  static final String ACCOUNT = "000000000000";
  static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/local-workload";
  static final SigV4Verifier.LocalIdentity IDENTITY =
      new SigV4Verifier.LocalIdentity(
          "AKIALOCALWORKLOAD001",
          "local-workload-secret",
          "arn:aws:sts::" + ACCOUNT + ":assumed-role/local-workload/local-session",
          ACCOUNT,
          "AROALOCALWORKLOAD001:local-session");
  static final String CLIENT_ID = "local-workload";

  /** The operator role: OPERATOR_PRINCIPAL_ARNS of the local stack. */
  static final String OPERATOR_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/local-operator";

  static final SigV4Verifier.LocalIdentity OPERATOR =
      new SigV4Verifier.LocalIdentity(
          "AKIALOCALOPERATOR001",
          "local-operator-secret",
          "arn:aws:sts::" + ACCOUNT + ":assumed-role/local-operator/local-session",
          ACCOUNT,
          "AROALOCALOPERATOR001:local-session");

  /**
   * The demo API's access map: reading needs demo:read, writing demo:write; PATCH shows the
   * delegation rules: under /demo/agent/ only a delegated token (an agent acting for someone),
   * under /demo/self/ only a token its subject uses itself.
   */
  static final String ROUTE_SCOPES =
      "{\"GET /demo/*\": [\"demo:read\"], \"HEAD /demo/*\": [\"demo:read\"], \"POST /demo/*\":"
          + " [\"demo:write\"], \"PUT /demo/*\": [\"demo:write\"], \"DELETE /demo/*\":"
          + " [\"demo:write\"], \"PATCH /demo/agent/*\": {\"scopes\": [\"demo:read\"],"
          + " \"delegation\": \"required\"}, \"PATCH /demo/self/*\": {\"scopes\": [\"demo:read\"],"
          + " \"delegation\": \"forbidden\"}}";

  /** The demo API's scopes, which the local metadata announces as scopes_supported. */
  static final String PUBLISHED_SCOPES = "demo:read demo:write";

  private LocalDemo() {}

  /**
   * The demo client: bound to the demo role, may ask for demo:read and demo:write, gets refresh
   * tokens, and may introspect (so one set of credentials tries every endpoint).
   */
  static Client client(URI issuer) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client_id", CLIENT_ID);
    json.put("description", "Demo workload of the local server (IAM role local-workload)");
    json.put("iam_roles", List.of(ROLE));
    json.put("scopes", List.of("demo:read", "demo:write"));
    json.put("default_scopes", List.of("demo:read"));
    json.put("audiences", List.of(audience(issuer)));
    json.put("refresh_tokens", Map.of("enabled", true));
    json.put("introspection", true);
    return ClientJson.fromJson(json, 0);
  }

  /** The demo API's identifier: the local server's own /demo routes. */
  static String audience(URI issuer) {
    return issuer + "/demo";
  }
}
