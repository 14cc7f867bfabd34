package io.tokenbroker.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenbroker.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A named profile is the identity that acts: keys the process itself carries (environment or system
 * properties, which brokerctl cannot remove from the SDK's view) must not win over it.
 */
class AwsSettingsProfileTest {

  @TempDir Path dir;

  @AfterEach
  void clear() {
    for (String property :
        new String[] {
          "aws.accessKeyId", "aws.secretAccessKey", "aws.sharedCredentialsFile", "aws.configFile"
        }) {
      System.clearProperty(property);
    }
  }

  @Test
  void takesCredentialsFromTheNamedProfileOverKeysTheProcessCarries() throws Exception {
    Path credentials =
        Files.writeString(
            dir.resolve("credentials"),
            "[operator]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n");
    Path config = Files.writeString(dir.resolve("config"), "");
    // The SDK's chain reads these before the profile, like AWS_ACCESS_KEY_ID in the real env.
    System.setProperty("aws.accessKeyId", "AKIDPROCESS");
    System.setProperty("aws.secretAccessKey", "s");
    System.setProperty("aws.sharedCredentialsFile", credentials.toString());
    System.setProperty("aws.configFile", config.toString());

    AwsSettings settings =
        AwsSettings.from(
            Env.of(Map.of("AWS_REGION", "us-east-1", "AWS_PROFILE", "operator")),
            ClientTimeouts.background());
    AwsSettings unnamed =
        AwsSettings.from(Env.of(Map.of("AWS_REGION", "us-east-1")), ClientTimeouts.background());

    assertThat(settings.credentials().resolveCredentials().accessKeyId()).isEqualTo("AKIDPROFILE");
    assertThat(unnamed.credentials().resolveCredentials().accessKeyId()).isEqualTo("AKIDPROCESS");
  }
}
