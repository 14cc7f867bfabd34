package io.tokenbroker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.adapters.dynamodb.BrokerTables;
import io.tokenbroker.adapters.provisioning.BrokerProvisioner;
import io.tokenbroker.devsupport.LocalAws;
import io.tokenbroker.devsupport.MotoExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Region and profile come from the SDK's sources (--region, AWS_REGION, the profile's region in the
 * config file; --profile, AWS_PROFILE), not a fixed default: tables that exist only in eu-west-1 on
 * moto are found exactly when the chosen region is eu-west-1.
 */
@ExtendWith(MotoExtension.class)
class BrokerctlRegionIT {

  private static LocalAws aws;
  private static BrokerTables tables;
  @TempDir static Path dir;
  private static Path config;

  @BeforeAll
  static void setUp(LocalAws local) throws Exception {
    aws = local;
    tables = BrokerTables.withPrefix(local.prefix() + "eu-");
    try (DynamoDbClient euWest =
        DynamoDbClient.builder()
            .endpointOverride(local.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      new BrokerProvisioner(euWest).createTables(tables);
    }
    config =
        Files.writeString(
            dir.resolve("config"),
            "[default]\nregion = us-west-2\n\n[profile ops]\nregion = eu-west-1\n");
  }

  /** brokerctl on the eu-west-1 tables, with {@code env} as its environment. */
  private static Cli.Run brokerctl(Map<String, String> env, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                aws.endpoint().toString(),
                "--clients-table",
                tables.clients(),
                "--audit-table",
                tables.audit()));
    all.addAll(List.of(args));
    return Cli.execute(env, all.toArray(String[]::new));
  }

  private static Map<String, String> withConfig(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(more);
    env.put("AWS_CONFIG_FILE", config.toString());
    return env;
  }

  @Test
  void takesTheRegionFromTheProfileNamedByOptionOrEnvironment() {
    assertThat(brokerctl(withConfig(Map.of()), "--profile", "ops", "clients", "list").exit())
        .isZero();
    assertThat(brokerctl(withConfig(Map.of("AWS_PROFILE", "ops")), "clients", "list").exit())
        .isZero();
    // the default profile's region is us-west-2, where these tables do not exist
    Cli.Run defaultProfile = brokerctl(withConfig(Map.of()), "clients", "list");
    assertThat(defaultProfile.exit()).isEqualTo(1);
    assertThat(defaultProfile.err()).contains("ResourceNotFoundException");
  }

  @Test
  void letsRegionOptionThenAwsRegionWinOverTheProfile() {
    Map<String, String> ops = withConfig(Map.of("AWS_PROFILE", "ops"));

    assertThat(brokerctl(ops, "--region", "us-east-1", "clients", "list").exit()).isEqualTo(1);
    assertThat(
            brokerctl(
                    withConfig(Map.of("AWS_PROFILE", "ops", "AWS_REGION", "us-east-1")),
                    "clients",
                    "list")
                .exit())
        .isEqualTo(1);
    assertThat(brokerctl(withConfig(Map.of("AWS_REGION", "eu-west-1")), "clients", "list").exit())
        .isZero();
  }

  @Test
  void refusesAnUnresolvableRegionAsAUsageErrorBeforeCallingAws() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty-config"), "");

    Cli.Run run =
        Cli.execute(
            Map.of("AWS_CONFIG_FILE", empty.toString()),
            "--clients-table",
            "some-clients-table",
            "clients",
            "list");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "brokerctl: no AWS region: give --region, set AWS_REGION or AWS_DEFAULT_REGION, or"
                + " set region in profile default of "
                + empty)
        .contains("Usage: ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void refusesAProfileTheConfigFileDoesNotHave() {
    Cli.Run run = brokerctl(withConfig(Map.of()), "--profile", "nope", "clients", "list");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("brokerctl: no profile nope in " + config);
  }

  /** The AWS CLI's variable, after AWS_REGION. */
  @Test
  void takesAwsDefaultRegionAfterAwsRegion() {
    assertThat(
            brokerctl(withConfig(Map.of("AWS_DEFAULT_REGION", "eu-west-1")), "clients", "list")
                .exit())
        .isZero();
    assertThat(
            brokerctl(
                    withConfig(
                        Map.of("AWS_DEFAULT_REGION", "eu-west-1", "AWS_REGION", "us-east-1")),
                    "clients",
                    "list")
                .exit())
        .isEqualTo(1);
  }

  /** As the SDK reads them: a profile may live in the credentials file only. */
  @Test
  void acceptsAProfileDefinedOnlyInTheCredentialsFile() throws Exception {
    Path credentials =
        Files.writeString(
            dir.resolve("credentials"),
            "[keys-only]\naws_access_key_id = test\naws_secret_access_key = test\n");
    Map<String, String> env =
        withConfig(Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.toString()));

    Cli.Run run = brokerctl(env, "--profile", "keys-only", "clients", "list");
    Cli.Run unknown = brokerctl(env, "--profile", "nope", "clients", "list");

    // no region in either file: the local endpoint's us-east-1, where these tables do not exist
    assertThat(run.err()).doesNotContain("no profile").contains("ResourceNotFoundException");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err())
        .startsWith("brokerctl: no profile nope in " + config + " or " + credentials);
  }
}
