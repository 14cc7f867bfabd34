package io.tokenbroker.operator;

import io.tokenbroker.testing.InMemoryOperatorAudit;
import java.time.Clock;

/** The fake the audit-trail tests use, held to the audit table's contract. */
class InMemoryOperatorAuditTest extends OperatorAuditContract {

  @Override
  protected OperatorAudit audit(Clock clock) {
    return new InMemoryOperatorAudit(clock);
  }
}
