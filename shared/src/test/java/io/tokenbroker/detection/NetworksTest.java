package io.tokenbroker.detection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Literals only: a name made of hex letters is never looked up. */
class NetworksTest {

  @Test
  void aggregatesLiteralsAndRefusesAnythingElse() {
    assertThat(Networks.of("203.0.113.77")).contains("203.0.113.0/24");
    assertThat(Networks.of("2001:db8:1:2::5")).contains("2001:db8:1::/48");
    assertThat(Networks.of("::ffff:203.0.113.77")).contains("203.0.113.0/24");
    for (String notLiteral :
        new String[] {
          "cafe", "dead.beef", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "0x7f.1"
        }) {
      assertThat(Networks.of(notLiteral)).as(notLiteral).isEmpty();
    }
  }
}
