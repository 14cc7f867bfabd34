package io.tokenbroker.functions.revocation;

import static io.tokenbroker.functions.revocation.RevocationFixture.ASSERTIONS;
import static io.tokenbroker.functions.revocation.RevocationFixture.GRANTS;
import static io.tokenbroker.functions.revocation.RevocationFixture.OPERATOR;
import static io.tokenbroker.functions.revocation.RevocationFixture.PLACEHOLDERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tokenbroker.adapters.http.Form;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.json.Json;
import io.tokenbroker.testing.FuzzInput;
import io.tokenbroker.testing.InMemoryRevocations;
import io.tokenbroker.tokens.IssuedToken;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hostile revocation requests (the hardening issue): the form body of {@code POST /revoke} and
 * {@code /revoke/iam} (RFC 7009: {@code token}, {@code token_type_hint}, client authentication),
 * and of the operators' {@code POST /admin/revocations} ({@code jti}, {@code client_id} or {@code
 * kid}), through the real {@link RevocationHandler} over in-memory stores. Every run starts from
 * the same state (a copy of the minted fixture). Allowed outcomes: 200, or a 4xx OAuth error; never
 * a 500, never an unexpected exception. A client only ever revokes its own tokens; an operator
 * request changes state only if it is valid, and then exactly what it names.
 *
 * <p>The state is {@link RevocationFixture}'s: clients {@code alice} and {@code bob}, each with an
 * EC key, an IAM role and one grant; the clock at epoch 1800000000. Input ({@link FuzzInput}): the
 * mode byte picks the route and caller, the rest is the form body. Placeholders: {@code
 * $ALICE_ACCESS}, {@code $ALICE_REFRESH}, {@code $BOB_ACCESS}, {@code $BOB_REFRESH} (the tokens),
 * {@code $ALICE_ASSERTION}, {@code $BOB_ASSERTION} (valid client assertions), {@code $ALICE_JTI},
 * {@code $BOB_JTI} (the access tokens' jti) and {@code $KID} (the broker's signing key).
 */
class RevocationHandlerFuzzTest {

  /** What a well-formed operator request names: as the verifier reads tokens and keys. */
  static final int MAX_JTI_LENGTH = 256;

  static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /**
   * RFC 7009 revocation by a client. Mode: 0, {@code /revoke} (client assertion in the form); 1,
   * {@code /revoke/iam} as alice's role; 2, the same as bob's; 3, {@code /revoke/iam} without an
   * IAM identity.
   */
  @FuzzTest(maxDuration = "2m")
  void revoke(byte[] data) {
    FuzzInput input = FuzzInput.of(data, 4);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    Optional<String> caller =
        switch (input.mode()) {
          case 1 -> Optional.of("alice");
          case 2 -> Optional.of("bob");
          case 3 -> Optional.empty();
          default -> parameter(body, "client_assertion").map(ASSERTIONS::get);
        };
    RevocationFixture.Run run = RevocationFixture.Run.start();
    InMemoryRevocations.State before = run.kit().revocations.state();
    Set<String> familiesBefore = run.revokedFamilies();

    Map<String, Object> response =
        run.post(
            input.mode() == 0 ? "/revoke" : RevocationHandler.REVOKE_IAM,
            input.mode() == 1 || input.mode() == 2
                ? caller.map(RevocationFixture::callerArn)
                : Optional.empty(),
            body);

    InMemoryRevocations.State after = run.kit().revocations.state();
    if ((Long) response.get("statusCode") != 200) {
      assertThat(after).as("a refused request changed state").isEqualTo(before);
      assertThat(run.revokedFamilies()).isEqualTo(familiesBefore);
      return;
    }
    assertThat(response.get("body")).isEqualTo("");
    assertThat(caller).as("revocation accepted without client authentication").isPresent();
    IssuedToken own = GRANTS.get(caller.get());
    String ownFamily = own.record().sessionId().orElseThrow();
    // Whatever changed belongs to the caller: another client's token is never revoked.
    assertThat(difference(after.tokens(), before.tokens())).isSubsetOf(own.record().jti());
    assertThat(difference(after.families(), before.families())).isSubsetOf(ownFamily);
    assertThat(difference(run.revokedFamilies(), familiesBefore)).isSubsetOf(ownFamily);
    assertThat(after.keys()).isEqualTo(before.keys());
    assertThat(after.watermarks()).isEqualTo(before.watermarks());
    // And the caller's own token, if that is what it sent, is revoked now.
    Optional<String> token = parameter(body, "token");
    if (token.equals(Optional.of(own.accessToken()))) {
      assertThat(after.tokens()).contains(own.record().jti());
    }
    if (token.equals(own.refreshToken())) {
      assertThat(after.families()).contains(ownFamily);
      assertThat(run.revokedFamilies()).contains(ownFamily);
    }
  }

