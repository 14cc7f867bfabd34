package io.tokenbroker.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code brokerctl dpop-proof}: one DPoP proof (RFC 9449 section 4.2), for curl and scripts. The
 * client library's {@code DPoPKey} makes the same proofs (brokerctl cannot depend on the library:
 * the library's tests run the local server, which runs brokerctl).
 */
@Command(
    name = "dpop-proof",
    mixinStandardHelpOptions = true,
    description = {
      "Print a DPoP proof (RFC 9449) for one HTTP request: header typ dpop+jwt, alg and the public"
          + " jwk; claims jti (random), htm, htu (the URL without query and fragment), iat, and ath"
          + " (the access token's SHA-256) and nonce when given. Send it as the request's DPoP"
          + " header; make a new one for every request.",
      "The key is the workload's own (keygen makes one); the broker binds tokens to its"
          + " thumbprint."
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  curl -H \"DPoP: $(brokerctl dpop-proof --key dpop.jwk \\",
      "          --method POST --url \"$BROKER/token\")\" \\",
      "       -d grant_type=client_credentials ... \"$BROKER/token\""
    })
final class DPoPProofCommand implements Callable<Integer> {

  private static final List<JWSAlgorithm> ALGORITHMS =
      List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.RS256, JWSAlgorithm.PS256);
  private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
  private static final SecureRandom RANDOM = new SecureRandom();
  // RFC 9110 5.6.2: a method is a token.
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  // RFC 9449 8.1: nonce = 1*NQCHAR.
  private static final Pattern NONCE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  // RFC 9449 7.1: the token in "Authorization: DPoP <token>" is token68.
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
  // A JWT's shape, or a long base64url run: a token (or key) given where a file name belongs.
  private static final Pattern TOKEN_LIKE =
      Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){2,}|[A-Za-z0-9_+=-]{32,}");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description =
          "The private key: a JWK (from keygen), or a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)"
              + " followed, for an EC key, by its -----BEGIN PUBLIC KEY----- block.")
  Path keyFile;

  @Option(
      names = "--alg",
      paramLabel = "ALG",
      description =
          "ES256, ES384, RS256 or PS256. Default: the JWK's alg, else ES256 for P-256, ES384 for"
              + " P-384, RS256 for RSA.")
  String algorithm;

  @Option(
      names = "--method",
      required = true,
      paramLabel = "METHOD",
      description = "The request's HTTP method, as sent: POST for the token endpoint, GET, ...")
  String method;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description =
          "The request's URL, as sent (scheme, host, port, path); query and fragment are left"
              + " out.")
  String url;

  @Option(
      names = "--access-token-file",
      paramLabel = "FILE",
      description =
          "The access token the request carries, for ath; '-' reads it from standard input. It"
              + " is never printed.")
  String accessTokenFile;

  @Option(
      names = "--nonce",
      paramLabel = "NONCE",
      description = "The server's latest DPoP-Nonce header, if it gave one.")
  String nonce;

  /** The proof's iat; for tests. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException, JOSEException {
    if (!METHOD.matcher(method).matches()) {
      throw usage("--method must be an HTTP method such as GET or POST");
    }
    if (!method.equals(method.toUpperCase(Locale.ROOT))) {
      throw usage(
          "--method is case-sensitive and the server compares it exactly: did you mean "
              + method.toUpperCase(Locale.ROOT)
              + "?");
    }
    String htu = htu();
    if (nonce != null && !NONCE.matcher(nonce).matches()) {
      throw usage("--nonce must be the DPoP-Nonce header's value: printable, no spaces or quotes");
    }
    Optional<JWSAlgorithm> wanted = Optional.empty();
    if (algorithm != null) {
      JWSAlgorithm parsed = JWSAlgorithm.parse(algorithm.toUpperCase(Locale.ROOT));
      if (!ALGORITHMS.contains(parsed)) {
        throw usage("--alg must be one of ES256, ES384, RS256, PS256");
      }
      wanted = Optional.of(parsed);
    }
    Optional<String> ath = accessTokenFile == null ? Optional.empty() : Optional.of(ath());
    Signing signing = signing(keyFile, wanted);
    byte[] jti = new byte[16];
    RANDOM.nextBytes(jti);
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .jwtID(Base64URL.encode(jti).toString())
            .claim("htm", method)
            .claim("htu", htu)
            .issueTime(Date.from(clock.instant()));
    ath.ifPresent(a -> claims.claim("ath", a));
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    SignedJWT proof =
        new SignedJWT(
            new JWSHeader.Builder(signing.algorithm()).type(TYPE).jwk(signing.publicJwk()).build(),
            claims.build());
    proof.sign(signing.signer());
    // A PEM's two blocks may come from two keys: a proof no server could verify must not go out.
    JWSVerifier check =
        signing.publicJwk() instanceof ECKey ec
            ? new ECDSAVerifier(ec)
            : new RSASSAVerifier((RSAKey) signing.publicJwk());
    if (!proof.verify(check)) {
      throw new IllegalArgumentException(
          keyFile + ": its private and public keys are not one pair");
    }
    spec.commandLine().getOut().println(proof.serialize());
    return 0;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Scheme and host in lower case, port and path as given; no user info, query or fragment. */
  private String htu() {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !uri.isAbsolute()
        || uri.isOpaque()
        || uri.getHost() == null
        || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
      throw usage(
          "--url must be an absolute http or https URL, e.g. https://broker.example.com/token");
    }
    return uri.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /** base64url(SHA-256(the token's ASCII)), RFC 9449 4.2. The token is never shown. */
  private String ath() throws IOException {
    String token =
        accessTokenFile.equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.US_ASCII)
            : readText(
                "--access-token-file",
                accessTokenFile,
                StandardCharsets.US_ASCII,
                "the access token alone is expected");
    token = token.strip();
    if (token.startsWith("DPoP ") || token.startsWith("Bearer ")) {
      throw new IllegalArgumentException(
          accessTokenFile + " must hold the access token alone, not an Authorization header");
    }
    if (!TOKEN68.matcher(token).matches()) {
      throw new IllegalArgumentException(
          accessTokenFile
              + " holds no access token (one line of letters, digits and -._~+/ is expected)");
    }
    try {
      return Base64URL.encode(
              MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(StandardCharsets.US_ASCII)))
          .toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /**
   * The text of {@code option}'s file, a UTF-8 byte order mark skipped. Messages name the option,
   * and the file only when its name could not be a token or key given by mistake (an exception's
   * own message would repeat it).
   */
  private static String readText(
      String option, String value, java.nio.charset.Charset charset, String expected) {
    String named =
        value.length() > 200 || value.contains("{") || TOKEN_LIKE.matcher(value).matches()
            ? option
            : option + " " + value;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(value));
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("cannot read " + named + ": not a file name");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + named + ": no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read " + named + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read "
              + named
              + (Files.isDirectory(Path.of(value)) ? ": it is a directory" : ": an I/O error"));
    }
    int start =
        bytes.length >= 3
                && bytes[0] == (byte) 0xEF
                && bytes[1] == (byte) 0xBB
                && bytes[2] == (byte) 0xBF
            ? 3
            : 0;
    try {
      return charset
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes, start, bytes.length - start))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(named + " is not a text file (" + expected + ")");
    }
  }

  private record Signing(JWSSigner signer, JWSAlgorithm algorithm, JWK publicJwk) {}

  private Signing signing(Path file, Optional<JWSAlgorithm> wanted)
      throws IOException, JOSEException {
    String text =
        readText("--key", file.toString(), StandardCharsets.UTF_8, "a JWK or a PEM is expected");
    KeyPair pair;
    Optional<JWSAlgorithm> declared = Optional.empty();
    if (text.strip().startsWith("{")) {
      JWK jwk;
      try {
        jwk = JWK.parse(text);
      } catch (ParseException e) {
        // The parser's message may quote the file: never repeat a private key.
        throw new IllegalArgumentException(file + " is not a JWK");
      }
      if (!jwk.isPrivate()) {
        throw new IllegalArgumentException(
            file + " holds no private key (a public JWK proves nothing)");
      }
      pair =
          switch (jwk) {
            case ECKey ec -> ec.toKeyPair();
            case RSAKey rsa -> rsa.toKeyPair();
            default -> throw new IllegalArgumentException(file + " is not an EC or RSA key");
          };
      if (jwk.getAlgorithm() != null) {
        declared = Optional.of(JWSAlgorithm.parse(jwk.getAlgorithm().getName()));
      }
    } else if (text.contains("-----BEGIN")) {
      pair = pemKeyPair(file, text);
    } else {
      throw new IllegalArgumentException(file + " is neither a JWK nor a PEM private key");
    }
    Optional<JWSAlgorithm> fromFile = declared;
    Optional<JWSAlgorithm> chosen = wanted.or(() -> fromFile);
    return switch (pair.getPublic()) {
      case ECPublicKey ec -> {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        JWSAlgorithm byCurve =
            Curve.P_256.equals(curve)
                ? JWSAlgorithm.ES256
                : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384 : null;
        if (byCurve == null) {
          throw new IllegalArgumentException(
              file + " is an EC key on " + curve + "; DPoP here takes P-256 or P-384");
        }
        JWSAlgorithm alg = chosen.orElse(byCurve);
        if (!alg.equals(byCurve)) {
          throw usage(file + " is a " + curve + " key: it signs " + byCurve + ", not " + alg);
        }
        yield new Signing(
            new ECDSASigner(pair.getPrivate(), curve), alg, new ECKey.Builder(curve, ec).build());
      }
      case RSAPublicKey rsa -> {
        JWSAlgorithm alg = chosen.orElse(JWSAlgorithm.RS256);
        if (!JWSAlgorithm.Family.RSA.contains(alg) || !ALGORITHMS.contains(alg)) {
          throw usage(file + " is an RSA key: it signs RS256 or PS256, not " + alg);
        }
        if (rsa.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException(file + " is an RSA key under 2048 bits");
        }
        yield new Signing(
            new RSASSASigner(pair.getPrivate()), alg, new RSAKey.Builder(rsa).build());
      }
      default -> throw new IllegalArgumentException(file + " is not an EC or RSA key");
    };
  }

  /** A PKCS#8 private key and its public key: a PUBLIC KEY block, or an RSA key's own numbers. */
  private static KeyPair pemKeyPair(Path file, String pem) {
    byte[] der =
        block(pem, "PRIVATE KEY")
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        file
                            + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----; openssl"
                            + " pkcs8 -topk8 -nocrypt converts others)"));
    PrivateKey privateKey = null;
    for (String type : List.of("EC", "RSA")) {
      try {
        privateKey = KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException e) {
        // not this type
      }
    }
    if (privateKey == null) {
      throw new IllegalArgumentException(file + " holds neither an EC nor an RSA private key");
    }
    try {
      Optional<byte[]> publicDer = block(pem, "PUBLIC KEY");
      PublicKey publicKey;
      if (publicDer.isPresent()) {
        publicKey =
            KeyFactory.getInstance(privateKey.getAlgorithm())
                .generatePublic(new X509EncodedKeySpec(publicDer.get()));
      } else if (privateKey instanceof RSAPrivateCrtKey rsa) {
        publicKey =
            KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      } else if (privateKey instanceof ECPrivateKey) {
        throw new IllegalArgumentException(
            file
                + " holds an EC private key without its public key, which the proof carries;"
                + " append it: openssl pkey -in "
                + file
                + " -pubout >> "
                + file);
      } else {
        throw new IllegalArgumentException(file + " holds no public key");
      }
      return new KeyPair(publicKey, privateKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + "'s public key does not fit its private key");
    }
  }

  private static Optional<byte[]> block(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a " + begin + " block is not valid base64");
    }
  }
}
