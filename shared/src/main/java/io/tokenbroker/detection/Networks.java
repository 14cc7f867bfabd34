package io.tokenbroker.detection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Source addresses aggregated to the network they most likely come from: IPv4 by /24, IPv6 by /48
 * (what one site or one NAT pool typically holds), so a client moving between hosts of one network
 * is not new, and one on another network is.
 */
public final class Networks {

  private Networks() {}

  /** The address's network ({@code 203.0.113.0/24}, {@code 2001:db8:1::/48}), if it is an IP. */
  public static Optional<String> of(String address) {
    if (address == null || address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+")) {
      return Optional.empty(); // only literals: never a name lookup
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (bytes.length == 4) {
        return Optional.of(
            "%d.%d.%d.0/24".formatted(bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff));
      }
      return Optional.of(
          "%x:%x:%x::/48"
              .formatted(
                  ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff),
                  ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff),
                  ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff)));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
