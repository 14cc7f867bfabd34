package io.tokenbroker.detection;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the detector observes, each at the time it happened (the record's time, never the wall
 * clock): an issuance from the issuances table's stream, a refusal from the token endpoint's log, a
 * token's use from the authorizer's log. Fields come from outside the detector's trust: they are
 * only compared and counted, never acted on beyond the client they name.
 */
public sealed interface DetectionEvent {

  Optional<String> clientId();

  Instant at();

  /** A token issued (a NEW_IMAGE of the issuances table). */
  record Issued(
      String client,
      String jti,
      Instant at,
      String sourceIp,
      String userAgent,
      String authMethod,
      List<String> scopes,
      List<String> audiences)
      implements DetectionEvent {
    public Issued {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(at, "at");
      sourceIp = sourceIp == null ? "" : sourceIp;
      userAgent = userAgent == null ? "" : userAgent;
      authMethod = authMethod == null ? "" : authMethod;
      scopes = List.copyOf(scopes);
      audiences = List.copyOf(audiences);
    }

    @Override
    public Optional<String> clientId() {
      return Optional.of(client);
    }
  }

  /** A token request refused, with its reason ({@code invalid_scope}, {@code invalid_client}..). */
  record Refused(Optional<String> clientId, String reason, Instant at, String sourceIp)
      implements DetectionEvent {
    public Refused {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
      sourceIp = sourceIp == null ? "" : sourceIp;
    }
  }

  /** A token accepted by the authorizer ({@code authorizer.verified}), from {@code sourceIp}. */
  record Used(String client, String jti, Instant at, String sourceIp) implements DetectionEvent {
    public Used {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(jti, "jti");
      Objects.requireNonNull(at, "at");
      sourceIp = sourceIp == null ? "" : sourceIp;
    }

    @Override
    public Optional<String> clientId() {
      return Optional.of(client);
    }
  }
}
