package io.tokenbroker.cli;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.tokenbroker.clients.Client;
import io.tokenbroker.clients.ClientAdmin;
import io.tokenbroker.clients.ClientJson;
import io.tokenbroker.clients.InvalidClientPolicy;
import io.tokenbroker.config.BrokerConfig;
import io.tokenbroker.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
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

/** {@code brokerctl clients put|get|list|disable}. */
@Command(
    name = "clients",
    description = "Register, inspect and disable clients.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ClientsCommand.Put.class,
      ClientsCommand.Get.class,
      ClientsCommand.ListClients.class,
      ClientsCommand.Disable.class
    })
final class ClientsCommand {

  @ParentCommand Brokerctl brokerctl;

  ClientAdmin admin() {
    return new ClientAdmin(brokerctl.adapters().clients(brokerctl.clientsTable()));
  }

  @Command(
      name = "put",
      description =
          "Create or replace the registration(s) in FILE (one client, or {\"clients\": [...]}),"
              + " trust_policies (federation, docs/schemas/trust-policy.schema.json) included;"
              + " `trust-policy test` tries an outside token against them.")
  static final class Put implements Callable<Integer> {
    @ParentCommand ClientsCommand clients;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Registration JSON (see README, Clients).")
    Path file;

    @Option(
        names = "--add-key",
        paramLabel = "JWK_FILE",
        description =
            "Add the public half of this JWK or JWK set to the client's jwks (repeatable).")
    List<Path> keys = new ArrayList<>();

    @Override
    public Integer call() throws IOException, ParseException {
      List<Client> registrations = read();
      Duration cap =
          Brokerctl.brokerLimit(
              spec, () -> BrokerConfig.maxTokenLifetime(clients.brokerctl.brokerSettings()));
      refuseTheBrokersOwnIssuer(registrations);
      ClientAdmin admin = clients.admin();
      for (Client client : registrations) {
        Client stored =
            clients.brokerctl.audited(
                "clients put",
                client.clientId(),
                () -> admin.put(client),
                s -> "version " + s.version());
        spec.commandLine()
            .getOut()
            .println("stored " + stored.clientId() + " (version " + stored.version() + ")");
        warnOfCaps(stored, cap);
      }
      return 0;
    }

    /**
     * A trust policy naming this broker's own issuer would never be used (a broker token is
     * down-scoped or delegated, never federated) and says the operator meant something else:
     * refused before anything is stored, when brokerctl knows the issuer (ISSUER).
     */
    private void refuseTheBrokersOwnIssuer(List<Client> registrations) {
      String own;
      try {
        own = BrokerConfig.issuer(clients.brokerctl.brokerSettings()).toString();
      } catch (io.tokenbroker.errors.ConfigException unknown) {
        return;
      }
      for (Client client : registrations) {
        for (var policy : client.trustPolicies()) {
          if (policy.issuer().equals(own)) {
            throw new InvalidClientPolicy(
                client.clientId()
                    + ": trust_policies["
                    + policy.name()
                    + "]: issuer is this broker's own; its tokens are exchanged as broker tokens"
                    + " (down-scoping, delegation), never under a trust policy");
          }
        }
      }
    }

    /** The broker caps every token at its own longest lifetime, whatever the policy says. */
    private void warnOfCaps(Client client, Duration cap) {
      if (client.maxLifetime().compareTo(cap) > 0) {
        Brokerctl.warn(
            spec,
            client.clientId()
                + ": max_lifetime_seconds "
                + client.maxLifetime().toSeconds()
                + (client.defaultLifetime().compareTo(cap) > 0
                    ? " and default_lifetime_seconds " + client.defaultLifetime().toSeconds()
                    : "")
                + " exceed the broker's ACCESS_TOKEN_MAX_LIFETIME_SECONDS: its tokens live at most "
                + cap.toSeconds()
                + " s");
      }
    }

