package io.tokenbroker.operator;

import java.util.Locale;

/** The state an {@link AuditEntry} records: the intent, then one of the three outcomes. */
public enum AuditOutcome {
  /** Recorded before the action changes anything; an intent with no outcome was cut short. */
  INTENT,
  /** The action was done. */
  DONE,
  /** The action was refused (bad input, unknown target, a rule); nothing was changed. */
  REFUSED,
  /** A dependency failed; the action may or may not have taken effect (the detail says which). */
  FAILED;

  /** Lower case, as stored and shown: {@code intent}, {@code done}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AuditOutcome fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
