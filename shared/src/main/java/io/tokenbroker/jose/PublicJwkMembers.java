package io.tokenbroker.jose;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A public RSA or EC JWK of string members only ({@code kty}, {@code kid}, {@code use}, {@code
 * alg}, and {@code n}/{@code e} or {@code crv}/{@code x}/{@code y}: what clients register), built
 * with Nimbus's key builders as {@code JWK.parse(Map)} builds it, without that parser: its getters
 * ({@code JSONObjectUtils}) start Nimbus's shaded Gson, about 160 classes in a cold start (issue
 * 13). Empty for any other key (another member, another type, a missing or unusable value), which
 * the caller leaves to Nimbus, so that Nimbus decides it (and words its refusal) as before.
 */
public final class PublicJwkMembers {

  private static final Set<String> RSA = Set.of("kty", "n", "e", "kid", "alg", "use");
  private static final Set<String> EC = Set.of("kty", "crv", "x", "y", "kid", "alg", "use");

  private PublicJwkMembers() {}

  /** Each key built here, or empty if any one of them is not for this class. */
  public static Optional<List<JWK>> all(List<?> keys) {
    List<JWK> built = new java.util.ArrayList<>(keys.size());
    for (Object key : keys) {
      if (!(key instanceof Map<?, ?> members)) {
        return Optional.empty();
      }
      Optional<JWK> jwk = of(members);
      if (jwk.isEmpty()) {
        return Optional.empty();
      }
      built.add(jwk.get());
    }
    return Optional.of(built);
  }

  /** The key, or empty if it is not one of string members of the sets above. */
  public static Optional<JWK> of(Map<?, ?> members) {
    Set<String> allowed =
        switch (String.valueOf(members.get("kty"))) {
          case "RSA" -> RSA;
          case "EC" -> EC;
          default -> Set.of();
        };
    if (!allowed.containsAll(members.keySet())) {
      return Optional.empty();
    }
    for (Object value : members.values()) {
      if (!(value instanceof String)) {
        return Optional.empty();
      }
    }
    String use = (String) members.get("use");
    String alg = (String) members.get("alg");
    String kid = (String) members.get("kid");
    try {
      if (members.get("kty").equals("RSA")) {
        if (!members.containsKey("n") || !members.containsKey("e")) {
          return Optional.empty();
        }
        return Optional.of(
            new RSAKey.Builder(base64Url(members, "n"), base64Url(members, "e"))
                .keyUse(use == null ? null : KeyUse.parse(use))
                .algorithm(alg == null ? null : Algorithm.parse(alg))
                .keyID(kid)
                .build());
      }
      if (!members.containsKey("crv") || !members.containsKey("x") || !members.containsKey("y")) {
        return Optional.empty();
      }
      return Optional.of(
          new ECKey.Builder(
                  Curve.parse((String) members.get("crv")),
                  base64Url(members, "x"),
                  base64Url(members, "y"))
              .keyUse(use == null ? null : KeyUse.parse(use))
              .algorithm(alg == null ? null : Algorithm.parse(alg))
              .keyID(kid)
              .build());
    } catch (java.text.ParseException | RuntimeException unusable) {
      return Optional.empty(); // Nimbus refuses it too, in its own words
    }
  }

  private static Base64URL base64Url(Map<?, ?> members, String name) {
    return new Base64URL((String) members.get(name));
  }
}