    private List<Client> read() throws IOException, ParseException {
      String text = Files.readString(file);
      if (keys.isEmpty()) {
        return ClientJson.parseAll(text);
      }
      Map<String, Object> json = Json.object(text);
      if (json.containsKey("clients")) {
        throw new InvalidClientPolicy("--add-key needs a file with a single client");
      }
      List<Object> jwks = new ArrayList<>();
      if (json.get("jwks") instanceof Map<?, ?> existing
          && existing.get("keys") instanceof List<?> list) {
        jwks.addAll(list);
      }
      for (Path keyFile : keys) {
        for (JWK key : readKeys(keyFile)) {
          jwks.add(key.toPublicJWK().toJSONObject());
        }
      }
      json.put("jwks", Map.of("keys", jwks));
      return List.of(ClientJson.fromJson(json, 0));
    }

    private static List<JWK> readKeys(Path keyFile) throws IOException, ParseException {
      Map<String, Object> json = Json.object(Files.readString(keyFile));
      return json.containsKey("keys") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
    }
  }

  @Command(
      name = "get",
      description =
          "Print a client's registration as JSON, in the format `clients put` reads (with either"
              + " --output), trust_policies included.")
  static final class Get implements Callable<Integer> {
    @ParentCommand ClientsCommand clients;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Parameters(paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    public Integer call() {
      Client client =
          clients
              .admin()
              .get(clientId)
              .orElseThrow(() -> new IllegalArgumentException("no such client: " + clientId));
      spec.commandLine().getOut().println(ClientJson.toJsonString(client));
      return 0;
    }
  }

  @Command(name = "list", description = "List clients: id, state, how they authenticate, scopes.")
  static final class ListClients implements Callable<Integer> {
    @ParentCommand ClientsCommand clients;
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin OutputFormat output;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      List<Client> all = clients.admin().list();
      if (output.json()) {
        OutputFormat.printJson(
            out, Map.of("clients", all.stream().map(ListClients::json).toList()));
        return 0;
      }
      TextTable table = new TextTable("CLIENT_ID", "STATE", "AUTH", "SCOPES");
      for (Client client : all) {
        List<String> auth = new ArrayList<>();
        if (!client.iamRoles().isEmpty()) {
          auth.add("iam:" + client.iamRoles().size());
        }
        if (!client.publicKeys().isEmpty()) {
          auth.add("jwks:" + client.publicKeys().size());
        }
        // RFC 8705: the certificate ways in, and tokens bound to the certificate
        client
            .certificates()
            .subject()
            .ifPresent(
                name ->
                    auth.add("tls:" + name.kind().field().substring("tls_client_auth_".length())));
        if (client.certificates().selfSigned()) {
          auth.add("self_signed_tls");
        }
        if (client.certificates().boundTokens()) {
          auth.add("cert-bound");
        }
        if (!client.trustPolicies().isEmpty()) {
          auth.add("trust:" + client.trustPolicies().size()); // federation
        }
        table.row(
            client.clientId(),
            client.enabled() ? "enabled" : "disabled",
            String.join(",", auth),
            String.join(" ", client.scopes()));
      }
      table.print(out);
      return 0;
    }

    /** One client as {@code --output json} shows it: these names, in this order. */
    static Map<String, Object> json(Client client) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("client_id", client.clientId());
      json.put("enabled", client.enabled());
      json.put("iam_roles", client.iamRoles().size());
      json.put("jwks_keys", client.publicKeys().getKeys().size());
      json.put("trust_policies", client.trustPolicies().size());
      json.put("scopes", List.copyOf(client.scopes()));
      json.put("audiences", List.copyOf(client.audiences()));
      json.put("version", client.version());
      return json;
    }
  }

  @Command(
      name = "disable",
      description =
          "Disable a client: it can no longer authenticate. Tokens it holds stay valid until they"
              + " expire or are revoked.")
  static final class Disable implements Callable<Integer> {
    @ParentCommand ClientsCommand clients;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    public Integer call() {
      Client client =
          clients.brokerctl.audited(
              "clients disable",
              clientId,
              () -> clients.admin().disable(clientId),
              c -> "disabled");
      spec.commandLine().getOut().println("disabled " + client.clientId());
      return 0;
    }
  }
}
