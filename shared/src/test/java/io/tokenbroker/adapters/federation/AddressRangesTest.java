package io.tokenbroker.adapters.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.federation.AddressRanges.Range;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every range the SSRF guard refuses, at its edges, and the public addresses beside them. */
class AddressRangesTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    // IPv4: the ranges and their neighbours
    "0.0.0.0, UNSPECIFIED",
    "0.1.2.3, RESERVED",
    "1.1.1.1, PUBLIC",
    "9.255.255.255, PUBLIC",
    "10.0.0.0, PRIVATE",
    "10.255.255.255, PRIVATE",
    "11.0.0.0, PUBLIC",
    "100.63.255.255, PUBLIC",
    "100.64.0.0, SHARED",
    "100.127.255.255, SHARED",
    "100.128.0.0, PUBLIC",
    "126.255.255.255, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.255.255.254, LOOPBACK",
    "128.0.0.0, PUBLIC",
    "169.253.255.255, PUBLIC",
    "169.254.0.0, LINK_LOCAL",
    "169.254.169.254, LINK_LOCAL",
    "169.254.255.255, LINK_LOCAL",
    "169.255.0.0, PUBLIC",
    "172.15.255.255, PUBLIC",
    "172.16.0.0, PRIVATE",
    "172.31.255.255, PRIVATE",
    "172.32.0.0, PUBLIC",
    "192.0.0.1, RESERVED",
    "192.0.1.1, PUBLIC",
    "192.0.2.1, RESERVED",
    "192.167.255.255, PUBLIC",
    "192.168.0.0, PRIVATE",
    "192.168.255.255, PRIVATE",
    "192.169.0.0, PUBLIC",
    "198.17.255.255, PUBLIC",
    "198.18.0.0, RESERVED",
    "198.19.255.255, RESERVED",
    "198.20.0.0, PUBLIC",
    "198.51.100.7, RESERVED",
    "203.0.113.7, RESERVED",
    "223.255.255.255, PUBLIC",
    "224.0.0.1, MULTICAST",
    "239.255.255.255, MULTICAST",
    "240.0.0.1, RESERVED",
    "255.255.255.254, RESERVED",
    "255.255.255.255, MULTICAST",
    // IPv6
    "::, UNSPECIFIED",
    "::1, LOOPBACK",
    "::2, RESERVED",
    "2606:4700:4700::1111, PUBLIC",
    "2001:4860:4860::8888, PUBLIC",
    "fbff:ffff::1, RESERVED",
    "fc00::1, PRIVATE",
    "fdff:ffff::1, PRIVATE",
    "fe7f:ffff::1, RESERVED",
    "fe80::1, LINK_LOCAL",
    "febf:ffff::1, LINK_LOCAL",
    "fec0::1, PRIVATE",
    "ff02::1, MULTICAST",
    "100::1, RESERVED",
    "2001:db8::1, RESERVED",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2, RESERVED",
    "2001:10::1, RESERVED",
    "2001:20::1, RESERVED",
    "4000::1, RESERVED",
    // IPv6 forms that carry an IPv4 address are judged by it
    "::ffff:127.0.0.1, LOOPBACK",
    "::ffff:10.1.2.3, PRIVATE",
    "::ffff:169.254.169.254, LINK_LOCAL",
    "::ffff:8.8.8.8, PUBLIC",
    "::127.0.0.1, LOOPBACK",
    "::10.0.0.1, PRIVATE",
    "::169.254.169.254, LINK_LOCAL",
    "::8.8.8.8, PUBLIC",
    "64:ff9b::a9fe:a9fe, LINK_LOCAL",
    "64:ff9b::7f00:1, LOOPBACK",
    "64:ff9b::808:808, PUBLIC",
    "64:ff9b:1::a00:1, RESERVED",
    "2002:a9fe:a9fe::1, LINK_LOCAL",
    "2002:0a00:0001::1, PRIVATE",
    "2002:0808:0808::1, PUBLIC",
  })
  void classifies(String literal, Range expected) throws Exception {
    assertThat(AddressRanges.classify(asIs(literal))).isEqualTo(expected);
  }

  /**
   * The address with exactly its octets: {@code InetAddress.ofLiteral} would turn {@code
   * ::ffff:a.b.c.d} into an IPv4 address, which a resolver need not do.
   */
  private static InetAddress asIs(String literal) throws Exception {
    byte[] octets = InetAddress.ofLiteral(literal).getAddress();
    if (literal.contains(":") && octets.length == 4) {
      byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff00000000");
      System.arraycopy(octets, 0, mapped, 12, 4);
      octets = mapped;
    }
    return octets.length == 16
        ? Inet6Address.getByAddress(null, octets, -1)
        : InetAddress.getByAddress(octets);
  }
}
