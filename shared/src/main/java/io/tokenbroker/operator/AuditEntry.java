package io.tokenbroker.operator;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the operators' audit trail: who did what to which target, when, and how it ended.
 * Each action is recorded twice under one {@code id}: its {@link AuditOutcome#INTENT} before
 * anything is changed, and its outcome after.
 *
 * @param id the action's id, shared by its intent and its outcome
 * @param at when this entry was recorded
 * @param actor the caller's AWS identity (its ARN, as STS or API Gateway names it): an
 *     operator-facing record, shown only to operators ({@code brokerctl audit}, the console's audit
 *     view, both reading with the operator's own credentials); never logged, never in an answer of
 *     the broker's functions (the admin route's included)
 * @param via how the action came: {@link #BROKERCTL} or {@link #ADMIN_ROUTE}
 * @param action what was done, e.g. {@code revoke token}, {@code clients put}
 * @param target what it was done to (a jti, client id, kid); empty when the action has none
 * @param outcome {@link AuditOutcome}
 * @param detail what the outcome said (the version stored, the refusal, the failure); may be empty
 */
public record AuditEntry(
    String id,
    Instant at,
    String actor,
    String via,
    String action,
    String target,
    AuditOutcome outcome,
    String detail) {

  public static final String BROKERCTL = "brokerctl";
  public static final String ADMIN_ROUTE = "admin-route";

  /** Longer details are cut: an entry stays far below DynamoDB's item limit. */
  public static final int MAX_DETAIL = 1000;

  public AuditEntry {
    requireText(id, "id");
    Objects.requireNonNull(at, "at");
    requireText(actor, "actor");
    requireText(via, "via");
    requireText(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(outcome, "outcome");
    detail = detail == null ? "" : detail;
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL - 3) + "...";
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("audit entry: " + name + " is required");
    }
  }
}
