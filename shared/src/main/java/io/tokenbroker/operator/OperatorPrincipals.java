package io.tokenbroker.operator;

import io.tokenbroker.clients.IamPrincipal;
import io.tokenbroker.errors.OAuthError;
import io.tokenbroker.errors.RequestRejected;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The IAM roles that may use the operators' admin route. API Gateway's resource policy admits only
 * them, and the function checks again, so that neither a policy mistake nor a caller with a plain
 * {@code execute-api:Invoke} grant (which workloads have for {@code /token/iam}) is enough alone.
 * An assumed-role session counts as its role, as on {@code /token/iam} ({@link IamPrincipal});
 * anything else (IAM users, root, federated users) is never an operator. No roles: nobody is.
 */
public final class OperatorPrincipals {

  private final Set<String> roles;

  private OperatorPrincipals(Set<String> roles) {
    this.roles = Set.copyOf(roles);
  }

  /** Nobody may use the admin route. */
  public static OperatorPrincipals none() {
    return new OperatorPrincipals(Set.of());
  }

  /**
   * Comma-separated IAM role ARNs ({@code arn:aws:iam::123456789012:role/path/name}); blank means
   * none.
   *
   * @throws IllegalArgumentException giving the position of the first entry that is not an IAM role
   *     ARN (role names that contain a comma cannot be listed)
   */
  public static OperatorPrincipals parse(String commaSeparated) {
    Set<String> roles = new LinkedHashSet<>();
    if (commaSeparated.isBlank()) {
      return none();
    }
    String[] entries = commaSeparated.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      int position = i + 1;
      // The entry itself is not repeated: start-up errors are logged, and ARNs are not.
      roles.add(
          IamPrincipal.normalizeRole(entries[i].strip())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "entry "
                              + position
                              + " is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")));
    }
    return new OperatorPrincipals(roles);
  }

  /**
   * Whether {@code callerArn} (a role, or one of its sessions) is an operator: the question API
   * Gateway's resource policy answers (the local server emulates it with this).
   */
  public boolean admits(String callerArn) {
    return IamPrincipal.roleOfCaller(callerArn).filter(roles::contains).isPresent();
  }

  /**
   * Lets an operator through.
   *
   * @param callerArn the caller API Gateway verified (SigV4), if any
   * @throws RequestRejected {@code access_denied} (403) for anyone else; the reason says why, and
   *     neither it nor the description names the caller
   */
  public void check(Optional<String> callerArn) {
    if (callerArn.isEmpty()) {
      throw denied(OperatorReason.IAM_IDENTITY_MISSING);
    }
    Optional<String> role = IamPrincipal.roleOfCaller(callerArn.get());
    if (role.isEmpty()) {
      throw denied(OperatorReason.CALLER_NOT_A_ROLE);
    }
    if (!roles.contains(role.get())) {
      throw denied(
          roles.isEmpty()
              ? OperatorReason.NO_OPERATORS_CONFIGURED
              : OperatorReason.CALLER_NOT_AN_OPERATOR);
    }
  }

  private static RequestRejected denied(OperatorReason reason) {
    return new RequestRejected(OAuthError.ACCESS_DENIED, reason, "operators only");
  }
}
