package io.tokenbroker.adapters.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import io.tokenbroker.testing.RecordingTelemetry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapStartHooksTest {

  private final RecordingTelemetry hooksTelemetry = new RecordingTelemetry();
  private final RecordingTelemetry handlerTelemetry = new RecordingTelemetry();
  private final PrimingSwitch primingSwitch = new PrimingSwitch();
  private final Telemetry quiet = primingSwitch.quiet(handlerTelemetry);
  private final List<String> steps = new ArrayList<>();

  @Test
  void primesThenResetsBeforeTheCheckpointAndResetsAgainAfterEachRestore() {
    SnapStartHooks hooks =
        SnapStartHooks.builder("f", hooksTelemetry, primingSwitch)
            .priming(() -> steps.add("prime"))
            .reset(() -> steps.add("forget"))
            .reset(() -> steps.add("renew"))
            .build();

    hooks.beforeCheckpoint(null);
    assertThat(steps).containsExactly("prime", "forget", "renew");
    hooks.afterRestore(null);
    hooks.afterRestore(null);

    assertThat(steps)
        .containsExactly("prime", "forget", "renew", "forget", "renew", "forget", "renew");
    assertThat(hooksTelemetry.events())
        .extracting(TelemetryEvent::name)
        .containsExactly("snapstart.primed", "snapstart.restored", "snapstart.restored");
  }

  @Test
  void aFailedPrimingIsLoggedAndStillResetsWithoutFailingTheSnapshot() {
    SnapStartHooks hooks =
        SnapStartHooks.builder("f", hooksTelemetry, primingSwitch)
            .priming(
                () -> {
                  throw new IllegalStateException("no key yet");
                })
            .priming(() -> steps.add("not reached"))
            .reset(() -> steps.add("forget"))
            .build();

    hooks.beforeCheckpoint(null);

    assertThat(steps).containsExactly("forget");
    assertThat(hooksTelemetry.named("snapstart.priming_failed")).hasSize(1);
    assertThat(hooksTelemetry.everything()).contains("IllegalStateException");
    assertThat(primingSwitch.isOn()).isFalse();
  }

  @Test
  void silencesTheHandlersTelemetryOnlyWhilePriming() {
    SnapStartHooks hooks =
        SnapStartHooks.builder("f", hooksTelemetry, primingSwitch)
            .priming(
                SnapStartHooks.request(
                    (in, out) -> quiet.emit(TelemetryEvent.info("request.rejected")),
                    () -> PrimingEvents.get("/x")))
            .build();

    hooks.beforeCheckpoint(null);
    assertThat(handlerTelemetry.events()).isEmpty();

    quiet.emit(TelemetryEvent.info("request.rejected"));
    assertThat(handlerTelemetry.events()).hasSize(1);
  }

  @Test
  void aRequestThatEndsInAThrownRefusalIsAPrimingThatRan() {
    SnapStartHooks hooks =
        SnapStartHooks.builder("f", hooksTelemetry, primingSwitch)
            .priming(
                SnapStartHooks.request(
                    (in, out) -> {
                      steps.add(new String(in.readAllBytes()));
                      throw new RuntimeException("Unauthorized");
                    },
                    () -> PrimingEvents.authorizer("t")))
            .build();

    hooks.beforeCheckpoint(null);

    assertThat(steps).singleElement().asString().contains("Bearer t");
    assertThat(hooksTelemetry.named("snapstart.primed")).hasSize(1);
  }

  @Test
  void registeringWithoutACracRuntimeDoesNothingButReturnTheHooks() {
    SnapStartHooks hooks =
        SnapStartHooks.builder("f", hooksTelemetry, primingSwitch)
            .reset(() -> steps.add("forget"))
            .register();

    assertThat(hooks).isNotNull();
    assertThat(steps).isEmpty();
  }
}
