package io.tokenbroker.cli;

import io.tokenbroker.adapters.aws.AwsClients;
import io.tokenbroker.adapters.aws.AwsFailures;
import io.tokenbroker.adapters.aws.AwsSettings;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** The outputs of the broker's CloudFormation stack (DescribeStacks), for --stack-name. */
final class StackOutputs {

  private StackOutputs() {}

  /**
   * The stack's outputs by key.
   *
   * @throws IllegalArgumentException if there is no such stack in the region
   * @throws io.tokenbroker.errors.ServiceFailure if CloudFormation cannot answer
   */
  static Map<String, String> of(AwsSettings aws, String stackName) {
    try (CloudFormationClient cloudFormation =
        AwsClients.build(CloudFormationClient.builder(), aws)) {
      Stack stack = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().getFirst();
      Map<String, String> outputs = new TreeMap<>();
      for (Output output : stack.outputs()) {
        outputs.put(output.outputKey(), output.outputValue());
      }
      return outputs;
    } catch (AwsServiceException e) {
      // CloudFormation answers an unknown stack with a 400 ValidationError ("does not exist").
      if (e.statusCode() == 400 && "ValidationError".equals(AwsFailures.errorCode(e))) {
        throw new IllegalArgumentException(
            "no stack " + stackName + " in " + aws.region().id() + " (--stack-name, --region)");
      }
      throw AwsFailures.of("cloudformation", "DescribeStacks", e);
    } catch (SdkException e) {
      throw AwsFailures.of("cloudformation", "DescribeStacks", e);
    }
  }
}
