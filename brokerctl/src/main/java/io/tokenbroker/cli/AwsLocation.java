package io.tokenbroker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;

/**
 * Which AWS region and profile brokerctl works in, as the SDK's chains would choose them, from the
 * environment brokerctl was given: the profile is --profile, else AWS_PROFILE, else {@code
 * default}; the region is --region, else AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's), else
 * the profile's {@code region} in the config file (AWS_CONFIG_FILE, else ~/.aws/config). A profile
 * may be defined in the config file or only in the credentials file (AWS_SHARED_CREDENTIALS_FILE,
 * else ~/.aws/credentials), as the SDK reads them together. Instance metadata is not asked (the
 * SDK's last resort): on a workstation it only times out.
 */
final class AwsLocation {

  private AwsLocation() {}

  /** --profile, else AWS_PROFILE, else empty (the default profile). */
  static Optional<String> profile(String option, Map<String, String> environment) {
    return Optional.ofNullable(option).or(() -> nonBlank(environment.get("AWS_PROFILE")));
  }

  /**
   * The region, if any source names one.
   *
   * @throws IllegalArgumentException if a profile was named that neither file has
   */
  static Optional<String> region(
      String option, Optional<String> profile, Map<String, String> environment) {
    if (option != null) {
      return Optional.of(option);
    }
    Optional<String> variable =
        nonBlank(environment.get("AWS_REGION"))
            .or(() -> nonBlank(environment.get("AWS_DEFAULT_REGION")));
    if (variable.isPresent()) {
      return variable;
    }
    Path config = configFile(environment);
    Path credentials = credentialsFile(environment);
    ProfileFile file =
        ProfileFile.aggregator()
            .addFile(read(config, ProfileFile.Type.CONFIGURATION))
            .addFile(read(credentials, ProfileFile.Type.CREDENTIALS))
            .build();
    String name = profile.orElse("default");
    var found = file.profile(name);
    if (found.isEmpty() && profile.isPresent()) {
      throw new IllegalArgumentException(
          "no profile " + name + " in " + config + " or " + credentials);
    }
    return found.flatMap(p -> p.property(ProfileProperty.REGION)).flatMap(AwsLocation::nonBlank);
  }

  /** AWS_CONFIG_FILE, else ~/.aws/config (where the SDK looks). */
  static Path configFile(Map<String, String> environment) {
    return nonBlank(environment.get("AWS_CONFIG_FILE"))
        .map(
            f -> Path.of(f.startsWith("~/") ? System.getProperty("user.home") + f.substring(1) : f))
        .orElse(Path.of(System.getProperty("user.home"), ".aws", "config"));
  }

  /** AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials (where the SDK looks). */
  static Path credentialsFile(Map<String, String> environment) {
    return nonBlank(environment.get("AWS_SHARED_CREDENTIALS_FILE"))
        .map(AwsLocation::home)
        .orElse(Path.of(System.getProperty("user.home"), ".aws", "credentials"));
  }

  private static Path home(String file) {
    return Path.of(
        file.startsWith("~/") ? System.getProperty("user.home") + file.substring(1) : file);
  }

  private static ProfileFile read(Path path, ProfileFile.Type type) {
    return Files.isRegularFile(path)
        ? ProfileFile.builder().content(path).type(type).build()
        : ProfileFile.builder()
            .content(new java.io.ByteArrayInputStream(new byte[0]))
            .type(type)
            .build();
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }
}
