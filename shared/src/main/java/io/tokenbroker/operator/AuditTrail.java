package io.tokenbroker.operator;

import io.tokenbroker.clients.ClientConflict;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs an operator action with its audit entries around it: the intent first, so that nothing
 * changes unless the trail has it, then the outcome. If the intent cannot be recorded the action is
 * not run and the caller gets a {@link ServiceFailure} saying so (fail safe: an unrecorded action
 * is worse than one not done). If the outcome cannot be recorded after the action ran, the caller
 * gets a {@link ServiceFailure} that says the action was done.
 */
public final class AuditTrail {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final OperatorAudit audit;
  private final String via;
  private final Clock clock;

  /**
   * @param via {@link AuditEntry#BROKERCTL} or {@link AuditEntry#ADMIN_ROUTE}
   */
  public AuditTrail(OperatorAudit audit, String via, Clock clock) {
    this.audit = audit;
    this.via = via;
    this.clock = clock;
  }

  /**
   * Records the intent, runs {@code act}, records its outcome: {@code done} with {@code describe}'s
   * text, {@code refused} (a rejection, an unknown target, a rule) or {@code failed} (a
   * dependency), and returns or rethrows what {@code act} did.
   *
   * @throws ServiceFailure if the intent could not be recorded (nothing was done), or the outcome
   *     could not be recorded after the action was done
   */
  public <T> T perform(
      String actor,
      String action,
      String target,
      Supplier<T> act,
      Function<? super T, String> describe) {
    String id = newId();
    try {
      audit.record(entry(id, actor, action, target, AuditOutcome.INTENT, ""));
    } catch (ServiceFailure e) {
      throw new ServiceFailure(
          "audit",
          "could not record the intent in the audit trail, so nothing was done ("
              + e.getMessage()
              + ")",
          e.retryable(),
          e);
    }
    T result;
    try {
      result = act.get();
    } catch (RuntimeException e) {
      try {
        audit.record(entry(id, actor, action, target, outcomeOf(e), detailOf(e)));
      } catch (RuntimeException unrecorded) {
        e.addSuppressed(unrecorded);
      }
      throw e;
    }
    try {
      audit.record(entry(id, actor, action, target, AuditOutcome.DONE, describe.apply(result)));
    } catch (ServiceFailure e) {
      throw new ServiceFailure(
          "audit",
          (action + " " + target).strip()
              + " was done, but its outcome could not be recorded in the audit trail (its intent"
              + " was): "
              + e.getMessage(),
          false,
          e);
    }
    return result;
  }

  /**
   * As {@link #perform(String, String, String, Supplier, Function)}, for an action with no result.
   */
  public void perform(String actor, String action, String target, Runnable act, String done) {
    perform(
        actor,
        action,
        target,
        () -> {
          act.run();
          return done;
        },
        Function.identity());
  }

  private AuditEntry entry(
      String id, String actor, String action, String target, AuditOutcome outcome, String detail) {
    return new AuditEntry(id, clock.instant(), actor, via, action, target, outcome, detail);
  }

  /**
   * Refusals change nothing; anything else may have come after a change (IllegalStateException
   * included: KMS throws it after a compromise wrote its revocation), so it is recorded as failed.
   */
  private static AuditOutcome outcomeOf(RuntimeException e) {
    return switch (e) {
      case RequestRejected r -> AuditOutcome.REFUSED;
      case InvalidClientPolicy p -> AuditOutcome.REFUSED;
      case ClientConflict c -> AuditOutcome.REFUSED;
      case OperatorRefusal o -> AuditOutcome.REFUSED;
      default -> AuditOutcome.FAILED;
    };
  }

  private static String detailOf(RuntimeException e) {
    if (e instanceof RequestRejected rejected) {
      return rejected.description();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
