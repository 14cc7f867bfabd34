package io.tokenbroker.client;

import java.time.Duration;

/** Waits between attempts; tests on a simulated clock advance it instead. */
@FunctionalInterface
interface Sleeper {

  Sleeper REAL = d -> Thread.sleep(d);

  void sleep(Duration duration) throws InterruptedException;
}
