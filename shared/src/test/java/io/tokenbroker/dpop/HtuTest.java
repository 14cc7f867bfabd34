package io.tokenbroker.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Htu}'s dot-segment removal (RFC 3986 5.2.4) and its length cap. */
class HtuTest {

  private static final String BASE = "https://broker.example.com";

  @Test
  void removesDotSegmentsAsRfc3986Says() {
    assertThat(Htu.normalize(BASE + "/a/b/c/./../../g")).contains(BASE + "/a/g");
    assertThat(Htu.normalize(BASE + "/a/b/..")).contains(BASE + "/a/");
    assertThat(Htu.normalize(BASE + "/a/b/.")).contains(BASE + "/a/b/");
    assertThat(Htu.normalize(BASE + "/../../token")).contains(BASE + "/token");
    assertThat(Htu.normalize(BASE + "/a..b/.c/token")).contains(BASE + "/a..b/.c/token");
  }

  /** A long run of {@code /.} is normalized up to the cap and refused past it. */
  @Test
  void refusesAUrlOverTheCap() {
    String prefix = BASE + "/token";
    String atCap = prefix + "/.".repeat((Htu.MAX_LENGTH - prefix.length()) / 2);
    String overCap = prefix + "/.".repeat(Htu.MAX_LENGTH);

    assertThat(atCap.length()).isLessThanOrEqualTo(Htu.MAX_LENGTH);
    assertThat(Htu.normalize(atCap)).contains(BASE + "/token/");
    assertThat(Htu.normalize(overCap)).isEmpty();
  }
}
