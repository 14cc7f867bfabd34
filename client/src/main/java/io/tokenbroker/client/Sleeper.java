package io.tokenbroker.client;

import java.time.Duration;

/**
 * Waits between attempts, and the monotonic time the retry deadline is measured on (not the
 * injectable Clock, which may stand still); tests on a simulated clock advance it instead.
 */
interface Sleeper {

  Sleeper REAL =
      new Sleeper() {
        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration);
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }
      };

  void sleep(Duration duration) throws InterruptedException;

  /** As {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();
}
