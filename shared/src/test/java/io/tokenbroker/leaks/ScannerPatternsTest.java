package io.tokenbroker.leaks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.ClientAssertions;
import io.tokenbroker.testing.TestKeys;
import io.tokenbroker.tokens.IssuedToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The published patterns against tokens the broker's own minter issued, and against others. */
class ScannerPatternsTest {

  private final BrokerKit kit = new BrokerKit();

  @Test
  void matchTheAccessAndRefreshTokensTheBrokerMints() {
    for (int i = 0; i < 20; i++) {
      IssuedToken token =
          kit.issue(BrokerKit.caller(BrokerKit.client("app-" + i, true, false)), "");
      assertThat(ScannerPatterns.accessTokenShape(token.accessToken()))
          .as(token.accessToken())
          .isTrue();
      String refresh = token.refreshToken().orElseThrow();
      assertThat(ScannerPatterns.refreshTokenShape(refresh)).isTrue();
      CRC32 crc = new CRC32(); // the published checksum, computed here
      crc.update(refresh.substring(0, 47).getBytes(StandardCharsets.US_ASCII));
      assertThat(refresh.substring(47)).isEqualTo(String.format("%08x", crc.getValue()));
    }
  }

  @Test
  void matchAnEs256HeaderAsTheMinterWritesIt() throws Exception {
    ECKey key = TestKeys.ec();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(new JOSEObjectType("at+jwt"))
            .keyID(key.computeThumbprint().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            header,
            new JWTClaimsSet.Builder()
                .issuer(BrokerKit.ISSUER)
                .subject("s")
                .expirationTime(new Date())
                .jwtID("x".repeat(22))
                .build());
    jwt.sign(new ECDSASigner(key));

    assertThat(ScannerPatterns.accessTokenShape(jwt.serialize())).isTrue();
  }

  @Test
  void doNotMatchOtherJwtsNorTokensOfAnotherShape() {
    String assertion =
        ClientAssertions.signed(TestKeys.ec(), "app", BrokerKit.ISSUER + "/token", Instant.now());

    assertThat(ScannerPatterns.accessTokenShape(assertion)).isFalse();
    assertThat(ScannerPatterns.refreshTokenShape("tbr_" + "A".repeat(43) + "0000000G")).isFalse();
    assertThat(ScannerPatterns.refreshTokenShape("ghp_" + "A".repeat(36))).isFalse();
  }
}
