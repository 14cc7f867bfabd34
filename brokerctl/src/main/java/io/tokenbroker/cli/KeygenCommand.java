package io.tokenbroker.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brokerctl keygen}: a client key pair for private_key_jwt, or a DPoP key. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description =
        "Generate a client key pair for private_key_jwt: the private JWK goes to --out (mode 600),"
            + " the public JWK set to standard output. The same key serves as a workload's DPoP"
            + " key (dpop-proof --key), which is never registered.")
final class KeygenCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--alg",
      defaultValue = "ES256",
      description = "ES256 (P-256) or RS256 (RSA 2048). Default: ${DEFAULT-VALUE}.")
  String algorithm;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the private key (must not exist).")
  Path out;

  @Override
  public Integer call() throws IOException, JOSEException {
    JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
    JWK key =
        switch (alg.getName()) {
          case "ES256" ->
              new ECKeyGenerator(Curve.P_256)
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(alg)
                  .keyIDFromThumbprint(true)
                  .generate();
          case "RS256" ->
              new RSAKeyGenerator(2048)
                  .keyUse(KeyUse.SIGNATURE)
                  .algorithm(alg)
                  .keyIDFromThumbprint(true)
                  .generate();
          default -> throw new IllegalArgumentException("--alg must be ES256 or RS256");
        };
    if (Files.exists(out)) {
      throw new FileAlreadyExistsException(out + " exists; not overwriting a key");
    }
    Files.createFile(
        out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(out, key.toJSONString());
    spec.commandLine().getOut().println(new JWKSet(key.toPublicJWK()).toString());
    return 0;
  }
}
