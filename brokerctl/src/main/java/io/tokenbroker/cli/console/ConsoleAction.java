package io.tokenbroker.cli.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An action the console offers, as the brokerctl command that performs it: the console runs that
 * very command (see {@link CommandRunner}), so it acts, checks and refuses exactly as the CLI does.
 * Identifiers always follow {@code --} (a kid or jti may begin with '-'). Only ROTATE passes {@code
 * --force} (to {@code keys rotate}: the active key treated as due; no refusal bypassed); no action
 * passes revoke's {@code --force}, so an unknown target is refused.
 */
public enum ConsoleAction {
  DISABLE_CLIENT("disable-client", true, "clients", "disable"),
  REVOKE_TOKEN("revoke-token", true, "revoke", "token"),
  REVOKE_CLIENT("revoke-client", true, "revoke", "client"),
  REVOKE_KEY("revoke-key", true, "revoke", "key"),
  ROTATE("rotate", false, "keys", "rotate", "--force"),
  COMPROMISE("compromise", true, "keys", "compromise");

  private final String path;
  private final boolean takesTarget;
  private final List<String> command;

  ConsoleAction(String path, boolean takesTarget, String... command) {
    this.path = path;
    this.takesTarget = takesTarget;
    this.command = List.of(command);
  }

  /** The action served at {@code /api/actions/<path>}. */
  public static Optional<ConsoleAction> byPath(String path) {
    for (ConsoleAction action : values()) {
      if (action.path.equals(path)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  public String path() {
    return path;
  }

  public boolean takesTarget() {
    return takesTarget;
  }

  /** The brokerctl arguments that perform this action on {@code target}. */
  public List<String> arguments(String target) {
    List<String> args = new ArrayList<>(command);
    if (takesTarget) {
      args.add("--");
      args.add(target);
    }
    return List.copyOf(args);
  }
}
