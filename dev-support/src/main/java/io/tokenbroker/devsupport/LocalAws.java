package io.tokenbroker.devsupport;

import java.net.URI;
import java.util.Map;

/**
 * Where a test (or the local server) finds AWS: an endpoint URL, region and credentials, plus a
 * resource-name prefix unique to its test class so that classes never see each other's tables.
 */
public record LocalAws(
    URI endpoint, String region, String accessKeyId, String secretAccessKey, String prefix) {

  /** The same endpoint with a resource prefix of its own: isolation for one test method. */
  public LocalAws fresh() {
    return new LocalAws(
        endpoint,
        region,
        accessKeyId,
        secretAccessKey,
        prefix + java.util.UUID.randomUUID().toString().substring(0, 6) + "-");
  }

  /** The variables the broker's configuration reads to reach this endpoint. */
  public Map<String, String> environment() {
    return Map.of(
        "AWS_ENDPOINT_URL", endpoint.toString(),
        "AWS_REGION", region,
        "AWS_ACCESS_KEY_ID", accessKeyId,
        "AWS_SECRET_ACCESS_KEY", secretAccessKey);
  }
}
