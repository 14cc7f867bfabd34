package io.tokenbroker.cli.console;

import java.util.List;

/**
 * Runs one brokerctl command in this process, with the console's own global options (endpoint,
 * tables, deployment), and says how it ended. The console's actions go through it, so there is one
 * implementation of each action: the CLI's.
 */
@FunctionalInterface
public interface CommandRunner {

  /**
   * What a command printed and how it exited.
   *
   * @param exitCode brokerctl's exit code: 0 done, 1 failed or refused, 2 usage error
   */
  record Outcome(int exitCode, String out, String err) {
    public boolean done() {
      return exitCode == 0;
    }
  }

  Outcome run(List<String> arguments);
}
