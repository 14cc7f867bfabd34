package io.tokenbroker.cli;

import java.lang.management.ManagementFactory;

/**
 * Stands in for brokerctl's main class in {@link BrokerctlScriptTest}: prints its arguments, then
 * the JVM's own (the flags the script chose).
 */
public final class ScriptProbe {

  private ScriptProbe() {}

  public static void main(String[] args) {
    System.out.println("probe ran: " + String.join(" ", args));
    System.out.println("jvm: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
  }
}
