package io.tokenbroker.cli;

import io.tokenbroker.adapters.wiring.BrokerAdapters;
import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.errors.RequestRejected;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.operator.OperatorRevocations;
import io.tokenbroker.telemetry.Telemetry;
import io.tokenbroker.tokens.Issuance;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code brokerctl revoke token|client|key}: operator revocations, in effect within seconds. Each
 * looks its identifier up first, so that a typo is refused instead of acknowledged: a revocation of
 * something that was never there would revoke nothing while the operator believes otherwise.
 */
@Command(
    name = "revoke",
    description =
        "Revoke a token (by jti), every token of a client issued until now, or every token a"
            + " signing key signed. Authorizers see it within their revocation bound"
            + " (REVOCATION_CACHE_SECONDS, default 5 s).",
    subcommands = {
      RevokeCommand.Token.class,
      RevokeCommand.ClientTokens.class,
      RevokeCommand.Key.class
    })
final class RevokeCommand {

  /** Records are kept until every token they cover has expired: the broker's longest lifetime. */
  private static final Duration LONGEST_TOKEN_LIFETIME = Duration.ofHours(1);

  @ParentCommand Brokerctl brokerctl;

  /** The revocation function's operator use case, over the same adapters. */
  OperatorRevocations revocations(BrokerAdapters adapters) {
    return revocations(adapters, kid -> adapters.keys(brokerctl.keysTable()).find(kid));
  }

  /** As {@link #revocations(BrokerAdapters)}, with the key row the caller has read already. */
  OperatorRevocations revocations(
      BrokerAdapters adapters, Function<String, Optional<SigningKey>> keys) {
    return new OperatorRevocations(
        adapters.issuances(brokerctl.issuancesTable()),
        adapters.revocations(brokerctl.revocationsTable()),
        keys,
        LONGEST_TOKEN_LIFETIME,
        Clock.systemUTC(),
        Telemetry.discard());
  }

  /**
   * An identifier no token can carry is a usage error (exit 2): nothing is looked up or written.
   */
  static void requireWellFormed(CommandSpec spec, Runnable rule) {
    try {
      rule.run();
    } catch (RequestRejected e) {
      throw new ParameterException(spec.commandLine(), e.description());
    }
  }

  /**
   * Nothing to revoke and no --force: says what was not found (exit 1, nothing revoked; the audit
   * trail records the refusal).
   */
  static OperatorRefusal refused(String notFound) {
    return new OperatorRefusal(notFound + "; nothing revoked (--force revokes it anyway)");
  }

  @Command(
      name = "token",
      description = {
        "Revoke one access token by its jti.",
        "The jti is looked up in the issuances table first. A jti with no issuance record (never"
            + " issued by this deployment, or its token expired long ago and the record is gone)"
            + " is refused unless --force: no live token can carry it."
      })
  static final class Token implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "JTI",
        description = "The token's jti. One that begins with '-' follows '--'.")
    String jti;

    @Option(names = "--force", description = "Revoke even without an issuance record.")
    boolean force;

    @Override
    public Integer call() {
      requireWellFormed(spec, () -> OperatorRevocations.requireWellFormedJti(jti));
      BrokerAdapters adapters = revoke.brokerctl.adapters();
      String said =
          revoke.brokerctl.audited(
              "revoke token",
              jti,
              () -> {
                Optional<Issuance> issued =
                    adapters.issuances(revoke.brokerctl.issuancesTable()).find(jti);
                if (issued.isEmpty() && !force) {
                  throw refused("no issuance record for " + jti);
                }
                revoke.revocations(adapters).revokeToken(jti, issued);
                return issued
                    .map(
                        i ->
                            "revoked token %s (issued to %s at %s)"
                                .formatted(jti, i.clientId(), i.issuedAt()))
                    .orElse("no issuance record for " + jti + "; revoked it anyway (--force)");
              },
              text -> text);
      spec.commandLine().getOut().println(said);
      return 0;
    }
  }

  @Command(
      name = "client",
      description = {
        "Revoke every token of a client issued until now.",
        "The client must be registered (enabled or disabled) in the clients table, unless --force."
      })
  static final class ClientTokens implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CLIENT_ID")
    String clientId;

    @Option(names = "--force", description = "Revoke even if no such client is registered.")
    boolean force;

    @Override
    public Integer call() {
      requireWellFormed(spec, () -> OperatorRevocations.requireWellFormedClientId(clientId));
      BrokerAdapters adapters = revoke.brokerctl.adapters();
      String said =
          revoke.brokerctl.audited(
              "revoke client",
              clientId,
              () -> {
                boolean registered =
                    adapters.clients(revoke.brokerctl.clientsTable()).find(clientId).isPresent();
                if (!registered && !force) {
                  throw refused("no client " + clientId + " in the clients table");
                }
                var watermark = revoke.revocations(adapters).revokeClient(clientId);
                return (registered ? "" : "no client " + clientId + " in the clients table; ")
                    + "revoked every token of "
                    + clientId
                    + " issued before "
                    + watermark
                    + (registered ? "" : " anyway (--force)");
              },
              text -> text);
      spec.commandLine().getOut().println(said);
      return 0;
    }
  }

  @Command(
      name = "key",
      description = {
        "Revoke every token a signing key (kid) signed.",
        "The kid must be in the keys table, unless --force (verifiers trust no key outside it)."
      })
  static final class Key implements Callable<Integer> {
    @ParentCommand RevokeCommand revoke;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "KID",
        description = "The key's kid. One that begins with '-' follows '--'.")
    String kid;

    @Option(names = "--force", description = "Revoke even if the keys table has no such kid.")
    boolean force;

    @Override
    public Integer call() {
      requireWellFormed(spec, () -> OperatorRevocations.requireWellFormedKid(kid));
      BrokerAdapters adapters = revoke.brokerctl.adapters();
      String said =
          revoke.brokerctl.audited(
              "revoke key",
              kid,
              () -> {
                var key = adapters.keys(revoke.brokerctl.keysTable()).find(kid);
                if (key.isEmpty() && !force) {
                  throw refused("no signing key " + kid + " in the keys table");
                }
                revoke.revocations(adapters, sameKid -> key).revokeKey(kid);
                return (key.isPresent() ? "" : "no signing key " + kid + " in the keys table; ")
                    + "revoked every token signed by "
                    + kid
                    + (key.isPresent() ? "" : " anyway (--force)");
              },
              text -> text);
      spec.commandLine().getOut().println(said);
      return 0;
    }
  }
}