  /**
   * Operator revocation. Mode: 0, {@code /admin/revocations} with an operator's IAM identity; 1,
   * without one; 2, as a workload role (valid SigV4, not an operator).
   */
  @FuzzTest(maxDuration = "2m")
  void adminRevocation(byte[] data) throws ParseException {
    FuzzInput input = FuzzInput.of(data, 3);
    String body = FuzzInput.substitute(input.text(), PLACEHOLDERS);
    RevocationFixture.Run run = RevocationFixture.Run.start();
    InMemoryRevocations.State before = run.kit().revocations.state();
    Set<String> familiesBefore = run.revokedFamilies();

    Map<String, Object> response =
        run.post(
            RevocationHandler.ADMIN,
            switch (input.mode()) {
              case 0 -> Optional.of(OPERATOR);
              case 1 -> Optional.empty();
              default -> Optional.of(RevocationFixture.callerArn("alice"));
            },
            body);

    InMemoryRevocations.State after = run.kit().revocations.state();
    assertThat(run.revokedFamilies()).isEqualTo(familiesBefore);
    if ((Long) response.get("statusCode") != 200) {
      assertThat(after).as("a refused request changed state").isEqualTo(before);
      return;
    }
    assertThat(input.mode()).as("revocation accepted without an operator identity").isZero();
    Form form = Form.parse(body);
    Optional<String> jti = form.single("jti");
    Optional<String> clientId = form.single("client_id");
    Optional<String> kid = form.single("kid");
    assertThat(List.of(jti, clientId, kid)).filteredOn(Optional::isPresent).hasSize(1);
    Map<?, ?> revoked = (Map<?, ?>) Json.object((String) response.get("body")).get("revoked");
    // Exactly what the request named, and only something a token could carry.
    Set<String> tokens = new HashSet<>(before.tokens());
    Set<String> keys = new HashSet<>(before.keys());
    Set<String> watermarked = new HashSet<>(before.watermarks().keySet());
    if (jti.isPresent()) {
      assertThat(jti.get()).hasSizeLessThanOrEqualTo(MAX_JTI_LENGTH);
      assertThat(revoked.get("jti")).isEqualTo(jti.get());
      tokens.add(jti.get());
    } else if (clientId.isPresent()) {
      assertThat(clientId.get()).matches(CLIENT_ID);
      assertThat(revoked.get("client_id")).isEqualTo(clientId.get());
      watermarked.add(clientId.get());
    } else {
      assertThat(kid.get()).matches(KID);
      assertThat(revoked.get("kid")).isEqualTo(kid.get());
      keys.add(kid.get());
    }
    assertThat(after.tokens()).isEqualTo(tokens);
    assertThat(after.keys()).isEqualTo(keys);
    assertThat(after.watermarks().keySet()).isEqualTo(watermarked);
    assertThat(after.families()).isEqualTo(before.families());
  }

  /** A single form parameter as the handler reads it; empty if absent or the form is invalid. */
  static Optional<String> parameter(String body, String name) {
    try {
      return Form.parse(body).single(name);
    } catch (RequestRejected invalid) {
      return Optional.empty();
    }
  }

  static Set<String> difference(Set<String> after, Set<String> before) {
    Set<String> added = new HashSet<>(after);
    added.removeAll(before);
    return added;
  }
}
