package io.tokenbroker.system.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IAM contract's evaluator: IAM's rules for the features it implements, errors for others. */
class IamPolicyTest {

  private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234";

  private static IamPolicy policy(Map<String, Object> statement) {
    return IamPolicy.of("test", List.of(Map.of("Statement", List.of(statement))));
  }

  private static RecordedCall call(String action, String resource) {
    return new RecordedCall("p", action, resource, null, Map.of(), List.of());
  }

  private static RecordedCall onKey(String action, Map<String, String> tags) {
    return new RecordedCall("p", action, KEY, tags, Map.of(), List.of());
  }

  private static RecordedCall creating(Map<String, String> tags) {
    return new RecordedCall("p", "kms:CreateKey", "*", null, tags, List.copyOf(tags.keySet()));
  }

  @Test
  void allowsByActionAndResourceWildcardsAndNothingElse() {
    IamPolicy p =
        policy(
            Map.of(
                "Sid", "S",
                "Effect", "Allow",
                "Action", List.of("dynamodb:Get*"),
                "Resource", "arn:aws:dynamodb:*:*:table/t-?"));

    assertThat(p.evaluate(call("dynamodb:GetItem", "arn:aws:dynamodb:r:a:table/t-1")).allowed())
        .isTrue();
    assertThat(p.evaluate(call("DynamoDB:getitem", "arn:aws:dynamodb:r:a:table/t-1")).allowed())
        .as("actions ignore case")
        .isTrue();
    assertThat(p.evaluate(call("dynamodb:PutItem", "arn:aws:dynamodb:r:a:table/t-1")).allowed())
        .isFalse();
    assertThat(p.evaluate(call("dynamodb:GetItem", "arn:aws:dynamodb:r:a:table/t-12")).allowed())
        .isFalse();
    assertThat(p.evaluate(call("dynamodb:GetItem", "arn:aws:dynamodb:r:a:table/T-1")).allowed())
        .as("resources do not ignore case")
        .isFalse();
  }

  @Test
  void anExplicitDenyWins() {
    IamPolicy p =
        IamPolicy.of(
            "test",
            List.of(
                Map.of(
                    "Statement",
                    List.of(
                        Map.of("Effect", "Allow", "Action", "kms:*", "Resource", "*"),
                        Map.of("Effect", "Deny", "Action", "kms:Sign", "Resource", KEY)))));

    assertThat(p.evaluate(onKey("kms:Sign", Map.of())).allowed()).isFalse();
    assertThat(p.evaluate(onKey("kms:Verify", Map.of())).allowed()).isTrue();
  }

  @Test
  void resourceTagConditionNeedsTheTagWithThatValue() {
    IamPolicy p =
        policy(
            Map.of(
                "Effect", "Allow",
                "Action", "kms:Sign",
                "Resource", "arn:aws:kms:us-east-1:123456789012:key/*",
                "Condition",
                    Map.of("StringEquals", Map.of("aws:ResourceTag/token-broker", "stack"))));

    assertThat(p.evaluate(onKey("kms:Sign", Map.of("token-broker", "stack"))).allowed()).isTrue();
    assertThat(p.evaluate(onKey("kms:Sign", Map.of("token-broker", "other"))).allowed()).isFalse();
    assertThat(p.evaluate(onKey("kms:Sign", Map.of())).allowed()).isFalse();
  }

  @Test
  void requestTagsMustCarryTheTagAndNoOtherKey() {
    IamPolicy p =
        policy(
            Map.of(
                "Effect", "Allow",
                "Action", "kms:CreateKey",
                "Resource", "*",
                "Condition",
                    Map.of(
                        "StringEquals", Map.of("aws:RequestTag/token-broker", "stack"),
                        "ForAllValues:StringEquals",
                            Map.of("aws:TagKeys", List.of("token-broker")))));

    assertThat(p.evaluate(creating(Map.of("token-broker", "stack"))).allowed()).isTrue();
    assertThat(p.evaluate(creating(Map.of("token-broker", "stack", "x", "y"))).allowed()).isFalse();
    assertThat(p.evaluate(creating(Map.of())).allowed()).isFalse();
  }

  @Test
  void forAllValuesHoldsWhenTheRequestHasNoTags() {
    IamPolicy p =
        policy(
            Map.of(
                "Effect", "Allow",
                "Action", "kms:CreateKey",
                "Resource", "*",
                "Condition",
                    Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of("a")))));

    assertThat(p.evaluate(creating(Map.of())).allowed()).isTrue();
  }

  @Test
  void refusesFeaturesItDoesNotImplementInsteadOfPassingThem() {
    Map<String, Object> notAction =
        Map.of("Effect", "Allow", "NotAction", "kms:Sign", "Resource", "*");
    Map<String, Object> notResource =
        Map.of("Effect", "Allow", "Action", "kms:Sign", "NotResource", "*");
    Map<String, Object> operator =
        Map.of(
            "Effect", "Allow",
            "Action", "kms:Sign",
            "Resource", "*",
            "Condition", Map.of("StringLike", Map.of("aws:ResourceTag/x", "y*")));
    Map<String, Object> key =
        Map.of(
            "Effect", "Allow",
            "Action", "kms:Sign",
            "Resource", "*",
            "Condition", Map.of("StringEquals", Map.of("kms:CallerAccount", "1")));

    for (Map<String, Object> statement : List.of(notAction, notResource, operator, key)) {
      assertThatThrownBy(() -> policy(statement))
          .as(statement.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not supported");
    }
  }

  @Test
  void listsEveryAllowGrant() {
    IamPolicy p =
        policy(
            Map.of(
                "Sid",
                "S",
                "Effect",
                "Allow",
                "Action",
                List.of("dynamodb:GetItem", "dynamodb:PutItem"),
                "Resource",
                List.of("a", "b")));

    assertThat(p.grants()).hasSize(4).contains(new IamPolicy.Grant("S", "dynamodb:PutItem", "b"));
    assertThat(p.evaluate(call("dynamodb:PutItem", "b")).grants())
        .containsExactly(new IamPolicy.Grant("S", "dynamodb:PutItem", "b"));
  }
}
