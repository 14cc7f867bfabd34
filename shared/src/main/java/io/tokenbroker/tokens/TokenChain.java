package io.tokenbroker.tokens;

import io.tokenbroker.jose.Actor;
import io.tokenbroker.jose.Ancestor;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a token exchanged from a broker token (RFC 8693 down-scoping, delegation) carries from it:
 * the subject it speaks for, the {@code act} chain and the {@code lineage} of tokens it came from.
 *
 * @param subject the {@code sub} of the new token: the exchanged token's
 * @param actor the new token's {@code act}, if it is delegated
 * @param lineage its ancestors, oldest first, the exchanged token last
 * @param notAfter the latest the new token may expire (the exchanged token's exp - 1 s): an
 *     instant, not a duration, so the time the exchange takes to check cannot extend it
 */
public record TokenChain(
    String subject, Optional<Actor> actor, List<Ancestor> lineage, Instant notAfter) {

  public TokenChain {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(notAfter, "notAfter");
    lineage = List.copyOf(lineage);
    if (lineage.isEmpty() || lineage.size() > Ancestor.MAX_PER_TOKEN) {
      throw new IllegalArgumentException("lineage: 1 to " + Ancestor.MAX_PER_TOKEN + " ancestors");
    }
  }
}
