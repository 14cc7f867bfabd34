package io.tokenbroker.cli;

/** Stands in for brokerctl's main class in {@link BrokerctlScriptTest}: prints its arguments. */
public final class ScriptProbe {

  private ScriptProbe() {}

  public static void main(String[] args) {
    System.out.println("probe ran: " + String.join(" ", args));
  }
}
