package io.tokenbroker.adapters.federation;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * What an IP address is, judged from its octets alone, so that the broker fetches an outside
 * issuer's keys only from the public internet: never from itself, its VPC, the instance metadata
 * service (169.254.169.254) or anything else an attacker who controls a DNS name could point it at
 * (SSRF). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the
 * IPv4 address they carry.
 */
public final class AddressRanges {

  /** The class of an address; only {@link #PUBLIC} is fetched from in production. */
  public enum Range {
    PUBLIC,
    /** 127/8, ::1: allowed only by the local-development setting. */
    LOOPBACK,
    /** 10/8, 172.16/12, 192.168/16, fc00::/7 (and the deprecated site-local fec0::/10). */
    PRIVATE,
    /** 169.254/16 (the metadata service among them), fe80::/10. */
    LINK_LOCAL,
    /** 100.64/10, carrier-grade NAT. */
    SHARED,
    /** 0.0.0.0, ::. */
    UNSPECIFIED,
    /** 224/4, ff00::/8, 255.255.255.255. */
    MULTICAST,
    /**
     * Special-purpose ranges no issuer is served from: 0/8, 192.0.0/24, documentation and benchmark
     * ranges, 240/4, IPv6 discard, documentation, Teredo and ORCHID ranges.
     */
    RESERVED
  }

  private AddressRanges() {}

  public static Range classify(InetAddress address) {
    byte[] octets = address.getAddress();
    return octets.length == 4 ? ipv4(octets) : ipv6(octets);
  }

  private static Range ipv4(byte[] a) {
    int b0 = a[0] & 0xFF;
    int b1 = a[1] & 0xFF;
    int b2 = a[2] & 0xFF;
    if (b0 == 0) {
      return Arrays.equals(a, new byte[4]) ? Range.UNSPECIFIED : Range.RESERVED;
    }
    if (b0 == 127) {
      return Range.LOOPBACK;
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xF0) == 16) || (b0 == 192 && b1 == 168)) {
      return Range.PRIVATE;
    }
    if (b0 == 169 && b1 == 254) {
      return Range.LINK_LOCAL;
    }
    if (b0 == 100 && (b1 & 0xC0) == 64) {
      return Range.SHARED;
    }
    if (b0 >= 224 && b0 <= 239) {
      return Range.MULTICAST;
    }
    if (b0 >= 240) {
      return (b0 & b1 & b2 & a[3] & 0xFF) == 0xFF ? Range.MULTICAST : Range.RESERVED;
    }
    boolean reserved =
        (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2))
            || (b0 == 198 && (b1 & 0xFE) == 18)
            || (b0 == 198 && b1 == 51 && b2 == 100)
            || (b0 == 203 && b1 == 0 && b2 == 113);
    return reserved ? Range.RESERVED : Range.PUBLIC;
  }

  private static Range ipv6(byte[] a) {
    if (zero(a, 0, 10) && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF) {
      return ipv4(Arrays.copyOfRange(a, 12, 16)); // ::ffff:a.b.c.d, mapped
    }
    if (zero(a, 0, 12)) {
      if (zero(a, 12, 15)) {
        return switch (a[15]) {
          case 0 -> Range.UNSPECIFIED;
          case 1 -> Range.LOOPBACK;
          default -> Range.RESERVED;
        };
      }
      return ipv4(Arrays.copyOfRange(a, 12, 16)); // ::a.b.c.d, compatible (deprecated)
    }
    int w0 = ((a[0] & 0xFF) << 8) | (a[1] & 0xFF);
    int w1 = ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    if (w0 == 0x0064 && w1 == 0xFF9B) {
      // 64:ff9b::/96, NAT64: judged by the IPv4 address it reaches; the local-use /48 is refused
      return zero(a, 4, 12) ? ipv4(Arrays.copyOfRange(a, 12, 16)) : Range.RESERVED;
    }
    if (w0 == 0x2002) {
      return ipv4(Arrays.copyOfRange(a, 2, 6)); // 6to4 carries its IPv4 address
    }
    if ((w0 & 0xFE00) == 0xFC00 || (w0 & 0xFFC0) == 0xFEC0) {
      return Range.PRIVATE;
    }
    if ((w0 & 0xFFC0) == 0xFE80) {
      return Range.LINK_LOCAL;
    }
    if ((w0 & 0xFF00) == 0xFF00) {
      return Range.MULTICAST;
    }
    boolean reserved =
        (w0 == 0x0100 && zero(a, 2, 8)) // 100::/64 discard
            || (w0 == 0x2001 && w1 == 0x0DB8) // documentation
            || (w0 == 0x2001 && w1 == 0x0000) // Teredo: a tunnel to any IPv4 address
            || (w0 == 0x2001 && (w1 & 0xFFF0) == 0x0010) // ORCHID
            || (w0 == 0x2001 && (w1 & 0xFFF0) == 0x0020) // ORCHIDv2
            || (w0 & 0xE000) != 0x2000; // outside 2000::/3, the global unicast space
    return reserved ? Range.RESERVED : Range.PUBLIC;
  }

  private static boolean zero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
