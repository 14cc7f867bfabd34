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

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private Networks() {}

  /** The address's network ({@code 203.0.113.0/24}, {@code 2001:db8:1::/48}), if it is an IP. */
  public static Optional<String> of(String address) {
    // Only literals, so getByName never resolves a name (hex letters alone, "cafe", are one):
    // four dotted decimal octets, or an address with a colon (IPv6).
    if (address == null
        || !(IPV4.matcher(address).matches()
            || (address.indexOf(':') >= 0 && IPV6.matcher(address).matches()))) {
      return Optional.empty();
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
