package io.tokenbroker.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What each console action runs: the docs promise revoke's --force is never among them. */
class ConsoleActionTest {

  @Test
  void onlyRotateCarriesForce() {
    assertThat(
            Arrays.stream(ConsoleAction.values())
                .filter(action -> action.arguments("x").contains("--force")))
        .containsExactly(ConsoleAction.ROTATE);
    assertThat(ConsoleAction.ROTATE.arguments("")).containsExactly("keys", "rotate", "--force");
  }

  @Test
  void putsEveryTargetAfterDoubleDash() {
    for (ConsoleAction action : ConsoleAction.values()) {
      if (action.takesTarget()) {
        assertThat(action.arguments("-x")).endsWith("--", "-x");
      }
    }
  }
}
