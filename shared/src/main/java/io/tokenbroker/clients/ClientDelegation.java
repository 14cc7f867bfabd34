package io.tokenbroker.clients;

import io.tokenbroker.identifiers.ClientId;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A client's delegation policy (RFC 8693 token exchange with an actor), as the registration JSON
 * spells it.
 *
 * @param mayAct {@code may_act}: the clients that may act for this client's tokens (exchange one of
 *     them with their own actor token); empty: none may
 * @param maxDepth {@code max_delegation_depth}: the deepest {@code act} chain a token of this
 *     client, acting as it, or exchanged from one of its tokens may carry (0..{@value #MAX_DEPTH})
 */
public record ClientDelegation(SortedSet<String> mayAct, int maxDepth) {

  /** The default: nobody acts for this client's tokens, and it acts for nobody. */
  public static final ClientDelegation NONE = new ClientDelegation(new TreeSet<>(), 0);

  /** The deepest chain any client may allow. */
  public static final int MAX_DEPTH = 5;

  private static final int MAX_ACTORS = 20;

  public ClientDelegation {
    Objects.requireNonNull(mayAct, "may_act");
    if (maxDepth < 0 || maxDepth > MAX_DEPTH) {
      throw new InvalidClientPolicy("max_delegation_depth: 0 to " + MAX_DEPTH);
    }
    if (mayAct.size() > MAX_ACTORS) {
      throw new InvalidClientPolicy("may_act: at most " + MAX_ACTORS + " clients");
    }
    for (String actor : mayAct) {
      if (!ClientId.isValid(actor)) {
        throw new InvalidClientPolicy("may_act: not a client_id: " + actor);
      }
    }
    if (!mayAct.isEmpty() && maxDepth < 1) {
      throw new InvalidClientPolicy(
          "may_act needs max_delegation_depth of at least 1 (a delegated token's chain is 1 deep)");
    }
    mayAct = Collections.unmodifiableSortedSet(new TreeSet<>(mayAct));
  }

  /** Whether {@code clientId} may act for this client's tokens. */
  public boolean allowsActor(String clientId) {
    return mayAct.contains(clientId);
  }
}
