package io.tokenbroker.jose;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code act} claim of a delegated token (RFC 8693 4.1): who acts, and for whom it acted in
 * turn ({@code act} nested, the most recent actor outermost). The broker writes {@code sub} and
 * {@code client_id} only: an actor, even one an outside token authenticated, acts as a registered
 * client, named by the broker. It reads {@code iss} too, and nothing else.
 *
 * @param subject the acting party's subject ({@code sub}, required)
 * @param clientId the acting client ({@code client_id}), if named
 * @param issuer the issuer of the actor's identity ({@code iss}), if not the broker
 * @param previous the earlier actor in the chain ({@code act}), if any
 */
public record Actor(
    String subject, Optional<String> clientId, Optional<String> issuer, Optional<Actor> previous) {

  /** The deepest chain a token may carry: more than any client may allow. */
  public static final int MAX_DEPTH = 5;

  public Actor {
    Objects.requireNonNull(subject, "sub");
    Objects.requireNonNull(clientId, "client_id");
    Objects.requireNonNull(issuer, "iss");
    Objects.requireNonNull(previous, "act");
  }

  /** How many actors the chain names: 1 for an actor that acted for nobody else. */
  public int depth() {
    return 1 + previous.map(Actor::depth).orElse(0);
  }

  /** The claim's value as a token carries it, members in a fixed order. */
  public Map<String, Object> claim() {
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("sub", subject);
    clientId.ifPresent(id -> claim.put("client_id", id));
    issuer.ifPresent(iss -> claim.put("iss", iss));
    previous.ifPresent(act -> claim.put("act", act.claim()));
    return claim;
  }

  /** The claim as compact JSON: for records and for an API's context (a string member). */
  public String toJson() {
    StringBuilder out = new StringBuilder(96).append("{\"sub\":");
    string(out, subject);
    clientId.ifPresent(id -> string(out.append(",\"client_id\":"), id));
    issuer.ifPresent(iss -> string(out.append(",\"iss\":"), iss));
    previous.ifPresent(act -> out.append(",\"act\":").append(act.toJson()));
    return out.append('}').toString();
  }

  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
