package io.tokenbroker.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenbroker.config.BrokerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code brokerctl assertion}: an RFC 7523 client assertion, for curl and scripts. */
@Command(
    name = "assertion",
    mixinStandardHelpOptions = true,
    description =
        "Print a private_key_jwt client assertion (RFC 7523): iss = sub = client id, single-use"
            + " jti, short exp, signed with the private key from keygen.")
final class AssertionCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @ParentCommand Brokerctl brokerctl;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description = "Private JWK (from keygen).")
  Path keyFile;

  @Option(names = "--client-id", required = true)
  String clientId;

  @Option(
      names = "--audience",
      required = true,
      description = "The broker's token endpoint URL (or its issuer).")
  String audience;

  @Option(
      names = "--lifetime",
      defaultValue = "60",
      description = "Seconds until it expires. Default: ${DEFAULT-VALUE}.")
  long lifetimeSeconds;

  @Override
  public Integer call() throws IOException, ParseException, JOSEException {
    if (lifetimeSeconds < 1) {
      throw new ParameterException(
          spec.commandLine(), "--lifetime must be at least 1 s: it would have expired already");
    }
    Duration longest =
        Brokerctl.brokerLimit(
            spec, () -> BrokerConfig.maxAssertionLifetime(brokerctl.brokerSettings()));
    JWK key = JWK.parse(Files.readString(keyFile));
    if (!key.isPrivate()) {
      throw new IllegalArgumentException(keyFile + " holds no private key");
    }
    JWSSigner signer;
    JWSAlgorithm alg;
    switch (key) {
      case ECKey ec -> {
        signer = new ECDSASigner(ec);
        alg = JWSAlgorithm.ES256;
      }
      case RSAKey rsa -> {
        signer = new RSASSASigner(rsa);
        alg = JWSAlgorithm.RS256;
      }
      default -> throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
    }
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    jwt.sign(signer);
    spec.commandLine().getOut().println(jwt.serialize());
    warnOfRefusals(longest);
    return 0;
  }

  /** After the assertion is printed (stdout stays the assertion alone, for scripts). */
  private void warnOfRefusals(Duration longest) {
    if (lifetimeSeconds > longest.toSeconds()) {
      Brokerctl.warn(
          spec,
          "the broker refuses (invalid_client) an assertion whose exp lies more than "
              + longest.toSeconds()
              + " s ahead (CLIENT_ASSERTION_MAX_LIFETIME_SECONDS); this one's lies "
              + lifetimeSeconds
              + " s ahead");
    }
    URI aud;
    try {
      aud = new URI(audience);
    } catch (URISyntaxException e) {
      aud = null;
    }
    if (aud == null
        || !aud.isAbsolute()
        || !List.of("https", "http").contains(aud.getScheme())
        || aud.getHost() == null) {
      Brokerctl.warn(
          spec,
          "the broker accepts only its issuer URL or its token endpoint URL as the audience;"
              + " this one is not a URL");
    }
  }
}
