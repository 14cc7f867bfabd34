package io.tokenbroker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.auth.ClientAuthenticationReason;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.ProtocolReason;
import io.tokenbroker.errors.RejectionReason;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.federation.FederationReason;
import io.tokenbroker.jose.JwsReason;
import io.tokenbroker.oauth.ExchangeReason;
import io.tokenbroker.oauth.PermissionReason;
import io.tokenbroker.oauth.RefreshReason;
import io.tokenbroker.operator.OperatorReason;
import io.tokenbroker.testing.RecordingTelemetry;
import io.tokenbroker.testing.RejectionReasons;
import io.tokenbroker.tokens.TokenRequestReason;
import io.tokenbroker.verify.AccessTokenReason;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every area's reasons reach logs and the {@code RequestsRejected} metric under their logged name,
 * the name dashboards were built on, never the Java constant's.
 */
class RejectionLoggingTest {

  static final List<Class<? extends Enum<?>>> AREAS =
      List.of(
          ProtocolReason.class,
          JwsReason.class,
          AccessTokenReason.class,
          ClientAuthenticationReason.class,
          TokenRequestReason.class,
          RefreshReason.class,
          PermissionReason.class,
          OperatorReason.class,
          FederationReason.class,
          ExchangeReason.class,
          HttpReason.class);

  static Stream<RejectionReason> everyReason() {
    return AREAS.stream()
        .flatMap(area -> Arrays.stream(area.getEnumConstants()))
        .map(RejectionReason.class::cast);
  }

  @ParameterizedTest
  @MethodSource("everyReason")
  void logsARejectionUnderItsReasonsLoggedName(RejectionReason reason) {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    RequestRejected rejected = new RequestRejected(OAuthError.INVALID_REQUEST, reason, "no");

    new HttpFunction(telemetry).toResponse(rejected);

    assertThat(rejected.reason()).isEqualTo(reason.logName());
    assertThat(telemetry.named("request.rejected").getFirst().fields())
        .containsEntry("reason", reason.logName());
  }

  @Test
  void aRejectionsLineNamesItsSourceAddressAndTheClientTheFormClaimed() throws Exception {
    RecordingTelemetry telemetry = new RecordingTelemetry();
    java.util.Map<String, Object> event =
        io.tokenbroker.testing.EventFiles.formPost(
            "/token",
            java.util.Optional.empty(),
            "grant_type=client_credentials&client_id=orders-batch&scope=admin");

    new HttpFunction(telemetry)
        .serve(
            new java.io.ByteArrayInputStream(
                com.nimbusds.jose.util.JSONObjectUtils.toJSONString(event)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new java.io.ByteArrayOutputStream(),
            request -> {
              throw new RequestRejected(
                  OAuthError.INVALID_SCOPE, TokenRequestReason.SCOPE_NOT_ALLOWED, "no");
            });

    assertThat(telemetry.named("request.rejected").getFirst().fields())
        .containsEntry("reason", "scope_not_allowed")
        .containsEntry("error", "invalid_scope")
        .containsEntry("source_ip", "203.0.113.10")
        .containsEntry("client_id", "orders-batch");
  }

  @Test
  void everyReasonTheDocsNameIsLoggedByAnArea() {
    List<String> logged = everyReason().map(RejectionReason::logName).toList();

    assertThat(RejectionReasons.documentedInRequestLimits())
        .hasSizeGreaterThanOrEqualTo(10)
        .allSatisfy(documented -> assertThat(logged).contains(documented));
  }
}
