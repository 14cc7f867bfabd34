package io.tokenbroker.cli;

import io.tokenbroker.adapters.wiring.KeyRotationWiring;
import io.tokenbroker.errors.OperatorRefusal;
import io.tokenbroker.keys.KeyRotationService;
import io.tokenbroker.keys.SigningKey;
import io.tokenbroker.telemetry.Telemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code brokerctl keys list|rotate|compromise}: the signing-key lifecycle by hand. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Inspect and drive the signing-key lifecycle.",
    subcommands = {
      KeysCommand.ListKeys.class,
      KeysCommand.Rotate.class,
      KeysCommand.Compromise.class
    })
final class KeysCommand {

  @ParentCommand Brokerctl brokerctl;

  /**
   * The lifecycle with the template's defaults; pass the stack's settings through the environment
   * (KEY_ROTATION_PERIOD_HOURS, KEY_PUBLISH_LEAD_SECONDS, ...) if you changed them.
   */
  KeyRotationService rotation() {
    return KeyRotationWiring.fromEnvironment(
            brokerctl
                .env()
                .with(
                    Map.of(
                        "KEYS_TABLE", brokerctl.keysTable(),
                        "REVOCATIONS_TABLE", brokerctl.revocationsTable(),
                        "BROKER_NAME", brokerctl.deployment())),
            Clock.systemUTC(),
            Telemetry.discard())
        .rotation();
  }

  /** A run that found the lease held did nothing: a refusal (exit 1), recorded as one. */
  static KeyRotationService.RotationReport ran(
      KeyRotationService.RotationReport report, String advice) {
    if (!report.ran()) {
      throw new OperatorRefusal("another lifecycle run holds the lease; " + advice);
    }
    return report;
  }

  @Command(name = "list", description = "Every key: kid, state, algorithm, lifecycle times.")
  static final class ListKeys implements Callable<Integer> {
    @ParentCommand KeysCommand keys;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Override
    public Integer call() {
      var table = keys.brokerctl.adapters().keys(keys.brokerctl.keysTable());
      var out = spec.commandLine().getOut();
      List<SigningKey> all =
          table.findAll().stream().sorted(Comparator.comparing(SigningKey::createdAt)).toList();
      if (output.json()) {
        OutputFormat.printJson(out, Map.of("keys", all.stream().map(ListKeys::json).toList()));
        return 0;
      }
      TextTable text = new TextTable("KID", "STATE", "ALG", "CREATED", "ACTIVATED", "RETIRED");
      all.forEach(
          k ->
              text.row(
                  k.kid(),
                  k.state(),
                  k.algorithm(),
                  time(k.createdAt()),
                  time(k.activatedAt()),
                  time(k.retiredAt())));
      text.print(out);
      return 0;
    }

    /**
     * One key as {@code --output json} shows it: these names, in this order; a time the key has not
     * reached is null. The KMS key reference is not shown.
     */
    static Map<String, Object> json(SigningKey k) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kid", k.kid());
      json.put("state", k.state().name());
      json.put("alg", k.algorithm().getName());
      json.put("created_at", iso(k.createdAt()));
      json.put("activated_at", iso(k.activatedAt()));
      json.put("retired_at", iso(k.retiredAt()));
      json.put("withdrawn_at", iso(k.withdrawnAt()));
      return json;
    }

    private static String iso(Instant instant) {
      return instant == null ? null : instant.toString();
    }

    private static String time(Instant instant) {
      return instant == null ? "-" : instant.toString();
    }
  }

  @Command(
      name = "rotate",
      description =
          "Run one lifecycle step now. With --force the active key is treated as due: its successor"
              + " is published now and takes over once it has been published for the lead time"
              + " (run again then).")
  static final class Rotate implements Callable<Integer> {
    @ParentCommand KeysCommand keys;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--force", description = "Rotate early.")
    boolean force;

    @Override
    public Integer call() {
      var rotation = keys.rotation();
      var actions =
          keys.brokerctl.audited(
              force ? "keys rotate --force" : "keys rotate",
              "",
              () -> ran(rotation.rotate(force), "try again in a few minutes").actions(),
              done -> done.isEmpty() ? "nothing due" : String.join("; ", done));
      var out = spec.commandLine().getOut();
      if (actions.isEmpty()) {
        out.println("nothing due");
      }
      actions.forEach(out::println);
      return 0;
    }
  }

  @Command(
      name = "compromise",
      description =
          "The key's private half may be known: revoke every token it signed, unpublish and"
              + " disable it at once, and make a successor sign now.")
  static final class Compromise implements Callable<Integer> {
    @ParentCommand KeysCommand keys;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "KID")
    String kid;

    @Override
    public Integer call() {
      var rotation = keys.rotation();
      var actions =
          keys.brokerctl.audited(
              "keys compromise",
              kid,
              () -> ran(rotation.compromise(kid), "try again").actions(),
              done -> String.join("; ", done));
      actions.forEach(spec.commandLine().getOut()::println);
      return 0;
    }
  }
}
