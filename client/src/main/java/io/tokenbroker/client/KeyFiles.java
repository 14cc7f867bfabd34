package io.tokenbroker.client;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Private keys read from files: a JWK ({@code brokerctl keygen}) or a PKCS#8 PEM. Messages name the
 * file, never its contents (a parser's message may quote the key).
 */
final class KeyFiles {

  private static final String BEGIN_PRIVATE = "-----BEGIN PRIVATE KEY-----";
  private static final String END_PRIVATE = "-----END PRIVATE KEY-----";
  private static final String BEGIN_PUBLIC = "-----BEGIN PUBLIC KEY-----";
  private static final String END_PUBLIC = "-----END PUBLIC KEY-----";

  private KeyFiles() {}

  /** The private JWK in {@code file}. */
  static JWK privateJwk(Path file) {
    JWK jwk;
    try {
      jwk = JWK.parse(read(file));
    } catch (ParseException e) {
      throw new IllegalArgumentException(file + " is not a JWK");
    }
    if (!jwk.isPrivate()) {
      throw new IllegalArgumentException(file + " holds no private key");
    }
    return jwk;
  }

  /** The PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}) in {@code file}, EC or RSA. */
  static PrivateKey pkcs8(Path file) {
    return pkcs8(file, read(file));
  }

  /**
   * The key pair in a PEM file: its PKCS#8 private key, and the public key from a {@code -----BEGIN
   * PUBLIC KEY-----} block in the same file, else from the private key itself (an RSA key's modulus
   * and exponent; the public point an EC key's PKCS#8 encoding carries, as OpenSSL writes it).
   */
  static KeyPair pemKeyPair(Path file) {
    String pem = read(file);
    PrivateKey privateKey = pkcs8(file, pem);
    PublicKey publicKey =
        block(file, pem, BEGIN_PUBLIC, END_PUBLIC)
            .map(der -> publicKey(file, der, privateKey.getAlgorithm()))
            .orElseGet(() -> derivedPublicKey(file, privateKey, pkcs8Der(file, pem)));
    return new KeyPair(publicKey, privateKey);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      // Its message ("Input length = 1") says nothing; the bytes are not repeated either.
      throw new IllegalArgumentException(file + " is not a text file (a JWK or a PEM is expected)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static PrivateKey pkcs8(Path file, String pem) {
    byte[] der = pkcs8Der(file, pem);
    for (String type : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this type: try the next
      }
    }
    throw new IllegalArgumentException(file + " holds neither an RSA nor an EC private key");
  }

  private static byte[] pkcs8Der(Path file, String pem) {
    return block(file, pem, BEGIN_PRIVATE, END_PRIVATE)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    file
                        + " holds no PKCS#8 private key ("
                        + BEGIN_PRIVATE
                        + "; openssl pkcs8 -topk8 -nocrypt converts others)"));
  }

  private static Optional<byte[]> block(Path file, String pem, String begin, String end) {
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": its " + begin + " block is not valid base64");
    }
  }

  private static PublicKey publicKey(Path file, byte[] der, String type) {
    try {
      return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + "'s public key is not a " + type + " key");
    }
  }

  private static PublicKey derivedPublicKey(Path file, PrivateKey privateKey, byte[] pkcs8) {
    try {
      return switch (privateKey) {
        case RSAPrivateCrtKey rsa ->
            KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        case ECPrivateKey ec -> ecPublicKey(file, ec, pkcs8);
        default ->
            throw new IllegalArgumentException(
                file + " holds no public key; append it (openssl pkey -pubout)");
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " holds an unusable key");
    }
  }

  /**
   * The public point that the ECPrivateKey structure (RFC 5915) inside PKCS#8 carries in its
   * optional {@code [1] publicKey}; OpenSSL writes it. Without it, the file must hold the public
   * key too.
   */
  private static PublicKey ecPublicKey(Path file, ECPrivateKey key, byte[] pkcs8)
      throws GeneralSecurityException {
    // The file's own encoding: the JDK's re-encoding of the key may drop the optional field.
    byte[] point = Der.ecPublicPoint(pkcs8);
    if (point == null) {
      throw new IllegalArgumentException(
          file
              + " holds an EC private key without its public key; append it: openssl pkey -in "
              + file
              + " -pubout >> "
              + file);
    }
    int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    if (point.length != 1 + 2 * size || point[0] != 4) {
      throw new IllegalArgumentException(file + " holds an EC public point that is not usable");
    }
    var spec =
        new java.security.spec.ECPublicKeySpec(
            new java.security.spec.ECPoint(
                new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + size)),
                new BigInteger(1, Arrays.copyOfRange(point, 1 + size, point.length))),
            key.getParams());
    return KeyFactory.getInstance("EC").generatePublic(spec);
  }

  /** Just enough DER to find one field: no general parser. */
  private static final class Der {
    private final byte[] bytes;
    private int at;

    private Der(byte[] bytes) {
      this.bytes = bytes;
    }

    /** PrivateKeyInfo { version, algorithm, OCTET STRING { ECPrivateKey } }: its [1] BIT STRING. */
    static byte[] ecPublicPoint(byte[] pkcs8) {
      try {
        Der info = new Der(pkcs8).enter(0x30);
        info.skip(); // version
        info.skip(); // AlgorithmIdentifier
        Der ecKey = new Der(info.content(0x04)).enter(0x30);
        ecKey.skip(); // version
        ecKey.skip(); // privateKey
        while (ecKey.at < ecKey.bytes.length) {
          int tag = ecKey.bytes[ecKey.at] & 0xff;
          if (tag == 0xa1) {
            byte[] bitString = new Der(ecKey.content(0xa1)).content(0x03);
            // The first byte counts unused bits: 0 for a point.
            return bitString.length > 1 && bitString[0] == 0
                ? Arrays.copyOfRange(bitString, 1, bitString.length)
                : null;
          }
          ecKey.skip();
        }
        return null;
      } catch (IndexOutOfBoundsException | IllegalStateException e) {
        return null;
      }
    }

    private Der enter(int tag) {
      return new Der(content(tag));
    }

    private byte[] content(int tag) {
      if ((bytes[at] & 0xff) != tag) {
        throw new IllegalStateException("unexpected DER tag");
      }
      at++;
      int length = length();
      if (at + length > bytes.length) { // copyOfRange would pad with zeros
        throw new IllegalStateException("truncated DER");
      }
      byte[] content = Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return content;
    }

    private void skip() {
      at++;
      int length = length();
      at += length;
    }

    private int length() {
      int first = bytes[at++] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int count = first & 0x7f;
      if (count > 3) {
        throw new IllegalStateException("DER length too long");
      }
      int length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (bytes[at++] & 0xff);
      }
      return length;
    }
  }
}
