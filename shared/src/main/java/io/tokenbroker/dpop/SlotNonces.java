package io.tokenbroker.dpop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stateless nonces: time is cut in slots, and the nonce of slot {@code n} is {@code n.<MAC of
 * "dpop-nonce:v1:<server>:n">} under a key every container shares; {@code server} tells the
 * authorization server's nonces from the resource servers' (RFC 9449 9: a nonce one gave is not
 * good at the other, though both use one key). Any container checks any nonce without storage: the
 * current slot's and the previous one's are accepted, so a nonce lives between one and two slots.
 * Each container asks the {@link NonceMac} once per slot (and once for the previous slot after a
 * cold start), and only for those two slots: a nonce naming another slot is refused without a call.
 * The MAC is unpredictable without the key (RFC 9449 8: "Nonce values MUST be unpredictable"); a
 * new slot is a new nonce, which is the key's rotation.
 */
public final class SlotNonces implements DpopNonces {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** Whose nonces these are: each accepts only its own. */
  public enum Server {
    /** The token endpoint. */
    AUTHORIZATION("as"),
    /** The APIs, behind the authorizer. */
    RESOURCE("rs");

    private final String label;

    Server(String label) {
      this.label = label;
    }
  }

  private final NonceMac mac;
  private final String macPrefix;
  private final Clock clock;
  private final long slotSeconds;
  private final ConcurrentMap<Long, String> bySlot = new ConcurrentHashMap<>();

  public SlotNonces(NonceMac mac, Clock clock, Duration slot, Server server) {
    if (slot.toSeconds() < 1) {
      throw new IllegalArgumentException("a nonce slot lasts at least a second");
    }
    this.mac = mac;
    this.macPrefix = "dpop-nonce:v1:" + server.label + ":";
    this.clock = clock;
    this.slotSeconds = slot.toSeconds();
  }

  @Override
  public String current() {
    return nonceOf(slotNow());
  }

  @Override
  public boolean accepts(String nonce) {
    int dot = nonce.indexOf('.');
    if (dot < 1 || dot > 19) {
      return false;
    }
    long slot;
    try {
      slot = Long.parseLong(nonce, 0, dot, 10);
    } catch (NumberFormatException e) {
      return false;
    }
    long now = slotNow();
    if (slot != now && slot != now - 1) {
      return false;
    }
    return MessageDigest.isEqual(
        nonceOf(slot).getBytes(StandardCharsets.US_ASCII),
        nonce.getBytes(StandardCharsets.US_ASCII));
  }

  private long slotNow() {
    return Math.floorDiv(clock.millis() / 1000, slotSeconds);
  }

  private String nonceOf(long slot) {
    String known = bySlot.get(slot);
    if (known != null) {
      return known;
    }
    String made =
        slot
            + "."
            + B64.encodeToString(mac.mac((macPrefix + slot).getBytes(StandardCharsets.US_ASCII)));
    bySlot.keySet().removeIf(s -> s < slot - 1); // keep this slot and the one before
    bySlot.put(slot, made);
    return made;
  }
}
