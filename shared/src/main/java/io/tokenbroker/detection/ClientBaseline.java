package io.tokenbroker.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the detector has learnt about one client: its rolling issuance rate (an exponentially
 * weighted average over counting windows, so a diurnal curve moves it gently and a burst stands
 * out), the networks, user agents and audiences it uses (the most recent few), and the refusals of
 * the current window. Time is the events' time; windows are aligned to the epoch.
 *
 * <p>Mutable, owned by one {@link AnomalyDetector} call between a load and a save; {@link
 * #version()} is the stored version it was loaded at (0: new), for the store's conditional write.
 */
public final class ClientBaseline {

  private final String clientId;
  private final long version;
  private Instant windowStart;
  private int windowCount;
  private double average;
  private double peak;
  private long windowsSeen;
  private long issuances;
  private final List<String> networks;
  private final List<String> userAgents;
  private final List<String> audiences;
  private final Map<String, Integer> refusals;

  public ClientBaseline(
      String clientId,
      long version,
      Instant windowStart,
      int windowCount,
      double average,
      long windowsSeen,
      long issuances,
      List<String> networks,
      List<String> userAgents,
      List<String> audiences,
      Map<String, Integer> refusals) {
    this(
        clientId,
        version,
        windowStart,
        windowCount,
        average,
        0,
        windowsSeen,
        issuances,
        networks,
        userAgents,
        audiences,
        refusals);
  }

  /**
   * With {@code peak}: the busiest closed window, decaying slowly, a floor under the spike
   * threshold that the fast rolling average cannot lower (a periodic burst stays normal).
   */
  public ClientBaseline(
      String clientId,
      long version,
      Instant windowStart,
      int windowCount,
      double average,
      double peak,
      long windowsSeen,
      long issuances,
      List<String> networks,
      List<String> userAgents,
      List<String> audiences,
      Map<String, Integer> refusals) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.version = version;
    this.windowStart = Objects.requireNonNull(windowStart, "windowStart");
    this.windowCount = windowCount;
    this.average = average;
    this.peak = peak;
    this.windowsSeen = windowsSeen;
    this.issuances = issuances;
    this.networks = new ArrayList<>(networks);
    this.userAgents = new ArrayList<>(userAgents);
    this.audiences = new ArrayList<>(audiences);
    this.refusals = new LinkedHashMap<>(refusals);
  }

  /** A client never seen before. */
  public static ClientBaseline fresh(String clientId) {
    return new ClientBaseline(
        clientId, 0, Instant.EPOCH, 0, 0, 0, 0, List.of(), List.of(), List.of(), Map.of());
  }

  /**
   * Moves to the window holding {@code at}: a closed window joins the average, and each empty one
   * after it lowers the average. An event older than the current window counts in the current one
   * (stream records of one client can arrive slightly out of order).
   */
  void advanceTo(Instant at, Duration window, double smoothing, double peakDecay) {
    long size = window.toSeconds();
    Instant start = Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), size) * size);
    if (!start.isAfter(windowStart)) {
      return;
    }
    if (!windowStart.equals(Instant.EPOCH) || windowCount > 0) {
      long closed = (start.getEpochSecond() - windowStart.getEpochSecond()) / size;
      average = average * (1 - smoothing) + windowCount * smoothing;
      // Empty windows after it; past a few hundred the average is zero anyway.
      average *= Math.pow(1 - smoothing, Math.min(closed - 1, 10_000));
      peak =
          Math.max(peak * peakDecay, windowCount)
              * Math.pow(peakDecay, Math.min(closed - 1, 1_000_000));
      windowsSeen += closed;
    }
    windowStart = start;
    windowCount = 0;
    refusals.clear();
  }

  int countIssuance() {
    issuances++;
    return ++windowCount;
  }

  int countRefusal(String reason) {
    return refusals.merge(reason, 1, Integer::sum);
  }

  /** Remembers {@code value}; true if it was not known. The oldest goes beyond {@code max}. */
  static boolean remember(List<String> known, String value, int max) {
    boolean isNew = !known.remove(value);
    known.add(value);
    while (known.size() > max) {
      known.removeFirst();
    }
    return isNew;
  }

  public String clientId() {
    return clientId;
  }

  public long version() {
    return version;
  }

  public Instant windowStart() {
    return windowStart;
  }

  public int windowCount() {
    return windowCount;
  }

  public double average() {
    return average;
  }

  public double peak() {
    return peak;
  }

  public long windowsSeen() {
    return windowsSeen;
  }

  public long issuances() {
    return issuances;
  }

  public List<String> networks() {
    return networks;
  }

  public List<String> userAgents() {
    return userAgents;
  }

  public List<String> audiences() {
    return audiences;
  }

  public Map<String, Integer> refusals() {
    return refusals;
  }
}
