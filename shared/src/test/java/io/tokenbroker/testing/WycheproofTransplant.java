package io.tokenbroker.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;

/**
 * Moves a Wycheproof JWS signature from the message it was made for onto another message (an access
 * token's or a client assertion's signing input), keeping its verdict: the moved signature verifies
 * over the new message exactly when the original verified over its own. Wycheproof's JWS signatures
 * cover headers without {@code typ: at+jwt}, which the verifier refuses before it looks at a
 * signature; moved, the same defect (a bad padding, a modified salt, an (r, s) that is no
 * signature) reaches the verifier's signature step. It needs the signer's private key, which
 * Wycheproof's JWS files give.
 *
 * <ul>
 *   <li>ES256: (r, s) with r, s in [1, n-1] becomes (r, s') with s' = s (e' + r d) / (e + r d) mod
 *       n. Verifying (r, s') over e' computes s'^-1 (e' + r d) G = s^-1 (e + r d) G, the very point
 *       verifying (r, s) over e computes, so both verify or neither does.
 *   <li>RS256: the encoded message EM = sig^e mod n gets every occurrence of SHA-256(old) replaced
 *       by SHA-256(new), and is signed again (EM'^d mod n): its padding, DigestInfo and any defect
 *       in them stay byte for byte.
 *   <li>PS256: EM is unmasked; if its hash matches the old message with its own salt, the hash is
 *       recomputed for the new message with that salt and DB masked again (the top bit of maskedDB
 *       kept as it was); DB, salt, trailer and any defect in them stay.
 * </ul>
 *
 * A signature that cannot be moved (the wrong length, a value at or above the modulus or outside
 * [1, n-1], a hash that matches nothing) is returned as it is: it is invalid over every message,
 * and stays so.
 */
public final class WycheproofTransplant {

  private static final int SHA256_LENGTH = 32;

  private WycheproofTransplant() {}

  /**
   * {@code signature}, made by {@code privateKey} with {@code alg} over {@code oldInput}, moved
   * onto {@code newInput}; or {@code signature} itself where it cannot be moved.
   */
  public static byte[] move(
      JWSAlgorithm alg, JWK privateKey, byte[] oldInput, byte[] newInput, byte[] signature) {
    try {
      if (JWSAlgorithm.ES256.equals(alg) && privateKey instanceof ECKey ec) {
        return es256(ec.toECPrivateKey(), oldInput, newInput, signature);
      }
      if (JWSAlgorithm.RS256.equals(alg) && privateKey instanceof RSAKey rsa) {
        return rs256(rsa, oldInput, newInput, signature);
      }
      if (JWSAlgorithm.PS256.equals(alg) && privateKey instanceof RSAKey rsa) {
        return ps256(rsa, oldInput, newInput, signature);
      }
    } catch (JOSEException | ArithmeticException unusableKey) {
      // a key Wycheproof made unusable on purpose: nothing to move with
    }
    return signature;
  }

