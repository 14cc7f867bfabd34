package io.tokenbroker.adapters.lifecycle;

import io.tokenbroker.adapters.telemetry.InvocationScope;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.telemetry.TelemetryEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's Lambda SnapStart runtime hooks (CRaC). Before the snapshot: prime the request path
 * (best effort: a failure is logged and the snapshot still taken; reads and refusals only, nothing
 * written, nothing signed), then reset. After each restore: reset again. Reset drops what must not
 * outlive the snapshot: caches stamped with the time they were read (keys, revocation states),
 * credentials fetched before it, random generators whose state every restored copy would share.
 *
 * <p>The hooks must stay strongly reachable (a CRaC context may hold its resources weakly): the
 * handler keeps the object {@link #register} returns. Without a CRaC runtime (tests, the local
 * server) registration does nothing and the hooks only run when called.
 */
public final class SnapStartHooks implements Resource {

  /** Request-path work to do once before the snapshot; it must write nothing and sign nothing. */
  @FunctionalInterface
  public interface Priming {
    void run() throws Exception;
  }

  private final String function;
  private final Telemetry telemetry;
  private final PrimingSwitch primingSwitch;
  private final List<Priming> primings;
  private final List<Runnable> resets;

  private SnapStartHooks(Builder builder) {
    this.function = builder.function;
    this.telemetry = builder.telemetry;
    this.primingSwitch = builder.primingSwitch;
    this.primings = List.copyOf(builder.primings);
    this.resets = List.copyOf(builder.resets);
  }

  /**
   * @param function the function's name, for the log
   * @param telemetry where the hooks report (never during priming)
   * @param primingSwitch the switch whose quiet telemetry the function's handler uses, so that the
   *     synthetic requests leave no request logs or metrics
   */
  public static Builder builder(String function, Telemetry telemetry, PrimingSwitch primingSwitch) {
    return new Builder(function, telemetry, primingSwitch);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    String failed = null;
    primingSwitch.on();
    try {
      InvocationScope synthetic = new InvocationScope();
      for (Priming priming : primings) {
        synthetic.begin(null); // no Lambda request: its AWS calls are not timed as one's
        try {
          priming.run();
        } finally {
          synthetic.end();
        }
      }
    } catch (Exception | LinkageError e) {
      failed = e.getClass().getName();
    } finally {
      primingSwitch.off();
      reset();
    }
    telemetry.emit(
        (failed == null
                ? TelemetryEvent.info("snapstart.primed")
                : TelemetryEvent.warn("snapstart.priming_failed").with("exception", failed))
            .with("function", function));
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    reset();
    telemetry.emit(TelemetryEvent.info("snapstart.restored").with("function", function));
  }

  /** Drops everything that must not outlive a snapshot; the next request reads state afresh. */
  public void reset() {
    resets.forEach(Runnable::run);
  }

  /**
   * Sends {@code event} through {@code handler} and discards the answer: a synthetic request (see
   * {@link PrimingEvents}) that exercises parsing, validation, store reads and serialization. A
   * refusal, thrown or answered, is its expected end. The event is built only when priming runs, so
   * that init without SnapStart does not pay for it.
   */
  public static Priming request(StreamHandler handler, Supplier<byte[]> event) {
    return () -> {
      try {
        handler.handle(new ByteArrayInputStream(event.get()), new ByteArrayOutputStream());
      } catch (RuntimeException refusal) {
        // e.g. the REST authorizer's "Unauthorized": the path ran to its refusal
      }
    };
  }

  /**
   * A Lambda stream handler without its context: {@code (in, out) -> handleRequest(in, out, null)}.
   */
  @FunctionalInterface
  public interface StreamHandler {
    void handle(InputStream in, OutputStream out) throws IOException;
  }

  /** Collects a function's primings and resets. */
  public static final class Builder {

    private final String function;
    private final Telemetry telemetry;
    private final PrimingSwitch primingSwitch;
    private final List<Priming> primings = new ArrayList<>();
    private final List<Runnable> resets = new ArrayList<>();

    private Builder(String function, Telemetry telemetry, PrimingSwitch primingSwitch) {
      this.function = function;
      this.telemetry = telemetry;
      this.primingSwitch = primingSwitch;
    }

    public Builder priming(Priming priming) {
      primings.add(priming);
      return this;
    }

    public Builder reset(Runnable reset) {
      resets.add(reset);
      return this;
    }

    public SnapStartHooks build() {
      return new SnapStartHooks(this);
    }

    /** Builds the hooks and registers them with the global CRaC context; keep the result. */
    public SnapStartHooks register() {
      SnapStartHooks hooks = build();
      Core.getGlobalContext().register(hooks);
      return hooks;
    }
  }
}
