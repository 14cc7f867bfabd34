package io.tokenbroker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenbroker.auth.AuthMethod;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.errors.ServiceFailure;
import io.tokenbroker.refresh.RefreshFamily;
import io.tokenbroker.refresh.RefreshTokenStore;
import io.tokenbroker.refresh.RefreshTokens;
import io.tokenbroker.revocation.RevocationRepository;
import io.tokenbroker.testing.BrokerKit;
import io.tokenbroker.testing.Clients;
import io.tokenbroker.testing.InMemoryClientRepository;
import io.tokenbroker.verify.HoneytokenPresented;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The honeytoken minter: only a registered decoy client gets a decoy, and a decoy is dead (marked
 * honeytoken) from before its issuance is recorded, so no verifier ever accepts it.
 */
class HoneytokenMinterTest {

  private static final String OPERATOR = "arn:aws:sts::123456789012:assumed-role/ops/s1";

  private final BrokerKit kit = new BrokerKit();
  private final InMemoryClientRepository clients = new InMemoryClientRepository();
  private final HoneytokenMinter minter =
      new HoneytokenMinter(
          clients,
          kit.minter,
          kit.issuances,
          kit.refreshTokens,
          kit.revocations,
          BrokerKit.MAX_LIFETIME,
          Duration.ofDays(90),
          new SecureRandom());

  HoneytokenMinterTest() {
    Map<String, Object> decoy = Clients.json("decoy");
    decoy.put("iam_roles", java.util.List.of("arn:aws:iam::123456789012:role/decoy"));
    decoy.put("decoy", true);
    clients.add(Clients.parse(decoy));
    clients.add(BrokerKit.client("workload", true, false));
  }

  private HoneytokenMinter.Minted mint(String clientId, HoneytokenMinter.Kind kind) {
    return minter.mint(clientId, kind, Duration.ofDays(400), OPERATOR, kit.origin);
  }

  @Test
  void anAccessDecoyIsSignedRecordedAsAHoneytokenAndRefusedByTheVerifier() {
    HoneytokenMinter.Minted minted = mint("decoy", HoneytokenMinter.Kind.ACCESS);

    assertThat(kit.issuances.find(minted.jti()))
        .hasValueSatisfying(
            issuance -> {
              assertThat(issuance.authMethod()).isEqualTo(AuthMethod.HONEYTOKEN);
              assertThat(issuance.callerIdentity()).isEqualTo(OPERATOR);
            });
    assertThatThrownBy(() -> kit.anyAudience.verify(minted.accessToken()))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            rejected ->
                assertThat(rejected.rejectionReason())
                    .isEqualTo(new HoneytokenPresented(minted.jti(), "decoy", Optional.empty())));
    assertThat(minted.refreshToken()).isEmpty();
    assertThat(minted.toString()).doesNotContain(minted.accessToken());
  }

  @Test
  void aRefreshDecoysFamilyIsAHoneytokenForAsLongAsAsked() {
    HoneytokenMinter.Minted minted = mint("decoy", HoneytokenMinter.Kind.REFRESH);

    assertThat(minted.refreshToken()).hasValueSatisfying(t -> assertThat(t).startsWith("tbr_"));
    assertThat(kit.refreshTokens.find(RefreshTokens.hash(minted.refreshToken().get()))).isPresent();
    assertThat(kit.revocations.familyStatus("decoy", minted.familyId().get()).honeytoken())
        .isTrue();
    assertThat(minted.watchedUntil()).isAfter(kit.clock.instant().plus(Duration.ofDays(399)));
  }

  @Test
  void refusesAClientThatIsNoDecoyOrUnknownAndWritesNothing() {
    assertThatThrownBy(() -> mint("workload", HoneytokenMinter.Kind.REFRESH))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e ->
                assertThat(e.rejectionReason())
                    .isEqualTo(HoneytokenReason.HONEYTOKEN_CLIENT_NOT_DECOY));
    assertThatThrownBy(() -> mint("nobody", HoneytokenMinter.Kind.ACCESS))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            e ->
                assertThat(e.rejectionReason())
                    .isEqualTo(HoneytokenReason.HONEYTOKEN_CLIENT_UNKNOWN));
    assertThatThrownBy(
            () ->
                minter.mint(
                    "decoy",
                    HoneytokenMinter.Kind.REFRESH,
                    Duration.ofDays(401),
                    OPERATOR,
                    kit.origin))
        .isInstanceOf(RequestRejected.class);

    assertThat(kit.issuances.all()).isEmpty();
    assertThat(kit.revocations.reads()).isZero();
  }

  /** The mark comes first: a decoy whose mark cannot be written is never recorded, nor given. */
  @Test
  void aDecoyIsRecordedOnlyOnceItsHoneytokenMarkIsWritten() {
    kit.revocations.failing(true);

    assertThatThrownBy(() -> mint("decoy", HoneytokenMinter.Kind.ACCESS))
        .isInstanceOf(ServiceFailure.class);
    assertThatThrownBy(() -> mint("decoy", HoneytokenMinter.Kind.REFRESH))
        .isInstanceOf(ServiceFailure.class);

    assertThat(kit.issuances.all()).isEmpty();
  }

  /**
   * A refresh decoy's family mark comes before its family: if only that write fails, no family,
   * refresh token or access record exists, so no live refresh decoy is ever left behind.
   */
  @Test
  void aRefreshDecoysFamilyIsStartedOnlyOnceItsFamilyMarkIsWritten() {
    RevocationRepository familyWriteFails =
        proxy(
            RevocationRepository.class,
            kit.revocations,
            (method, args) -> {
              if (method.getName().equals("revokeFamily")) {
                throw new ServiceFailure("dynamodb", "injected", true, null);
              }
            });
    List<String> started = new ArrayList<>();
    RefreshTokenStore recordingStore =
        proxy(
            RefreshTokenStore.class,
            kit.refreshTokens,
            (method, args) -> {
              if (method.getName().equals("startFamily")) {
                started.add(((RefreshFamily) args[0]).id());
              }
            });
    HoneytokenMinter minterWhoseFamilyMarkFails =
        new HoneytokenMinter(
            clients,
            kit.minter,
            kit.issuances,
            recordingStore,
            familyWriteFails,
            BrokerKit.MAX_LIFETIME,
            Duration.ofDays(90),
            new SecureRandom());

    assertThatThrownBy(
            () ->
                minterWhoseFamilyMarkFails.mint(
                    "decoy",
                    HoneytokenMinter.Kind.REFRESH,
                    Duration.ofDays(400),
                    OPERATOR,
                    kit.origin))
        .isInstanceOf(ServiceFailure.class);

    assertThat(started).isEmpty();
    assertThat(kit.issuances.all()).isEmpty();
  }

  private interface BeforeCall {
    void check(Method method, Object[] args);
  }

  /** {@code target} behind {@code type}, with {@code before} run ahead of every call. */
  private static <T> T proxy(Class<T> type, T target, BeforeCall before) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              before.check(method, args);
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }
}