  private static byte[] es256(ECPrivateKey key, byte[] oldInput, byte[] newInput, byte[] sig) {
    BigInteger n = key.getParams().getOrder();
    if (sig.length != 64) {
      return sig;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    if (r.signum() == 0 || r.compareTo(n) >= 0 || s.signum() == 0 || s.compareTo(n) >= 0) {
      return sig;
    }
    BigInteger d = key.getS();
    BigInteger e = new BigInteger(1, sha256(oldInput));
    BigInteger moved = new BigInteger(1, sha256(newInput));
    BigInteger before = e.add(r.multiply(d)).mod(n);
    BigInteger after = moved.add(r.multiply(d)).mod(n);
    if (before.signum() == 0 || after.signum() == 0) {
      return sig;
    }
    BigInteger s2 = s.multiply(after).multiply(before.modInverse(n)).mod(n);
    byte[] out = new byte[64];
    System.arraycopy(fixed(r, 32), 0, out, 0, 32);
    System.arraycopy(fixed(s2, 32), 0, out, 32, 32);
    return out;
  }

  private static byte[] rs256(RSAKey key, byte[] oldInput, byte[] newInput, byte[] sig)
      throws JOSEException {
    RSAPrivateKey priv = key.toRSAPrivateKey();
    BigInteger n = priv.getModulus();
    int k = (n.bitLength() + 7) / 8;
    BigInteger s = new BigInteger(1, sig);
    if (sig.length != k || s.compareTo(n) >= 0) {
      return sig;
    }
    byte[] em = fixed(s.modPow(key.getPublicExponent().decodeToBigInteger(), n), k);
    byte[] moved = replaceAll(em, sha256(oldInput), sha256(newInput));
    return Arrays.equals(moved, em) ? sig : signRaw(priv, moved, sig);
  }

  private static byte[] ps256(RSAKey key, byte[] oldInput, byte[] newInput, byte[] sig)
      throws JOSEException {
    RSAPrivateKey priv = key.toRSAPrivateKey();
    BigInteger n = priv.getModulus();
    int k = (n.bitLength() + 7) / 8;
    BigInteger s = new BigInteger(1, sig);
    if (sig.length != k || s.compareTo(n) >= 0 || n.bitLength() % 8 != 0) {
      return sig; // emLen = k only for a modulus of whole bytes (2048 bits here)
    }
    byte[] em = fixed(s.modPow(key.getPublicExponent().decodeToBigInteger(), n), k);
    int dbLength = k - SHA256_LENGTH - 1;
    byte[] maskedDb = Arrays.copyOfRange(em, 0, dbLength);
    byte[] hash = Arrays.copyOfRange(em, dbLength, k - 1);
    byte[] db = xor(maskedDb, mgf1(hash, dbLength));
    db[0] &= 0x7f;
    byte[] salt = Arrays.copyOfRange(db, dbLength - SHA256_LENGTH, dbLength);
    if (!Arrays.equals(hash, pssHash(sha256(oldInput), salt))) {
      return sig; // its hash matches nothing: invalid over every message
    }
    byte[] newHash = pssHash(sha256(newInput), salt);
    byte[] newMaskedDb = xor(db, mgf1(newHash, dbLength));
    newMaskedDb[0] = (byte) ((newMaskedDb[0] & 0x7f) | (maskedDb[0] & 0x80));
    byte[] moved = new byte[k];
    System.arraycopy(newMaskedDb, 0, moved, 0, dbLength);
    System.arraycopy(newHash, 0, moved, dbLength, SHA256_LENGTH);
    moved[k - 1] = em[k - 1];
    return signRaw(priv, moved, sig);
  }

  /** EM^d mod n, or the original signature where EM is no number below n. */
  private static byte[] signRaw(RSAPrivateKey priv, byte[] em, byte[] original) {
    BigInteger m = new BigInteger(1, em);
    if (m.compareTo(priv.getModulus()) >= 0) {
      return original;
    }
    return fixed(m.modPow(priv.getPrivateExponent(), priv.getModulus()), original.length);
  }

  private static byte[] pssHash(byte[] messageHash, byte[] salt) {
    byte[] m = new byte[8 + messageHash.length + salt.length];
    System.arraycopy(messageHash, 0, m, 8, messageHash.length);
    System.arraycopy(salt, 0, m, 8 + messageHash.length, salt.length);
    return sha256(m);
  }

  private static byte[] mgf1(byte[] seed, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int counter = 0; out.size() < length; counter++) {
      byte[] block = Arrays.copyOf(seed, seed.length + 4);
      block[seed.length] = (byte) (counter >>> 24);
      block[seed.length + 1] = (byte) (counter >>> 16);
      block[seed.length + 2] = (byte) (counter >>> 8);
      block[seed.length + 3] = (byte) counter;
      out.writeBytes(sha256(block));
    }
    return Arrays.copyOf(out.toByteArray(), length);
  }

  private static byte[] replaceAll(byte[] haystack, byte[] needle, byte[] replacement) {
    byte[] out = haystack.clone();
    for (int i = 0; i + needle.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + needle.length, needle, 0, needle.length)) {
        System.arraycopy(replacement, 0, out, i, replacement.length);
        i += needle.length - 1;
      }
    }
    return out;
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }

  /** Big-endian, left-padded with zeros to {@code length} bytes. */
  private static byte[] fixed(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == length) {
      return bytes;
    }
    byte[] out = new byte[length];
    int copy = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return out;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
