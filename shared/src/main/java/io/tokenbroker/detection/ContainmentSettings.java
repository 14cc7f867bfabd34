package io.tokenbroker.detection;

import java.time.Duration;

/**
 * The limits on automatic containment, so that a detector bug cannot lock out every client.
 *
 * @param coolDown a client is contained at most once within this
 * @param cap at most this many containments broker-wide within {@code capWindow}
 * @param capWindow the cap's rolling window
 * @param longestTokenLife how long the tokens a watermark revokes can live (its record's TTL)
 */
public record ContainmentSettings(
    Duration coolDown, int cap, Duration capWindow, Duration longestTokenLife) {

  public ContainmentSettings {
    if (cap < 0 || coolDown.isNegative() || capWindow.isNegative() || capWindow.isZero()) {
      throw new IllegalArgumentException("containment settings out of range");
    }
  }
}
