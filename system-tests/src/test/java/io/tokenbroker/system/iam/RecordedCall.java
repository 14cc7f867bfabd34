package io.tokenbroker.system.iam;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * One AWS call as dev-support's AwsCallRecorder wrote it: who made it and what IAM authorizes.
 *
 * @param principal a handler class from template.yaml, or {@code brokerctl}
 * @param action e.g. {@code dynamodb:GetItem}
 * @param resource an ARN, or {@code *}
 * @param resourceTags the KMS key's tags at call time; null if the resource is not a key
 * @param requestTags tags the request sets (CreateKey, TagResource)
 * @param tagKeys the keys of {@code requestTags} ({@code aws:TagKeys})
 */
public record RecordedCall(
    String principal,
    String action,
    String resource,
    Map<String, String> resourceTags,
    Map<String, String> requestTags,
    List<String> tagKeys) {

  @SuppressWarnings("unchecked")
  static RecordedCall parse(String line) {
    try {
      Map<String, Object> json = JSONObjectUtils.parse(line);
      Object resourceTags = json.get("resourceTags");
      Object requestTags = json.get("requestTags");
      Object tagKeys = json.get("tagKeys");
      return new RecordedCall(
          (String) json.get("principal"),
          (String) json.get("action"),
          (String) json.get("resource"),
          resourceTags == null ? null : strings((Map<String, Object>) resourceTags),
          requestTags == null ? Map.of() : strings((Map<String, Object>) requestTags),
          tagKeys == null
              ? List.of()
              : ((List<Object>) tagKeys).stream().map(String::valueOf).toList());
    } catch (ParseException e) {
      throw new IllegalStateException("not a recorded call: " + line, e);
    }
  }

  private static Map<String, String> strings(Map<String, Object> json) {
    Map<String, String> map = new TreeMap<>();
    json.forEach((k, v) -> map.put(k, String.valueOf(v)));
    return map;
  }

  /** The same call with its resource ARN and tag values rewritten. */
  RecordedCall rewritten(UnaryOperator<String> resource, UnaryOperator<String> tagValue) {
    return new RecordedCall(
        principal,
        action,
        resource.apply(this.resource),
        resourceTags == null ? null : rewrite(resourceTags, tagValue),
        rewrite(requestTags, tagValue),
        tagKeys);
  }

  private static Map<String, String> rewrite(Map<String, String> tags, UnaryOperator<String> f) {
    Map<String, String> map = new TreeMap<>();
    tags.forEach((k, v) -> map.put(k, f.apply(v)));
    return map;
  }

  @Override
  public String toString() {
    return principal
        + " "
        + action
        + " on "
        + resource
        + (resourceTags == null ? "" : " (key tags " + resourceTags + ")")
        + (requestTags.isEmpty() ? "" : " (request tags " + requestTags + ")");
  }
}
